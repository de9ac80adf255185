//! Account → Domains: the organization's domains and their DNS proofs.

use serde::{Deserialize, Serialize};

use crate::domain::wire::UserSummary;

/// Where a domain's proof stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DomainStatus {
    /// Waiting for its TXT record, until `expires_at`.
    Pending {
        expires_at: i64,
    },
    Verified {
        verified_at: i64,
    },
    /// Never verified within 7 days.
    Expired,
    /// Verified once, then its record went missing 3 days in a row.
    Lapsed,
}

/// One domain of the organization, with the record that proves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainRow {
    pub id: i64,
    pub name: String,
    pub purchasing_account: String,
    pub status: DomainStatus,
    pub record_name: String,
    pub record_value: String,
    /// What the last look-up in DNS found, if one was made.
    pub last_check: Option<DomainCheck>,
}

/// What a Verify found in DNS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DomainCheck {
    Verified,
    /// No TXT record at the record's name.
    NoRecord,
    /// TXT records, none of them the expected value: what was found.
    WrongValue(Vec<String>),
    /// The DNS server could not be asked or failed: its words.
    DnsError(String),
    /// Too late: pending domains expire after 7 days.
    Expired,
}

/// The Domains page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainsView {
    pub user: UserSummary,
    pub domains: Vec<DomainRow>,
    /// The organization's purchasing accounts, to choose from.
    pub purchasing_accounts: Vec<String>,
}
