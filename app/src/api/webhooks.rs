//! Account → Webhooks: the organization's endpoints, their deliveries,
//! and the secret of one just added or rotated, shown once.

use leptos::prelude::*;

use crate::domain::wire::WebhooksView;
use crate::domain::EventType;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    http::cookies::{self, Cookie},
    http::{
        answer::{answer_at, is_plain_form},
        state, Ctx,
    },
    services::webhooks::{self, Manager},
};

#[cfg(feature = "ssr")]
fn manager(cx: &Ctx) -> Result<Manager, AppError> {
    Manager::person(cx.actor())
}

/// The endpoints, and the latest deliveries of `endpoint` when one is
/// opened.
#[server(endpoint = "get_webhooks")]
pub async fn get_webhooks(endpoint: Option<i64>) -> Result<WebhooksView, AppError> {
    let cx = Ctx::signed_in().await?;
    let manager = manager(&cx)?;
    webhooks::page(cx.state(), &manager, cx.user().summary(), endpoint).await
}

/// Where a plain form comes back to, with the secret (if any) left in a
/// short-lived cookie for the page to show once.
#[cfg(feature = "ssr")]
fn back_with(cx: &Ctx, secret: Option<&str>) {
    if let (Some(secret), true) = (secret, is_plain_form()) {
        cookies::add(&Cookie::NewSecret.set(&cx.state().settings, secret));
    }
    answer_at("/webhooks");
}

/// Adds an endpoint; answers its signing secret, shown only now.
#[server(endpoint = "create_webhook")]
pub async fn create_webhook(
    url: String,
    #[server(default)] events: Vec<EventType>,
) -> Result<String, AppError> {
    let cx = Ctx::signed_in().await?;
    let keys: Vec<String> = events.iter().map(|kind| kind.key().to_owned()).collect();
    let created = webhooks::create(cx.state(), &manager(&cx)?, &url, &keys).await?;
    if is_plain_form() {
        back_with(&cx, Some(&created.secret));
    }
    Ok(created.secret)
}

/// Gives an endpoint a new secret; answers it, shown only now.
#[server(endpoint = "rotate_webhook_secret")]
pub async fn rotate_webhook_secret(endpoint_id: i64) -> Result<String, AppError> {
    let cx = Ctx::signed_in().await?;
    let secret = webhooks::rotate_secret(cx.state(), &manager(&cx)?, endpoint_id).await?;
    if is_plain_form() {
        back_with(&cx, Some(&secret));
    }
    Ok(secret)
}

/// Pauses an endpoint, or resumes it (also after it was turned off).
#[server(endpoint = "pause_webhook")]
pub async fn pause_webhook(endpoint_id: i64, paused: bool) -> Result<(), AppError> {
    let cx = Ctx::signed_in().await?;
    webhooks::set_paused(cx.state(), &manager(&cx)?, endpoint_id, paused).await?;
    back_with(&cx, None);
    Ok(())
}

#[server(endpoint = "delete_webhook")]
pub async fn delete_webhook(endpoint_id: i64) -> Result<(), AppError> {
    let cx = Ctx::signed_in().await?;
    webhooks::delete(cx.state(), &manager(&cx)?, endpoint_id).await?;
    back_with(&cx, None);
    Ok(())
}

/// Sends the endpoint a test event, then shows its deliveries.
#[server(endpoint = "test_webhook")]
pub async fn test_webhook(endpoint_id: i64) -> Result<(), AppError> {
    let cx = Ctx::signed_in().await?;
    webhooks::send_test(cx.state(), &manager(&cx)?, endpoint_id).await?;
    answer_at(&format!("/webhooks?endpoint={endpoint_id}"));
    Ok(())
}

/// Sends a delivery's event again.
#[server(endpoint = "redeliver_webhook")]
pub async fn redeliver_webhook(endpoint_id: i64, delivery_id: i64) -> Result<(), AppError> {
    let cx = Ctx::signed_in().await?;
    webhooks::redeliver(cx.state(), &manager(&cx)?, endpoint_id, delivery_id).await?;
    answer_at(&format!("/webhooks?endpoint={endpoint_id}"));
    Ok(())
}

/// The secret a plain form left for this page, taken away as it is shown.
#[cfg(feature = "ssr")]
pub fn take_new_secret() -> Option<String> {
    let secret = Cookie::NewSecret.take(&state().ok()?.settings)?;
    secret.starts_with("whsec_").then_some(secret)
}
