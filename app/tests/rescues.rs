//! A partner's rescues of a customer's designated administrator: resend,
//! change the administrator, fix their address. Only while that
//! administrator's invitation is pending; audited on both sides; the
//! customer's Account Admins told of each.

use crate::common::{ana_for_contoso, designated_admin, person, ANA, DAY, FABRIKAM_PARTNERS};
use app::both_engines;
use app::domain::wire::{AdminState, LinkState};
use app::domain::{AuditAction, Email, Problem, Role};
use app::error::AppError;
use app::services::access::{invite, members};
use app::services::audit;
use app::services::partners::{self, AdminChange};
use app::services::testing::{contoso, TestApp, TestDb, NOW};

async fn a_resend_kills_the_old_link_and_is_audited_on_both_sides(t: TestDb) {
    let app = TestApp::new(t);
    let old = app.invite_contoso().await;
    let (ana, account) = ana_for_contoso(&app).await;
    let later = NOW + 59 * DAY;
    app.set_time(later);
    let sent = partners::resend(&app.state, &ana, account)
        .await
        .expect("resent");
    assert_eq!(sent.as_str(), "harry@contoso.com");
    assert_eq!(
        app.look_up(&old).await,
        LinkState::Superseded,
        "{}",
        app.engine()
    );
    let new = app.newest_link("harry@contoso.com").await;
    let LinkState::Valid(view) = app.look_up(&new).await else {
        panic!("the new link works");
    };
    assert_eq!(view.expires_at, later + 60 * DAY, "60 days again");

    // Harry signs up; his log shows the partner's resend, naming it.
    let harry_id = app.accept(&new).await.expect("Harry signs up");
    let harry = app.actor(harry_id).await;
    let log = audit::log(&app.state, &harry, None)
        .await
        .expect("customer log");
    let entry = &log.last().expect("an entry").1;
    assert_eq!(entry.action, AuditAction::DesignatedAdminInvitationResent);
    assert_eq!(entry.actor_email, ANA);
    assert_eq!(entry.actor_organization, FABRIKAM_PARTNERS);
    let own = audit::log(&app.state, &ana, None)
        .await
        .expect("partner log");
    let own = &own[0].1;
    assert_eq!(own.action, AuditAction::DesignatedAdminInvitationResent);
    assert!(own.detail.contains("Contoso Ltd"), "{}", own.detail);

    // Registered: nothing to resend.
    let error = partners::resend(&app.state, &ana, account)
        .await
        .expect_err("already registered");
    assert_eq!(
        error.problem_with("purchasing_account"),
        Some(Problem::AdminInvitationClosed)
    );
    let customers = partners::customers(&app.state, &ana).await.expect("list");
    assert_eq!(customers[0].state, AdminState::Registered);
    app.close().await;
}
both_engines!(a_resend_kills_the_old_link_and_is_audited_on_both_sides);

async fn changing_a_pending_administrator_revokes_the_old_link(t: TestDb) {
    let app = TestApp::new(t);
    let old = app.invite_contoso().await;
    let (ana, account) = ana_for_contoso(&app).await;
    let nora = person("Nora@Contoso.com");
    partners::change_admin(&app.state, &ana, account, &nora)
        .await
        .expect("changed");
    assert_eq!(
        app.look_up(&old).await,
        LinkState::Revoked,
        "{}",
        app.engine()
    );
    assert_eq!(designated_admin(&app).await, "nora@contoso.com");
    let mails = app.queued_mail().await;
    assert_eq!(mails[0].to_email, "nora@contoso.com");
    assert!(
        mails[0].subject.contains("Centre d'affaires") || mails[0].body_text.contains("Commencer"),
        "in Nora's language: {}",
        mails[0].subject
    );
    let link = app.newest_link("nora@contoso.com").await;
    let id = app.accept(&link).await.expect("Nora signs up");
    let nora = app.load(id).await;
    assert_eq!(nora.roles, [Role::AccountAdmin]);
    let (contoso,): (i64,) =
        sqlx::query_as("SELECT id FROM organizations WHERE name = 'Contoso Ltd'")
            .fetch_one(app.db())
            .await
            .expect("Contoso");
    assert_eq!(nora.organization_id, contoso, "she joins the customer");

    // Nora has registered: replacing her is the customer's to decide.
    let zed = person("zed@contoso.com");
    let asked = partners::change_admin(&app.state, &ana, account, &zed).await;
    assert_eq!(asked, Ok(AdminChange::Requested));
    assert_eq!(designated_admin(&app).await, "nora@contoso.com");
    app.close().await;
}
both_engines!(changing_a_pending_administrator_revokes_the_old_link);

/// A partner acts on a pending invitation only: an administrator who
/// registered, or whom the customer removed since, is the customer's to
/// replace (a change becomes a request to them, `admin_requests.rs`), and
/// no invitation is sent.
async fn a_partner_cannot_bring_back_an_administrator_the_customer_removed(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let (ana, account) = ana_for_contoso(&app).await;
    let closed = Some(Problem::AdminInvitationClosed);
    let refusals = async |app: &TestApp| {
        let email = Email::parse("nora@contoso.com").expect("email");
        let fixed = partners::change_admin_email(&app.state, &ana, account, &email).await;
        assert_eq!(fixed.expect_err("fix").problem_with("email"), closed);
        let resent = partners::resend(&app.state, &ana, account).await;
        let resent = resent.expect_err("resend");
        assert_eq!(resent.problem_with("purchasing_account"), closed);
    };
    // Harry registered.
    refusals(&app).await;
    // Ursula, another Account Admin, removes Harry: his invitation was
    // accepted, not pending, so a partner cannot mint him a new one.
    let ursula = app
        .member(&harry, "ursula@contoso.com", &[Role::AccountAdmin])
        .await;
    members::remove_user(&app.state, &ursula, harry.user.id)
        .await
        .expect("removed");
    let before = app.queued_mail().await.len();
    refusals(&app).await;
    let nora = person("nora@contoso.com");
    let changed = partners::change_admin(&app.state, &ana, account, &nora).await;
    assert_eq!(changed, Ok(AdminChange::Requested), "{}", app.engine());
    let sent: Vec<String> = app.queued_mail().await[..1]
        .iter()
        .map(|mail| mail.to_email.clone())
        .collect();
    assert_eq!(
        (app.queued_mail().await.len(), sent),
        (before + 1, vec!["ursula@contoso.com".to_owned()]),
        "{}: only Ursula is asked; no invitation is sent",
        app.engine()
    );
    assert_eq!(designated_admin(&app).await, "harry@contoso.com");
    app.close().await;
}
both_engines!(a_partner_cannot_bring_back_an_administrator_the_customer_removed);

async fn fixing_a_pending_address_sends_the_invitation_there(t: TestDb) {
    let app = TestApp::new(t);
    let old = app.invite_contoso().await;
    let (ana, account) = ana_for_contoso(&app).await;
    let email = Email::parse("harry.roldan@contoso.com").expect("email");
    partners::change_admin_email(&app.state, &ana, account, &email)
        .await
        .expect("fixed");
    assert_eq!(app.look_up(&old).await, LinkState::Revoked);
    let link = app.newest_link("harry.roldan@contoso.com").await;
    let LinkState::Valid(view) = app.look_up(&link).await else {
        panic!("the new address's link works");
    };
    assert_eq!(
        (view.first_name.as_str(), view.last_name.as_str()),
        ("Harry", "Roldan")
    );
    assert_eq!(
        designated_admin(&app).await,
        "harry.roldan@contoso.com",
        "{}",
        app.engine()
    );
    // An address with an account elsewhere is invited like any other: the
    // partner must not learn who has an account at another organization.
    app.sign_up_olga().await;
    let elsewhere = Email::parse("olga@fabrikam.com").expect("email");
    partners::change_admin_email(&app.state, &ana, account, &elsewhere)
        .await
        .expect("invited like any other");
    assert_eq!(designated_admin(&app).await, "olga@fabrikam.com");
    app.close().await;
}
both_engines!(fixing_a_pending_address_sends_the_invitation_there);

async fn partner_rescues_count_against_the_invitation_quotas(t: TestDb) {
    let app = TestApp::new(t);
    app.invite_contoso().await;
    let (ana, account) = ana_for_contoso(&app).await;
    // Ana's organization has sent its day's invitations.
    sqlx::query("INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, $3)")
        .bind(format!("invite:organization:{}", ana.user.organization_id))
        .bind(NOW)
        .bind(invite::INVITES_PER_ORGANIZATION.max)
        .execute(app.db())
        .await
        .expect("spent quota");
    app.set_time(NOW + 60);
    let refused = partners::resend(&app.state, &ana, account).await;
    assert!(
        matches!(refused, Err(AppError::RateLimited { .. })),
        "{}: {refused:?}",
        app.engine()
    );
    app.close().await;
}
both_engines!(partner_rescues_count_against_the_invitation_quotas);

/// Contoso, with Harry registered, signs a second agreement whose designated
/// administrator Nora has not registered: every rescue of hers is mailed to
/// Harry.
async fn every_rescue_tells_the_customers_account_admins(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    app.register(app::services::agreements::AgreementInput {
        agreement_number: "2222222222".into(),
        organization_id: Some(harry.user.organization_id),
        purchasing_account: "5550001111".into(),
        admin_email: "nora@contoso.com".into(),
        ..contoso()
    })
    .await;
    let ana = app.partner(FABRIKAM_PARTNERS, ANA).await;
    app.link_partner(FABRIKAM_PARTNERS, "2222222222").await;
    let (account,): (i64,) =
        sqlx::query_as("SELECT id FROM purchasing_accounts WHERE number = '5550001111'")
            .fetch_one(app.db())
            .await
            .expect("the second account");
    partners::resend(&app.state, &ana, account)
        .await
        .expect("resent");
    let email = Email::parse("nora.quinn@contoso.com").expect("email");
    partners::change_admin_email(&app.state, &ana, account, &email)
        .await
        .expect("fixed");
    partners::change_admin(&app.state, &ana, account, &person("zoe@contoso.com"))
        .await
        .expect("changed");
    let told: Vec<String> = app
        .queued_mail()
        .await
        .into_iter()
        .filter(|mail| mail.to_email == "harry@contoso.com")
        .filter(|mail| mail.subject.starts_with(FABRIKAM_PARTNERS))
        .map(|mail| mail.subject)
        .collect();
    assert_eq!(told.len(), 3, "{}: {told:?}", app.engine());
    assert!(told[2].contains("new invitation"), "{told:?}");
    assert!(
        told[0].contains("changed the designated administrator"),
        "{told:?}"
    );
    app.close().await;
}
both_engines!(every_rescue_tells_the_customers_account_admins);
