//! The signed-in person: their dashboard, their profile, their password.

use leptos::prelude::*;

use crate::domain::wire::{ApiTokenRow, Dashboard, Profile, SessionRow};
use crate::domain::Role;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    http::cookies::{self, Cookie},
    http::{
        answer::{answer_at, is_plain_form},
        state, Ctx,
    },
    services::{
        accounts::{self, PasswordChange},
        dashboard, sessions,
        tokens::{self, TokenRequest},
    },
};

#[server(endpoint = "get_dashboard")]
pub async fn get_dashboard() -> Result<Dashboard, AppError> {
    let cx = Ctx::signed_in().await?;
    dashboard::page(cx.state(), cx.actor()).await
}

#[server(endpoint = "get_profile")]
pub async fn get_profile() -> Result<Profile, AppError> {
    let cx = Ctx::signed_in().await?;
    Ok(accounts::profile(cx.user()))
}

/// Where the password form comes back to once the password was changed:
/// My profile, saying so (`password-changed`).
pub const PASSWORD_CHANGED: &str = "/profile?password-changed=1";

/// Changes the signed-in user's password and ends all their sessions but
/// the new one this browser gets.
#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    let cx = Ctx::signed_in().await?;
    let change = PasswordChange {
        current: &current_password,
        new: &new_password,
        confirmation: &confirm_password,
    };
    let session = accounts::change_password(cx.state(), cx.actor(), &change).await?;
    cookies::add(&Cookie::Session.set(&cx.state().settings, session.secret()));
    answer_at(PASSWORD_CHANGED);
    Ok(())
}

/// The signed-in person's live sessions, this browser's marked.
#[server(endpoint = "list_sessions")]
pub async fn list_sessions() -> Result<Vec<SessionRow>, AppError> {
    let cx = Ctx::signed_in().await?;
    let current = this_session(&cx)?;
    sessions::list(cx.state(), cx.actor(), &current).await
}

/// Signs out one of the person's other sessions (`handle`, from the
/// list), or every other one when there is no handle.
#[server(endpoint = "end_sessions")]
pub async fn end_sessions(handle: Option<String>) -> Result<(), AppError> {
    let cx = Ctx::signed_in().await?;
    let current = this_session(&cx)?;
    let handle = handle.filter(|handle| !handle.is_empty());
    sessions::end_others(cx.state(), cx.actor(), &current, handle.as_deref()).await?;
    answer_at("/profile");
    Ok(())
}

#[cfg(feature = "ssr")]
fn this_session(cx: &Ctx) -> Result<String, AppError> {
    Cookie::Session
        .of_request(&cx.state().settings)
        .ok_or(AppError::Unauthenticated)
}

/// The person's API tokens, or the organization's for whoever manages its
/// security.
#[server(endpoint = "list_api_tokens")]
pub async fn list_api_tokens() -> Result<Vec<ApiTokenRow>, AppError> {
    let cx = Ctx::signed_in().await?;
    tokens::list(cx.state(), cx.actor()).await
}

/// Makes an API token with some of the person's roles; answers its
/// secret, shown only now.
#[server(endpoint = "create_api_token")]
pub async fn create_api_token(
    name: String,
    expires_days: i64,
    #[server(default)] roles: Vec<Role>,
) -> Result<String, AppError> {
    let cx = Ctx::signed_in().await?;
    let request = TokenRequest {
        name: &name,
        expires_days,
        roles: &roles,
    };
    let made = tokens::create(cx.state(), cx.actor(), &request).await?;
    // A plain form's answer is a page, which cannot carry the secret: it
    // waits for My profile in a cookie (`Cookie::NewSecret`).
    if is_plain_form() {
        cookies::add(&Cookie::NewSecret.set(&cx.state().settings, &made.secret));
        answer_at("/profile#api-tokens");
    }
    Ok(made.secret)
}

#[server(endpoint = "revoke_api_token")]
pub async fn revoke_api_token(token_id: i64) -> Result<(), AppError> {
    let cx = Ctx::signed_in().await?;
    tokens::revoke(cx.state(), cx.actor(), token_id).await?;
    answer_at("/profile#api-tokens");
    Ok(())
}

/// The secret a plain form's `create_api_token` left for this page, taken
/// away as it is shown; nothing unless it looks like one.
#[cfg(feature = "ssr")]
pub fn take_new_token() -> Option<String> {
    let secret = Cookie::NewSecret.take(&state().ok()?.settings)?;
    tokens::well_formed(&secret).then_some(secret)
}
