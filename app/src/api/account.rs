//! The signed-in person: their dashboard, their profile, their password.

use leptos::prelude::*;

use crate::domain::wire::{Dashboard, Profile, SessionRow};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    http::cookies::{self, Cookie},
    http::{answer::answer_at, Ctx},
    services::{
        accounts::{self, PasswordChange},
        dashboard, sessions,
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
