//! The onboarding rules, checked on a fresh database per test: SQLite
//! always, PostgreSQL too when TEST_POSTGRES_URL is set.

use app::both_engines;
use app::domain::wire::LinkState;
use app::domain::{
    AgreementNumber, Email, InvitationToken, Problem, PurchasingAccountNumber, Role,
};
use app::error::AppError;
use app::services::access::members;
use app::services::agreements;
use app::services::invitations;
use app::services::testing::{accept_form as form, actor, contoso, TestApp, TestDb, NOW, PASSWORD};
use app::services::{dashboard, INVITATION_LIFETIME_SECS};

use crate::common::DAY;

async fn registering_an_agreement_queues_the_invitation_email_in_the_admins_language(t: TestDb) {
    let app = TestApp::new(t);
    let registered = app.register(contoso()).await;
    let token = registered.invitation.expect("an invitation was issued");
    let mails = app.queued_mail().await;
    assert_eq!(mails.len(), 1, "{}", app.engine());
    let mail = &mails[0];
    assert_eq!(mail.to_email, "harry@contoso.com", "{}", app.engine());
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
    app.register(french).await;
    let mails = app.queued_mail().await;
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
    app.close().await;
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
    let app = TestApp::new(t);
    app.register(contoso()).await;
    let mut again = contoso();
    again.admin_email = "someone.else@contoso.com".into();
    let error = agreements::register(&app.state, &again.parse().expect("valid"))
        .await
        .expect_err("duplicate refused");
    assert_eq!(
        error.problem_with("agreement_number"),
        Some(Problem::AgreementExists),
        "{}",
        app.engine()
    );
    let mails = app.queued_mail().await.len();
    assert_eq!(mails, 1, "no second email ({})", app.engine());
    app.close().await;
}
both_engines!(a_duplicate_agreement_is_refused_and_changes_nothing);

/// Contoso registered at [`NOW`]: the token of Harry's invitation.
async fn invited(app: &TestApp) -> InvitationToken {
    app.register(contoso()).await.invitation.expect("invited")
}

/// What the link `token` leads to, at the clock's time.
async fn accepting_creates_the_account_admin_and_the_link_works_once(t: TestDb) {
    let app = TestApp::new(t);
    let token = invited(&app).await;
    app.set_time(NOW + 60);
    let LinkState::Valid(view) = app.look_up(token.as_str()).await else {
        panic!("a fresh link is valid ({})", app.engine());
    };
    assert_eq!(view.email, "harry@contoso.com");
    assert_eq!(view.first_name, "Harry");
    assert_eq!(view.agreement_number.as_deref(), Some("1234567890"));
    assert_eq!(view.expires_at, NOW + INVITATION_LIFETIME_SECS);

    app.set_time(NOW + 120);
    let user_id = app.accept(token.as_str()).await.expect("account created");
    let user = app.load(user_id).await;
    assert_eq!(user.roles, vec![Role::AccountAdmin], "{}", app.engine());
    assert_eq!(user.email, "harry@contoso.com");

    app.set_time(NOW + 180);
    assert_eq!(app.look_up(token.as_str()).await, LinkState::Used);
    let again = app.accept(token.as_str()).await;
    assert_eq!(
        again,
        Err(AppError::NotFound),
        "single use ({})",
        app.engine()
    );

    let dashboard = dashboard::page(&app.state, &actor(&user))
        .await
        .expect("dashboard");
    assert_eq!(dashboard.organization, "Contoso Ltd");
    assert_eq!(dashboard.agreements.len(), 1);
    assert_eq!(dashboard.agreements[0].number, "1234567890");
    assert_eq!(
        dashboard.agreements[0].purchasing_accounts[0].number,
        "9876543210"
    );
    app.close().await;
}
both_engines!(accepting_creates_the_account_admin_and_the_link_works_once);

async fn a_link_expires_sixty_days_after_it_was_sent(t: TestDb) {
    let app = TestApp::new(t);
    let token = invited(&app).await;
    app.set_time(NOW + 60 * DAY - 1);
    assert!(matches!(
        app.look_up(token.as_str()).await,
        LinkState::Valid(_)
    ));
    app.set_time(NOW + 60 * DAY);
    let expired = app.look_up(token.as_str()).await;
    assert_eq!(expired, LinkState::Expired, "{}", app.engine());
    app.set_time(NOW + 61 * DAY);
    let late = app.accept(token.as_str()).await;
    assert_eq!(late, Err(AppError::NotFound));
    app.close().await;
}
both_engines!(a_link_expires_sixty_days_after_it_was_sent);

async fn unknown_and_malformed_links_are_unknown(t: TestDb) {
    let app = TestApp::new(t);
    app.register(contoso()).await;
    let other = InvitationToken::generate();
    for token in [other.as_str(), "not-a-token", "", "../../etc/passwd"] {
        assert_eq!(
            app.look_up(token).await,
            LinkState::Unknown,
            "{token:?} on {}",
            app.engine()
        );
    }
    app.close().await;
}
both_engines!(unknown_and_malformed_links_are_unknown);

async fn weak_or_mismatched_passwords_are_refused_and_the_link_stays_valid(t: TestDb) {
    let app = TestApp::new(t);
    let token = invited(&app).await;
    let accept = |password: &str, confirm: &str| {
        invitations::accept(&app.state, token.as_str(), form(password, confirm))
    };
    let short = accept("Ab1!", "Ab1!").await.expect_err("too short");
    assert_eq!(
        short.problem_with("password"),
        Some(Problem::PasswordTooShort)
    );
    let weak = accept("Password1234", "Password1234")
        .await
        .expect_err("common");
    assert_eq!(weak.problem_with("password"), Some(Problem::PasswordCommon));
    let mismatch = accept(PASSWORD, "Correct-Horse-43")
        .await
        .expect_err("mismatch");
    assert_eq!(
        mismatch.problem_with("confirm_password"),
        Some(Problem::PasswordMismatch)
    );
    assert!(
        matches!(app.look_up(token.as_str()).await, LinkState::Valid(_)),
        "{}",
        app.engine()
    );
    app.close().await;
}
both_engines!(weak_or_mismatched_passwords_are_refused_and_the_link_stays_valid);

/// The public form, as someone sends it with these three numbers, at the
/// clock's time.
async fn resend(
    app: &TestApp,
    (email, agreement, account): (&str, &str, &str),
) -> Option<InvitationToken> {
    invitations::resend_to_designated_admin(
        &app.state,
        &Email::parse(email).expect("email"),
        &AgreementNumber::parse(agreement).expect("agreement number"),
        &PurchasingAccountNumber::parse(account).expect("purchasing account number"),
    )
    .await
    .expect("resend")
}

/// Contoso's three numbers, as its designated administrator knows them.
const CONTOSO: (&str, &str, &str) = ("harry@contoso.com", "1234567890", "9876543210");

async fn a_resend_kills_the_old_link_only_when_all_three_match(t: TestDb) {
    let app = TestApp::new(t);
    let old = invited(&app).await;
    app.set_time(NOW + DAY);
    for triple @ (email, agreement, account) in [
        ("harry@contoso.com", "1234567899", "9876543210"),
        ("harry@contoso.com", "1234567890", "9876543211"),
        ("mallory@contoso.com", "1234567890", "9876543210"),
    ] {
        assert!(
            resend(&app, triple).await.is_none(),
            "{email} {agreement} {account} must not match ({})",
            app.engine()
        );
    }
    let mails = app.queued_mail().await.len();
    assert_eq!(mails, 1, "no email for a wrong triple");

    // Case does not matter in the email.
    let triple = ("HARRY@contoso.COM", "1234567890", "9876543210");
    let new = resend(&app, triple).await.expect("a new link");
    let superseded = app.look_up(old.as_str()).await;
    assert_eq!(superseded, LinkState::Superseded, "{}", app.engine());
    let LinkState::Valid(view) = app.look_up(new.as_str()).await else {
        panic!("the new link works");
    };
    assert_eq!(
        view.expires_at,
        NOW + DAY + INVITATION_LIFETIME_SECS,
        "a resend restarts the 60 days"
    );
    assert_eq!(app.queued_mail().await.len(), 2);

    // Once registered, nobody can get another invitation this way.
    app.accept(new.as_str()).await.expect("accepted");
    app.set_time(NOW + 2 * DAY);
    let after = resend(&app, triple).await;
    assert!(after.is_none(), "{}", app.engine());
    assert_eq!(app.queued_mail().await.len(), 2);
    app.close().await;
}
both_engines!(a_resend_kills_the_old_link_only_when_all_three_match);

async fn a_removed_or_revoked_administrator_cannot_mint_an_invitation(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let alice = app
        .member(&harry, "alice@contoso.com", &[Role::AccountAdmin])
        .await;
    app.set_time(NOW + DAY);
    members::remove_user(&app.state, &alice, harry.user.id)
        .await
        .expect("Alice removes Harry");
    app.set_time(NOW + 2 * DAY);
    assert!(
        resend(&app, CONTOSO).await.is_none(),
        "{}: a removed administrator got a new Account Admin invitation",
        app.engine()
    );
    app.close().await;
}
both_engines!(a_removed_or_revoked_administrator_cannot_mint_an_invitation);

async fn a_revoked_invitation_stays_revoked_but_an_expired_one_can_be_resent(t: TestDb) {
    let app = TestApp::new(t);
    app.register(contoso()).await;
    // Expired by time only: the form exists for exactly this.
    let later = NOW + INVITATION_LIFETIME_SECS + DAY;
    app.set_time(later);
    assert!(resend(&app, CONTOSO).await.is_some(), "{}", app.engine());
    // Revoked (as Manage access or a partner does): nothing to resend.
    sqlx::query("UPDATE invitations SET status = 'revoked' WHERE status = 'pending'")
        .execute(app.db())
        .await
        .expect("revoke");
    app.set_time(later + DAY);
    assert!(
        resend(&app, CONTOSO).await.is_none(),
        "{}: a revoked invitation came back",
        app.engine()
    );
    app.close().await;
}
both_engines!(a_revoked_invitation_stays_revoked_but_an_expired_one_can_be_resent);

async fn an_agreement_joins_an_organization_by_its_id_never_by_its_name(t: TestDb) {
    let app = TestApp::new(t);
    let first = app.register(contoso()).await;
    let second = |organization_id: Option<i64>| {
        let mut input = contoso();
        input.agreement_number = "5555555555".into();
        input.purchasing_account = "5555555550".into();
        input.admin_email = "olga@contoso-two.com".into();
        input.organization = "CONTOSO LTD".into();
        input.organization_id = organization_id;
        input.parse().expect("valid")
    };
    let same_name = agreements::register(&app.state, &second(None))
        .await
        .expect_err("the name is taken");
    assert_eq!(
        same_name.problem_with("organization"),
        Some(Problem::OrganizationExists),
        "{}",
        app.engine()
    );
    let unknown = agreements::register(&app.state, &second(Some(999)))
        .await
        .expect_err("no such organization");
    assert_eq!(
        unknown.problem_with("organization_id"),
        Some(Problem::OrganizationUnknown)
    );
    let joined = agreements::register(&app.state, &second(Some(first.organization_id)))
        .await
        .expect("added to the named organization");
    assert_eq!(
        joined.organization_id,
        first.organization_id,
        "{}",
        app.engine()
    );
    app.close().await;
}
both_engines!(an_agreement_joins_an_organization_by_its_id_never_by_its_name);
