//! The onboarding rules, checked on a fresh database per test: SQLite
//! always, PostgreSQL too when TEST_POSTGRES_URL is set.

use app::both_engines;
use app::domain::wire::LinkState;
use app::domain::{AgreementNumber, Email, Problem, PurchasingAccountNumber, Role};
use app::error::AppError;
use app::services::access::members;
use app::services::agreements::{self};
use app::services::invitations;
use app::services::outbox::Outbox;
use app::services::password::Hasher;
use app::services::testing::{
    accept_form as form, actor, contoso, member, settings, sign_up_harry, TestDb, PASSWORD,
};
use app::services::{current_user, dashboard, INVITATION_LIFETIME_SECS};

use app::services::testing::NOW;

use crate::common::{queued_mail, register, DAY};

async fn registering_an_agreement_queues_the_invitation_email_in_the_admins_language(t: TestDb) {
    let registered = register(&t.db, contoso(), NOW).await;
    let token = registered.invitation.expect("an invitation was issued");
    let mails = queued_mail(&t.db).await;
    assert_eq!(mails.len(), 1, "{}", t.engine);
    let mail = &mails[0];
    assert_eq!(mail.to_email, "harry@contoso.com", "{}", t.engine);
    assert_eq!(mail.status, "queued");
    assert_eq!(mail.subject, "Explore the new Business Center");
    assert!(mail.body_text.contains("1234567890"), "names the agreement");
    assert!(
        mail.body_text.contains("harry@contoso.com"),
        "names the work email"
    );
    assert!(
        mail.body_text.contains(&format!(
            "Get started now: https://bc.example.com/invitation/{}",
            token.as_str()
        )),
        "link from PUBLIC_URL: {}",
        mail.body_text
    );
    assert!(
        mail.body_text.contains("January 17, 2027"),
        "expiry date: {}",
        mail.body_text
    );

    let mut french = contoso();
    french.agreement_number = "1111111111".into();
    french.organization = "Fabrikam SA".into();
    french.admin_email = "chloe@fabrikam.fr".into();
    french.language = "fr".into();
    french.country = "FR".into();
    register(&t.db, french, NOW).await;
    let mails = queued_mail(&t.db).await;
    let mail = mails
        .iter()
        .find(|m| m.to_email == "chloe@fabrikam.fr")
        .expect("French mail");
    assert_eq!(mail.subject, "Découvrez le nouveau Centre d'affaires");
    assert!(
        mail.body_text.contains("Démarrer maintenant"),
        "{}",
        mail.body_text
    );
    assert!(
        mail.body_text.contains("17 janvier 2027"),
        "{}",
        mail.body_text
    );
    t.close().await;
}
both_engines!(registering_an_agreement_queues_the_invitation_email_in_the_admins_language);

#[tokio::test]
async fn bad_agreement_input_names_each_field() {
    let mut input = contoso();
    input.agreement_number = "12345abcde".into();
    input.admin_email = "harry-at-contoso".into();
    input.language = "de".into();
    let error = input.parse().expect_err("invalid input is refused");
    assert_eq!(
        error.problem_with("agreement_number"),
        Some(Problem::AgreementNumberInvalid)
    );
    assert_eq!(
        error.problem_with("admin_email"),
        Some(Problem::EmailInvalid)
    );
    assert_eq!(
        error.problem_with("language"),
        Some(Problem::LanguageUnsupported)
    );
    assert_eq!(error.problem_with("organization"), None);
}

async fn a_duplicate_agreement_is_refused_and_changes_nothing(t: TestDb) {
    register(&t.db, contoso(), NOW).await;
    let mut again = contoso();
    again.admin_email = "someone.else@contoso.com".into();
    let error = agreements::register(
        &t.db,
        &settings(),
        &Outbox::default(),
        NOW,
        &again.parse().expect("valid"),
    )
    .await
    .expect_err("duplicate refused");
    assert_eq!(
        error.problem_with("agreement_number"),
        Some(Problem::AgreementExists),
        "{}",
        t.engine
    );
    assert_eq!(
        queued_mail(&t.db).await.len(),
        1,
        "no second email ({})",
        t.engine
    );
    t.close().await;
}
both_engines!(a_duplicate_agreement_is_refused_and_changes_nothing);

async fn accepting_creates_the_account_admin_and_the_link_works_once(t: TestDb) {
    let hasher = Hasher::default();
    let token = register(&t.db, contoso(), NOW)
        .await
        .invitation
        .expect("invited");
    let LinkState::Valid(view) = invitations::look_up(&t.db, token.as_str(), NOW + 60)
        .await
        .expect("look up")
    else {
        panic!("a fresh link is valid ({})", t.engine);
    };
    assert_eq!(view.email, "harry@contoso.com");
    assert_eq!(view.first_name, "Harry");
    assert_eq!(view.agreement_number.as_deref(), Some("1234567890"));
    assert_eq!(view.expires_at, NOW + INVITATION_LIFETIME_SECS);

    let user_id = invitations::accept(
        &t.db,
        &hasher,
        NOW + 120,
        token.as_str(),
        form(PASSWORD, PASSWORD),
    )
    .await
    .expect("account created");
    let user = current_user::load(&t.db, user_id)
        .await
        .expect("load")
        .expect("exists");
    assert_eq!(user.roles, vec![Role::AccountAdmin], "{}", t.engine);
    assert_eq!(user.email, "harry@contoso.com");

    assert_eq!(
        invitations::look_up(&t.db, token.as_str(), NOW + 180)
            .await
            .expect("look up"),
        LinkState::Used
    );
    let again = invitations::accept(
        &t.db,
        &hasher,
        NOW + 180,
        token.as_str(),
        form(PASSWORD, PASSWORD),
    )
    .await;
    assert_eq!(again, Err(AppError::NotFound), "single use ({})", t.engine);

    let dashboard = dashboard::page(&t.db, &user).await.expect("dashboard");
    assert_eq!(dashboard.organization, "Contoso Ltd");
    assert_eq!(dashboard.agreements.len(), 1);
    assert_eq!(dashboard.agreements[0].number, "1234567890");
    assert_eq!(
        dashboard.agreements[0].purchasing_accounts[0].number,
        "9876543210"
    );
    t.close().await;
}
both_engines!(accepting_creates_the_account_admin_and_the_link_works_once);

async fn a_link_expires_sixty_days_after_it_was_sent(t: TestDb) {
    let token = register(&t.db, contoso(), NOW)
        .await
        .invitation
        .expect("invited");
    let last_second = NOW + 60 * DAY - 1;
    assert!(matches!(
        invitations::look_up(&t.db, token.as_str(), last_second)
            .await
            .expect("look up"),
        LinkState::Valid(_)
    ));
    assert_eq!(
        invitations::look_up(&t.db, token.as_str(), NOW + 60 * DAY)
            .await
            .expect("look up"),
        LinkState::Expired,
        "{}",
        t.engine
    );
    let late = invitations::accept(
        &t.db,
        &Hasher::default(),
        NOW + 61 * DAY,
        token.as_str(),
        form(PASSWORD, PASSWORD),
    )
    .await;
    assert_eq!(late, Err(AppError::NotFound));
    t.close().await;
}
both_engines!(a_link_expires_sixty_days_after_it_was_sent);

async fn unknown_and_malformed_links_are_unknown(t: TestDb) {
    register(&t.db, contoso(), NOW).await;
    let other = app::domain::InvitationToken::generate();
    for token in [other.as_str(), "not-a-token", "", "../../etc/passwd"] {
        assert_eq!(
            invitations::look_up(&t.db, token, NOW)
                .await
                .expect("look up"),
            LinkState::Unknown,
            "{token:?} on {}",
            t.engine
        );
    }
    t.close().await;
}
both_engines!(unknown_and_malformed_links_are_unknown);

async fn weak_or_mismatched_passwords_are_refused_and_the_link_stays_valid(t: TestDb) {
    let hasher = Hasher::default();
    let token = register(&t.db, contoso(), NOW)
        .await
        .invitation
        .expect("invited");
    let short = invitations::accept(&t.db, &hasher, NOW, token.as_str(), form("Ab1!", "Ab1!"))
        .await
        .expect_err("too short");
    assert_eq!(
        short.problem_with("password"),
        Some(Problem::PasswordTooShort)
    );
    let weak = invitations::accept(
        &t.db,
        &hasher,
        NOW,
        token.as_str(),
        form("Password1234", "Password1234"),
    )
    .await
    .expect_err("common");
    assert_eq!(weak.problem_with("password"), Some(Problem::PasswordCommon));
    let mismatch = invitations::accept(
        &t.db,
        &hasher,
        NOW,
        token.as_str(),
        form(PASSWORD, "Correct-Horse-43"),
    )
    .await
    .expect_err("mismatch");
    assert_eq!(
        mismatch.problem_with("confirm_password"),
        Some(Problem::PasswordMismatch)
    );
    assert!(
        matches!(
            invitations::look_up(&t.db, token.as_str(), NOW)
                .await
                .expect("look up"),
            LinkState::Valid(_)
        ),
        "{}",
        t.engine
    );
    t.close().await;
}
both_engines!(weak_or_mismatched_passwords_are_refused_and_the_link_stays_valid);

fn triple(
    email: &str,
    agreement: &str,
    account: &str,
) -> (Email, AgreementNumber, PurchasingAccountNumber) {
    (
        Email::parse(email).expect("email"),
        AgreementNumber::parse(agreement).expect("agreement number"),
        PurchasingAccountNumber::parse(account).expect("purchasing account number"),
    )
}

async fn a_resend_kills_the_old_link_only_when_all_three_match(t: TestDb) {
    let old = register(&t.db, contoso(), NOW)
        .await
        .invitation
        .expect("invited");
    for (email, agreement, account) in [
        ("harry@contoso.com", "1234567899", "9876543210"),
        ("harry@contoso.com", "1234567890", "9876543211"),
        ("mallory@contoso.com", "1234567890", "9876543210"),
    ] {
        let (email, agreement, account) = triple(email, agreement, account);
        let sent = invitations::resend_to_designated_admin(
            &t.db,
            &settings(),
            &Outbox::default(),
            NOW + DAY,
            &email,
            &agreement,
            &account,
        )
        .await
        .expect("resend");
        assert!(
            sent.is_none(),
            "{email} {agreement} {account} must not match ({})",
            t.engine
        );
    }
    assert_eq!(
        queued_mail(&t.db).await.len(),
        1,
        "no email for a wrong triple"
    );

    // Case does not matter in the email.
    let (email, agreement, account) = triple("HARRY@contoso.COM", "1234567890", "9876543210");
    let new = invitations::resend_to_designated_admin(
        &t.db,
        &settings(),
        &Outbox::default(),
        NOW + DAY,
        &email,
        &agreement,
        &account,
    )
    .await
    .expect("resend")
    .expect("a new link");
    assert_eq!(
        invitations::look_up(&t.db, old.as_str(), NOW + DAY)
            .await
            .expect("look up"),
        LinkState::Superseded,
        "{}",
        t.engine
    );
    let LinkState::Valid(view) = invitations::look_up(&t.db, new.as_str(), NOW + DAY)
        .await
        .expect("look up")
    else {
        panic!("the new link works");
    };
    assert_eq!(
        view.expires_at,
        NOW + DAY + INVITATION_LIFETIME_SECS,
        "a resend restarts the 60 days"
    );
    assert_eq!(queued_mail(&t.db).await.len(), 2);

    // Once registered, nobody can get another invitation this way.
    invitations::accept(
        &t.db,
        &Hasher::default(),
        NOW + DAY,
        new.as_str(),
        form(PASSWORD, PASSWORD),
    )
    .await
    .expect("accepted");
    let after = invitations::resend_to_designated_admin(
        &t.db,
        &settings(),
        &Outbox::default(),
        NOW + 2 * DAY,
        &email,
        &agreement,
        &account,
    )
    .await
    .expect("resend");
    assert!(after.is_none(), "{}", t.engine);
    assert_eq!(queued_mail(&t.db).await.len(), 2);
    t.close().await;
}
both_engines!(a_resend_kills_the_old_link_only_when_all_three_match);

/// The public form, as someone with Contoso's three numbers sends it.
async fn public_resend(t: &TestDb, at: i64) -> Option<app::domain::InvitationToken> {
    let (email, agreement, account) = triple("harry@contoso.com", "1234567890", "9876543210");
    invitations::resend_to_designated_admin(
        &t.db,
        &settings(),
        &Outbox::default(),
        at,
        &email,
        &agreement,
        &account,
    )
    .await
    .expect("resend")
}

async fn a_removed_or_revoked_administrator_cannot_mint_an_invitation(t: TestDb) {
    let hasher = Hasher::default();
    let harry_id = sign_up_harry(&t.db, &settings(), &hasher, NOW).await;
    let harry = current_user::load(&t.db, harry_id)
        .await
        .expect("load")
        .expect("harry");
    let alice = member(
        &t.db,
        &settings(),
        &hasher,
        NOW,
        &harry,
        "alice@contoso.com",
        &[Role::AccountAdmin],
    )
    .await;
    members::remove_user(&t.db, NOW + DAY, &actor(&alice), harry_id)
        .await
        .expect("Alice removes Harry");
    assert!(
        public_resend(&t, NOW + 2 * DAY).await.is_none(),
        "{}: a removed administrator got a new Account Admin invitation",
        t.engine
    );
    t.close().await;
}
both_engines!(a_removed_or_revoked_administrator_cannot_mint_an_invitation);

async fn a_revoked_invitation_stays_revoked_but_an_expired_one_can_be_resent(t: TestDb) {
    register(&t.db, contoso(), NOW).await;
    // Expired by time only: the form exists for exactly this.
    let later = NOW + INVITATION_LIFETIME_SECS + DAY;
    assert!(public_resend(&t, later).await.is_some(), "{}", t.engine);
    // Revoked (as Manage access or a partner does): nothing to resend.
    sqlx::query("UPDATE invitations SET status = 'revoked' WHERE status = 'pending'")
        .execute(&t.db)
        .await
        .expect("revoke");
    assert!(
        public_resend(&t, later + DAY).await.is_none(),
        "{}: a revoked invitation came back",
        t.engine
    );
    t.close().await;
}
both_engines!(a_revoked_invitation_stays_revoked_but_an_expired_one_can_be_resent);

async fn an_agreement_joins_an_organization_by_its_id_never_by_its_name(t: TestDb) {
    let first = register(&t.db, contoso(), NOW).await;
    let second = |organization_id: Option<i64>| {
        let mut input = contoso();
        input.agreement_number = "5555555555".into();
        input.purchasing_account = "5555555550".into();
        input.admin_email = "olga@contoso-two.com".into();
        input.organization = "CONTOSO LTD".into();
        input.organization_id = organization_id;
        input.parse().expect("valid")
    };
    let same_name =
        agreements::register(&t.db, &settings(), &Outbox::default(), NOW, &second(None))
            .await
            .expect_err("the name is taken");
    assert_eq!(
        same_name.problem_with("organization"),
        Some(Problem::OrganizationExists),
        "{}",
        t.engine
    );
    let unknown = agreements::register(
        &t.db,
        &settings(),
        &Outbox::default(),
        NOW,
        &second(Some(999)),
    )
    .await
    .expect_err("no such organization");
    assert_eq!(
        unknown.problem_with("organization_id"),
        Some(Problem::OrganizationUnknown)
    );
    let joined = agreements::register(
        &t.db,
        &settings(),
        &Outbox::default(),
        NOW,
        &second(Some(first.organization_id)),
    )
    .await
    .expect("added to the named organization");
    assert_eq!(
        joined.organization_id, first.organization_id,
        "{}",
        t.engine
    );
    t.close().await;
}
both_engines!(an_agreement_joins_an_organization_by_its_id_never_by_its_name);
