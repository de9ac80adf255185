//! Orders and license details: what the organization bought, per
//! purchasing account, and what that adds up to per product.

use crate::domain::wire::UserSummary;
use serde::{Deserialize, Serialize};

/// The filters of the Orders screen, as the address bar carries them:
/// dates `YYYY-MM-DD`, a product id, a purchasing account number; empty
/// means "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFilter {
    pub from: String,
    pub to: String,
    pub product: String,
    pub purchasing_account: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLineView {
    pub product: String,
    pub version: String,
    pub quantity: i64,
    pub amount_cents: i64,
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderView {
    pub number: String,
    pub ordered_at: i64,
    pub purchasing_account: String,
    /// The partner it was placed through, if any.
    pub partner: Option<String>,
    pub lines: Vec<OrderLineView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductChoice {
    pub id: i64,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrdersPage {
    pub user: UserSummary,
    pub orders: Vec<OrderView>,
    /// Where the next page starts (an opaque cursor), if there is one.
    pub next: Option<String>,
    pub products: Vec<ProductChoice>,
    pub purchasing_accounts: Vec<String>,
}

/// Owned quantity of one product version through one purchasing account.
/// The server reads it from the database by column name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct LicenseRow {
    pub product_id: i64,
    pub product: String,
    pub version: String,
    pub purchasing_account: String,
    pub quantity: i64,
    pub orders: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicensesPage {
    pub user: UserSummary,
    pub licenses: Vec<LicenseRow>,
}
