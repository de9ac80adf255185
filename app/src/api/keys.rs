//! Product keys: listed masked; showing one is a deliberate, audited act.

use leptos::prelude::*;

use crate::domain::wire::KeysPage;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{http::Ctx, services::keys};

#[server(endpoint = "get_keys")]
pub async fn get_keys() -> Result<KeysPage, AppError> {
    let cx = Ctx::signed_in().await?;
    Ok(KeysPage {
        keys: keys::list(cx.state(), cx.actor()).await?,
        user: cx.user().summary(),
    })
}

/// The whole key; the audit log records who saw it, when, from where.
#[server(endpoint = "reveal_key")]
pub async fn reveal_key(key_id: i64) -> Result<String, AppError> {
    let cx = Ctx::signed_in().await?;
    keys::reveal(cx.state(), cx.actor(), key_id).await
}
