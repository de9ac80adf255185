//! Orders and license details: what the organization bought, per
//! purchasing account, and what that adds up to per product.

use leptos::prelude::*;

use crate::domain::wire::{LicensesPage, OrderFilter, OrdersPage};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{http::Ctx, services::orders};

#[server(endpoint = "get_orders")]
pub async fn get_orders(filter: OrderFilter, after: String) -> Result<OrdersPage, AppError> {
    let cx = Ctx::signed_in().await?;
    orders::page(cx.state(), cx.actor(), &filter, &after).await
}

#[server(endpoint = "get_licenses")]
pub async fn get_licenses() -> Result<LicensesPage, AppError> {
    let cx = Ctx::signed_in().await?;
    Ok(LicensesPage {
        licenses: orders::licenses(cx.state(), cx.actor()).await?,
        user: cx.user().summary(),
    })
}
