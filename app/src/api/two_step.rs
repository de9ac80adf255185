//! The signed-in user's two-step verification, and an organization's rule
//! that everyone use it. These open even to someone who must still set it
//! up: it is what they are sent here to do.

use leptos::prelude::*;

use crate::domain::wire::TwoStep;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    domain::Capability,
    http::answer::{answer_at, is_plain_form},
    http::cookies::{self, Cookie},
    http::{state, Ctx},
    services::{two_step, Settings},
};

#[server(endpoint = "get_two_step")]
pub async fn get_two_step() -> Result<TwoStep, AppError> {
    let cx = Ctx::signed_in_setting_up_two_step().await?;
    two_step::view(cx.state(), cx.actor()).await
}

/// Starts setting up an authenticator app with a new key.
#[server(endpoint = "start_two_step")]
pub async fn start_two_step() -> Result<(), AppError> {
    let cx = Ctx::signed_in_setting_up_two_step().await?;
    two_step::start(cx.state(), cx.actor()).await
}

/// Turns two-step verification on with the app's first code and the
/// user's password; answers the recovery codes.
#[server(endpoint = "confirm_two_step")]
pub async fn confirm_two_step(code: String, password: String) -> Result<Vec<String>, AppError> {
    let cx = Ctx::signed_in_setting_up_two_step().await?;
    let (codes, session) = two_step::confirm(cx.state(), cx.actor(), &code, &password).await?;
    cookies::add(&Cookie::Session.set(&cx.state().settings, session.secret()));
    leave_new_codes(&cx.state().settings, &codes);
    Ok(codes)
}

#[server(endpoint = "turn_off_two_step")]
pub async fn turn_off_two_step(password: String) -> Result<(), AppError> {
    let cx = Ctx::signed_in().await?;
    let session = two_step::turn_off(cx.state(), cx.actor(), &password).await?;
    cookies::add(&Cookie::Session.set(&cx.state().settings, session.secret()));
    Ok(())
}

#[server(endpoint = "renew_recovery_codes")]
pub async fn renew_recovery_codes(password: String) -> Result<Vec<String>, AppError> {
    let cx = Ctx::signed_in().await?;
    let codes = two_step::renew_recovery_codes(cx.state(), cx.actor(), &password).await?;
    leave_new_codes(&cx.state().settings, &codes);
    Ok(codes)
}

/// A plain form's answer is a page, which cannot carry the codes: they
/// wait for `/two-step` in a cookie (`Cookie::NewCodes`).
#[cfg(feature = "ssr")]
fn leave_new_codes(settings: &Settings, codes: &[String]) {
    if is_plain_form() {
        cookies::add(&Cookie::NewCodes.set(settings, &codes.join(".")));
        answer_at("/two-step");
    }
}

/// The recovery codes a server function left for this page, taken away
/// as they are shown; nothing unless each looks like a recovery code.
#[cfg(feature = "ssr")]
pub fn take_new_recovery_codes() -> Option<Vec<String>> {
    let value = Cookie::NewCodes.take(&state().ok()?.settings)?;
    let codes: Vec<String> = value.split('.').map(str::to_owned).collect();
    let well_formed = (1..=16).contains(&codes.len())
        && codes.iter().all(|code| {
            (1..=32).contains(&code.len())
                && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    well_formed.then_some(codes)
}

/// Requires two-step verification of everyone in the organization, or
/// stops requiring it.
#[server(endpoint = "require_two_step")]
pub async fn require_two_step(required: bool, password: String) -> Result<(), AppError> {
    let cx = Ctx::signed_in().await?;
    cx.require(Capability::ManageSecurity)?;
    two_step::set_required(cx.state(), cx.actor(), required, &password).await
}

/// An Account Admin's reset of a colleague's two-step verification.
#[server(endpoint = "reset_two_step")]
pub async fn reset_two_step(user_id: i64) -> Result<(), AppError> {
    let cx = Ctx::signed_in().await?;
    two_step::reset(cx.state(), cx.actor(), user_id).await?;
    answer_at("/manage-access");
    Ok(())
}
