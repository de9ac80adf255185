//! Helpers the service tests share.
#![allow(dead_code)]

use app::domain::Role;
use app::services::access::invite::{InviteInput, Invitee};
use app::services::agreements::{self, AgreementInput, RegisteredAgreement};
use app::services::current_user::{self, CurrentUser};
use app::services::outbox;
use app::services::outbox::Outbox;
use app::services::password::Hasher;
use app::services::testing::{self, settings, NOW};
use app::services::Db;

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

pub async fn load(db: &Db, id: i64) -> CurrentUser {
    current_user::load(db, id)
        .await
        .expect("load")
        .expect("user exists")
}

/// A member of Harry's organization holding `roles`.
pub async fn member(
    db: &Db,
    hasher: &Hasher,
    harry: &CurrentUser,
    email: &str,
    roles: &[Role],
) -> CurrentUser {
    testing::member(db, &settings(), hasher, NOW, harry, email, roles).await
}

pub async fn set_roles(db: &Db, user_id: i64, roles: &[Role]) {
    sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
        .bind(user_id)
        .execute(db)
        .await
        .expect("clear roles");
    for role in roles {
        sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
            .bind(user_id)
            .bind(role.key())
            .execute(db)
            .await
            .expect("grant");
    }
}

pub const DAY: i64 = 24 * 60 * 60;

pub async fn register(db: &Db, input: AgreementInput, now: i64) -> RegisteredAgreement {
    let agreement = input.parse().expect("valid agreement");
    agreements::register(db, &settings(), &Outbox::default(), now, &agreement)
        .await
        .expect("agreement registers")
}

/// Every email queued, newest first.
pub async fn queued_mail(db: &Db) -> Vec<outbox::MailboxEntry> {
    outbox::recent(db, 100).await.expect("read the outbox")
}
