//! SCIM 2.0 at /scim/v2: the directory's token, discovery, people made
//! (an account at an SSO domain, an invitation elsewhere), found by the
//! filters directories send, changed with Entra ID's shapes, and
//! deprovisioned with everything they could get in with.

use app::both_engines;
use app::domain::Role;
use app::services::testing::{self, TestDb, PASSWORD};
use app::services::{sign_in, tokens};
use axum::body::Body;
use axum::http::Request;
use serde_json::{json, Value};

use crate::api_v1::token_for;
use crate::common::{Reply, TestApp};

pub(crate) async fn scim_token_for(app: &TestApp, user_id: i64) -> String {
    let owner = testing::actor(&app.user(user_id).await);
    tokens::create_scim(&app.state, &owner, "Entra provisioning")
        .await
        .expect("SCIM token")
        .secret
}

pub(crate) async fn send(
    app: &TestApp,
    method: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> Reply {
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {token}"));
    if body.is_some() {
        request = request.header("content-type", "application/scim+json");
    }
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    app.send(request.body(Body::from(body)).expect("request"))
        .await
}

pub(crate) fn parsed(reply: &Reply) -> Value {
    assert_eq!(
        reply.header("content-type"),
        Some("application/scim+json"),
        "{} {}",
        reply.status,
        reply.body
    );
    serde_json::from_str(&reply.body).expect("SCIM JSON")
}

/// Contoso signs contoso.com in with its provider (as a finished set-up
/// leaves it).
pub(crate) async fn contoso_with_sso(app: &TestApp, organization_id: i64) {
    app.verified_domain(organization_id, "contoso.com").await;
    sqlx::query(
        "INSERT INTO sso_connections (organization_id, issuer, client_id, client_secret, \
         enabled, tested_at, updated_at) VALUES ($1, 'https://login.contoso.com', 'bc', 'x', 1, 1, 1)",
    )
    .bind(organization_id)
    .execute(app.db())
    .await
    .expect("connection");
    sqlx::query(
        "INSERT INTO sso_domains (name, connection_id) SELECT 'contoso.com', id FROM sso_connections",
    )
    .execute(app.db())
    .await
    .expect("domain");
}

pub(crate) fn user(email: &str, external_id: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": email,
        "externalId": external_id,
        "name": { "givenName": "Ana", "familyName": "Bell" },
        "emails": [{ "value": email, "type": "work", "primary": true }],
        "active": true,
    })
}

async fn discovery_answers_the_directory_and_nobody_else(t: TestDb) {
    let app = TestApp::new(t, "https://bc.example.com", false).await;
    let harry = app.sign_up_harry().await;
    let token = scim_token_for(&app, harry).await;
    for path in [
        "ServiceProviderConfig",
        "ResourceTypes",
        "Schemas",
        "ResourceTypes/User",
    ] {
        let reply = send(&app, "GET", &format!("/scim/v2/{path}"), &token, None).await;
        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
        parsed(&reply);
    }
    let config = parsed(&send(&app, "GET", "/scim/v2/ServiceProviderConfig", &token, None).await);
    assert_eq!(config["patch"]["supported"], true);
    assert_eq!(config["bulk"]["supported"], false);
    // No token, or an API token: 401 with a SCIM error body.
    let api_token = token_for(&app, harry, &[Role::AccountAdmin]).await;
    for token in ["", api_token.as_str()] {
        let reply = send(&app, "GET", "/scim/v2/Users", token, None).await;
        assert_eq!(reply.status, 401);
        let error = parsed(&reply);
        assert_eq!(
            error["schemas"][0],
            "urn:ietf:params:scim:api:messages:2.0:Error"
        );
        assert_eq!(error["status"], "401");
    }
    // …and the SCIM token opens nothing of the JSON API.
    let api = crate::api_v1::call("GET", "/api/v1/me", Some(&token), None);
    assert_eq!(app.send(api).await.status, 401);
    app.close().await;
}
both_engines!(discovery_answers_the_directory_and_nobody_else);

async fn people_are_made_found_and_paged(t: TestDb) {
    let app = TestApp::new(t, "https://bc.example.com", false).await;
    let harry = app.sign_up_harry().await;
    contoso_with_sso(&app, app.user(harry).await.organization_id).await;
    let token = scim_token_for(&app, harry).await;

    // At the SSO domain: an account at once, with no password.
    let made = send(
        &app,
        "POST",
        "/scim/v2/Users",
        &token,
        Some(user("Ana@Contoso.com", "e-1")),
    )
    .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let ana = parsed(&made);
    let id = ana["id"].as_str().expect("id").to_owned();
    assert_eq!(
        made.header("location"),
        Some(format!("https://bc.example.com/scim/v2/Users/{id}").as_str())
    );
    // The directory's userName and emails as sent; the account's address
    // is the work email, lowercase (below).
    assert_eq!(ana["userName"], "Ana@Contoso.com");
    assert_eq!(ana["emails"][0]["value"], "Ana@Contoso.com");
    assert_eq!(ana["groups"][0]["value"], "account_viewer");
    let (hash,): (String,) =
        sqlx::query_as("SELECT password_hash FROM users WHERE email = 'ana@contoso.com'")
            .fetch_one(app.db())
            .await
            .expect("Ana's account");
    assert_eq!(hash, "");
    let again = send(
        &app,
        "POST",
        "/scim/v2/Users",
        &token,
        Some(user("ana@contoso.com", "e-1")),
    )
    .await;
    assert_eq!(again.status, 409);
    assert_eq!(parsed(&again)["scimType"], "uniqueness");

    // Elsewhere: the usual invitation email, which proves the address.
    let olaf = send(
        &app,
        "POST",
        "/scim/v2/Users",
        &token,
        Some(user("olaf@fabrikam.com", "e-2")),
    )
    .await;
    assert_eq!(olaf.status, 201, "{}", olaf.body);
    assert!(app.newest_link("olaf@fabrikam.com").await.len() > 20);

    for filter in [
        "userName eq \"ANA@contoso.com\"",
        "externalId eq \"e-1\"",
        "emails[value eq \"ana@contoso.com\"]",
    ] {
        let path = format!("/scim/v2/Users?filter={}", crate::common::encode(filter));
        let found = parsed(&send(&app, "GET", &path, &token, None).await);
        assert_eq!(found["totalResults"], 1, "{filter}");
        assert_eq!(found["Resources"][0]["id"], id.as_str(), "{filter}");
    }
    let bad = send(
        &app,
        "GET",
        "/scim/v2/Users?filter=title%20sw%20%22x%22",
        &token,
        None,
    )
    .await;
    assert_eq!(
        (bad.status.as_u16(), parsed(&bad)["scimType"].clone()),
        (400, json!("invalidFilter"))
    );
    let second = parsed(
        &send(
            &app,
            "GET",
            "/scim/v2/Users?startIndex=2&count=1&aadOptscim062020",
            &token,
            None,
        )
        .await,
    );
    assert_eq!(
        (
            second["totalResults"].clone(),
            second["itemsPerPage"].clone()
        ),
        (json!(2), json!(1))
    );
    assert_eq!(second["Resources"][0]["userName"], "olaf@fabrikam.com");
    let missing = send(&app, "GET", "/scim/v2/Users/nobody", &token, None).await;
    assert_eq!(missing.status, 404);
    app.close().await;
}
both_engines!(people_are_made_found_and_paged);

async fn deprovisioning_ends_sessions_tokens_and_invitations_at_once(t: TestDb) {
    let app = TestApp::new(t, "https://bc.example.com", false).await;
    let harry = app.sign_up_harry().await;
    let token = scim_token_for(&app, harry).await;
    // Dan signed up with a password before the directory took over.
    let dan = app
        .member(
            &testing::actor(&app.user(harry).await),
            "dan@contoso.com",
            &[Role::UserAdmin],
        )
        .await;
    let adopted = parsed(
        &send(
            &app,
            "POST",
            "/scim/v2/Users",
            &token,
            Some(user("dan@contoso.com", "e-3")),
        )
        .await,
    );
    let id = adopted["id"].as_str().expect("id").to_owned();
    let session = app.session_for(dan.user.id).await;
    let dans_token = token_for(&app, dan.user.id, &[Role::UserAdmin]).await;
    app.invite(&dan, "eve@contoso.com", &[Role::AccountViewer])
        .await
        .expect("Dan invites Eve");
    let eves_link = app.newest_link("eve@contoso.com").await;

    // Entra's shape: "Replace", and a boolean as a string.
    let off = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{ "op": "Replace", "path": "active", "value": "False" }]
    });
    let reply = send(
        &app,
        "PATCH",
        &format!("/scim/v2/Users/{id}"),
        &token,
        Some(off),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(parsed(&reply)["active"], false);
    let sessions: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sessions WHERE user_id = $1")
        .bind(dan.user.id)
        .fetch_one(app.db())
        .await
        .expect("count");
    assert_eq!(sessions.0, 0);
    let me = crate::api_v1::call("GET", "/api/v1/me", Some(&dans_token), None);
    assert_eq!(app.send(me).await.status, 401, "Dan's API token ended");
    assert!(matches!(
        app.look_up(&eves_link).await,
        app::domain::wire::LinkState::Revoked
    ));
    let page = app
        .get("/dashboard", Some(&format!("__Host-bc_session={session}")))
        .await;
    assert_ne!(page.status, 200);
    // No way back in: not with the password.
    let password = sign_in::sign_in(&app.state, None, None, "dan@contoso.com", PASSWORD).await;
    assert!(password.is_err(), "{password:?}");
    // Manage access says so.
    let listed = app::services::access::people::list(
        &app.state,
        &testing::actor(&app.user(harry).await),
        "",
        "",
    )
    .await
    .expect("people");
    let row = listed
        .users
        .iter()
        .find(|row| row.email == "dan@contoso.com")
        .expect("Dan");
    assert!(row.deactivated);
    assert_eq!(
        row.status_name(app::domain::Lang::En),
        "Deactivated by your directory"
    );
    let audited: (String,) = sqlx::query_as(
        "SELECT detail FROM audit_log WHERE action = 'scim.deactivated' AND subject_email = 'dan@contoso.com'",
    )
    .fetch_one(app.db())
    .await
    .expect("audited");
    assert!(
        audited.0.contains("SCIM token \"Entra provisioning\""),
        "{}",
        audited.0
    );

    // Turned active again, the password works again.
    let on = json!({ "Operations": [{ "op": "replace", "value": { "active": true } }] });
    let reply = send(
        &app,
        "PATCH",
        &format!("/scim/v2/Users/{id}"),
        &token,
        Some(on),
    )
    .await;
    assert_eq!(parsed(&reply)["active"], true);
    let password = sign_in::sign_in(&app.state, None, None, "dan@contoso.com", PASSWORD).await;
    assert!(password.is_ok(), "{password:?}");

    // Deleted: the account goes.
    let gone = send(
        &app,
        "DELETE",
        &format!("/scim/v2/Users/{id}"),
        &token,
        None,
    )
    .await;
    assert_eq!(gone.status, 204);
    let left: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users WHERE email = 'dan@contoso.com'")
        .fetch_one(app.db())
        .await
        .expect("count");
    assert_eq!(left.0, 0);
    assert_eq!(
        send(&app, "GET", &format!("/scim/v2/Users/{id}"), &token, None)
            .await
            .status,
        404
    );
    app.close().await;
}
both_engines!(deprovisioning_ends_sessions_tokens_and_invitations_at_once);

async fn groups_give_roles_within_the_grant_rules(t: TestDb) {
    let app = TestApp::new(t, "https://bc.example.com", false).await;
    let harry = app.sign_up_harry().await;
    contoso_with_sso(&app, app.user(harry).await.organization_id).await;
    let token = scim_token_for(&app, harry).await;
    let groups = parsed(
        &send(
            &app,
            "GET",
            "/scim/v2/Groups?excludedAttributes=members",
            &token,
            None,
        )
        .await,
    );
    assert_eq!(groups["totalResults"], 6);
    let named = parsed(
        &send(
            &app,
            "GET",
            "/scim/v2/Groups?filter=displayName%20eq%20%22Report%20Viewer%22",
            &token,
            None,
        )
        .await,
    );
    assert_eq!(named["Resources"][0]["id"], "report_viewer");

    let ana = parsed(
        &send(
            &app,
            "POST",
            "/scim/v2/Users",
            &token,
            Some(user("ana@contoso.com", "e-1")),
        )
        .await,
    );
    let ana_id = ana["id"].as_str().expect("id").to_owned();
    let add = json!({ "Operations": [{ "op": "Add", "path": "members", "value": [{ "value": ana_id }] }] });
    let reply = send(
        &app,
        "PATCH",
        "/scim/v2/Groups/report_viewer",
        &token,
        Some(add),
    )
    .await;
    assert_eq!(reply.status, 204, "{}", reply.body);
    let group = parsed(&send(&app, "GET", "/scim/v2/Groups/report_viewer", &token, None).await);
    assert_eq!(group["members"][0]["value"], ana_id.as_str());
    let removed = json!({ "Operations": [{ "op": "remove", "path": format!("members[value eq \"{ana_id}\"]") }] });
    send(
        &app,
        "PATCH",
        "/scim/v2/Groups/account_viewer",
        &token,
        Some(removed),
    )
    .await;
    let ana = parsed(
        &send(
            &app,
            "GET",
            &format!("/scim/v2/Users/{ana_id}"),
            &token,
            None,
        )
        .await,
    );
    assert_eq!(
        ana["groups"],
        json!([{ "value": "report_viewer", "display": "Report Viewer", "$ref": "https://bc.example.com/scim/v2/Groups/report_viewer" }])
    );

    // The last Account Admin stays one.
    let harry_resource = parsed(
        &send(
            &app,
            "POST",
            "/scim/v2/Users",
            &token,
            Some(user("harry@contoso.com", "e-h")),
        )
        .await,
    );
    let harry_id = harry_resource["id"].as_str().expect("id").to_owned();
    let demote = json!({ "Operations": [{ "op": "Remove", "path": "members", "value": [{ "value": harry_id }] }] });
    let refused = send(
        &app,
        "PATCH",
        "/scim/v2/Groups/account_admin",
        &token,
        Some(demote),
    )
    .await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert_eq!(parsed(&refused)["scimType"], "mutability");
    let gone = send(
        &app,
        "DELETE",
        &format!("/scim/v2/Users/{harry_id}"),
        &token,
        None,
    )
    .await;
    assert_eq!(gone.status, 409);

    // A token made by a User Admin never grants Account Admin.
    let uma = app
        .member(
            &testing::actor(&app.user(harry).await),
            "uma@contoso.com",
            &[Role::UserAdmin],
        )
        .await;
    let weaker = scim_token_for(&app, uma.user.id).await;
    let promote = json!({ "Operations": [{ "op": "Add", "path": "members", "value": [{ "value": ana_id }] }] });
    let refused = send(
        &app,
        "PATCH",
        "/scim/v2/Groups/account_admin",
        &weaker,
        Some(promote),
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    app.close().await;
}
both_engines!(groups_give_roles_within_the_grant_rules);
