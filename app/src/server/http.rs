//! What server functions need from the request and response: the state,
//! the session cookie, the status code, a redirect for plain forms.

use axum::http::header::{ACCEPT, COOKIE, LOCATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use super::accounts::{self, CurrentUser};
use super::{sessions, AppState, Settings};
use crate::domain::Lang;
use crate::error::AppError;

pub const SESSION_COOKIE: &str = "bc_session";
pub const LANG_COOKIE: &str = "bc_lang";

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| super::internal("AppState missing from context"))
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
pub fn session_secret() -> Option<String> {
    use_context::<Parts>().and_then(|parts| cookie(&parts.headers, SESSION_COOKIE))
}

/// The signed-in user and their session secret, or `Unauthenticated`.
pub async fn current_user(state: &AppState) -> Result<(CurrentUser, String), AppError> {
    let secret = session_secret().ok_or(AppError::Unauthenticated)?;
    let user = user_of_session(state, &secret).await?;
    Ok((user, secret))
}

/// The signed-in user of a plain axum handler's request (downloads and
/// exports, which are files rather than server functions).
pub async fn user_of_request(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<CurrentUser, AppError> {
    let secret = cookie(headers, SESSION_COOKIE).ok_or(AppError::Unauthenticated)?;
    user_of_session(state, &secret).await
}

async fn user_of_session(state: &AppState, secret: &str) -> Result<CurrentUser, AppError> {
    let user_id = sessions::user_of(&state.db, secret, state.clock.now())
        .await?
        .ok_or(AppError::Unauthenticated)?;
    accounts::load(&state.db, user_id)
        .await?
        .ok_or(AppError::Unauthenticated)
}

/// The `Set-Cookie` value for a session: HttpOnly so scripts cannot read
/// it, SameSite=Lax so a link from an email still arrives signed in.
pub fn session_cookie(settings: &Settings, secret: &str) -> String {
    format!(
        "{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        sessions::SESSION_LIFETIME_SECS,
        if settings.secure_cookies() {
            "; Secure"
        } else {
            ""
        }
    )
}

pub fn expired_session_cookie(settings: &Settings) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if settings.secure_cookies() {
            "; Secure"
        } else {
            ""
        }
    )
}

pub fn lang_cookie(settings: &Settings, lang: Lang) -> String {
    format!(
        "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000{}",
        lang.code(),
        if settings.secure_cookies() {
            "; Secure"
        } else {
            ""
        }
    )
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

/// Sends a plain (script-less) form post on to `path`; with scripts the
/// page navigates itself once the call succeeds.
pub fn redirect_plain_form(path: &str) {
    let (Some(parts), Some(response)) = (use_context::<Parts>(), use_context::<ResponseOptions>())
    else {
        return;
    };
    let plain_form = parts
        .headers
        .get(ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.contains("text/html"));
    if let (true, Ok(location)) = (plain_form, HeaderValue::from_str(path)) {
        response.insert_header(LOCATION, location);
        response.set_status(StatusCode::SEE_OTHER);
    }
}

/// Gives an error its HTTP status on the way out of a server function.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result {
        if let (Some(response), Ok(status)) = (
            use_context::<ResponseOptions>(),
            StatusCode::from_u16(error.status()),
        ) {
            response.set_status(status);
        }
    }
    result
}

/// The client's address, for rate limits and the audit log.
pub fn client_ip() -> String {
    use_context::<Parts>()
        .map(|parts| client_ip_of(&parts.extensions))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The client's address from a request's extensions.
pub fn client_ip_of(extensions: &axum::http::Extensions) -> String {
    extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}
