use crate::domain::{Capability, Lang, Role};
use serde::{Deserialize, Serialize};

/// The signed-in person, as the header and pages show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub lang: Lang,
    pub roles: Vec<Role>,
}

impl UserSummary {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchasingAccountSummary {
    pub number: String,
    pub admin_name: String,
    pub admin_email: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementSummary {
    pub number: String,
    pub kind: String,
    pub purchasing_accounts: Vec<PurchasingAccountSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub user: UserSummary,
    pub organization: String,
    pub agreements: Vec<AgreementSummary>,
    /// A tile per area the user's roles open, with how many things it
    /// holds; nothing for the others.
    pub tiles: Vec<(Capability, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub user: UserSummary,
    pub country: String,
}

/// The user's two-step verification, as the Two-step verification page
/// shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoStep {
    pub user: UserSummary,
    /// When it was turned on; `None` while it is off.
    pub enabled_since: Option<i64>,
    pub recovery_codes_left: i64,
    /// An authenticator being set up and not yet confirmed by a code.
    pub setup: Option<TwoStepSetup>,
    pub organization_requires: bool,
    /// Whether the user's roles let them require it of everyone.
    pub may_require: bool,
}

/// What an authenticator app needs: shown only until the first code
/// confirms it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoStepSetup {
    /// The key in base32, in groups of four for typing.
    pub secret: String,
    /// The `otpauth://` address the QR code holds.
    pub uri: String,
    /// The QR code: `size` modules square, the dark ones as one SVG path.
    pub qr_size: u32,
    pub qr_path: String,
}
