//! The public JSON API through the real router: bearer tokens only, the
//! roles module deciding, problem+json errors.

use axum::body::Body;
use axum::http::Request;

use crate::common::{Reply, TestApp};
use app::both_engines;
use app::domain::Role;
use app::services::testing::{self, TestDb};
use app::services::tokens::{self, TokenRequest};

pub(crate) fn call(
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> Request<Body> {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    if body.is_some() {
        request = request.header("content-type", "application/json");
    }
    request
        .body(Body::from(body.unwrap_or_default().to_owned()))
        .expect("request")
}

pub(crate) async fn token_for(app: &TestApp, user_id: i64, roles: &[Role]) -> String {
    let owner = testing::actor(&app.user(user_id).await);
    let request = TokenRequest {
        name: "script",
        expires_days: 30,
        roles,
    };
    tokens::create(&app.state, &owner, &request)
        .await
        .expect("token")
        .secret
}

fn problem(reply: &Reply) -> serde_json::Value {
    assert_eq!(
        reply.header("content-type"),
        Some("application/problem+json"),
        "{}",
        reply.body
    );
    serde_json::from_str(&reply.body).expect("problem+json")
}

async fn tokens_open_the_api_and_cookies_do_not(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry = app.sign_up_harry().await;
    let token = token_for(&app, harry, &[Role::AccountAdmin]).await;

    let me = app
        .send(call("GET", "/api/v1/me", Some(&token), None))
        .await;
    assert_eq!(me.status, 200, "{}: {}", app.t.engine, me.body);
    let me: serde_json::Value = serde_json::from_str(&me.body).expect("json");
    assert_eq!(me["email"], "harry@contoso.com");
    assert_eq!(me["roles"], serde_json::json!(["account_admin"]));

    // No token, a cookie, a mistyped or unknown token: 401, problem+json.
    let cookie = app.cookie_for(harry).await;
    let with_cookie = Request::builder()
        .uri("/api/v1/me")
        .header("cookie", cookie)
        .body(Body::empty())
        .expect("request");
    for reply in [
        app.send(call("GET", "/api/v1/me", None, None)).await,
        app.send(with_cookie).await,
        app.send(call("GET", "/api/v1/me", Some("bc_nope"), None))
            .await,
    ] {
        assert_eq!(reply.status, 401, "{}", reply.body);
        let problem = problem(&reply);
        assert_eq!(problem["type"], "/api/v1/problems/unauthenticated");
        assert_eq!(problem["status"], 401);
    }
    app.close().await;
}
both_engines!(tokens_open_the_api_and_cookies_do_not);

async fn a_script_invites_and_lists_within_its_roles(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry = app.sign_up_harry().await;
    let admin = token_for(&app, harry, &[Role::AccountAdmin]).await;
    let body = r#"{"email": "Ana@Contoso.com", "first_name": "Ana", "last_name": "Bell",
        "language": "fr", "country": "FR", "roles": ["account_viewer", "report_viewer"]}"#;
    let made = app
        .send(call(
            "POST",
            "/api/v1/invitations",
            Some(&admin),
            Some(body),
        ))
        .await;
    assert_eq!(made.status, 201, "{}: {}", app.t.engine, made.body);
    let made: serde_json::Value = serde_json::from_str(&made.body).expect("json");
    assert_eq!(made["email"], "ana@contoso.com");
    assert_eq!(made["outcome"], "invited");
    assert!(made["id"].as_i64().is_some());

    // Bad fields: 422 naming each; an existing member: 409.
    let bad = r#"{"email": "not-an-email", "first_name": "", "last_name": "B", "roles": []}"#;
    let refused = app
        .send(call("POST", "/api/v1/invitations", Some(&admin), Some(bad)))
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    let fields: Vec<String> = problem(&refused)["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|error| error["field"].as_str().unwrap_or_default().to_owned())
        .collect();
    for field in ["email", "first_name", "roles"] {
        assert!(fields.contains(&field.to_owned()), "{fields:?}");
    }
    let member = r#"{"email": "harry@contoso.com", "first_name": "H", "last_name": "R",
        "roles": ["account_viewer"]}"#;
    let conflict = app
        .send(call(
            "POST",
            "/api/v1/invitations",
            Some(&admin),
            Some(member),
        ))
        .await;
    assert_eq!(conflict.status, 409, "{}", conflict.body);
    let broken = app
        .send(call("POST", "/api/v1/invitations", Some(&admin), Some("{")))
        .await;
    assert_eq!(broken.status, 400, "{}", broken.body);

    // Bob's token, Report Viewer like him, may not invite, nor list users.
    let harry_user = app.user(harry).await;
    let (bob, _) = app
        .signed_in_member(&harry_user, "bob@contoso.com", &[Role::ReportViewer])
        .await;
    let viewer = token_for(&app, bob.id, &[Role::ReportViewer]).await;
    let invite = app
        .send(call(
            "POST",
            "/api/v1/invitations",
            Some(&viewer),
            Some(body),
        ))
        .await;
    let listed = app
        .send(call("GET", "/api/v1/users", Some(&viewer), None))
        .await;
    for reply in [invite, listed] {
        assert_eq!(reply.status, 403, "{}", reply.body);
        assert_eq!(problem(&reply)["type"], "/api/v1/problems/forbidden");
    }
    let users = app
        .send(call("GET", "/api/v1/users?q=harry", Some(&admin), None))
        .await;
    assert_eq!(users.status, 200, "{}", users.body);
    let users: serde_json::Value = serde_json::from_str(&users.body).expect("json");
    let harry = users["users"]
        .as_array()
        .expect("users")
        .iter()
        .find(|user| user["email"] == "harry@contoso.com")
        .expect("Harry is listed");
    assert_eq!(harry["roles"], serde_json::json!(["account_admin"]));
    app.close().await;
}
both_engines!(a_script_invites_and_lists_within_its_roles);

/// My profile makes a token without script too: the secret waits in a
/// short-lived cookie for the page, which shows it once.
async fn a_token_made_on_my_profile_is_shown_once(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry = app.sign_up_harry().await;
    let cookie = app.cookie_for(harry).await;
    let plain_form = [
        crate::common::SAME_ORIGIN,
        ("cookie", cookie.as_str()),
        ("accept", "text/html"),
        ("referer", "http://127.0.0.1:3000/profile"),
    ];
    let made = app
        .post_form(
            "/api/create_api_token",
            &[
                ("name", "user sync"),
                ("expires_days", "90"),
                ("roles[]", "account_admin"),
            ],
            &plain_form,
        )
        .await;
    assert_eq!(made.status, 303, "{}: {}", app.t.engine, made.body);
    let secret = made
        .cookie("bc_new_secret")
        .expect("the secret, for the page");
    let with_secret = format!("{cookie}; bc_new_secret={secret}");
    let page = app.get("/profile", Some(&with_secret)).await;
    assert!(page.body.contains(&secret), "{}", page.body);
    assert!(page.body.contains("user sync"), "{}", page.body);
    let again = app.get("/profile", Some(&cookie)).await;
    assert!(!again.body.contains(&secret), "shown once");
    let me = app
        .send(call("GET", "/api/v1/me", Some(&secret), None))
        .await;
    assert_eq!(me.status, 200, "{}", me.body);

    // A role Harry does not hold is refused beside the roles.
    let beyond = app
        .call(
            &cookie,
            "create_api_token",
            &[
                ("name", "x"),
                ("expires_days", "90"),
                ("roles[]", "partner_admin"),
            ],
        )
        .await;
    assert_eq!(beyond.status, 422, "{}", beyond.body);
    assert!(beyond.body.contains("TokenRolesNotHeld"), "{}", beyond.body);
    app.close().await;
}
both_engines!(a_token_made_on_my_profile_is_shown_once);

/// The OpenAPI document is generated from the handlers: every operation
/// with its token, parameters, bodies and error responses.
async fn the_api_describes_itself_in_openapi(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let reply = app
        .send(call("GET", "/api/v1/openapi.json", None, None))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let document: serde_json::Value = serde_json::from_str(&reply.body).expect("json");
    assert!(
        document["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{}",
        document["openapi"]
    );
    assert_eq!(
        document["components"]["securitySchemes"]["token"]["scheme"],
        "bearer"
    );
    for (path, method) in [
        ("/api/v1/me", "get"),
        ("/api/v1/users", "get"),
        ("/api/v1/invitations", "post"),
    ] {
        let operation = &document["paths"][path][method];
        assert!(operation.is_object(), "{path} {method}");
        assert_eq!(operation["security"][0]["token"], serde_json::json!([]));
        assert!(operation["responses"]["401"].is_object(), "{path}");
    }
    let invitation = &document["paths"]["/api/v1/invitations"]["post"];
    assert!(invitation["requestBody"].is_object());
    assert!(invitation["responses"]["201"].is_object());
    assert!(invitation["responses"]["409"].is_object());
    let params = document["paths"]["/api/v1/users"]["get"]["parameters"].to_string();
    assert!(
        params.contains("\"after\"") && params.contains("\"q\""),
        "{params}"
    );
    app.close().await;
}
both_engines!(the_api_describes_itself_in_openapi);

/// Past its rate a token gets 429 with when to come back, counted in the
/// database (a full window stored as another server would leave it).
async fn a_token_past_its_rate_is_told_when_to_come_back(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry = app.sign_up_harry().await;
    let token = token_for(&app, harry, &[Role::AccountAdmin]).await;
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM api_tokens")
        .fetch_one(&app.state.db)
        .await
        .expect("the token");
    sqlx::query("INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, $3)")
        .bind(format!("api:token:{id}"))
        .bind(app.state.clock.now())
        .bind(tokens::PER_TOKEN.max)
        .execute(&app.state.db)
        .await
        .expect("a full window");
    let reply = app
        .send(call("GET", "/api/v1/me", Some(&token), None))
        .await;
    assert_eq!(reply.status, 429, "{}: {}", app.t.engine, reply.body);
    assert_eq!(problem(&reply)["type"], "/api/v1/problems/rate-limited");
    let wait: i64 = reply
        .header("retry-after")
        .and_then(|value| value.parse().ok())
        .expect("Retry-After");
    assert!((1..=60).contains(&wait), "{wait}");
    assert_eq!(reply.header("ratelimit-policy"), Some("600;w=60"));
    app.advance(61);
    let later = app
        .send(call("GET", "/api/v1/me", Some(&token), None))
        .await;
    assert_eq!(later.status, 200, "{}", later.body);
    app.close().await;
}
both_engines!(a_token_past_its_rate_is_told_when_to_come_back);

/// A script that retries with its Idempotency-Key gets the first answer
/// and invites nobody twice; the key with another body is refused.
async fn a_retried_post_with_its_idempotency_key_invites_once(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry = app.sign_up_harry().await;
    let token = token_for(&app, harry, &[Role::AccountAdmin]).await;
    let post = |key: &'static str, body: &'static str| {
        let mut request = call("POST", "/api/v1/invitations", Some(&token), Some(body));
        request
            .headers_mut()
            .insert("idempotency-key", key.parse().expect("header"));
        request
    };
    let ana = r#"{"email": "ana@contoso.com", "first_name": "Ana", "last_name": "Bell",
        "roles": ["account_viewer"]}"#;
    let first = app.send(post("run-42", ana)).await;
    assert_eq!(first.status, 201, "{}: {}", app.t.engine, first.body);
    let again = app.send(post("run-42", ana)).await;
    assert_eq!(again.status, 201, "{}", again.body);
    assert_eq!(again.body, first.body, "the first answer, again");
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    let (invitations,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM invitations WHERE email = 'ana@contoso.com'")
            .fetch_one(&app.state.db)
            .await
            .expect("count");
    assert_eq!(invitations, 1, "invited once");

    let bob = r#"{"email": "bob@contoso.com", "first_name": "Bob", "last_name": "Ray",
        "roles": ["account_viewer"]}"#;
    let reused = app.send(post("run-42", bob)).await;
    assert_eq!(reused.status, 422, "{}", reused.body);
    assert!(
        reused.body.contains("IdempotencyKeyReused"),
        "{}",
        reused.body
    );
    // A refusal is an answer too: replayed, not tried again.
    let bad =
        r#"{"email": "nope", "first_name": "B", "last_name": "R", "roles": ["account_viewer"]}"#;
    let refused = app.send(post("run-43", bad)).await;
    assert_eq!(refused.status, 422);
    let replayed = app.send(post("run-43", bad)).await;
    assert_eq!(replayed.status, 422);
    assert_eq!(replayed.header("idempotent-replayed"), Some("true"));
    assert_eq!(
        replayed.header("content-type"),
        Some("application/problem+json")
    );
    app.close().await;
}
both_engines!(a_retried_post_with_its_idempotency_key_invites_once);

/// Every answer of the API is problem+json, even those no handler wrote:
/// a path it lacks, a method a path does not take, a body over the limit.
async fn every_error_is_problem_json(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry = app.sign_up_harry().await;
    let token = token_for(&app, harry, &[Role::AccountAdmin]).await;
    let huge = format!(
        r#"{{"url": "https://example.com/{}", "events": []}}"#,
        "a".repeat(70_000)
    );
    for (request, status) in [
        (
            call("GET", "/api/v1/no-such-thing", Some(&token), None),
            404,
        ),
        (call("PATCH", "/api/v1/me", Some(&token), None), 405),
        (
            call("POST", "/api/v1/webhooks", Some(&token), Some(&huge)),
            413,
        ),
    ] {
        let reply = app.send(request).await;
        assert_eq!(reply.status, status, "{}", reply.body);
        let document = problem(&reply);
        assert_eq!(document["status"], status);
    }
    app.close().await;
}

both_engines!(every_error_is_problem_json);
