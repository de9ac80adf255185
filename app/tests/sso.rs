//! Requiring single sign-on: every password path closes for addresses at
//! the connection's domains (sign-in, an invitation's password, password
//! changes, API tokens), except for the designated administrator, the
//! audited break-glass account; only after a successful test connection.

use app::both_engines;
use app::domain::{Problem, Role};
use app::error::AppError;
use app::services::accounts::{self, PasswordChange};
use app::services::invitations;
use app::services::sign_in::{self, Outcome};
use app::services::sso::{self, Switch};
use app::services::testing::{accept_form, TestApp, TestDb, PASSWORD};
use app::services::tokens::{self, TokenRequest};

/// Contoso's provider for contoso.com, stored as a successful test
/// connection leaves it (the protocol itself is tested in the server's
/// tests against a provider).
async fn connected(app: &TestApp, organization_id: i64, tested: bool) {
    app.verified_domain(organization_id, "contoso.com").await;
    sqlx::query(
        "INSERT INTO sso_connections (organization_id, issuer, client_id, client_secret, \
         enabled, tested_at, updated_at) VALUES ($1, 'https://login.contoso.com', 'bc', 'x', 1, $2, $3)",
    )
    .bind(organization_id)
    .bind(tested.then_some(app.time()))
    .bind(app.time())
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

async fn audited(app: &TestApp, action: &str) -> Vec<String> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT actor_email, detail FROM audit_log WHERE action = $1 ORDER BY id")
            .bind(action)
            .fetch_all(app.db())
            .await
            .expect("audit");
    rows.into_iter()
        .map(|(who, detail)| format!("{who}: {detail}"))
        .collect()
}

fn sso_required(result: Result<impl std::fmt::Debug, AppError>, field: &str) {
    let error = result.expect_err("refused");
    assert_eq!(
        error.problem_with(field),
        Some(Problem::SsoRequired),
        "{error:?}"
    );
}

async fn requiring_it_closes_every_password_path_but_the_break_glass(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let ana = app
        .member(&harry, "ana@contoso.com", &[Role::AccountAdmin])
        .await;
    let outsider = app
        .member(&harry, "olaf@fabrikam.com", &[Role::AccountViewer])
        .await;
    connected(&app, harry.user.organization_id, false).await;

    // Only once a test connection has succeeded.
    let untested = sso::switch(&app.state, &harry, Switch::Required(true)).await;
    sso_required_not_tested(untested);
    sqlx::query("UPDATE sso_connections SET tested_at = $1")
        .bind(app.time())
        .execute(app.db())
        .await
        .expect("tested");
    // Enabled but not required: passwords still work.
    let optional = sign_in::sign_in(&app.state, None, None, "ana@contoso.com", PASSWORD).await;
    assert!(matches!(optional, Ok(Outcome::SignedIn(_))), "{optional:?}");
    sso::switch(&app.state, &harry, Switch::Required(true))
        .await
        .expect("required");

    let password = sign_in::sign_in(&app.state, None, None, "ana@contoso.com", PASSWORD).await;
    sso_required(password, "password");
    let change = PasswordChange {
        current: PASSWORD,
        new: "A-new-password-77",
        confirmation: "A-new-password-77",
    };
    sso_required(
        accounts::change_password(&app.state, &ana, &change).await,
        "new_password",
    );
    let request = TokenRequest {
        name: "sync",
        expires_days: 30,
        roles: &[Role::AccountAdmin],
    };
    sso_required(tokens::create(&app.state, &ana, &request).await, "name");
    app.invite(&harry, "bob@contoso.com", &[Role::AccountViewer])
        .await
        .expect("invited");
    let link = app.newest_link("bob@contoso.com").await;
    let accepted = invitations::accept(&app.state, &link, accept_form(PASSWORD, PASSWORD)).await;
    sso_required(accepted, "password");

    // Another domain is not the connection's: as before.
    let olaf = sign_in::sign_in(&app.state, None, None, "olaf@fabrikam.com", PASSWORD).await;
    assert_eq!(olaf, Ok(Outcome::SignedIn(outsider.user.id)));
    // The designated administrator keeps a password, audited each time.
    let glass = sign_in::sign_in(&app.state, None, None, "harry@contoso.com", PASSWORD).await;
    assert_eq!(glass, Ok(Outcome::SignedIn(harry.user.id)));

    assert_eq!(
        audited(&app, "sso.password_refused").await,
        [
            "ana@contoso.com: password sign-in",
            "ana@contoso.com: password change",
            "ana@contoso.com: API token creation",
            "bob@contoso.com: invitation accepted with a password",
        ]
    );
    assert_eq!(
        audited(&app, "sso.break_glass").await,
        ["harry@contoso.com: password sign-in"]
    );

    // Turned off, nothing is required any more.
    sso::switch(&app.state, &harry, Switch::Enabled(false))
        .await
        .expect("off");
    let back = sign_in::sign_in(&app.state, None, None, "ana@contoso.com", PASSWORD).await;
    assert_eq!(back, Ok(Outcome::SignedIn(ana.user.id)));
    assert_eq!(
        audited(&app, "sso.changed").await,
        [
            "harry@contoso.com: required",
            "harry@contoso.com: turned off"
        ]
    );
    app.close().await;
}
both_engines!(requiring_it_closes_every_password_path_but_the_break_glass);

fn sso_required_not_tested(result: Result<(), AppError>) {
    let error = result.expect_err("untested");
    assert_eq!(error.problem_with("required"), Some(Problem::SsoNotTested));
}

/// Only Account Admins see or change the connection; an empty password
/// at a domain without single sign-on is simply required.
async fn the_connection_is_the_account_admins_and_passwords_stay_required(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let viewer = app
        .member(&harry, "vera@contoso.com", &[Role::AccountViewer])
        .await;
    assert_eq!(
        sso::view(&app.state, &viewer).await.map(|_| ()),
        Err(AppError::Forbidden)
    );
    let view = sso::view(&app.state, &harry).await.expect("view");
    assert!(!view.configured);
    assert_eq!(view.redirect_uri, "https://bc.example.com/sso/callback");
    let empty = sign_in::sign_in(&app.state, None, None, "harry@contoso.com", "").await;
    assert_eq!(
        empty.expect_err("no password").problem_with("password"),
        Some(Problem::Required)
    );
    app.close().await;
}
both_engines!(the_connection_is_the_account_admins_and_passwords_stay_required);
