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
    /// How many things each area the user's roles open holds; the page
    /// builds its tiles from `Capability::AREAS` and the user's roles.
    pub counts: Vec<(Capability, i64)>,
    /// Each product the organization owns, most owned first; empty unless
    /// the user may see license details.
    pub usage: Vec<ProductUsage>,
}

impl Dashboard {
    /// How many things `area` holds, if the server counted it.
    pub fn count(&self, area: Capability) -> Option<i64> {
        self.counts
            .iter()
            .find(|(counted, _)| *counted == area)
            .map(|(_, count)| *count)
    }
}

/// What the organization owns of one product (its orders, summed over its
/// purchasing accounts) and, for an online service, how much of it is
/// assigned through self-service provisioning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductUsage {
    pub product_id: i64,
    /// The product's name and version.
    pub product: String,
    pub owned: i64,
    /// `None` for a product that is not an online service.
    pub assigned: Option<i64>,
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

/// One of the user's live sessions, as *My profile → Sessions* lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRow {
    /// Names the session to sign it out; it cannot sign anyone in.
    pub handle: String,
    /// The browser and system, "Firefox · Windows"; empty when unknown.
    pub browser: String,
    pub client_address: String,
    pub signed_in_at: i64,
    pub last_seen_at: i64,
    /// The session of the browser looking at the list.
    pub current: bool,
}

/// An API token as *My profile → API tokens* lists it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenRow {
    pub id: i64,
    pub name: String,
    /// Whose it is (an admin sees the organization's).
    pub owner: String,
    /// The secret's first characters, to tell tokens apart.
    pub prefix: String,
    pub roles: Vec<crate::domain::Role>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub expires_at: i64,
}
