//! Helpers the service tests share beyond `app::services::testing::TestApp`.
#![allow(dead_code)]

use app::domain::Role;
use app::services::access::invite::{InviteInput, Invitee};
use app::services::audit::Actor;
use app::services::partners::{AdminPerson, PersonInput};
use app::services::testing::TestApp;

/// The specification's table, written out rather than derived from the
/// code under test.
pub fn spec_allows(inviter: Role, granted: Role) -> bool {
    use Role::*;
    let partners = matches!(granted, PartnerAdmin | PartnerAgent);
    match inviter {
        AccountAdmin => !partners,
        UserAdmin => !partners && granted != AccountAdmin,
        AgreementAdmin => matches!(granted, AgreementAdmin | ReportViewer | AccountViewer),
        AccountManager | ReportViewer | AccountViewer | PartnerAgent => false,
        PartnerAdmin => partners,
    }
}

pub fn invitee(email: &str, roles: &[Role], language: &str) -> Invitee {
    InviteInput {
        email: email.into(),
        first_name: "Ana".into(),
        last_name: "Bell".into(),
        language: language.into(),
        country: "FR".into(),
        roles: roles.iter().map(|role| role.key().to_owned()).collect(),
    }
    .parse()
    .expect("valid invitee")
}

pub const DAY: i64 = 24 * 60 * 60;

pub const FABRIKAM_PARTNERS: &str = "Fabrikam Partners";
pub const ANA: &str = "ana@fabrikam-partners.com";

pub fn person(email: &str) -> AdminPerson {
    PersonInput {
        email: email.into(),
        first_name: "Nora".into(),
        last_name: "Quinn".into(),
        language: "fr".into(),
        country: "FR".into(),
    }
    .parse()
    .expect("person")
}

/// Contoso's purchasing account 9876543210: its id and the email of its
/// designated administrator.
pub async fn contoso_account(app: &TestApp) -> (i64, String) {
    sqlx::query_as("SELECT id, admin_email FROM purchasing_accounts WHERE number = '9876543210'")
        .fetch_one(app.db())
        .await
        .expect("Contoso's purchasing account")
}

pub async fn designated_admin(app: &TestApp) -> String {
    contoso_account(app).await.1
}

/// Ana's Fabrikam Partners, partner of record for Contoso's agreement:
/// Ana, and Contoso's purchasing account.
pub async fn ana_for_contoso(app: &TestApp) -> (Actor, i64) {
    let ana = app.partner(FABRIKAM_PARTNERS, ANA).await;
    app.link_partner(FABRIKAM_PARTNERS, "1234567890").await;
    (ana, contoso_account(app).await.0)
}
