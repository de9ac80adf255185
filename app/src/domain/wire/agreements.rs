//! The Agreements screen: the organization's agreements with their
//! purchasing accounts, and the details an Account Manager may edit.

use crate::domain::wire::{PurchasingAccountSummary, UserSummary};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementDetail {
    pub number: String,
    pub kind: String,
    pub start_date: i64,
    pub end_date: i64,
    pub active: bool,
    pub purchase_order: String,
    pub contact_name: String,
    pub contact_email: String,
    pub purchasing_accounts: Vec<PurchasingAccountSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementsView {
    pub user: UserSummary,
    /// Whether the roles allow editing (the server checks again).
    pub can_modify: bool,
    pub agreements: Vec<AgreementDetail>,
    /// The customer's partners of record.
    pub partners: Vec<crate::domain::wire::PartnerOfRecord>,
}
