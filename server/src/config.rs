//! Settings read from the environment (the names are product promises, see
//! PRODUCT.md), checked once at start-up. Every one is listed here, with
//! its default, and in `business-center --help`.

use std::net::SocketAddr;
use std::sync::Arc;

use app::services::secrets::SecretsKey;
use app::services::Settings;
use clap::Args;
use leptos::prelude::LeptosOptions;

#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Configuration (environment variables)")]
pub struct Config {
    /// The database: `sqlite://path` or `postgres://…`.
    #[arg(
        long,
        global = true,
        env = "DATABASE_URL",
        default_value = app::services::db::DEFAULT_DATABASE_URL,
        hide_env_values = true
    )]
    pub database_url: Secret,
    /// The address people use; every link in an email is built from it.
    #[arg(
        long,
        global = true,
        env = "PUBLIC_URL",
        default_value = "http://127.0.0.1:3000",
        value_parser = public_url
    )]
    pub public_url: url::Url,
    /// Outgoing mail in lettre's form (`smtp://host:port`, `smtps://…`,
    /// `smtp://user:pass@host:587?tls=required`). Unset: mail waits in the
    /// outbox.
    #[arg(long, global = true, env = "SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<Secret>,
    /// The sender of every email.
    #[arg(
        long,
        global = true,
        env = "MAIL_FROM",
        default_value = "Business Center <no-reply@localhost>"
    )]
    pub mail_from: String,
    /// A file holding the DKIM key every email is signed with, for the
    /// domain of `MAIL_FROM` (an RSA key in PKCS#1 PEM, `BEGIN RSA PRIVATE
    /// KEY`). Unset: mail is not signed.
    #[arg(
        long,
        global = true,
        env = "DKIM_PRIVATE_KEY",
        requires = "dkim_selector"
    )]
    pub dkim_private_key: Option<std::path::PathBuf>,
    /// The selector the DKIM public key is published under, as the TXT
    /// record `<selector>._domainkey.<domain of MAIL_FROM>`.
    #[arg(
        long,
        global = true,
        env = "DKIM_SELECTOR",
        requires = "dkim_private_key"
    )]
    pub dkim_selector: Option<String>,
    /// Where `products import` keeps the software files customers
    /// download, each named by its SHA-256.
    #[arg(
        long,
        global = true,
        env = "DOWNLOADS_DIR",
        default_value = "data/downloads"
    )]
    pub downloads_dir: std::path::PathBuf,
    /// The DNS server that domain proofs are looked up with (host:port);
    /// unset, the system's resolver.
    #[arg(long, global = true, env = "DNS_RESOLVER")]
    pub dns_resolver: Option<SocketAddr>,
    /// Reverse proxies (addresses or networks, comma-separated) whose
    /// `X-Forwarded-For` names the client; unset, the connection's own
    /// address is the client's.
    #[arg(
        long,
        global = true,
        env = "TRUSTED_PROXIES",
        default_value = "",
        value_parser = trusted_proxies
    )]
    pub trusted_proxies: TrustedProxies,
    /// Minutes without use after which a session ends (besides the
    /// 12-hour limit).
    #[arg(
        long,
        global = true,
        env = "SESSION_IDLE_MINUTES",
        default_value_t = 30,
        value_parser = clap::value_parser!(u32).range(1..=720)
    )]
    pub session_idle_minutes: u32,
    /// Lets webhooks call private and local networks, and plain http://
    /// (a receiver inside your own network, the tests). Off, webhooks
    /// reach only public https:// addresses.
    #[arg(
        long,
        global = true,
        env = "WEBHOOK_ALLOW_PRIVATE",
        value_parser = clap::builder::FalseyValueParser::new()
    )]
    pub webhook_allow_private: bool,
    /// Lets single sign-on reach identity providers on private and local
    /// networks, and over plain http:// (a provider inside your own
    /// network, the tests). Off, only public https:// providers.
    #[arg(
        long,
        global = true,
        env = "SSO_ALLOW_PRIVATE",
        value_parser = clap::builder::FalseyValueParser::new()
    )]
    pub sso_allow_private: bool,
    /// The key (32 random bytes, base64) that the secrets the Center must
    /// read back are sealed with: authenticator keys, webhook and single
    /// sign-on client secrets. Required to serve (`serve --demo` keeps one
    /// in data/secrets.key); `business-center secrets-key` makes one.
    #[arg(long, global = true, env = "SECRETS_KEY", hide_env_values = true)]
    pub secrets_key: Option<Secret>,
    /// The address to listen on.
    #[arg(
        long,
        global = true,
        env = "LEPTOS_SITE_ADDR",
        default_value = "127.0.0.1:3000"
    )]
    pub site_addr: SocketAddr,
    /// Where the built site (scripts, styles) is.
    #[arg(
        long,
        global = true,
        env = "LEPTOS_SITE_ROOT",
        default_value = "target/site"
    )]
    pub site_root: String,
}

fn public_url(text: &str) -> Result<url::Url, String> {
    url::Url::parse(text.trim())
        .ok()
        .filter(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some())
        .ok_or_else(|| format!("{text:?} is not an http:// or https:// address"))
}

/// The parsed `TRUSTED_PROXIES`.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Vec<app::domain::cidr::Cidr>);

fn trusted_proxies(text: &str) -> Result<TrustedProxies, String> {
    app::domain::cidr::parse_list(text).map(TrustedProxies)
}

impl Config {
    /// `SECRETS_KEY`, read: clap is not given it to parse, as its errors
    /// repeat the value.
    pub fn secrets_key(&self) -> Option<Result<SecretsKey, String>> {
        self.secrets_key
            .as_ref()
            .map(|secret| SecretsKey::parse(secret.expose()))
    }

    pub fn settings(&self, demo: bool, secrets_key: SecretsKey) -> Arc<Settings> {
        Arc::new(Settings {
            public_url: self.public_url.clone(),
            dev_mailbox: demo && self.smtp_url.is_none(),
            downloads_dir: self.downloads_dir.clone(),
            dns_resolver: self.dns_resolver,
            trusted_proxies: self.trusted_proxies.0.clone(),
            session_idle_secs: i64::from(self.session_idle_minutes) * 60,
            webhook_allow_private: self.webhook_allow_private,
            sso_allow_private: self.sso_allow_private,
            secrets_key,
        })
    }

    /// Leptos' own settings, with the address and site root from here. The
    /// output name falls back to the project's so that a binary built by
    /// plain `cargo build` still links its scripts.
    pub fn leptos_options(&self) -> Result<LeptosOptions, String> {
        let mut options = leptos::prelude::get_configuration(None)
            .map_err(|error| format!("LEPTOS_* settings: {error}"))?
            .leptos_options;
        if options.output_name.is_empty() {
            options.output_name = "business-center".into();
        }
        options.site_addr = self.site_addr;
        options.site_root = self.site_root.clone().into();
        // A release build leaves the hashes of the file names it gave the
        // site's files beside the binary; Leptos names them from there.
        options.hash_files = options.hash_files || hash_file_beside_binary(&options);
        Ok(options)
    }
}

fn hash_file_beside_binary(options: &LeptosOptions) -> bool {
    app::hydration::hash_file_path(options).is_some_and(|path| path.is_file())
}

/// A setting that may hold a password (`DATABASE_URL`, `SMTP_URL`): its
/// `Debug` and `Display` hide the password, so logs and error messages
/// never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The value itself, for the one place that connects with it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value.trim().to_owned())
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match url::Url::parse(&self.0) {
            Ok(mut url) if url.password().is_some() => {
                let _ = url.set_password(Some("***"));
                f.write_str(url.as_str())
            }
            Ok(url) => f.write_str(url.as_str()),
            Err(_) => f.write_str("***"),
        }
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_urls_never_show() {
        let secret = Secret::from("postgres://bc:hunter2@db.example:5432/bc".to_owned());
        assert_eq!(secret.to_string(), "postgres://bc:***@db.example:5432/bc");
        assert!(!format!("{secret:?}").contains("hunter2"));
        assert_eq!(secret.expose(), "postgres://bc:hunter2@db.example:5432/bc");
        let smtp = Secret::from("smtp://user:p%40ss@mail.example:587?tls=required".to_owned());
        assert!(!smtp.to_string().contains("p%40ss"));
        assert_eq!(Secret::from("not a url:pw".to_owned()).to_string(), "***");
    }

    #[test]
    fn public_url_must_be_a_web_address() {
        assert!(public_url("https://bc.example.com").is_ok());
        assert!(public_url("ftp://bc.example.com").is_err());
        assert!(public_url("bc.example.com").is_err());
    }
}
