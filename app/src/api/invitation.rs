use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

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

#[server(endpoint = "get_invitation")]
pub async fn get_invitation(token: String) -> Result<LinkState, AppError> {
    use crate::server::{http, invitations};
    http::respond(
        async {
            let state = http::state()?;
            invitations::look_up(&state.db, &token, state.clock.now()).await
        }
        .await,
    )
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
    use crate::server::{http, invitations};
    http::respond(
        async {
            let state = http::state()?;
            let form = invitations::AcceptForm {
                first_name,
                last_name,
                country,
                password,
                confirm_password,
            };
            let user_id =
                invitations::accept(&state.db, &state.hasher, state.clock.now(), &token, form)
                    .await?;
            super::auth::start_session(&state, user_id).await?;
            Ok("/dashboard".to_owned())
        }
        .await,
    )
    .inspect(|path| http::redirect_plain_form(path))
}

/// The public "Didn't receive your invitation email?" form. It answers the
/// same, in about the same time, whether or not the details matched.
#[server(endpoint = "request_invitation")]
pub async fn request_invitation(
    email: String,
    agreement_number: String,
    purchasing_account_number: String,
) -> Result<(), AppError> {
    use crate::domain::{AgreementNumber, Email, PurchasingAccountNumber};
    use crate::error::FormErrors;
    use crate::server::{http, invitations, ratelimit};

    const WINDOW_SECS: i64 = 60 * 60;
    const PER_CLIENT: i64 = 20;
    const PER_AGREEMENT: i64 = 5;
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

        let state = http::state()?;
        let now = state.clock.now();
        let client_key = format!("request_invitation:ip:{}", http::client_ip());
        let agreement_key = format!("request_invitation:agreement:{agreement}");
        if !ratelimit::allow(&state.db, &client_key, now, WINDOW_SECS, PER_CLIENT).await?
            || !ratelimit::allow(&state.db, &agreement_key, now, WINDOW_SECS, PER_AGREEMENT).await?
        {
            return Err(AppError::RateLimited);
        }
        let sent = invitations::resend_to_designated_admin(
            &state.db,
            &state.settings,
            now,
            &email,
            &agreement,
            &account,
        )
        .await?;
        if sent.is_some() {
            state.mail_ready.notify_one();
        }
        Ok(())
    }
    .await;
    tokio::time::sleep_until(started + ANSWER_AFTER).await;
    http::respond(result)
}
