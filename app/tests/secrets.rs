//! Secrets the Center reads back are sealed under SECRETS_KEY: what the
//! database holds gives none of them away, values stored before sealing
//! are sealed at startup, and a server given another key refuses to start.

use app::both_engines;
use app::services::secrets::{self, Purpose, SecretsKey};
use app::services::testing::{TestApp, TestDb, NOW, PASSWORD};
use app::services::two_step::{self, totp};
use app::services::webhooks::{self, Manager};

async fn stored(app: &TestApp, sql: &str) -> Vec<String> {
    let rows: Vec<(Option<String>,)> = sqlx::query_as(sql).fetch_all(app.db()).await.expect("read");
    rows.into_iter().filter_map(|(value,)| value).collect()
}

async fn nothing_readable_is_stored_and_startup_seals_what_was(t: TestDb) {
    let app = TestApp::configured(t, |settings| settings.webhook_allow_private = true);
    let harry = app.harry().await;
    two_step::start(&app.state, &harry).await.expect("start");
    let view = two_step::view(&app.state, &harry).await.expect("view");
    let key = view.setup.expect("setup").secret.replace(' ', "");
    let code = totp::code_at(&key, NOW).expect("code");
    two_step::confirm(&app.state, &harry, &code, PASSWORD)
        .await
        .expect("turned on");
    let harry = app.actor(harry.user.id).await;
    let manager = Manager::person(&harry).expect("an Account Admin");
    let created = webhooks::create(
        &app.state,
        &manager,
        "http://127.0.0.1:9/hook",
        &["invitation.created".to_owned()],
    )
    .await
    .expect("endpoint");

    let totp_keys = stored(&app, "SELECT totp_secret FROM users").await;
    let webhook_secrets = stored(&app, "SELECT secret FROM webhook_endpoints").await;
    assert_eq!((totp_keys.len(), webhook_secrets.len()), (1, 1));
    for value in totp_keys.iter().chain(&webhook_secrets) {
        assert!(secrets::is_sealed(value), "{value}");
    }
    assert!(!totp_keys[0].contains(&key) && !webhook_secrets[0].contains(&created.secret));
    let sealing = &app.state.settings.secrets_key;
    assert_eq!(
        sealing.open(Purpose::WebhookSecret, &webhook_secrets[0]),
        Ok(created.secret.clone())
    );

    // A database from before sealing: its values are sealed at startup,
    // and what they open to is unchanged.
    sqlx::query("UPDATE users SET totp_secret = $1")
        .bind(&key)
        .execute(app.db())
        .await
        .expect("plain");
    assert_eq!(secrets::prepare(app.db(), sealing).await, Ok(1));
    let resealed = stored(&app, "SELECT totp_secret FROM users").await;
    assert!(secrets::is_sealed(&resealed[0]));
    assert_eq!(
        sealing.open(Purpose::TotpKey, &resealed[0]),
        Ok(key.clone())
    );
    assert_eq!(secrets::prepare(app.db(), sealing).await, Ok(0));

    // Another key does not open them: the server must not start with it.
    let refused = secrets::prepare(app.db(), &SecretsKey::generate()).await;
    let said = refused.expect_err("another key refused");
    assert!(said.contains("SECRETS_KEY does not open"), "{said}");
    app.close().await;
}
both_engines!(nothing_readable_is_stored_and_startup_seals_what_was);
