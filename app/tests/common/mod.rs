//! Helpers the service tests share beyond `app::services::testing::TestApp`.
#![allow(dead_code)]

use app::domain::Role;
use app::services::access::invite::{InviteInput, Invitee};

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
