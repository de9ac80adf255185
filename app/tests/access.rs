//! Who may invite whom: the grant matrix of the specification, on invite
//! and again at acceptance, on a fresh database per test.

use app::both_engines;
use app::domain::wire::InviteOutcome;
use app::domain::wire::LinkState;
use app::domain::wire::{InvitationState, PersonKind};
use app::domain::AuditAction;
use app::domain::{Problem, Role};
use app::error::AppError;
use app::services::access::invite::{self, InviteInput};
use app::services::access::{bulk, members, people};
use app::services::audit;
use app::services::invitations;
use app::services::outbox;
use app::services::outbox::Outbox;
use app::services::password::Hasher;
use app::services::testing::{
    self, accept_form, actor, newest_link, settings, sign_up_harry, TestDb, PASSWORD,
};

use app::services::testing::NOW;

use crate::common::{invitee, load, member, set_roles, spec_allows};

async fn every_role_grants_exactly_what_the_specification_says_on_invite_and_on_accept(t: TestDb) {
    let hasher = Hasher::default();
    let harry = load(&t.db, sign_up_harry(&t.db, &settings(), &hasher, NOW).await).await;
    // Customer inviters; granted: every role, partners' too (refused).
    for (i, inviter_role) in Role::CUSTOMER.into_iter().enumerate() {
        let inviter = member(
            &t.db,
            &hasher,
            &harry,
            &format!("inviter{i}@contoso.com"),
            &[inviter_role],
        )
        .await;
        for (j, granted) in Role::ALL.into_iter().enumerate() {
            let email = format!("invitee{i}-{j}@contoso.com");
            let result = invite::invite(
                &t.db,
                &settings(),
                &Outbox::default(),
                NOW,
                &actor(&inviter),
                &invitee(&email, &[granted], "en"),
            )
            .await;
            if spec_allows(inviter_role, granted) {
                assert_eq!(
                    result,
                    Ok(InviteOutcome::Invited),
                    "{inviter_role} grants {granted} ({})",
                    t.engine
                );
                let link = newest_link(&t.db, &email).await;
                let joined = invitations::accept(
                    &t.db,
                    &hasher,
                    NOW,
                    &link,
                    accept_form(PASSWORD, PASSWORD),
                )
                .await
                .expect("accepted while the inviter still holds the power");
                assert_eq!(load(&t.db, joined).await.roles, vec![granted]);
            } else {
                assert_eq!(
                    result,
                    Err(AppError::Forbidden),
                    "{inviter_role} must not grant {granted} ({})",
                    t.engine
                );
                let mails = outbox::recent(&t.db, 1000).await.expect("outbox");
                assert!(
                    mails.iter().all(|m| m.to_email != email),
                    "nothing sent to {email}"
                );
            }
        }
    }
    t.close().await;
}
both_engines!(every_role_grants_exactly_what_the_specification_says_on_invite_and_on_accept);

async fn acceptance_checks_the_inviters_power_at_that_moment(t: TestDb) {
    let hasher = Hasher::default();
    let harry = load(&t.db, sign_up_harry(&t.db, &settings(), &hasher, NOW).await).await;
    let ursula = member(
        &t.db,
        &hasher,
        &harry,
        "ursula@contoso.com",
        &[Role::UserAdmin],
    )
    .await;
    for (email, granted) in [
        ("manager@contoso.com", Role::AccountManager),
        ("viewer@contoso.com", Role::AccountViewer),
    ] {
        invite::invite(
            &t.db,
            &settings(),
            &Outbox::default(),
            NOW,
            &actor(&ursula),
            &invitee(email, &[granted], "en"),
        )
        .await
        .expect("a User Admin grants this");
    }
    // Ursula is demoted to Agreement Admin before the invitees accept.
    set_roles(&t.db, ursula.id, &[Role::AgreementAdmin]).await;

    let manager_link = newest_link(&t.db, "manager@contoso.com").await;
    let refused = invitations::accept(
        &t.db,
        &hasher,
        NOW,
        &manager_link,
        accept_form(PASSWORD, PASSWORD),
    )
    .await;
    assert_eq!(
        refused.map_err(|error| error.problem_with("invitation")),
        Err(Some(Problem::InviterLacksPower)),
        "{}",
        t.engine
    );
    assert!(
        matches!(
            invitations::look_up(&t.db, &manager_link, NOW)
                .await
                .expect("look up"),
            LinkState::Valid(_)
        ),
        "a refused acceptance consumes nothing"
    );

    let viewer_link = newest_link(&t.db, "viewer@contoso.com").await;
    let viewer = invitations::accept(
        &t.db,
        &hasher,
        NOW,
        &viewer_link,
        accept_form(PASSWORD, PASSWORD),
    )
    .await
    .expect("an Agreement Admin may still grant Account Viewer");
    assert_eq!(
        load(&t.db, viewer).await.roles,
        vec![Role::AccountViewer],
        "{}",
        t.engine
    );
    t.close().await;
}
both_engines!(acceptance_checks_the_inviters_power_at_that_moment);

async fn inviting_again_resends_and_kills_the_old_link(t: TestDb) {
    let hasher = Hasher::default();
    let harry = load(&t.db, sign_up_harry(&t.db, &settings(), &hasher, NOW).await).await;
    let first = invite::invite(
        &t.db,
        &settings(),
        &Outbox::default(),
        NOW,
        &actor(&harry),
        &invitee("Ana@Contoso.com", &[Role::ReportViewer], "fr"),
    )
    .await;
    assert_eq!(first, Ok(InviteOutcome::Invited));
    let old = newest_link(&t.db, "ana@contoso.com").await;
    let again = invite::invite(
        &t.db,
        &settings(),
        &Outbox::default(),
        NOW + 60,
        &actor(&harry),
        &invitee("ana@CONTOSO.com", &[Role::ReportViewer], "fr"),
    )
    .await;
    assert_eq!(again, Ok(InviteOutcome::Resent), "{}", t.engine);
    let new = newest_link(&t.db, "ana@contoso.com").await;
    assert_ne!(old, new);
    assert_eq!(
        invitations::look_up(&t.db, &old, NOW + 60)
            .await
            .expect("look up"),
        LinkState::Superseded
    );
    let pending: (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM invitations WHERE email = $1 AND status = 'pending'")
            .bind("ana@contoso.com")
            .fetch_one(&t.db)
            .await
            .expect("count");
    assert_eq!(
        pending.0, 1,
        "one pending invitation per organization and email"
    );

    // The welcome email: French, with the inviter, the organization and the expiry.
    let mails = outbox::recent(&t.db, 10).await.expect("outbox");
    let welcome = &mails[0];
    assert!(
        welcome
            .body_text
            .contains("Harry Roldan vous invite dans le Centre d'affaires de Contoso Ltd."),
        "{}",
        welcome.body_text
    );
    assert!(
        welcome.body_text.contains("17 janvier 2027"),
        "{}",
        welcome.body_text
    );

    let member = invite::invite(
        &t.db,
        &settings(),
        &Outbox::default(),
        NOW,
        &actor(&harry),
        &invitee("HARRY@contoso.com", &[Role::ReportViewer], "en"),
    )
    .await
    .expect_err("already a user");
    assert_eq!(member.problem_with("email"), Some(Problem::AlreadyMember));
    t.close().await;
}
both_engines!(inviting_again_resends_and_kills_the_old_link);

#[test]
fn bad_invitations_are_explained_field_by_field() {
    let error = InviteInput {
        email: "ana".into(),
        first_name: "".into(),
        last_name: "Bell".into(),
        language: "de".into(),
        country: "XX".into(),
        roles: vec!["".into()],
    }
    .parse()
    .expect_err("invalid");
    assert_eq!(error.problem_with("email"), Some(Problem::EmailInvalid));
    assert_eq!(error.problem_with("first_name"), Some(Problem::Required));
    assert_eq!(
        error.problem_with("language"),
        Some(Problem::LanguageUnsupported)
    );
    assert_eq!(error.problem_with("country"), Some(Problem::CountryUnknown));
    assert_eq!(error.problem_with("roles"), Some(Problem::RoleRequired));
    assert_eq!(error.problem_with("last_name"), None);
}

/// Who may edit roles, per the specification: those who manage users
/// (Account Admin, User Admin), within what they may grant.
async fn invitations_can_be_revoked_or_fixed_and_resent(t: TestDb) {
    let hasher = Hasher::default();
    let harry = load(&t.db, sign_up_harry(&t.db, &settings(), &hasher, NOW).await).await;
    invite::invite(
        &t.db,
        &settings(),
        &Outbox::default(),
        NOW,
        &actor(&harry),
        &invitee("ana@contso.com", &[Role::AccountViewer], "en"),
    )
    .await
    .expect("invited with a typo");
    let typo_link = newest_link(&t.db, "ana@contso.com").await;
    let page = people::list(&t.db, &harry, NOW, "", "")
        .await
        .expect("list");
    let row = page
        .invitations
        .iter()
        .find(|row| row.email == "ana@contso.com")
        .expect("listed");
    assert_eq!(
        row.kind,
        PersonKind::Invitation {
            state: InvitationState::Invited,
            expires_at: NOW + 60 * 24 * 3600
        }
    );

    let fixed = app::domain::Email::parse("ana@contoso.com").expect("email");
    invite::resend_invitation(
        &t.db,
        &settings(),
        &Outbox::default(),
        NOW + 60,
        &actor(&harry),
        row.id,
        Some(&fixed),
    )
    .await
    .expect("fixed and resent");
    assert_eq!(
        invitations::look_up(&t.db, &typo_link, NOW + 60)
            .await
            .expect("look up"),
        LinkState::Superseded
    );
    let good_link = newest_link(&t.db, "ana@contoso.com").await;

    let page = people::list(&t.db, &harry, NOW + 60, "ana", "")
        .await
        .expect("list");
    assert_eq!(
        page.invitations.len(),
        1,
        "{}: {:?}",
        t.engine,
        page.invitations
    );
    let id = page.invitations[0].id;
    invite::revoke_invitation(&t.db, NOW + 120, &actor(&harry), id)
        .await
        .expect("revoked");
    assert_eq!(
        invitations::look_up(&t.db, &good_link, NOW + 120)
            .await
            .expect("look up"),
        LinkState::Revoked
    );
    let page = people::list(&t.db, &harry, NOW + 120, "ana", "")
        .await
        .expect("list");
    assert!(
        matches!(
            page.invitations[0].kind,
            PersonKind::Invitation {
                state: InvitationState::Revoked,
                ..
            }
        ),
        "{:?}",
        page.invitations[0]
    );

    // Someone who could not have granted the roles cannot touch it.
    let viewer = member(
        &t.db,
        &hasher,
        &harry,
        "vic@contoso.com",
        &[Role::AgreementAdmin],
    )
    .await;
    invite::invite(
        &t.db,
        &settings(),
        &Outbox::default(),
        NOW,
        &actor(&harry),
        &invitee("mgr@contoso.com", &[Role::AccountManager], "en"),
    )
    .await
    .expect("invited");
    let page = people::list(&t.db, &harry, NOW, "mgr", "")
        .await
        .expect("list");
    let mgr = page.invitations[0].id;
    assert_eq!(
        invite::revoke_invitation(&t.db, NOW, &actor(&viewer), mgr).await,
        Err(AppError::Forbidden)
    );

    let log = audit::log(&t.db, &harry, None).await.expect("audit log");
    let actions: Vec<AuditAction> = log.iter().map(|(_, entry)| entry.action).collect();
    assert!(
        actions.contains(&AuditAction::InvitationRevoked),
        "{actions:?}"
    );
    assert!(
        actions.contains(&AuditAction::InvitationAddressFixed),
        "{actions:?}"
    );
    assert!(log
        .iter()
        .filter(|(_, entry)| entry.subject_email.starts_with("ana@"))
        .all(|(_, entry)| entry.client_address == testing::CLIENT_ADDRESS));
    assert_eq!(
        audit::log(&t.db, &viewer, None).await,
        Err(AppError::Forbidden),
        "Account Admins only"
    );
    t.close().await;
}
both_engines!(invitations_can_be_revoked_or_fixed_and_resent);

async fn a_user_admin_cannot_replace_a_pending_account_admin_invitation(t: TestDb) {
    let hasher = Hasher::default();
    let harry = testing::harry(&t.db, NOW).await;
    let ursula = member(
        &t.db,
        &hasher,
        &harry,
        "ursula@contoso.com",
        &[Role::UserAdmin],
    )
    .await;
    invite::invite(
        &t.db,
        &settings(),
        &Outbox::default(),
        NOW,
        &actor(&harry),
        &invitee("bob@contoso.com", &[Role::AccountAdmin], "en"),
    )
    .await
    .expect("Harry invites an Account Admin");
    let link = newest_link(&t.db, "bob@contoso.com").await;
    let replaced = invite::invite(
        &t.db,
        &settings(),
        &Outbox::default(),
        NOW + 60,
        &actor(&ursula),
        &invitee("bob@contoso.com", &[Role::ReportViewer], "en"),
    )
    .await;
    assert_eq!(replaced, Err(AppError::Forbidden), "{}", t.engine);
    // Bob's invitation is untouched: same link, same roles.
    assert_eq!(newest_link(&t.db, "bob@contoso.com").await, link);
    assert!(matches!(
        invitations::look_up(&t.db, &link, NOW + 120).await,
        Ok(LinkState::Valid(_))
    ));
    // Nobody changes their own roles, not even an Account Admin.
    let own = members::change_roles(
        &t.db,
        NOW,
        &actor(&harry),
        harry.id,
        &[Role::AccountAdmin, Role::ReportViewer],
    )
    .await;
    assert_eq!(own, Err(AppError::Forbidden), "{}", t.engine);
    t.close().await;
}
both_engines!(a_user_admin_cannot_replace_a_pending_account_admin_invitation);

async fn inviting_never_reveals_an_account_in_another_organization(t: TestDb) {
    let harry = testing::harry(&t.db, NOW).await;
    testing::partner(&t.db, NOW, "Fabrikam Partners", "ana@fabrikam-partners.com").await;
    let invite = |email: &'static str| {
        let (db, harry) = (t.db.clone(), harry.clone());
        async move {
            invite::invite(
                &db,
                &settings(),
                &Outbox::default(),
                NOW,
                &actor(&harry),
                &invitee(email, &[Role::ReportViewer], "en"),
            )
            .await
        }
    };
    // Someone with an account elsewhere and a stranger get the same answer.
    assert_eq!(
        invite("ana@fabrikam-partners.com").await,
        invite("nobody@example.org").await,
        "{}",
        t.engine
    );
    assert_eq!(
        invite("someone@example.net").await,
        Ok(InviteOutcome::Invited)
    );
    t.close().await;
}
both_engines!(inviting_never_reveals_an_account_in_another_organization);

async fn invitations_have_a_daily_quota_per_person(t: TestDb) {
    let harry = testing::harry(&t.db, NOW).await;
    // Harry has used up his day (as a bulk invitation would).
    sqlx::query("INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, $3)")
        .bind(format!("invite:user:{}", harry.id))
        .bind(NOW - 3600)
        .bind(invite::INVITES_PER_USER.max)
        .execute(&t.db)
        .await
        .expect("spent quota");
    let invite = |at: i64| {
        let (db, harry) = (t.db.clone(), harry.clone());
        async move {
            invite::invite(
                &db,
                &settings(),
                &Outbox::default(),
                at,
                &actor(&harry),
                &invitee("ana@contoso.com", &[Role::ReportViewer], "en"),
            )
            .await
        }
    };
    assert_eq!(
        invite(NOW).await,
        Err(AppError::RateLimited {
            retry_after_secs: invite::INVITES_PER_USER.window_secs - 3600
        }),
        "{}",
        t.engine
    );
    let to_ana = |mails: Vec<outbox::MailboxEntry>| {
        mails
            .iter()
            .filter(|mail| mail.to_email == "ana@contoso.com")
            .count()
    };
    assert_eq!(to_ana(outbox::recent(&t.db, 10).await.expect("outbox")), 0);
    // The next day he invites again.
    assert_eq!(
        invite(NOW + invite::INVITES_PER_USER.window_secs).await,
        Ok(InviteOutcome::Invited)
    );
    t.close().await;
}
both_engines!(invitations_have_a_daily_quota_per_person);

async fn a_csv_file_keeps_its_results_for_its_sender_for_a_day(t: TestDb) {
    let hasher = Hasher::default();
    let harry = load(&t.db, sign_up_harry(&t.db, &settings(), &hasher, NOW).await).await;
    let ursula = member(
        &t.db,
        &hasher,
        &harry,
        "ursula@contoso.com",
        &[Role::UserAdmin],
    )
    .await;
    let send = |text: String, now: i64| {
        let (db, harry) = (&t.db, &harry);
        async move {
            bulk::invite_file(
                db,
                &settings(),
                &Outbox::default(),
                now,
                &actor(harry),
                &text,
            )
            .await
        }
    };

    let run = send(
        "ana@contoso.com,Ana,Bell,fr,FR,account_viewer\nnot-an-email,Bad,Row,en,US,account_viewer\n"
            .to_owned(),
        NOW,
    )
    .await
    .expect("a run");
    let results = bulk::run_results(&t.db, harry.id, run, NOW)
        .await
        .expect("read")
        .expect("kept for its sender");
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].email, "ana@contoso.com");
    assert!(matches!(
        results[1].outcome,
        app::domain::wire::RowOutcome::Refused(_)
    ));
    assert_eq!(
        bulk::run_results(&t.db, ursula.id, run, NOW).await,
        Ok(None),
        "another user's run is not theirs to read"
    );

    // Too many people, or none: refused before anyone is invited.
    let too_long = (0..=bulk::MAX_FILE_ROWS)
        .map(|n| format!("p{n}@contoso.com,P,N,en,US,account_viewer\n"))
        .collect::<String>();
    assert_eq!(
        send(too_long, NOW).await,
        Err(AppError::field("file", Problem::BulkFileTooLong))
    );
    assert_eq!(
        send(
            "email,first name,last name,language,country,roles\n".to_owned(),
            NOW
        )
        .await,
        Err(AppError::field("file", Problem::BulkFileEmpty))
    );
    let mails = outbox::recent(&t.db, 10_000).await.expect("outbox");
    assert!(
        mails.iter().all(|m| !m.to_email.starts_with('p')),
        "nobody from the refused file"
    );

    // Shown for a day, gone after it, and then the periodic purge
    // deletes it.
    assert!(matches!(
        bulk::run_results(&t.db, harry.id, run, NOW + 86_399).await,
        Ok(Some(_))
    ));
    assert_eq!(
        bulk::run_results(&t.db, harry.id, run, NOW + 86_401).await,
        Ok(None)
    );
    assert_eq!(
        app::services::access::bulk::purge(&t.db, NOW + 86_401).await,
        Ok(1)
    );
}
both_engines!(a_csv_file_keeps_its_results_for_its_sender_for_a_day);
