//! Signing in and out.

use leptos::prelude::*;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    http::cookies::{self, Cookie},
    http::{answer::answer_at, client, state},
    services::{audit, credentials, current_user, sessions, sign_in, sign_in::Outcome, AppState},
};

/// Signs in with a work email and password; answers where to go next:
/// the dashboard, or the code page when the user has two-step
/// verification.
#[server(endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    #[server(default)] password: String,
) -> Result<String, AppError> {
    let state = state()?;
    let device = Cookie::Device.of_request(&state.settings);
    let client = client::of_request();
    let outcome = sign_in::sign_in(&state, client, device.as_deref(), &email, &password).await?;
    let next = match outcome {
        Outcome::SignedIn(user_id) => {
            start_session(&state, user_id).await?;
            "/dashboard"
        }
        Outcome::SecondStep { challenge } => {
            cookies::add(&Cookie::Challenge.set(&state.settings, &challenge));
            "/sign-in/code"
        }
        Outcome::Provider(started) => {
            cookies::add(&Cookie::SsoState.set(&state.settings, &started.state));
            answer_at(&started.url);
            return Ok(started.url);
        }
    };
    answer_at(next);
    Ok(next.to_owned())
}

/// The second step of signing in: a code from the authenticator app, or a
/// recovery code.
#[server(endpoint = "sign_in_code")]
pub async fn sign_in_code(code: String) -> Result<String, AppError> {
    let state = state()?;
    let challenge = Cookie::Challenge
        .of_request(&state.settings)
        .ok_or(AppError::Unauthenticated)?;
    let user_id = sign_in::second_step(&state, client::of_request(), &challenge, &code).await?;
    cookies::add(&Cookie::Challenge.expire(&state.settings));
    start_session(&state, user_id).await?;
    answer_at("/dashboard");
    Ok("/dashboard".to_owned())
}

/// Starts a fresh session for `user_id`, ending the one the browser came
/// with (so a planted session id is worthless), remembers the browser as
/// one that signed in to this account, and switches the interface to the
/// user's preferred language.
#[cfg(feature = "ssr")]
pub async fn start_session(state: &AppState, user_id: i64) -> Result<(), AppError> {
    let headers = use_context::<axum::http::request::Parts>()
        .map(|parts| parts.headers)
        .unwrap_or_default();
    let client_address = audit::describe_client(client::of_request());
    for cookie in session_cookies(state, user_id, &headers, &client_address).await? {
        cookies::add(&cookie);
    }
    Ok(())
}

/// What [`start_session`] does, for any handler: the `Set-Cookie` values
/// of the new session, given the request's headers.
#[cfg(feature = "ssr")]
pub async fn session_cookies(
    state: &AppState,
    user_id: i64,
    headers: &axum::http::HeaderMap,
    client_address: &str,
) -> Result<Vec<String>, AppError> {
    let settings = &state.settings;
    if let Some(previous) = Cookie::Session.read(settings, headers) {
        sessions::end(state, &previous).await?;
    }
    let user_agent = client::user_agent(headers);
    let origin = sessions::Origin {
        client_address,
        user_agent: &user_agent,
    };
    let secret = sessions::create(state, user_id, origin).await?;
    let mut set = vec![Cookie::Session.set(settings, &secret)];
    if let Some(user) = current_user::load(state, user_id).await? {
        set.push(Cookie::Lang.set(settings, user.lang.code()));
        let device = Cookie::Device.read(settings, headers);
        if let Some(secret) =
            credentials::remember_device(state, &user.email, device.as_deref()).await?
        {
            set.push(Cookie::Device.set(settings, &secret));
        }
    }
    Ok(set)
}

/// Ends the current session.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<String, AppError> {
    let state = state()?;
    if let Some(secret) = Cookie::Session.of_request(&state.settings) {
        sign_in::sign_out(&state, client::of_request(), &secret).await?;
    }
    cookies::add(&Cookie::Session.expire(&state.settings));
    answer_at("/sign-in");
    Ok("/sign-in".to_owned())
}
