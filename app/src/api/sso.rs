//! Account → Single sign-on: the organization's OpenID Connect provider,
//! its test connection, and the switches that turn it on and require it.

use leptos::prelude::*;

use crate::domain::wire::SsoView;
use crate::domain::Role;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    domain::{Capability, Email},
    http::cookies::{self, Cookie},
    http::{answer::answer_at, state, Ctx},
    services::sso::{self, flow, ConnectionInput, Switch},
};

/// Where the page's forms come back to.
#[cfg(feature = "ssr")]
const PAGE: &str = "/single-sign-on";

#[server(endpoint = "get_sso")]
pub async fn get_sso() -> Result<SsoView, AppError> {
    let cx = Ctx::signed_in().await?;
    sso::view(cx.state(), cx.actor()).await
}

/// Connects the provider (the client secret may be left empty to keep
/// the one stored).
#[server(endpoint = "save_sso")]
pub async fn save_sso(
    issuer: String,
    client_id: String,
    #[server(default)] client_secret: String,
    #[server(default)] domains: Vec<String>,
    #[server(default)] create_accounts: Option<String>,
    #[server(default)] create_roles: Vec<Role>,
) -> Result<(), AppError> {
    let cx = Ctx::signed_in().await?;
    let input = ConnectionInput {
        issuer,
        client_id,
        client_secret,
        domains,
        create_accounts: create_accounts.is_some(),
        create_roles: create_roles
            .iter()
            .map(|role| role.key().to_owned())
            .collect(),
    };
    sso::save(cx.state(), cx.actor(), input).await?;
    answer_at(PAGE);
    Ok(())
}

/// Turns single sign-on on or off (`enabled`), or requires it or not
/// (`required`).
#[server(endpoint = "switch_sso")]
pub async fn switch_sso(
    #[server(default)] enabled: Option<bool>,
    #[server(default)] required: Option<bool>,
) -> Result<(), AppError> {
    let cx = Ctx::signed_in().await?;
    let switch = match (enabled, required) {
        (Some(on), None) => Switch::Enabled(on),
        (None, Some(on)) => Switch::Required(on),
        _ => return Err(AppError::BadRequest),
    };
    sso::switch(cx.state(), cx.actor(), switch).await?;
    answer_at(PAGE);
    Ok(())
}

/// Signs the admin in through the provider without changing anything
/// but the connection's "tested": answers where to send the browser.
#[server(endpoint = "test_sso")]
pub async fn test_sso() -> Result<String, AppError> {
    let cx = Ctx::signed_in().await?;
    cx.require(Capability::ManageSecurity)?;
    let state = cx.state();
    let mut conn = state.db.acquire().await?;
    let connection = sso::of_organization(&mut conn, cx.user().organization_id)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    let email = Email::parse(&cx.user().email).map_err(|_| AppError::NotFound)?;
    let purpose = flow::Purpose::Test {
        user_id: cx.user().id,
    };
    let started = flow::start(state, &connection, purpose, &email).await?;
    cookies::add(&Cookie::SsoState.set(&state.settings, &started.state));
    answer_at(&started.url);
    Ok(started.url)
}

/// A token for the organization's directory (SCIM), shown only now.
#[server(endpoint = "create_scim_token")]
pub async fn create_scim_token(name: String) -> Result<String, AppError> {
    let cx = Ctx::signed_in().await?;
    let made = crate::services::tokens::create_scim(cx.state(), cx.actor(), &name).await?;
    if crate::http::answer::is_plain_form() {
        cookies::add(&Cookie::NewSecret.set(&cx.state().settings, &made.secret));
    }
    answer_at(PAGE);
    Ok(made.secret)
}

/// Whether `email` signs in through its organization's provider: the
/// sign-in page asks as soon as an address is typed.
#[server(endpoint = "sso_for")]
pub async fn sso_for(email: String) -> Result<bool, AppError> {
    let state = state()?;
    let Ok(email) = Email::parse(&email) else {
        return Ok(false);
    };
    Ok(sso::route(&state, &email).await?.is_some())
}
