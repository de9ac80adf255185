//! Partners: registered by the operator, linked to customers' agreements,
//! rescuing the designated administrator's invitation for those customers
//! only, and seeing what each customer lets them see.

use crate::common::{
    ana_for_contoso, designated_admin, invitee, person, ANA, DAY, FABRIKAM_PARTNERS,
};
use app::both_engines;
use app::domain::wire::{AdminState, LinkState};
use app::domain::{AgreementNumber, Capability, Email, OrganizationName, Problem, Role};
use app::error::AppError;
use app::services::access::invite;
use app::services::partners::{self};
use app::services::testing::{TestApp, TestDb, NOW};

const NORTHWIND: &str = "Northwind Resellers";

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
        // Another partner's customer and no customer at all: one answer.
        assert_eq!(resend.err(), Some(AppError::NotFound), "{engine} {id}");
        let change = partners::change_admin(&app.state, &sam, id, &new_admin).await;
        assert_eq!(change.err(), Some(AppError::NotFound));
        let fix = partners::change_admin_email(&app.state, &sam, id, &email).await;
        assert_eq!(fix.err(), Some(AppError::NotFound));
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
