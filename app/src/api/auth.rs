//! Signing in and out.

use leptos::prelude::*;

use crate::error::AppError;

/// Signs in with a work email and password; answers where to go next:
/// the dashboard, or the code page when the user has two-step
/// verification.
#[server(endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<String, AppError> {
    use crate::api::context::{add_cookie, challenge_cookie, client_address};
    use crate::api::context::{answer_at, state};
    use crate::services::sign_in::{self, Outcome};
    let state = state()?;
    let now = state.clock.now();
    let outcome = sign_in::sign_in(
        &state.db,
        &state.hasher,
        now,
        client_address(),
        &email,
        &password,
    )
    .await?;
    let next = match outcome {
        Outcome::SignedIn(user_id) => {
            start_session(&state, user_id).await?;
            "/dashboard"
        }
        Outcome::SecondStep { challenge } => {
            add_cookie(&challenge_cookie(&state.settings, &challenge));
            "/sign-in/code"
        }
    };
    answer_at(next);
    Ok(next.to_owned())
}

/// The second step of signing in: a code from the authenticator app, or a
/// recovery code.
#[server(endpoint = "sign_in_code")]
pub async fn sign_in_code(code: String) -> Result<String, AppError> {
    use crate::api::context::{add_cookie, challenge_secret, client_address};
    use crate::api::context::{answer_at, expired_challenge_cookie, state};
    use crate::services::sign_in;
    let state = state()?;
    let challenge = challenge_secret(&state.settings).ok_or(AppError::Unauthenticated)?;
    let user_id = sign_in::second_step(&state, client_address(), &challenge, &code).await?;
    add_cookie(&expired_challenge_cookie(&state.settings));
    start_session(&state, user_id).await?;
    answer_at("/dashboard");
    Ok("/dashboard".to_owned())
}

/// Starts a fresh session for `user_id`, ending the one the browser came
/// with (so a planted session id is worthless), and switches the interface
/// to the user's preferred language.
#[cfg(feature = "ssr")]
pub async fn start_session(
    state: &crate::services::AppState,
    user_id: i64,
) -> Result<(), AppError> {
    use crate::api::context::{add_cookie, lang_cookie, session_cookie, session_secret};
    use crate::services::{accounts, sessions};
    if let Some(previous) = session_secret(&state.settings) {
        sessions::end(&state.db, &previous).await?;
    }
    let secret = sessions::create(&state.db, user_id, state.clock.now()).await?;
    add_cookie(&session_cookie(&state.settings, &secret));
    if let Some(user) = accounts::load(&state.db, user_id).await? {
        add_cookie(&lang_cookie(&state.settings, user.lang));
    }
    Ok(())
}

/// Ends the current session.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<String, AppError> {
    use crate::api::context::{add_cookie, client_address, expired_session_cookie};
    use crate::api::context::{answer_at, session_secret, state};
    use crate::services::sign_in;
    let state = state()?;
    if let Some(secret) = session_secret(&state.settings) {
        let now = state.clock.now();
        sign_in::sign_out(&state.db, now, client_address(), &secret).await?;
    }
    add_cookie(&expired_session_cookie(&state.settings));
    answer_at("/sign-in");
    Ok("/sign-in".to_owned())
}
