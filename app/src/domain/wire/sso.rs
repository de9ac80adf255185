//! The Single sign-on page.

use serde::{Deserialize, Serialize};

/// The organization's connection to its OpenID Connect provider, as the
/// page shows it (never the client secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoView {
    pub user: super::UserSummary,
    /// What to register at the provider.
    pub redirect_uri: String,
    pub configured: bool,
    pub issuer: String,
    pub client_id: String,
    pub domains: Vec<String>,
    /// The organization's verified domains, to choose from.
    pub verified_domains: Vec<String>,
    pub enabled: bool,
    pub required: bool,
    /// When a test connection last succeeded.
    pub tested_at: Option<i64>,
    pub create_accounts: bool,
    /// Role keys, comma-separated.
    pub create_roles: String,
    /// Where the directory sends SCIM requests.
    pub scim_url: String,
}
