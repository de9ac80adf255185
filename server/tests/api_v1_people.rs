//! The API's invitations and users: list, resend, revoke, change roles,
//! remove, through the same services as Manage access; another
//! organization's ids are 404 and change nothing.

use axum::body::Body;
use axum::http::Request;

use crate::common::TestApp;
use std::ops::Not;

use app::both_engines;
use app::domain::Role;
use app::services::testing::{self, TestDb};
use app::services::tokens::{self, TokenRequest};

fn call(method: &str, path: &str, token: &str, body: Option<&str>) -> Request<Body> {
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {token}"));
    if body.is_some() {
        request = request.header("content-type", "application/json");
    }
    request
        .body(Body::from(body.unwrap_or_default().to_owned()))
        .expect("request")
}

async fn token_for(app: &TestApp, user_id: i64) -> String {
    let owner = testing::actor(&app.user(user_id).await);
    let roles = owner.user.roles.clone();
    let request = TokenRequest {
        name: "script",
        expires_days: 30,
        roles: &roles,
    };
    tokens::create(&app.state, &owner, &request)
        .await
        .expect("token")
        .secret
}

async fn exists(app: &TestApp, user_id: i64) -> bool {
    app::services::current_user::load(&app.state, user_id)
        .await
        .expect("load")
        .is_some()
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).expect("json")
}

async fn a_script_manages_invitations_and_users(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry = app.sign_up_harry().await;
    let token = token_for(&app, harry).await;
    let ana = r#"{"email": "ana@contoso.com", "first_name": "Ana", "last_name": "Bell",
        "roles": ["account_viewer"]}"#;
    let made = app
        .send(call("POST", "/api/v1/invitations", &token, Some(ana)))
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let first = json(&made.body)["id"].as_i64().expect("id");

    let listed = app
        .send(call("GET", "/api/v1/invitations", &token, None))
        .await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let listed = json(&listed.body);
    assert_eq!(listed["invitations"][0]["email"], "ana@contoso.com");
    assert_eq!(listed["invitations"][0]["status"], "invited");

    let resent = app
        .send(call(
            "POST",
            &format!("/api/v1/invitations/{first}/resend"),
            &token,
            None,
        ))
        .await;
    assert_eq!(resent.status, 200, "{}: {}", app.t.engine, resent.body);
    let second = json(&resent.body)["id"].as_i64().expect("id");
    assert_ne!(second, first, "a new invitation, a new link");
    let revoked = app
        .send(call(
            "DELETE",
            &format!("/api/v1/invitations/{second}"),
            &token,
            None,
        ))
        .await;
    assert_eq!(revoked.status, 204, "{}", revoked.body);
    let listed = app
        .send(call("GET", "/api/v1/invitations", &token, None))
        .await;
    assert!(listed.body.contains("\"revoked\""), "{}", listed.body);

    // Bob joins; the script changes his roles, then removes him.
    let harry_user = app.user(harry).await;
    let (bob, _) = app
        .signed_in_member(&harry_user, "bob@contoso.com", &[Role::ReportViewer])
        .await;
    let roles = r#"{"roles": ["account_viewer", "report_viewer"]}"#;
    let changed = app
        .send(call(
            "PUT",
            &format!("/api/v1/users/{}/roles", bob.id),
            &token,
            Some(roles),
        ))
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(
        json(&changed.body)["roles"],
        serde_json::json!(["report_viewer", "account_viewer"])
    );
    let own = app
        .send(call(
            "PUT",
            &format!("/api/v1/users/{harry}/roles"),
            &token,
            Some(roles),
        ))
        .await;
    assert_eq!(own.status, 403, "nobody changes their own: {}", own.body);
    let removed = app
        .send(call(
            "DELETE",
            &format!("/api/v1/users/{}", bob.id),
            &token,
            None,
        ))
        .await;
    assert_eq!(removed.status, 204, "{}", removed.body);
    assert!(exists(&app, bob.id).await.not());

    // Fabrikam's token finds none of Contoso's ids.
    let olga = app.sign_up_olga().await;
    let theirs = token_for(&app, olga).await;
    for (method, path) in [
        ("POST", format!("/api/v1/invitations/{first}/resend")),
        ("DELETE", format!("/api/v1/invitations/{first}")),
        ("DELETE", format!("/api/v1/users/{harry}")),
    ] {
        let reply = app.send(call(method, &path, &theirs, None)).await;
        assert_eq!(reply.status, 404, "{method} {path}: {}", reply.body);
    }
    let reply = app
        .send(call(
            "PUT",
            &format!("/api/v1/users/{harry}/roles"),
            &theirs,
            Some(roles),
        ))
        .await;
    assert_eq!(reply.status, 404, "{}", reply.body);
    assert!(exists(&app, harry).await, "Harry is still there");
    app.close().await;
}
both_engines!(a_script_manages_invitations_and_users);
