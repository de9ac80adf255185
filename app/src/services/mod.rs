//! Everything that runs only on the server: state, database access, the
//! business services the server functions call, and mail.
//!
//! Every service is called one way: `f(&AppState, &Actor, args…)`, or
//! `f(&AppState, args…)` where nobody acts (the operator's commands, the
//! periodic work). The state holds the database, settings, outbox, hasher
//! and clock; `now` is always the clock's. A step that runs inside its
//! caller's transaction takes that connection first instead.

pub mod access;
pub mod accounts;
pub mod agreements;
pub mod audit;
pub mod catalog;
pub mod credentials;
pub mod csv_file;
pub mod current_user;
pub mod dashboard;
pub mod db;
pub mod dns;
pub mod domains;
pub mod events;
pub mod idempotency;
pub mod invitations;
pub mod keys;
pub mod mail;
pub mod orders;
pub mod organizations;
pub mod outbound;
pub mod outbox;
pub mod partners;
pub mod password;
pub mod products;
pub mod provisioning;
pub mod ratelimit;
pub mod reminders;
pub mod reports;
pub mod scim;
pub mod secrets;
pub mod sessions;
pub mod sign_in;
pub mod sso;
pub mod templates;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod tokens;
pub mod two_step;
pub mod webhooks;

use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::error::AppError;
pub use db::Db;

/// How long an invitation link works after it is sent.
pub const INVITATION_LIFETIME_SECS: i64 = 60 * 24 * 60 * 60;

/// Settings every part of the server reads.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The address people reach the Center at; every link in an email is
    /// built from it, never from a request's Host header.
    pub public_url: url::Url,
    /// Demo mode with no SMTP server: only then does the development
    /// mailbox page exist.
    pub dev_mailbox: bool,
    /// Where the software files customers download are kept, each named
    /// by the SHA-256 of its content.
    pub downloads_dir: std::path::PathBuf,
    /// The DNS server domain proofs are looked up with; `None`: the
    /// system's resolver.
    pub dns_resolver: Option<std::net::SocketAddr>,
    /// Proxies whose `X-Forwarded-For` is believed (`TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<crate::domain::cidr::Cidr>,
    /// A session unused for this long ends (`SESSION_IDLE_MINUTES`).
    pub session_idle_secs: i64,
    /// Webhooks may call private and local networks, and plain http://
    /// (`WEBHOOK_ALLOW_PRIVATE`).
    pub webhook_allow_private: bool,
    /// Single sign-on providers may be on private and local networks, and
    /// plain http:// (`SSO_ALLOW_PRIVATE`).
    pub sso_allow_private: bool,
    /// What secrets the Center reads back are sealed with (`SECRETS_KEY`).
    pub secrets_key: secrets::SecretsKey,
}

impl Settings {
    /// Cookies get `Secure` whenever the Center is served over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// An absolute link to `path` under `PUBLIC_URL`.
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.public_url.as_str().trim_end_matches('/'), path)
    }
}

/// The time, injectable so tests can move it instead of waiting.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> i64 + Send + Sync>);

impl Clock {
    pub fn system() -> Self {
        Clock(Arc::new(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |elapsed| elapsed.as_secs() as i64)
        }))
    }

    pub fn fixed(at: i64) -> Self {
        Clock(Arc::new(move || at))
    }

    pub fn from_fn(f: impl Fn() -> i64 + Send + Sync + 'static) -> Self {
        Clock(Arc::new(f))
    }

    /// Seconds since the Unix epoch, UTC.
    pub fn now(&self) -> i64 {
        (self.0)()
    }
}

/// What the server functions and handlers share.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub hasher: password::Hasher,
    pub clock: Clock,
    /// Wakes the mail worker as soon as something is queued.
    pub outbox: outbox::Outbox,
    pub leptos_options: leptos::prelude::LeptosOptions,
}

impl axum::extract::FromRef<AppState> for leptos::prelude::LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lowercase hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// 32 bytes from the operating system, URL-safe base64: for session ids.
pub fn random_secret() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        internal(error)
    }
}

tokio::task_local! {
    /// The id of the request being served, set by the server's request
    /// log, so that an internal error names the request it happened in.
    pub static REQUEST_ID: String;
}

/// A short random reference: a request's id.
pub fn new_reference() -> String {
    use rand::Rng;
    format!("{:08x}", rand::thread_rng().gen::<u32>())
}

/// Logs an unexpected failure and returns an error that names it only by a
/// reference the operator can search the log for: the request's id when
/// there is one.
pub fn internal(error: impl std::fmt::Display) -> AppError {
    let reference = REQUEST_ID
        .try_with(Clone::clone)
        .unwrap_or_else(|_| new_reference());
    tracing::error!(%reference, %error, "internal error");
    // Tests have no log: a failing test shows what went wrong instead.
    #[cfg(feature = "testing")]
    eprintln!("internal error {reference}: {error}");
    AppError::Internal(reference)
}

/// Whether a database error is a violated unique constraint.
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db_error) if db_error.is_unique_violation())
}
