//! The signed-in user's two-step verification, and an organization's rule
//! that everyone use it. These open even to someone who must still set it
//! up: it is what they are sent here to do.

use leptos::prelude::*;

use crate::domain::wire::TwoStep;
use crate::error::AppError;

#[server(endpoint = "get_two_step")]
pub async fn get_two_step() -> Result<TwoStep, AppError> {
    use crate::api::context::Ctx;
    use crate::services::two_step;
    let cx = Ctx::signed_in_setting_up_two_step().await?;
    two_step::view(cx.db(), cx.user()).await
}

/// Starts setting up an authenticator app with a new key.
#[server(endpoint = "start_two_step")]
pub async fn start_two_step() -> Result<(), AppError> {
    use crate::api::context::Ctx;
    use crate::services::two_step;
    let cx = Ctx::signed_in_setting_up_two_step().await?;
    two_step::start(cx.db(), cx.user()).await
}

/// Turns two-step verification on with the app's first code; answers the
/// recovery codes.
#[server(endpoint = "confirm_two_step")]
pub async fn confirm_two_step(code: String) -> Result<Vec<String>, AppError> {
    use crate::api::context::Ctx;
    use crate::services::two_step;
    let cx = Ctx::signed_in_setting_up_two_step().await?;
    two_step::confirm(cx.state(), cx.actor(), &code).await
}

#[server(endpoint = "turn_off_two_step")]
pub async fn turn_off_two_step(password: String) -> Result<(), AppError> {
    use crate::api::context::Ctx;
    use crate::services::two_step;
    let cx = Ctx::signed_in().await?;
    two_step::turn_off(cx.state(), cx.actor(), &password).await
}

#[server(endpoint = "renew_recovery_codes")]
pub async fn renew_recovery_codes(password: String) -> Result<Vec<String>, AppError> {
    use crate::api::context::Ctx;
    use crate::services::two_step;
    let cx = Ctx::signed_in().await?;
    two_step::renew_recovery_codes(cx.state(), cx.actor(), &password).await
}

/// Requires two-step verification of everyone in the organization, or
/// stops requiring it.
#[server(endpoint = "require_two_step")]
pub async fn require_two_step(required: bool) -> Result<(), AppError> {
    use crate::api::context::Ctx;
    use crate::domain::Capability;
    use crate::services::two_step;
    let cx = Ctx::signed_in().await?;
    cx.require(Capability::ManageSecurity)?;
    two_step::set_required(cx.db(), cx.actor(), cx.now(), required).await
}
