//! What partners see of their customers, and what a customer sees of its
//! partners.

use serde::{Deserialize, Serialize};

use crate::domain::wire::UserSummary;
use crate::domain::Lang;

/// Where a purchasing account's designated administrator stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AdminState {
    /// Invited, with when the link stops working.
    Invited {
        expires_at: i64,
    },
    Expired,
    DeliveryFailed,
    /// Has created their account.
    Registered,
    /// No live invitation (revoked or never sent).
    NotInvited,
}

/// One purchasing account of a customer, as its partner of record sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerAccount {
    pub purchasing_account_id: i64,
    pub customer: String,
    pub agreement_number: String,
    pub purchasing_account: String,
    pub admin_email: String,
    pub admin_first_name: String,
    pub admin_last_name: String,
    pub admin_lang: Lang,
    pub admin_country: String,
    pub state: AdminState,
}

/// The partner's Customers page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomersView {
    pub user: UserSummary,
    pub accounts: Vec<CustomerAccount>,
}

/// A partner of the customer, with the agreements it is partner of record
/// for and what the customer lets it see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerOfRecord {
    pub partner_id: i64,
    pub name: String,
    pub agreements: Vec<String>,
    pub sees_other_partners: bool,
}

/// The Manage partner visibility tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerVisibilityView {
    pub user: UserSummary,
    pub partners: Vec<PartnerOfRecord>,
    /// Partners' requests to replace a designated administrator, waiting
    /// for an Account Admin (empty for a viewer who may not decide).
    pub requests: Vec<AdminChangeRequest>,
}

/// A partner's request to replace a designated administrator who has
/// registered, as the customer's Account Admins see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminChangeRequest {
    pub id: i64,
    pub partner: String,
    pub agreement_number: String,
    pub purchasing_account: String,
    /// "First Last (email)".
    pub current_admin: String,
    pub proposed_admin: String,
    /// Who at the partner asked.
    pub requested_by: String,
    pub requested_at: i64,
    pub expires_at: i64,
}

/// What a partner sees of one customer's agreement: the license details
/// and orders the customer lets it see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerOrdersView {
    pub customer: String,
    pub agreement_number: String,
    pub licenses: Vec<crate::domain::wire::LicenseRow>,
    pub orders: crate::domain::wire::OrdersPage,
}
