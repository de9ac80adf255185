use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::{Capability, Lang, Role};
use crate::error::AppError;

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

#[server(endpoint = "get_dashboard")]
pub async fn get_dashboard() -> Result<Dashboard, AppError> {
    use crate::server::{accounts, http};
    http::respond(
        async {
            let state = http::state()?;
            let (user, _) = http::current_user(&state).await?;
            accounts::dashboard(&state.db, &user).await
        }
        .await,
    )
}

#[server(endpoint = "get_profile")]
pub async fn get_profile() -> Result<Profile, AppError> {
    use crate::server::{accounts, http};
    http::respond(
        async {
            let state = http::state()?;
            let (user, _) = http::current_user(&state).await?;
            Ok(accounts::profile(&user))
        }
        .await,
    )
}

/// Changes the signed-in user's password and ends their other sessions.
#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use crate::server::{accounts, http};
    http::respond(
        async {
            let state = http::state()?;
            let (user, secret) = http::current_user(&state).await?;
            accounts::change_password(
                &state.db,
                &state.hasher,
                &user,
                &secret,
                &current_password,
                &new_password,
                &confirm_password,
            )
            .await
        }
        .await,
    )
}
