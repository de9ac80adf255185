use serde::{Deserialize, Serialize};

/// An invitation that can still be accepted, as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub country: String,
    pub organization: String,
    pub agreement_number: Option<String>,
    pub expires_at: i64,
    /// The address is at a domain whose organization signs its people in
    /// with its own provider: accepted by signing in there.
    #[serde(default)]
    pub sso: bool,
}

/// Where an invitation link leads: each dead end has its own page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkState {
    Valid(InvitationView),
    Expired,
    Used,
    Superseded,
    Revoked,
    Unknown,
}
