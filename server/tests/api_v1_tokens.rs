//! A token's state × the API: live, expired, revoked, its owner demoted,
//! its owner removed. A token never does more than its owner may now.

use crate::api_v1::call;
use crate::common::TestApp;
use app::both_engines;
use app::domain::Role;
use app::services::access::members;
use app::services::testing::TestDb;
use app::services::tokens::{self, TokenRequest};

const PATHS: [&str; 5] = [
    "/api/v1/me",
    "/api/v1/users",
    "/api/v1/keys",
    "/api/v1/orders",
    "/api/v1/webhooks",
];

/// What each of [`PATHS`] answers the token.
async fn answers(app: &TestApp, secret: &str) -> Vec<u16> {
    let mut statuses = Vec::new();
    for path in PATHS {
        let reply = app.send(call("GET", path, Some(secret), None)).await;
        statuses.push(reply.status.as_u16());
    }
    statuses
}

async fn a_tokens_state_decides_what_it_opens(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry = app.sign_up_harry().await;
    let admin = app.actor(harry).await;
    let ana = app
        .member(&admin, "ana@contoso.com", &[Role::AccountAdmin])
        .await;
    let make = |days| {
        let ana = ana.clone();
        let state = app.state.clone();
        async move {
            let request = TokenRequest {
                name: "sync",
                expires_days: days,
                roles: &[Role::AccountAdmin],
            };
            tokens::create(&state, &ana, &request).await.expect("token")
        }
    };
    let live = make(90).await;
    let expiring = make(1).await;
    let revoked = make(90).await;
    tokens::revoke(&app.state, &admin, revoked.row.id)
        .await
        .expect("revoked by an Account Admin");

    assert_eq!(
        answers(&app, &live.secret).await,
        [200; 5],
        "{}",
        app.t.engine
    );
    assert_eq!(answers(&app, &revoked.secret).await, [401; 5]);
    app.advance(2 * 24 * 60 * 60);
    assert_eq!(answers(&app, &expiring.secret).await, [401; 5]);

    // Demoted to Account Viewer: the token keeps only what she holds now
    // (nothing of Account Admin): only who it acts for stays open.
    let viewer = [Role::AccountViewer];
    members::change_roles(&app.state, &admin, ana.user.id, &viewer)
        .await
        .expect("demoted");
    assert_eq!(answers(&app, &live.secret).await, [200, 403, 403, 403, 403]);

    // Removed: her tokens end with her.
    members::remove_user(&app.state, &admin, ana.user.id)
        .await
        .expect("removed");
    assert_eq!(answers(&app, &live.secret).await, [401; 5]);
    app.close().await;
}

both_engines!(a_tokens_state_decides_what_it_opens);
