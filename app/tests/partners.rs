//! Partners: registered by the operator, linked to customers' agreements,
//! rescuing the designated administrator's invitation for those customers
//! only, and seeing what each customer lets them see.

use crate::common::{invitee, DAY};
use app::both_engines;
use app::domain::wire::{AdminState, LinkState};
use app::domain::{
    AgreementNumber, AuditAction, Capability, Email, OrganizationName, Problem, Role,
};
use app::error::AppError;
use app::services::access::invite;
use app::services::audit::{self, Actor};
use app::services::partners::{self, AdminPerson, PersonInput};
use app::services::testing::{TestApp, TestDb, NOW};

const FABRIKAM_PARTNERS: &str = "Fabrikam Partners";
const NORTHWIND: &str = "Northwind Resellers";
const ANA: &str = "ana@fabrikam-partners.com";

fn person(email: &str) -> AdminPerson {
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
async fn contoso_account(app: &TestApp) -> (i64, String) {
    sqlx::query_as("SELECT id, admin_email FROM purchasing_accounts WHERE number = '9876543210'")
        .fetch_one(app.db())
        .await
        .expect("Contoso's purchasing account")
}

async fn designated_admin(app: &TestApp) -> String {
    contoso_account(app).await.1
}

/// Ana's Fabrikam Partners, partner of record for Contoso's agreement:
/// Ana, and Contoso's purchasing account.
async fn ana_for_contoso(app: &TestApp) -> (Actor, i64) {
    let ana = app.partner(FABRIKAM_PARTNERS, ANA).await;
    app.link_partner(FABRIKAM_PARTNERS, "1234567890").await;
    (ana, contoso_account(app).await.0)
}

async fn a_partner_onboards_as_partner_admin_and_opens_only_partner_areas(t: TestDb) {
    let app = TestApp::new(t);
    let ana = app.partner(FABRIKAM_PARTNERS, ANA).await;
    let roles = &ana.user.roles;
    assert_eq!(roles, &[Role::PartnerAdmin], "{}", app.engine());
    assert!(Role::any_allows(roles, Capability::ManageCustomers));
    assert!(Role::any_allows(roles, Capability::InviteUsers));
    use Capability::{ViewAgreements, ViewKeys, ViewOrders};
    for area in [ViewOrders, ViewKeys, ViewAgreements] {
        assert!(!Role::any_allows(roles, area), "{area:?}");
    }
    assert_eq!(
        ana.user.access_view().grantable,
        [Role::PartnerAdmin, Role::PartnerAgent],
        "a partner grants partner roles only"
    );

    // Ana invites a colleague as Partner Agent, never with a customer role.
    let agent = app
        .member(&ana, "joe@fabrikam-partners.com", &[Role::PartnerAgent])
        .await
        .user;
    assert_eq!(agent.organization_id, ana.user.organization_id);
    assert!(Role::any_allows(&agent.roles, Capability::ManageCustomers));
    assert!(!Role::any_allows(&agent.roles, Capability::InviteUsers));
    let bob = invitee("bob@fabrikam-partners.com", &[Role::AccountViewer], "en");
    let refused = invite::invite(&app.state, &ana, &bob).await;
    assert_eq!(refused.err(), Some(AppError::Forbidden));

    let name = OrganizationName::parse("fabrikam partners").expect("name");
    let admin = person("someone@fabrikam-partners.com");
    let again = partners::create(&app.state, &name, &admin).await;
    assert_eq!(
        again.err(),
        Some(AppError::field("name", Problem::OrganizationExists)),
        "names compare case-insensitively"
    );
    let other = OrganizationName::parse("Other Partner").expect("name");
    let taken = person(ANA);
    let taken = partners::create(&app.state, &other, &taken).await;
    assert_eq!(
        taken.err(),
        Some(AppError::field("admin_email", Problem::EmailTaken))
    );
    app.close().await;
}
both_engines!(a_partner_onboards_as_partner_admin_and_opens_only_partner_areas);

async fn linking_names_what_is_unknown_and_unlinking_hides_the_customer(t: TestDb) {
    let app = TestApp::new(t);
    app.invite_contoso().await;
    let ana = app.partner(FABRIKAM_PARTNERS, ANA).await;
    let name = OrganizationName::parse(FABRIKAM_PARTNERS).expect("name");
    let unknown_agreement = AgreementNumber::parse("1111111111").expect("number");
    let contoso = AgreementNumber::parse("1234567890").expect("number");
    let error = partners::link(&app.state, &name, &unknown_agreement)
        .await
        .expect_err("no such agreement");
    assert_eq!(
        error.problem_with("agreement_number"),
        Some(Problem::AgreementUnknown)
    );
    let nobody = OrganizationName::parse("Nobody Inc").expect("name");
    let error = partners::link(&app.state, &nobody, &contoso)
        .await
        .expect_err("no such partner");
    assert_eq!(error.problem_with("partner"), Some(Problem::PartnerUnknown));
    // A customer is not a partner, whatever its name.
    let customer = OrganizationName::parse("Contoso Ltd").expect("name");
    let error = partners::link(&app.state, &customer, &contoso)
        .await
        .expect_err("a customer is not a partner");
    assert_eq!(error.problem_with("partner"), Some(Problem::PartnerUnknown));

    let customers = || partners::customers(&app.state, &ana);
    assert!(customers().await.expect("list").is_empty());
    partners::link(&app.state, &name, &contoso)
        .await
        .expect("link");
    partners::link(&app.state, &name, &contoso)
        .await
        .expect("linking twice is fine");
    let listed = customers().await.expect("list");
    assert_eq!(listed.len(), 1, "{}", app.engine());
    assert_eq!(listed[0].customer, "Contoso Ltd");
    assert_eq!(listed[0].admin_email, "harry@contoso.com");
    let expires_at = NOW + 60 * DAY;
    assert_eq!(listed[0].state, AdminState::Invited { expires_at });
    app.set_time(NOW + 61 * DAY);
    let later = customers().await.expect("list");
    assert_eq!(later[0].state, AdminState::Expired);
    app.set_time(NOW);

    partners::unlink(&app.state, &name, &contoso)
        .await
        .expect("unlink");
    assert!(customers().await.expect("list").is_empty());
    let error = partners::unlink(&app.state, &name, &contoso)
        .await
        .expect_err("not linked any more");
    assert_eq!(
        error.problem_with("partner"),
        Some(Problem::PartnerNotLinked)
    );
    app.close().await;
}
both_engines!(linking_names_what_is_unknown_and_unlinking_hides_the_customer);

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
        Some(Problem::AdminRegistered)
    );
    let customers = partners::customers(&app.state, &ana).await.expect("list");
    assert_eq!(customers[0].state, AdminState::Registered);
    app.close().await;
}
both_engines!(a_resend_kills_the_old_link_and_is_audited_on_both_sides);

async fn a_partner_reaches_only_its_customers_whatever_ids_it_sends(t: TestDb) {
    let app = TestApp::new(t);
    let harry_link = app.invite_contoso().await;
    let (_ana, contoso) = ana_for_contoso(&app).await;
    let sam = app.partner(NORTHWIND, "sam@northwind-resellers.com").await;
    app.register_fabrikam().await;
    app.link_partner(NORTHWIND, "5555555555").await;
    let mails_before = app.queued_mail().await.len();

    let new_admin = person("nora@contoso.com");
    let email = Email::parse("typo@contoso.com").expect("email");
    for id in [contoso, 999_999, -1] {
        let resend = partners::resend(&app.state, &sam, id).await;
        let engine = app.engine();
        assert_eq!(resend.err(), Some(AppError::Forbidden), "{engine} {id}");
        let change = partners::change_admin(&app.state, &sam, id, &new_admin).await;
        assert_eq!(change.err(), Some(AppError::Forbidden));
        let fix = partners::change_admin_email(&app.state, &sam, id, &email).await;
        assert_eq!(fix.err(), Some(AppError::Forbidden));
    }
    let seen: Vec<String> = partners::customers(&app.state, &sam)
        .await
        .expect("list")
        .into_iter()
        .map(|account| account.customer)
        .collect();
    assert_eq!(seen, ["Fabrikam"], "Northwind sees its own customer only");
    assert_eq!(
        app.queued_mail().await.len(),
        mails_before,
        "no email went out"
    );
    assert_eq!(designated_admin(&app).await, "harry@contoso.com");
    assert!(matches!(
        app.look_up(&harry_link).await,
        LinkState::Valid(_)
    ));

    // A customer's own Account Admin is not a partner.
    let olga_link = app.newest_link("olga@fabrikam.com").await;
    let olga_id = app.accept(&olga_link).await.expect("Olga signs up");
    let olga = app.actor(olga_id).await;
    let resend = partners::resend(&app.state, &olga, contoso).await;
    assert_eq!(resend.err(), Some(AppError::Forbidden));
    assert_eq!(
        partners::customers(&app.state, &olga).await.err(),
        Some(AppError::Forbidden)
    );
    app.close().await;
}
both_engines!(a_partner_reaches_only_its_customers_whatever_ids_it_sends);

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

    // Someone who already has an account is not invited again.
    let taken = person(ANA);
    let error = partners::change_admin(&app.state, &ana, account, &taken)
        .await
        .expect_err("has an account");
    assert_eq!(error.problem_with("email"), Some(Problem::EmailTaken));
    app.close().await;
}
both_engines!(changing_a_pending_administrator_revokes_the_old_link);

async fn changing_a_registered_administrator_keeps_their_account_and_tells_the_admins(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let (ana, account) = ana_for_contoso(&app).await;
    let email = Email::parse("nora@contoso.com").expect("email");
    let error = partners::change_admin_email(&app.state, &ana, account, &email)
        .await
        .expect_err("Harry has registered");
    assert_eq!(error.problem_with("email"), Some(Problem::AdminRegistered));

    let nora = person("nora@contoso.com");
    partners::change_admin(&app.state, &ana, account, &nora)
        .await
        .expect("changed");
    let harry_again = app.load(harry.user.id).await;
    assert_eq!(
        harry_again.roles,
        [Role::AccountAdmin],
        "Harry keeps his account"
    );
    let mails = app.queued_mail().await;
    let told: Vec<&str> = mails
        .iter()
        .filter(|mail| mail.subject.contains(FABRIKAM_PARTNERS))
        .map(|mail| mail.to_email.as_str())
        .collect();
    assert_eq!(told, ["harry@contoso.com"], "{}", app.engine());
    let log = audit::log(&app.state, &harry, None).await.expect("log");
    assert_eq!(log[0].1.action, AuditAction::DesignatedAdminChanged);
    assert_eq!(log[0].1.detail, "harry@contoso.com -> nora@contoso.com");
    app.close().await;
}
both_engines!(changing_a_registered_administrator_keeps_their_account_and_tells_the_admins);

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
