//! Self-service provisioning: online-service subscriptions assigned from
//! a purchasing account to the organization, within what orders entitle.

use leptos::prelude::*;

use crate::domain::wire::ProvisioningPage;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    http::{answer::answer_at, Ctx},
    services::provisioning,
};

#[server(endpoint = "get_provisioning")]
pub async fn get_provisioning() -> Result<ProvisioningPage, AppError> {
    let cx = Ctx::signed_in().await?;
    provisioning::overview(cx.state(), cx.actor()).await
}

/// Where the assignment form comes back to once subscriptions were
/// assigned: the page, saying so (`assigned`).
pub const ASSIGNED: &str = "/provisioning?assigned=1";

/// Assigns `quantity` subscriptions of `service` (as
/// [`crate::domain::wire::ServiceRow::choice`] gives it) starting on
/// `start_date` (YYYY-MM-DD) to the verified `domain`.
#[server(endpoint = "assign_subscription")]
pub async fn assign_subscription(
    service: String,
    quantity: String,
    start_date: String,
    domain: String,
) -> Result<(), AppError> {
    let cx = Ctx::signed_in().await?;
    let assignment = provisioning::Assignment::parse(&service, &quantity, &start_date, &domain)?;
    provisioning::assign(cx.state(), cx.actor(), &assignment).await?;
    answer_at(ASSIGNED);
    Ok(())
}
