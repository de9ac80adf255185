//! The invitation link: what it offers, accepting it, and asking for it
//! again when the email never arrived.

use leptos::prelude::*;

use crate::domain::wire::LinkState;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    domain::{AgreementNumber, Email, PurchasingAccountNumber},
    error::FormErrors,
    http::{answer::answer_at, client, state},
    services::invitations,
    services::ratelimit::{self, Limit},
};

#[server(endpoint = "get_invitation")]
pub async fn get_invitation(token: String) -> Result<LinkState, AppError> {
    let state = state()?;
    invitations::look_up(&state, &token).await
}

/// Creates the organizational account an invitation offers, consumes the
/// invitation and signs the person in.
#[server(endpoint = "accept_invitation")]
pub async fn accept_invitation(
    token: String,
    first_name: String,
    last_name: String,
    country: String,
    password: String,
    confirm_password: String,
) -> Result<String, AppError> {
    let state = state()?;
    let form = invitations::AcceptForm {
        first_name,
        last_name,
        country,
        password,
        confirm_password,
    };
    let user_id = invitations::accept(&state, &token, form).await?;
    super::auth::start_session(&state, user_id).await?;
    answer_at("/dashboard");
    Ok("/dashboard".to_owned())
}

/// Accepts an invitation to an address whose organization signs its
/// people in with its own provider: answers where to send the browser.
#[server(endpoint = "accept_invitation_with_sso")]
pub async fn accept_invitation_with_sso(token: String) -> Result<String, AppError> {
    use crate::http::cookies::{self, Cookie};
    use crate::services::sso::{self, flow};
    let state = state()?;
    let (invitation_id, email) = invitations::pending(&state, &token).await?;
    let connection = sso::route(&state, &email)
        .await?
        .ok_or(AppError::NotFound)?;
    let purpose = flow::Purpose::Invitation { invitation_id };
    let started = flow::start(&state, &connection, purpose, &email).await?;
    cookies::add(&Cookie::SsoState.set(&state.settings, &started.state));
    answer_at(&started.url);
    Ok(started.url)
}

/// Where the public form below comes back to once a request was taken:
/// the form again, with the answer (`sent`).
pub const REQUEST_TAKEN: &str = "/request-invitation?sent=1";

/// The public "Didn't receive your invitation email?" form. It answers the
/// same, in about the same time, whether or not the details matched.
#[server(endpoint = "request_invitation")]
pub async fn request_invitation(
    email: String,
    agreement_number: String,
    purchasing_account_number: String,
) -> Result<(), AppError> {
    const PER_CLIENT: Limit = Limit {
        max: 20,
        window_secs: 60 * 60,
    };
    const PER_AGREEMENT: Limit = Limit {
        max: 5,
        window_secs: 60 * 60,
    };
    // Long enough to cover the slower, matching path.
    const ANSWER_AFTER: std::time::Duration = std::time::Duration::from_millis(400);

    let started = tokio::time::Instant::now();
    let result = async {
        let mut errors = FormErrors::default();
        let email = errors.check("email", Email::parse(&email));
        let agreement = errors.check(
            "agreement_number",
            AgreementNumber::parse(&agreement_number),
        );
        let account = errors.check(
            "purchasing_account_number",
            PurchasingAccountNumber::parse(&purchasing_account_number),
        );
        let (email, (agreement, account)) = errors.finish(email.zip(agreement.zip(account)))?;

        let state = state()?;
        let now = state.clock.now();
        let client = ratelimit::client_key(client::of_request());
        let client_key = format!("request_invitation:client:{client}");
        let agreement_key = format!("request_invitation:agreement:{agreement}");
        ratelimit::hit(&state.db, &client_key, now, PER_CLIENT).await?;
        ratelimit::hit(&state.db, &agreement_key, now, PER_AGREEMENT).await?;
        invitations::resend_to_designated_admin(&state, &email, &agreement, &account).await?;
        Ok(())
    }
    .await;
    tokio::time::sleep_until(started + ANSWER_AFTER).await;
    if result.is_ok() {
        answer_at(REQUEST_TAKEN);
    }
    result
}
