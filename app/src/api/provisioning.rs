//! Self-service provisioning: online-service subscriptions assigned from
//! a purchasing account to the organization, within what orders entitle.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::account::UserSummary;
use crate::error::AppError;

/// An online service ordered through one purchasing account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceRow {
    pub product_id: i64,
    pub product: String,
    pub version: String,
    pub purchasing_account: String,
    pub ordered: i64,
    pub assigned: i64,
}

impl ServiceRow {
    pub fn available(&self) -> i64 {
        self.ordered - self.assigned
    }

    /// The value the assignment form sends for this service.
    pub fn choice(&self) -> String {
        format!("{}/{}", self.product_id, self.purchasing_account)
    }

    pub fn label(&self) -> String {
        crate::domain::product_label(&self.product, &self.version)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionRow {
    pub product: String,
    pub version: String,
    pub purchasing_account: String,
    pub quantity: i64,
    /// Midnight UTC of the start date.
    pub starts_on: i64,
    pub assigned_by: String,
    pub assigned_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisioningPage {
    pub user: UserSummary,
    pub services: Vec<ServiceRow>,
    pub subscriptions: Vec<SubscriptionRow>,
}

#[server(endpoint = "get_provisioning")]
pub async fn get_provisioning() -> Result<ProvisioningPage, AppError> {
    use crate::server::{http, provisioning};
    http::respond(
        async {
            let state = http::state()?;
            let (user, _) = http::current_user(&state).await?;
            provisioning::overview(&state.db, &user).await
        }
        .await,
    )
}

/// Assigns `quantity` subscriptions of `service` (as [`ServiceRow::choice`]
/// gives it) starting on `start_date` (YYYY-MM-DD).
#[server(endpoint = "assign_subscription")]
pub async fn assign_subscription(
    service: String,
    quantity: String,
    start_date: String,
) -> Result<(), AppError> {
    use crate::server::audit::Actor;
    use crate::server::{http, provisioning};
    http::respond(
        async {
            let state = http::state()?;
            let (user, _) = http::current_user(&state).await?;
            let assignment = provisioning::Assignment::parse(&service, &quantity, &start_date)?;
            let address = http::client_ip();
            let actor = Actor {
                user: &user,
                client_address: &address,
            };
            provisioning::assign(&state.db, state.clock.now(), &actor, &assignment).await?;
            http::redirect_plain_form("/provisioning");
            Ok(())
        }
        .await,
    )
}
