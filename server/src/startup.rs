//! Starting and stopping the server: the state every command shares, and
//! `serve`, which runs the web server beside the mail workers until a
//! signal asks it to stop, then lets the workers finish.

use app::services::secrets::{self, SecretsKey};
use app::services::{db, password, AppState, Clock};
use leptos::prelude::LeptosOptions;

use crate::config::Config;

/// The state every command shares: configuration, database, clock.
pub async fn state(
    config: &Config,
    demo: bool,
    secrets_key: SecretsKey,
    leptos_options: LeptosOptions,
) -> Result<AppState, String> {
    let database = db::connect(config.database_url.expose()).await?;
    Ok(AppState {
        db: database,
        settings: config.settings(demo, secrets_key),
        hasher: password::Hasher::default(),
        clock: Clock::system(),
        outbox: app::services::outbox::Outbox::default(),
        leptos_options,
    })
}

/// The state of a command that serves no pages: Leptos' own settings are
/// not needed.
pub async fn command_state(config: &Config) -> Result<AppState, String> {
    let pages = LeptosOptions::builder()
        .output_name("business-center")
        .build();
    // The commands seal nothing: without SECRETS_KEY they get a key of
    // their own, which never reaches the database.
    let key = config.secrets_key().transpose()?;
    let key = key.unwrap_or_else(SecretsKey::generate);
    state(config, false, key, pages).await
}

/// The key the server seals secrets with: `SECRETS_KEY`, or for the demo
/// one kept beside its database (made on its first start).
fn serving_key(config: &Config, demo: bool) -> Result<SecretsKey, String> {
    if let Some(key) = config.secrets_key() {
        return key;
    }
    if !demo {
        return Err(
            "SECRETS_KEY is not set: the server seals authenticator keys and client \
                    secrets with it. Make one with `business-center secrets-key` and keep it \
                    with your backups of the database (see README.md)"
                .to_owned(),
        );
    }
    let path = std::path::Path::new(DEMO_KEY_FILE);
    match std::fs::read_to_string(path) {
        Ok(text) => SecretsKey::parse(&text).map_err(|error| format!("{DEMO_KEY_FILE}: {error}")),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let key = SecretsKey::generate();
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|error| format!("{}: {error}", dir.display()))?;
            }
            std::fs::write(path, key.encoded() + "\n")
                .map_err(|error| format!("{DEMO_KEY_FILE}: {error}"))?;
            Ok(key)
        }
        Err(error) => Err(format!("{DEMO_KEY_FILE}: {error}")),
    }
}

/// Where `serve --demo` keeps its key when SECRETS_KEY is unset.
const DEMO_KEY_FILE: &str = "data/secrets.key";

pub async fn serve(config: &Config, demo: bool) -> Result<(), String> {
    // Mail settings are checked first: a wrong key must not wait for the
    // database to be opened to be reported.
    let mailer = match &config.smtp_url {
        Some(smtp_url) => Some(mailer(config, smtp_url.expose())?),
        None => None,
    };
    let key = serving_key(config, demo)?;
    let state = state(config, demo, key, config.leptos_options()?).await?;
    let sealed = secrets::prepare(&state.db, &state.settings.secrets_key).await?;
    if sealed > 0 {
        tracing::info!("sealed {sealed} secrets stored before SECRETS_KEY");
    }
    if demo {
        crate::demo::load(&state).await?;
    }
    raise_open_files_limit();
    let addr = state.leptos_options.site_addr;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|error| format!("LEPTOS_SITE_ADDR: cannot listen on {addr}: {error}"))?;

    let (stop_mail, stopped) = tokio::sync::watch::channel(false);
    let reminders = tokio::spawn(crate::mail_worker::run_reminders(
        state.clone(),
        stopped.clone(),
    ));
    let webhooks = tokio::spawn(crate::webhook_worker::run(
        state.clone(),
        crate::webhook_worker::Sender::new(config.webhook_allow_private)?,
        stopped.clone(),
    ));
    let worker = match mailer {
        Some(mailer) => Some(tokio::spawn(crate::mail_worker::run(
            state.clone(),
            mailer,
            stopped,
        ))),
        None => {
            tracing::warn!("SMTP_URL is not set: emails stay in the outbox until it is");
            None
        }
    };

    tracing::info!(
        "Business Center listening on http://{addr}, public address {}",
        config.public_url
    );
    crate::listen::serve(
        listener,
        crate::router(state),
        crate::listen::Limits::SERVER,
        shutdown_signal(),
    )
    .await;
    let _ = stop_mail.send(true);
    if let Some(worker) = worker {
        let _ = worker.await;
    }
    let _ = reminders.await;
    let _ = webhooks.await;
    Ok(())
}

/// The mail worker's connection and sender, signing with DKIM when a key
/// is configured.
fn mailer(config: &Config, smtp_url: &str) -> Result<crate::mail_worker::Mailer, String> {
    let mailer = crate::mail_worker::Mailer::new(smtp_url, &config.mail_from)?;
    match (&config.dkim_private_key, &config.dkim_selector) {
        (Some(path), Some(selector)) => {
            let pem = std::fs::read_to_string(path)
                .map_err(|error| format!("DKIM_PRIVATE_KEY: {}: {error}", path.display()))?;
            mailer.signed_with(selector, &pem)
        }
        _ => Ok(mailer),
    }
}

/// Lifts this process's limit on open files to the most the system
/// allows it (the soft limit is often 1 024, the hard one far more), so
/// that `listen::Limits::SERVER` connections fit.
pub fn raise_open_files_limit() {
    #[cfg(unix)]
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => tracing::debug!(limit, "open files"),
        Err(error) => tracing::warn!(%error, "could not raise the limit on open files"),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
