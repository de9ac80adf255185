//! `serve --demo`: a demo organization whose administrator's invitation
//! link is printed, so a newcomer can walk the whole path at once.

use app::domain::{AgreementNumber, Email, PurchasingAccountNumber};
use app::error::AppError;
use app::server::agreements::{self, AgreementInput};
use app::server::{invitations, AppState};

pub const AGREEMENT: &str = "1234567890";
pub const PURCHASING_ACCOUNT: &str = "9876543210";
pub const ADMIN_EMAIL: &str = "harry@contoso.com";

fn input() -> AgreementInput {
    AgreementInput {
        agreement_number: AGREEMENT.to_owned(),
        organization: "Contoso Ltd".to_owned(),
        purchasing_account: PURCHASING_ACCOUNT.to_owned(),
        admin_email: ADMIN_EMAIL.to_owned(),
        admin_first_name: "Harry".to_owned(),
        admin_last_name: "Roldan".to_owned(),
        language: "en".to_owned(),
        country: "US".to_owned(),
    }
}

/// Registers the demo agreement on first run; on later runs, while the
/// administrator has not signed up yet, sends a fresh link (the old one
/// is unknown: only its hash was kept). Prints what to do next.
pub async fn load(state: &AppState) -> Result<(), String> {
    let fail = |error: AppError| format!("loading the demo data: {error}");
    let agreement = input().parse().map_err(fail)?;
    let now = state.clock.now();
    let token = match agreements::register(&state.db, &state.settings, now, &agreement).await {
        Ok(registered) => registered.invitation,
        Err(error) if error.problem_with("agreement_number").is_some() => {
            invitations::resend_to_designated_admin(
                &state.db,
                &state.settings,
                now,
                &Email::parse(ADMIN_EMAIL).map_err(|problem| problem.to_string())?,
                &AgreementNumber::parse(AGREEMENT).map_err(|problem| problem.to_string())?,
                &PurchasingAccountNumber::parse(PURCHASING_ACCOUNT)
                    .map_err(|problem| problem.to_string())?,
            )
            .await
            .map_err(fail)?
        }
        Err(error) => return Err(fail(error)),
    };
    println!();
    println!("Demo organization: Contoso Ltd, agreement {AGREEMENT}, purchasing account {PURCHASING_ACCOUNT}.");
    match token {
        Some(token) => println!(
            "Invitation for {ADMIN_EMAIL}: {}",
            state
                .settings
                .link(&format!("/invitation/{}", token.as_str()))
        ),
        None => println!(
            "{ADMIN_EMAIL} has already signed up: sign in at {}",
            state.settings.link("/sign-in")
        ),
    }
    if state.settings.dev_mailbox {
        println!("Sent emails: {}", state.settings.link("/dev/mailbox"));
    }
    println!();
    Ok(())
}
