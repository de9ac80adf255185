//! Partners: registered by the operator, linked to customers' agreements,
//! rescuing the designated administrator's invitation for those customers
//! only, and seeing what each customer lets them see.

use crate::common::{load, queued_mail, DAY};
use app::both_engines;
use app::domain::wire::{AdminState, LinkState};
use app::domain::{
    AgreementNumber, AuditAction, Capability, Email, OrganizationName, Problem, Role,
};
use app::error::AppError;
use app::services::outbox::Outbox;
use app::services::partners::{self, PersonInput};
use app::services::password::Hasher;
use app::services::testing::{
    self, actor, invite_contoso, link_partner, newest_link, partner, settings, TestDb, NOW,
};
use app::services::{audit, invitations};

const FABRIKAM_PARTNERS: &str = "Fabrikam Partners";
const NORTHWIND: &str = "Northwind Resellers";

fn person(email: &str) -> PersonInput {
    PersonInput {
        email: email.into(),
        first_name: "Nora".into(),
        last_name: "Quinn".into(),
        language: "fr".into(),
        country: "FR".into(),
    }
}

/// The id of Contoso's purchasing account 9876543210.
async fn contoso_account(t: &TestDb) -> i64 {
    let (id,): (i64,) =
        sqlx::query_as("SELECT id FROM purchasing_accounts WHERE number = '9876543210'")
            .fetch_one(&t.db)
            .await
            .expect("Contoso's purchasing account");
    id
}

async fn designated_admin(t: &TestDb) -> String {
    let (email,): (String,) =
        sqlx::query_as("SELECT admin_email FROM purchasing_accounts WHERE number = '9876543210'")
            .fetch_one(&t.db)
            .await
            .expect("designated administrator");
    email
}

async fn a_partner_onboards_as_partner_admin_and_opens_only_partner_areas(t: TestDb) {
    let ana = partner(&t.db, NOW, FABRIKAM_PARTNERS, "ana@fabrikam-partners.com").await;
    assert_eq!(ana.roles, [Role::PartnerAdmin], "{}", t.engine);
    assert!(Role::any_allows(&ana.roles, Capability::ManageCustomers));
    assert!(Role::any_allows(&ana.roles, Capability::InviteUsers));
    for area in [
        Capability::ViewOrders,
        Capability::ViewKeys,
        Capability::ViewAgreements,
    ] {
        assert!(!Role::any_allows(&ana.roles, area), "{area:?}");
    }
    assert_eq!(
        ana.access_view().grantable,
        [Role::PartnerAdmin, Role::PartnerAgent],
        "a partner grants partner roles only"
    );

    // Ana invites a colleague as Partner Agent, never with a customer role.
    let agent = testing::member(
        &t.db,
        &settings(),
        &Hasher::default(),
        NOW,
        &ana,
        "joe@fabrikam-partners.com",
        &[Role::PartnerAgent],
    )
    .await;
    assert_eq!(agent.organization_id, ana.organization_id);
    assert!(Role::any_allows(&agent.roles, Capability::ManageCustomers));
    assert!(!Role::any_allows(&agent.roles, Capability::InviteUsers));
    let refused = app::services::access::invite::invite(
        &t.db,
        &settings(),
        &Outbox::default(),
        NOW,
        &actor(&ana),
        &crate::common::invitee("bob@fabrikam-partners.com", &[Role::AccountViewer], "en"),
    )
    .await;
    assert_eq!(refused.err(), Some(AppError::Forbidden));

    let name = OrganizationName::parse("fabrikam partners").expect("name");
    let admin = person("someone@fabrikam-partners.com")
        .parse()
        .expect("person");
    let again = partners::create(&t.db, &settings(), &Outbox::default(), NOW, &name, &admin).await;
    assert_eq!(
        again.err(),
        Some(AppError::field("name", Problem::OrganizationExists)),
        "names compare case-insensitively"
    );
    let other = OrganizationName::parse("Other Partner").expect("name");
    let taken = person("ana@fabrikam-partners.com").parse().expect("person");
    let taken = partners::create(&t.db, &settings(), &Outbox::default(), NOW, &other, &taken).await;
    assert_eq!(
        taken.err(),
        Some(AppError::field("admin_email", Problem::EmailTaken))
    );
}
both_engines!(a_partner_onboards_as_partner_admin_and_opens_only_partner_areas);

async fn linking_names_what_is_unknown_and_unlinking_hides_the_customer(t: TestDb) {
    invite_contoso(&t.db, &settings(), NOW).await;
    let ana = partner(&t.db, NOW, FABRIKAM_PARTNERS, "ana@fabrikam-partners.com").await;
    let name = OrganizationName::parse(FABRIKAM_PARTNERS).expect("name");
    let unknown_agreement = AgreementNumber::parse("1111111111").expect("number");
    let contoso = AgreementNumber::parse("1234567890").expect("number");
    let error = partners::link(&t.db, NOW, &name, &unknown_agreement)
        .await
        .expect_err("no such agreement");
    assert_eq!(
        error.problem_with("agreement_number"),
        Some(Problem::AgreementUnknown)
    );
    let nobody = OrganizationName::parse("Nobody Inc").expect("name");
    let error = partners::link(&t.db, NOW, &nobody, &contoso)
        .await
        .expect_err("no such partner");
    assert_eq!(error.problem_with("partner"), Some(Problem::PartnerUnknown));
    // A customer is not a partner, whatever its name.
    let customer = OrganizationName::parse("Contoso Ltd").expect("name");
    let error = partners::link(&t.db, NOW, &customer, &contoso)
        .await
        .expect_err("a customer is not a partner");
    assert_eq!(error.problem_with("partner"), Some(Problem::PartnerUnknown));

    assert!(partners::customers(&t.db, &ana, NOW)
        .await
        .expect("list")
        .is_empty());
    partners::link(&t.db, NOW, &name, &contoso)
        .await
        .expect("link");
    partners::link(&t.db, NOW, &name, &contoso)
        .await
        .expect("linking twice is fine");
    let customers = partners::customers(&t.db, &ana, NOW).await.expect("list");
    assert_eq!(customers.len(), 1, "{}", t.engine);
    assert_eq!(customers[0].customer, "Contoso Ltd");
    assert_eq!(customers[0].admin_email, "harry@contoso.com");
    assert_eq!(
        customers[0].state,
        AdminState::Invited {
            expires_at: NOW + 60 * DAY
        }
    );
    let later = partners::customers(&t.db, &ana, NOW + 61 * DAY)
        .await
        .expect("list");
    assert_eq!(later[0].state, AdminState::Expired);

    partners::unlink(&t.db, &name, &contoso)
        .await
        .expect("unlink");
    assert!(partners::customers(&t.db, &ana, NOW)
        .await
        .expect("list")
        .is_empty());
    let error = partners::unlink(&t.db, &name, &contoso)
        .await
        .expect_err("not linked any more");
    assert_eq!(
        error.problem_with("partner"),
        Some(Problem::PartnerNotLinked)
    );
}
both_engines!(linking_names_what_is_unknown_and_unlinking_hides_the_customer);

async fn a_resend_kills_the_old_link_and_is_audited_on_both_sides(t: TestDb) {
    let old = invite_contoso(&t.db, &settings(), NOW).await;
    let ana = partner(&t.db, NOW, FABRIKAM_PARTNERS, "ana@fabrikam-partners.com").await;
    link_partner(&t.db, NOW, FABRIKAM_PARTNERS, "1234567890").await;
    let account = contoso_account(&t).await;
    let later = NOW + 59 * DAY;
    let sent = partners::resend(
        &t.db,
        &settings(),
        &Outbox::default(),
        later,
        &actor(&ana),
        account,
    )
    .await
    .expect("resent");
    assert_eq!(sent.as_str(), "harry@contoso.com");
    assert_eq!(
        invitations::look_up(&t.db, &old, later)
            .await
            .expect("look up"),
        LinkState::Superseded,
        "{}",
        t.engine
    );
    let new = newest_link(&t.db, "harry@contoso.com").await;
    let LinkState::Valid(view) = invitations::look_up(&t.db, &new, later)
        .await
        .expect("look up")
    else {
        panic!("the new link works");
    };
    assert_eq!(view.expires_at, later + 60 * DAY, "60 days again");

    // Harry signs up; his log shows the partner's resend, naming it.
    let harry_id = invitations::accept(
        &t.db,
        &Hasher::default(),
        later,
        &new,
        testing::accept_form(testing::PASSWORD, testing::PASSWORD),
    )
    .await
    .expect("Harry signs up");
    let harry = load(&t.db, harry_id).await;
    let log = audit::log(&t.db, &harry, None).await.expect("customer log");
    let entry = &log.last().expect("an entry").1;
    assert_eq!(entry.action, AuditAction::DesignatedAdminInvitationResent);
    assert_eq!(entry.actor_email, "ana@fabrikam-partners.com");
    assert_eq!(entry.actor_organization, FABRIKAM_PARTNERS);
    let own = audit::log(&t.db, &ana, None).await.expect("partner log");
    assert_eq!(
        own[0].1.action,
        AuditAction::DesignatedAdminInvitationResent
    );
    assert!(
        own[0].1.detail.contains("Contoso Ltd"),
        "{}",
        own[0].1.detail
    );

    // Registered: nothing to resend.
    let error = partners::resend(
        &t.db,
        &settings(),
        &Outbox::default(),
        later,
        &actor(&ana),
        account,
    )
    .await
    .expect_err("already registered");
    assert_eq!(
        error.problem_with("purchasing_account"),
        Some(Problem::AdminRegistered)
    );
    let customers = partners::customers(&t.db, &ana, later).await.expect("list");
    assert_eq!(customers[0].state, AdminState::Registered);
}
both_engines!(a_resend_kills_the_old_link_and_is_audited_on_both_sides);

async fn a_partner_reaches_only_its_customers_whatever_ids_it_sends(t: TestDb) {
    let harry_link = invite_contoso(&t.db, &settings(), NOW).await;
    let ana = partner(&t.db, NOW, FABRIKAM_PARTNERS, "ana@fabrikam-partners.com").await;
    let sam = partner(&t.db, NOW, NORTHWIND, "sam@northwind-resellers.com").await;
    link_partner(&t.db, NOW, FABRIKAM_PARTNERS, "1234567890").await;
    testing::register_fabrikam(&t.db, &settings(), NOW).await;
    link_partner(&t.db, NOW, NORTHWIND, "5555555555").await;
    let contoso = contoso_account(&t).await;
    let mails_before = queued_mail(&t.db).await.len();

    let new_admin = person("nora@contoso.com").parse().expect("person");
    let email = Email::parse("typo@contoso.com").expect("email");
    for id in [contoso, 999_999, -1] {
        let outbox_ = Outbox::default();
        let resend = partners::resend(&t.db, &settings(), &outbox_, NOW, &actor(&sam), id).await;
        assert_eq!(resend.err(), Some(AppError::Forbidden), "{} {id}", t.engine);
        let change = partners::change_admin(
            &t.db,
            &settings(),
            &outbox_,
            NOW,
            &actor(&sam),
            id,
            &new_admin,
        )
        .await;
        assert_eq!(change.err(), Some(AppError::Forbidden));
        let fix = partners::change_admin_email(
            &t.db,
            &settings(),
            &outbox_,
            NOW,
            &actor(&sam),
            id,
            &email,
        )
        .await;
        assert_eq!(fix.err(), Some(AppError::Forbidden));
    }
    let seen: Vec<String> = partners::customers(&t.db, &sam, NOW)
        .await
        .expect("list")
        .into_iter()
        .map(|account| account.customer)
        .collect();
    assert_eq!(seen, ["Fabrikam"], "Northwind sees its own customer only");
    assert_eq!(
        queued_mail(&t.db).await.len(),
        mails_before,
        "no email went out"
    );
    assert_eq!(designated_admin(&t).await, "harry@contoso.com");
    assert!(matches!(
        invitations::look_up(&t.db, &harry_link, NOW)
            .await
            .expect("look up"),
        LinkState::Valid(_)
    ));

    // A customer's own Account Admin is not a partner.
    let olga_link = newest_link(&t.db, "olga@fabrikam.com").await;
    let olga_id = invitations::accept(
        &t.db,
        &Hasher::default(),
        NOW,
        &olga_link,
        testing::accept_form(testing::PASSWORD, testing::PASSWORD),
    )
    .await
    .expect("Olga signs up");
    let olga = load(&t.db, olga_id).await;
    let resend = partners::resend(
        &t.db,
        &settings(),
        &Outbox::default(),
        NOW,
        &actor(&olga),
        contoso,
    )
    .await;
    assert_eq!(resend.err(), Some(AppError::Forbidden));
    assert_eq!(
        partners::customers(&t.db, &olga, NOW).await.err(),
        Some(AppError::Forbidden)
    );
    let _ = ana;
}
both_engines!(a_partner_reaches_only_its_customers_whatever_ids_it_sends);

async fn changing_a_pending_administrator_revokes_the_old_link(t: TestDb) {
    let old = invite_contoso(&t.db, &settings(), NOW).await;
    let ana = partner(&t.db, NOW, FABRIKAM_PARTNERS, "ana@fabrikam-partners.com").await;
    link_partner(&t.db, NOW, FABRIKAM_PARTNERS, "1234567890").await;
    let account = contoso_account(&t).await;
    let nora = person("Nora@Contoso.com").parse().expect("person");
    partners::change_admin(
        &t.db,
        &settings(),
        &Outbox::default(),
        NOW,
        &actor(&ana),
        account,
        &nora,
    )
    .await
    .expect("changed");
    assert_eq!(
        invitations::look_up(&t.db, &old, NOW)
            .await
            .expect("look up"),
        LinkState::Revoked,
        "{}",
        t.engine
    );
    assert_eq!(designated_admin(&t).await, "nora@contoso.com");
    let mails = queued_mail(&t.db).await;
    assert_eq!(mails[0].to_email, "nora@contoso.com");
    assert!(
        mails[0].subject.contains("Centre d'affaires") || mails[0].body_text.contains("Commencer"),
        "in Nora's language: {}",
        mails[0].subject
    );
    let link = newest_link(&t.db, "nora@contoso.com").await;
    let id = invitations::accept(
        &t.db,
        &Hasher::default(),
        NOW,
        &link,
        testing::accept_form(testing::PASSWORD, testing::PASSWORD),
    )
    .await
    .expect("Nora signs up");
    let nora = load(&t.db, id).await;
    assert_eq!(nora.roles, [Role::AccountAdmin]);
    let (contoso,): (i64,) =
        sqlx::query_as("SELECT id FROM organizations WHERE name = 'Contoso Ltd'")
            .fetch_one(&t.db)
            .await
            .expect("Contoso");
    assert_eq!(nora.organization_id, contoso, "she joins the customer");

    // Someone who already has an account is not invited again.
    let taken = person("ana@fabrikam-partners.com").parse().expect("person");
    let error = partners::change_admin(
        &t.db,
        &settings(),
        &Outbox::default(),
        NOW,
        &actor(&ana),
        account,
        &taken,
    )
    .await
    .expect_err("has an account");
    assert_eq!(error.problem_with("email"), Some(Problem::EmailTaken));
}
both_engines!(changing_a_pending_administrator_revokes_the_old_link);

async fn changing_a_registered_administrator_keeps_their_account_and_tells_the_admins(t: TestDb) {
    let harry = testing::harry(&t.db, NOW).await;
    let ana = partner(&t.db, NOW, FABRIKAM_PARTNERS, "ana@fabrikam-partners.com").await;
    link_partner(&t.db, NOW, FABRIKAM_PARTNERS, "1234567890").await;
    let account = contoso_account(&t).await;
    let email = Email::parse("nora@contoso.com").expect("email");
    let error = partners::change_admin_email(
        &t.db,
        &settings(),
        &Outbox::default(),
        NOW,
        &actor(&ana),
        account,
        &email,
    )
    .await
    .expect_err("Harry has registered");
    assert_eq!(error.problem_with("email"), Some(Problem::AdminRegistered));

    let nora = person("nora@contoso.com").parse().expect("person");
    partners::change_admin(
        &t.db,
        &settings(),
        &Outbox::default(),
        NOW,
        &actor(&ana),
        account,
        &nora,
    )
    .await
    .expect("changed");
    let harry_again = load(&t.db, harry.id).await;
    assert_eq!(
        harry_again.roles,
        [Role::AccountAdmin],
        "Harry keeps his account"
    );
    let mails = queued_mail(&t.db).await;
    let told: Vec<&str> = mails
        .iter()
        .filter(|mail| mail.subject.contains(FABRIKAM_PARTNERS))
        .map(|mail| mail.to_email.as_str())
        .collect();
    assert_eq!(told, ["harry@contoso.com"], "{}", t.engine);
    let log = audit::log(&t.db, &harry, None).await.expect("log");
    assert_eq!(log[0].1.action, AuditAction::DesignatedAdminChanged);
    assert_eq!(log[0].1.detail, "harry@contoso.com -> nora@contoso.com");
}
both_engines!(changing_a_registered_administrator_keeps_their_account_and_tells_the_admins);

async fn fixing_a_pending_address_sends_the_invitation_there(t: TestDb) {
    let old = invite_contoso(&t.db, &settings(), NOW).await;
    let ana = partner(&t.db, NOW, FABRIKAM_PARTNERS, "ana@fabrikam-partners.com").await;
    link_partner(&t.db, NOW, FABRIKAM_PARTNERS, "1234567890").await;
    let account = contoso_account(&t).await;
    let email = Email::parse("harry.roldan@contoso.com").expect("email");
    partners::change_admin_email(
        &t.db,
        &settings(),
        &Outbox::default(),
        NOW,
        &actor(&ana),
        account,
        &email,
    )
    .await
    .expect("fixed");
    assert_eq!(
        invitations::look_up(&t.db, &old, NOW)
            .await
            .expect("look up"),
        LinkState::Revoked
    );
    let link = newest_link(&t.db, "harry.roldan@contoso.com").await;
    let LinkState::Valid(view) = invitations::look_up(&t.db, &link, NOW)
        .await
        .expect("look up")
    else {
        panic!("the new address's link works");
    };
    assert_eq!(
        (view.first_name.as_str(), view.last_name.as_str()),
        ("Harry", "Roldan")
    );
    assert_eq!(
        designated_admin(&t).await,
        "harry.roldan@contoso.com",
        "{}",
        t.engine
    );
}
both_engines!(fixing_a_pending_address_sends_the_invitation_there);

async fn partner_rescues_count_against_the_invitation_quotas(t: TestDb) {
    invite_contoso(&t.db, &settings(), NOW).await;
    let ana = partner(&t.db, NOW, FABRIKAM_PARTNERS, "ana@fabrikam-partners.com").await;
    link_partner(&t.db, NOW, FABRIKAM_PARTNERS, "1234567890").await;
    let account = contoso_account(&t).await;
    // Ana's organization has sent its day's invitations.
    sqlx::query("INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, $3)")
        .bind(format!("invite:organization:{}", ana.organization_id))
        .bind(NOW)
        .bind(app::services::access::invite::INVITES_PER_ORGANIZATION.max)
        .execute(&t.db)
        .await
        .expect("spent quota");
    let refused = partners::resend(
        &t.db,
        &settings(),
        &Outbox::default(),
        NOW + 60,
        &actor(&ana),
        account,
    )
    .await;
    assert!(
        matches!(refused, Err(AppError::RateLimited { .. })),
        "{}: {refused:?}",
        t.engine
    );
    t.close().await;
}
both_engines!(partner_rescues_count_against_the_invitation_quotas);
