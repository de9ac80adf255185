//! Settings read from the environment (the names are product promises, see
//! PRODUCT.md), checked once at start-up.

use std::sync::Arc;

use app::services::db::DEFAULT_DATABASE_URL;
use app::services::Settings;
use leptos::prelude::LeptosOptions;

pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:3000";
/// Next to the default SQLite database.
pub const DEFAULT_DOWNLOADS_DIR: &str = "data/downloads";
pub const DEFAULT_MAIL_FROM: &str = "Business Center <no-reply@localhost>";

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub public_url: url::Url,
    /// Unset: mail stays in the outbox (and the demo's mailbox shows it).
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub downloads_dir: std::path::PathBuf,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

impl Config {
    pub fn from_env() -> Result<Self, String> {
        let public_url = var("PUBLIC_URL").unwrap_or_else(|| DEFAULT_PUBLIC_URL.to_owned());
        let public_url = url::Url::parse(&public_url)
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some())
            .ok_or_else(|| {
                format!("PUBLIC_URL: {public_url:?} is not an http:// or https:// address")
            })?;
        Ok(Config {
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
            public_url,
            smtp_url: var("SMTP_URL"),
            mail_from: var("MAIL_FROM").unwrap_or_else(|| DEFAULT_MAIL_FROM.to_owned()),
            downloads_dir: var("DOWNLOADS_DIR")
                .unwrap_or_else(|| DEFAULT_DOWNLOADS_DIR.to_owned())
                .into(),
        })
    }

    pub fn settings(&self, demo: bool) -> Arc<Settings> {
        Arc::new(Settings {
            public_url: self.public_url.clone(),
            dev_mailbox: demo && self.smtp_url.is_none(),
            downloads_dir: self.downloads_dir.clone(),
        })
    }
}

/// Leptos' own settings (`LEPTOS_SITE_ADDR`, `LEPTOS_SITE_ROOT`, …). The
/// output name falls back to the project's so that a binary built by plain
/// `cargo build` still links its scripts.
pub fn leptos_options() -> Result<LeptosOptions, String> {
    let mut options = leptos::prelude::get_configuration(None)
        .map_err(|error| format!("LEPTOS_* settings: {error}"))?
        .leptos_options;
    if options.output_name.is_empty() {
        options.output_name = "business-center".into();
    }
    Ok(options)
}
