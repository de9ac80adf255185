//! The one way into the server for server functions and file routes: the
//! state, the signed-in user as an actor of the audit log, the session
//! cookie, and what a plain (script-less) form needs from the response.

use axum::http::header::{ACCEPT, COOKIE, LOCATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap, HeaderName, HeaderValue, StatusCode};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use crate::domain::{Capability, Lang, Role};
use crate::error::AppError;
use crate::services::accounts::{self, CurrentUser};
use crate::services::audit::Actor;
use crate::services::client::ClientAddress;
use crate::services::mail::Outbox;
use crate::services::{internal, sessions, AppState, Db, Settings};
use std::net::IpAddr;

/// The session cookie's name. Over HTTPS it carries the `__Host-` prefix,
/// which browsers accept only when Secure, for Path=/ and without Domain:
/// no sibling subdomain can plant or overwrite it.
pub fn session_cookie_name(settings: &Settings) -> &'static str {
    if settings.secure_cookies() {
        "__Host-bc_session"
    } else {
        "bc_session"
    }
}

/// The session secret a request's headers carry.
pub fn session_of(settings: &Settings, headers: &HeaderMap) -> Option<String> {
    cookie(headers, session_cookie_name(settings))
}
pub const LANG_COOKIE: &str = "bc_lang";

/// The cookie that carries a sign-in waiting for its second step.
pub fn challenge_cookie_name(settings: &Settings) -> &'static str {
    if settings.secure_cookies() {
        "__Host-bc_sign_in"
    } else {
        "bc_sign_in"
    }
}

/// The challenge secret the browser sent, if any.
pub fn challenge_secret(settings: &Settings) -> Option<String> {
    use_context::<Parts>().and_then(|parts| cookie(&parts.headers, challenge_cookie_name(settings)))
}

/// The `Set-Cookie` value for a sign-in's second step: only for the
/// Center's own forms (SameSite=Strict), gone after five minutes.
pub fn challenge_cookie(settings: &Settings, secret: &str) -> String {
    format!(
        "{}={secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        challenge_cookie_name(settings),
        crate::services::two_step::CHALLENGE_SECS,
        secure(settings)
    )
}

pub fn expired_challenge_cookie(settings: &Settings) -> String {
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        challenge_cookie_name(settings),
        secure(settings)
    )
}

/// What a signed-in request must pass besides a live session.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Gate {
    SessionOnly,
    /// The organization's rule that everyone use two-step verification.
    TwoStepRule,
}

/// A request from a signed-in user.
pub struct Ctx {
    state: AppState,
    actor: Actor,
    session: String,
}

impl Ctx {
    /// The signed-in user of the server function being run, or
    /// `Unauthenticated`, or `TwoStepSetupRequired` while their
    /// organization requires a second step they have not set up.
    pub async fn signed_in() -> Result<Ctx, AppError> {
        Ctx::signed_in_with(Gate::TwoStepRule).await
    }

    /// The signed-in user even before they set up a second step their
    /// organization requires: for the Two-step verification page alone.
    pub async fn signed_in_setting_up_two_step() -> Result<Ctx, AppError> {
        Ctx::signed_in_with(Gate::SessionOnly).await
    }

    async fn signed_in_with(gate: Gate) -> Result<Ctx, AppError> {
        let state = state()?;
        let parts = use_context::<Parts>().ok_or_else(|| internal("request parts missing"))?;
        Ctx::of_request_with(state, &parts.headers, &parts.extensions, gate).await
    }

    /// The signed-in user of a plain axum handler's request (downloads and
    /// exports, which are files rather than server functions).
    pub async fn of_request(
        state: AppState,
        headers: &HeaderMap,
        extensions: &Extensions,
    ) -> Result<Ctx, AppError> {
        Ctx::of_request_with(state, headers, extensions, Gate::TwoStepRule).await
    }

    async fn of_request_with(
        state: AppState,
        headers: &HeaderMap,
        extensions: &Extensions,
        gate: Gate,
    ) -> Result<Ctx, AppError> {
        let session = session_of(&state.settings, headers).ok_or(AppError::Unauthenticated)?;
        let now = state.clock.now();
        let user_id = sessions::user_of(&state.db, &session, now, state.settings.session_idle_secs)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let user = accounts::load(&state.db, user_id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        if gate == Gate::TwoStepRule && user.must_set_up_two_step() {
            return Err(AppError::TwoStepSetupRequired);
        }
        let actor = Actor {
            user,
            client_address: client_ip_of(extensions),
        };
        Ok(Ctx {
            state,
            actor,
            session,
        })
    }

    /// `Forbidden` unless one of the user's roles opens `capability`.
    pub fn require(&self, capability: Capability) -> Result<(), AppError> {
        if Role::any_allows(&self.actor.user.roles, capability) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn user(&self) -> &CurrentUser {
        &self.actor.user
    }

    /// The user and their address, for the audit log.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// The secret of the session this request came with.
    pub fn session(&self) -> &str {
        &self.session
    }

    pub fn db(&self) -> &Db {
        &self.state.db
    }

    pub fn now(&self) -> i64 {
        self.state.clock.now()
    }

    pub fn settings(&self) -> &Settings {
        &self.state.settings
    }

    pub fn outbox(&self) -> &Outbox {
        &self.state.outbox
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }
}

/// The server's state, for server functions anyone may call.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| internal("AppState missing from context"))
}

/// Reads a cookie from request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// The session secret the browser sent, if any.
pub fn session_secret(settings: &Settings) -> Option<String> {
    use_context::<Parts>().and_then(|parts| session_of(settings, &parts.headers))
}

/// The `Set-Cookie` value for a session: HttpOnly so scripts cannot read
/// it, SameSite=Lax so a link from an email still arrives signed in.
pub fn session_cookie(settings: &Settings, secret: &str) -> String {
    format!(
        "{}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        session_cookie_name(settings),
        sessions::SESSION_LIFETIME_SECS,
        secure(settings)
    )
}

pub fn expired_session_cookie(settings: &Settings) -> String {
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        session_cookie_name(settings),
        secure(settings)
    )
}

pub fn lang_cookie(settings: &Settings, lang: Lang) -> String {
    format!(
        "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000{}",
        lang.code(),
        secure(settings)
    )
}

fn secure(settings: &Settings) -> &'static str {
    if settings.secure_cookies() {
        "; Secure"
    } else {
        ""
    }
}

/// The interface language for a request: the language cookie (set by the
/// switch and at sign-in from the user's preference), else the browser's.
pub fn request_lang(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(|code| Lang::parse(&code).ok())
        .or_else(|| {
            headers
                .get(axum::http::header::ACCEPT_LANGUAGE)
                .and_then(|value| value.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

pub fn add_cookie(value: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        response.append_header(SET_COOKIE, value);
    }
}

/// Whether this call is a form the browser posted without script, to be
/// answered with a page rather than with data.
pub fn is_plain_form() -> bool {
    use_context::<Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(ACCEPT)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.contains("text/html"))
    })
}

/// Sends the person on to `path`, the page that shows the answer: a form
/// posted without script gets a `303 See Other` there; the app's own call
/// gets its data, and the header on which Leptos' router goes to `path`
/// in the browser, without loading a document. A script calling the
/// server function may ignore both.
pub fn answer_at(path: &str) {
    let Some(response) = use_context::<ResponseOptions>() else {
        return;
    };
    let Ok(location) = HeaderValue::from_str(path) else {
        return;
    };
    response.insert_header(LOCATION, location);
    if is_plain_form() {
        response.set_status(StatusCode::SEE_OTHER);
    } else {
        response.insert_header(
            HeaderName::from_static(leptos::server_fn::redirect::REDIRECT_HEADER),
            HeaderValue::from_static(""),
        );
    }
}

/// Recovery codes just made wait for the page a plain form comes back to
/// in this cookie: HttpOnly, for this site's own requests only, gone in
/// two minutes, and taken away by the page that shows them.
pub fn new_codes_cookie_name(settings: &Settings) -> &'static str {
    if settings.secure_cookies() {
        "__Host-bc_new_codes"
    } else {
        "bc_new_codes"
    }
}

pub fn new_codes_cookie(settings: &Settings, codes: &[String]) -> String {
    format!(
        "{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age=120{}",
        new_codes_cookie_name(settings),
        codes.join("."),
        secure(settings)
    )
}

pub fn expired_new_codes_cookie(settings: &Settings) -> String {
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        new_codes_cookie_name(settings),
        secure(settings)
    )
}

/// The client's address, for rate limits and the audit log.
pub fn client_address() -> Option<IpAddr> {
    use_context::<Parts>().and_then(|parts| client_address_of(&parts.extensions))
}

/// The client's address from a request's extensions: as the server's
/// guard worked it out from trusted proxies, else the socket's.
pub fn client_address_of(extensions: &Extensions) -> Option<IpAddr> {
    extensions
        .get::<ClientAddress>()
        .map(|client| client.0)
        .or_else(|| {
            extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|info| info.0.ip())
        })
}

/// The client's address in words, for the audit log.
pub fn client_ip_of(extensions: &Extensions) -> String {
    crate::services::client::describe(client_address_of(extensions))
}
