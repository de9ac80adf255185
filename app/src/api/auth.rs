use leptos::prelude::*;

use crate::error::AppError;

/// Signs in with a work email and password; answers where to go next.
#[server(endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<String, AppError> {
    use crate::server::{accounts, http};
    http::respond(
        async {
            let state = http::state()?;
            let user_id =
                accounts::verify_credentials(&state.db, &state.hasher, &email, &password).await?;
            start_session(&state, user_id).await?;
            Ok("/dashboard".to_owned())
        }
        .await,
    )
    .inspect(|path| http::redirect_plain_form(path))
}

/// Starts a fresh session for `user_id`, ending the one the browser came
/// with (so a planted session id is worthless), and switches the interface
/// to the user's preferred language.
#[cfg(feature = "ssr")]
pub async fn start_session(state: &crate::server::AppState, user_id: i64) -> Result<(), AppError> {
    use crate::server::{accounts, http, sessions};
    if let Some(previous) = http::session_secret() {
        sessions::end(&state.db, &previous).await?;
    }
    let secret = sessions::create(&state.db, user_id, state.clock.now()).await?;
    http::add_cookie(&http::session_cookie(&state.settings, &secret));
    if let Some(user) = accounts::load(&state.db, user_id).await? {
        http::add_cookie(&http::lang_cookie(&state.settings, user.lang));
    }
    Ok(())
}

/// Ends the current session.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<String, AppError> {
    use crate::server::{http, sessions};
    http::respond(
        async {
            let state = http::state()?;
            if let Some(secret) = http::session_secret() {
                sessions::end(&state.db, &secret).await?;
            }
            http::add_cookie(&http::expired_session_cookie(&state.settings));
            Ok("/sign-in".to_owned())
        }
        .await,
    )
    .inspect(|path| http::redirect_plain_form(path))
}
