//! Product keys: listed masked; showing one is a deliberate, audited act.

use crate::domain::wire::UserSummary;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRow {
    pub id: i64,
    pub product: String,
    pub version: String,
    pub purchasing_account: String,
    /// The key with all but its last group hidden.
    pub masked: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeysPage {
    pub user: UserSummary,
    pub keys: Vec<KeyRow>,
}
