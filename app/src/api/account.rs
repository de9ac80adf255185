//! The signed-in person: their dashboard, their profile, their password.

use leptos::prelude::*;

use crate::domain::wire::{Dashboard, Profile};
use crate::error::AppError;

#[server(endpoint = "get_dashboard")]
pub async fn get_dashboard() -> Result<Dashboard, AppError> {
    use crate::api::context::Ctx;
    use crate::services::accounts;
    let cx = Ctx::signed_in().await?;
    accounts::dashboard(cx.db(), cx.user()).await
}

#[server(endpoint = "get_profile")]
pub async fn get_profile() -> Result<Profile, AppError> {
    use crate::api::context::Ctx;
    use crate::services::accounts;
    let cx = Ctx::signed_in().await?;
    Ok(accounts::profile(cx.user()))
}

/// Where the password form comes back to once the password was changed:
/// My profile, saying so (`password-changed`).
pub const PASSWORD_CHANGED: &str = "/profile?password-changed=1";

/// Changes the signed-in user's password and ends their other sessions.
#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use crate::api::context::{answer_at, Ctx};
    use crate::services::accounts::{self, PasswordChange};
    let cx = Ctx::signed_in().await?;
    let change = PasswordChange {
        current: &current_password,
        new: &new_password,
        confirmation: &confirm_password,
    };
    accounts::change_password(cx.state(), cx.actor(), cx.session(), &change).await?;
    answer_at(PASSWORD_CHANGED);
    Ok(())
}
