//! Every cookie the Center sets, in one table: its name, who may read it,
//! which requests carry it, and how long it lasts.

use axum::http::header::{ACCEPT_LANGUAGE, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use crate::domain::Lang;
use crate::services::{credentials, sessions, two_step, Settings};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cookie {
    /// The session. Scripts cannot read it; a link from an email still
    /// arrives signed in (Lax).
    Session,
    /// A sign-in waiting for its second step: only the Center's own forms
    /// carry it (Strict).
    Challenge,
    /// Recovery codes just made, waiting for the page a form posted
    /// without script comes back to, which takes them away.
    NewCodes,
    /// The interface language: the switch sets it, and signing in sets it
    /// to the user's preference.
    Lang,
    /// A browser that signed in before: failed sign-ins from elsewhere do
    /// not hold it back. Sent only with the Center's own forms (Strict).
    Device,
    /// What was typed in INVITE USER when a form posted without script
    /// asked for one ROLE dropdown more or less, waiting for the page it
    /// comes back to, which takes it away.
    InviteDraft,
    /// A secret just made (an API token, a webhook's signing secret),
    /// waiting for the page a form posted without script comes back to,
    /// which takes it away.
    NewSecret,
    /// A sign-in sent to the organization's provider: its `state`, which
    /// must come back with the same browser. Lax, as the provider sends
    /// the browser back with a top-level navigation from its own site.
    SsoState,
}

struct Rules {
    name: &'static str,
    /// The name over HTTPS, where it has one: the `__Host-` prefix, which
    /// browsers accept only when Secure, for Path=/ and without Domain, so
    /// that no sibling subdomain can plant or overwrite the cookie.
    https_name: Option<&'static str>,
    http_only: bool,
    same_site: &'static str,
    max_age_secs: i64,
}

impl Cookie {
    fn rules(self) -> Rules {
        match self {
            Cookie::Session => Rules {
                name: "bc_session",
                https_name: Some("__Host-bc_session"),
                http_only: true,
                same_site: "Lax",
                max_age_secs: sessions::SESSION_LIFETIME_SECS,
            },
            Cookie::Challenge => Rules {
                name: "bc_sign_in",
                https_name: Some("__Host-bc_sign_in"),
                http_only: true,
                same_site: "Strict",
                max_age_secs: two_step::CHALLENGE_SECS,
            },
            Cookie::NewCodes => Rules {
                name: "bc_new_codes",
                https_name: Some("__Host-bc_new_codes"),
                http_only: true,
                same_site: "Strict",
                max_age_secs: 120,
            },
            Cookie::Device => Rules {
                name: "bc_device",
                https_name: Some("__Host-bc_device"),
                http_only: true,
                same_site: "Strict",
                max_age_secs: credentials::DEVICE_LIFETIME_SECS,
            },
            Cookie::NewSecret => Rules {
                name: "bc_new_secret",
                https_name: Some("__Host-bc_new_secret"),
                http_only: true,
                same_site: "Strict",
                max_age_secs: 120,
            },
            Cookie::InviteDraft => Rules {
                name: "bc_invite_draft",
                https_name: Some("__Host-bc_invite_draft"),
                http_only: true,
                same_site: "Strict",
                max_age_secs: 600,
            },
            Cookie::SsoState => Rules {
                name: "bc_sso",
                https_name: Some("__Host-bc_sso"),
                http_only: true,
                same_site: "Lax",
                max_age_secs: crate::services::sso::flow::LOGIN_SECS,
            },
            // Read before anyone signs in, and by nothing secret.
            Cookie::Lang => Rules {
                name: "bc_lang",
                https_name: None,
                http_only: false,
                same_site: "Lax",
                max_age_secs: 365 * 24 * 60 * 60,
            },
        }
    }

    pub fn name(self, settings: &Settings) -> &'static str {
        let rules = self.rules();
        match rules.https_name {
            Some(name) if settings.secure_cookies() => name,
            _ => rules.name,
        }
    }

    /// The `Set-Cookie` value that gives the cookie `value`.
    pub fn set(self, settings: &Settings, value: &str) -> String {
        self.header(settings, value, self.rules().max_age_secs)
    }

    /// The `Set-Cookie` value that deletes the cookie.
    pub fn expire(self, settings: &Settings) -> String {
        self.header(settings, "", 0)
    }

    fn header(self, settings: &Settings, value: &str, max_age_secs: i64) -> String {
        let rules = self.rules();
        format!(
            "{}={value}; Path=/;{} SameSite={}; Max-Age={max_age_secs}{}",
            self.name(settings),
            if rules.http_only { " HttpOnly;" } else { "" },
            rules.same_site,
            if settings.secure_cookies() {
                "; Secure"
            } else {
                ""
            },
        )
    }

    /// The cookie's value in a request's headers.
    pub fn read(self, settings: &Settings, headers: &HeaderMap) -> Option<String> {
        read(headers, self.name(settings))
    }

    /// The cookie's value in the request being served.
    pub fn of_request(self, settings: &Settings) -> Option<String> {
        use_context::<Parts>().and_then(|parts| self.read(settings, &parts.headers))
    }

    /// A one-shot cookie's value in the request being served, deleted by
    /// the response: what a form posted without script left for the page
    /// it comes back to, shown once.
    pub fn take(self, settings: &Settings) -> Option<String> {
        let value = self.of_request(settings)?;
        add(&self.expire(settings));
        Some(value)
    }
}

fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// Adds a `Set-Cookie` (from [`Cookie::set`] or [`Cookie::expire`]) to
/// the response being made.
pub fn add(set_cookie: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(set_cookie),
    ) {
        response.append_header(SET_COOKIE, value);
    }
}

/// The interface language for a request: the language cookie, else the
/// browser's `Accept-Language`. (Its name never takes a prefix, so no
/// settings are needed to find it.)
pub fn request_lang(headers: &HeaderMap) -> Lang {
    read(headers, Cookie::Lang.rules().name)
        .and_then(|code| Lang::parse(&code).ok())
        .or_else(|| {
            headers
                .get(ACCEPT_LANGUAGE)
                .and_then(|value| value.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(public_url: &str) -> Settings {
        Settings {
            public_url: public_url.parse().expect("url"),
            dev_mailbox: false,
            downloads_dir: "downloads".into(),
            dns_resolver: None,
            trusted_proxies: Vec::new(),
            session_idle_secs: 1800,
            webhook_allow_private: false,
            sso_allow_private: false,
            secrets_key: crate::services::secrets::SecretsKey::generate(),
        }
    }

    #[test]
    fn the_table_gives_each_cookie_its_rules() {
        let http = settings("http://127.0.0.1:3000");
        let https = settings("https://center.example");
        assert_eq!(
            Cookie::Session.set(&http, "s"),
            format!(
                "bc_session=s; Path=/; HttpOnly; SameSite=Lax; Max-Age={}",
                sessions::SESSION_LIFETIME_SECS
            )
        );
        assert_eq!(
            Cookie::Challenge.expire(&https),
            "__Host-bc_sign_in=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure"
        );
        assert_eq!(
            Cookie::NewCodes.set(&https, "a.b"),
            "__Host-bc_new_codes=a.b; Path=/; HttpOnly; SameSite=Strict; Max-Age=120; Secure"
        );
        assert_eq!(
            Cookie::Lang.set(&https, "fr"),
            "bc_lang=fr; Path=/; SameSite=Lax; Max-Age=31536000; Secure"
        );
    }

    #[test]
    fn a_request_is_read_by_the_cookie_name_its_scheme_gives() {
        let https = settings("https://center.example");
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_static("bc_session=plain; __Host-bc_session=host; bc_lang=fr"),
        );
        assert_eq!(
            Cookie::Session.read(&https, &headers).as_deref(),
            Some("host")
        );
        assert_eq!(request_lang(&headers), Lang::Fr);
    }
}
