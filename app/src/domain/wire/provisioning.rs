//! Self-service provisioning: online-service subscriptions assigned from
//! a purchasing account to the organization, within what orders entitle.

use crate::domain::wire::UserSummary;
use serde::{Deserialize, Serialize};

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
    /// The verified domain it was provisioned to.
    pub domain: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisioningPage {
    pub user: UserSummary,
    pub services: Vec<ServiceRow>,
    pub subscriptions: Vec<SubscriptionRow>,
    /// The organization's verified domains, to provision to.
    pub domains: Vec<String>,
}
