//! Who may invite whom: the grant matrix of the specification, on invite
//! and again at acceptance, on a fresh database per test.

use app::both_engines;
use app::domain::wire::{
    InvitationState, InviteOutcome, LinkState, PeoplePage, PersonKind, RowOutcome,
};
use app::domain::{AuditAction, Problem, Role};
use app::error::AppError;
use app::services::access::invite::{self, InviteInput};
use app::services::access::{bulk, members, people};
use app::services::audit::{self, Actor};
use app::services::outbox;
use app::services::testing::{TestApp, TestDb, CLIENT_ADDRESS, NOW};

use crate::common::{invitee, spec_allows};

/// Where the invitation link `token` leads now.
/// The Manage users page as `viewer` finds it for `search`.
async fn listed(app: &TestApp, viewer: &Actor, search: &str) -> PeoplePage {
    people::list(&app.state, viewer, search, "")
        .await
        .expect("list")
}

type Invited = Result<InviteOutcome, AppError>;
const URSULA: &str = "ursula@contoso.com";

/// `inviter` invites `email` (Ana Bell, from France) to hold `role`, with
/// mail in `lang`.
async fn invite_as(app: &TestApp, inviter: &Actor, email: &str, role: Role, lang: &str) -> Invited {
    invite::invite(&app.state, inviter, &invitee(email, &[role], lang))
        .await
        .map(|sent| sent.outcome)
}

async fn every_role_grants_exactly_what_the_specification_says_on_invite_and_on_accept(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    // Customer inviters; granted: every role, partners' too (refused).
    for (i, inviter_role) in Role::CUSTOMER.into_iter().enumerate() {
        let email = format!("inviter{i}@contoso.com");
        let inviter = app.member(&harry, &email, &[inviter_role]).await;
        for (j, granted) in Role::ALL.into_iter().enumerate() {
            let email = format!("invitee{i}-{j}@contoso.com");
            let result = invite_as(&app, &inviter, &email, granted, "en").await;
            if spec_allows(inviter_role, granted) {
                assert_eq!(
                    result,
                    Ok(InviteOutcome::Invited),
                    "{inviter_role} grants {granted} ({})",
                    app.engine()
                );
                let joined = app.accept(&app.newest_link(&email).await).await;
                let joined = joined.expect("accepted while the inviter still holds the power");
                assert_eq!(app.load(joined).await.roles, vec![granted]);
            } else {
                assert_eq!(
                    result,
                    Err(AppError::Forbidden),
                    "{inviter_role} must not grant {granted} ({})",
                    app.engine()
                );
                let mails = app.queued_mail().await;
                let untouched = mails.iter().all(|m| m.to_email != email);
                assert!(untouched, "nothing sent to {email}");
            }
        }
    }
    app.close().await;
}
both_engines!(every_role_grants_exactly_what_the_specification_says_on_invite_and_on_accept);

async fn acceptance_checks_the_inviters_power_at_that_moment(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let ursula = app.member(&harry, URSULA, &[Role::UserAdmin]).await;
    for (email, granted) in [
        ("manager@contoso.com", Role::AccountManager),
        ("viewer@contoso.com", Role::AccountViewer),
    ] {
        invite_as(&app, &ursula, email, granted, "en")
            .await
            .expect("a User Admin grants this");
    }
    // Ursula is demoted to Agreement Admin before the invitees accept.
    app.set_roles(ursula.user.id, &[Role::AgreementAdmin]).await;

    let manager_link = app.newest_link("manager@contoso.com").await;
    let refused = app.accept(&manager_link).await;
    let problem = refused.map_err(|error| error.problem_with("invitation"));
    let engine = app.engine();
    assert_eq!(problem, Err(Some(Problem::InviterLacksPower)), "{engine}");
    assert!(
        matches!(app.look_up(&manager_link).await, LinkState::Valid(_)),
        "a refused acceptance consumes nothing"
    );

    let viewer_link = app.newest_link("viewer@contoso.com").await;
    let viewer = app.accept(&viewer_link).await;
    let viewer = viewer.expect("an Agreement Admin may still grant Account Viewer");
    let roles = app.load(viewer).await.roles;
    assert_eq!(roles, vec![Role::AccountViewer], "{engine}");
    app.close().await;
}
both_engines!(acceptance_checks_the_inviters_power_at_that_moment);

async fn inviting_again_resends_and_kills_the_old_link(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let first = invite_as(&app, &harry, "Ana@Contoso.com", Role::ReportViewer, "fr").await;
    assert_eq!(first, Ok(InviteOutcome::Invited));
    let old = app.newest_link("ana@contoso.com").await;
    app.set_time(NOW + 60);
    let again = invite_as(&app, &harry, "ana@CONTOSO.com", Role::ReportViewer, "fr").await;
    assert_eq!(again, Ok(InviteOutcome::Resent), "{}", app.engine());
    let new = app.newest_link("ana@contoso.com").await;
    assert_ne!(old, new);
    assert_eq!(app.look_up(&old).await, LinkState::Superseded);
    let pending: (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM invitations WHERE email = $1 AND status = 'pending'")
            .bind("ana@contoso.com")
            .fetch_one(app.db())
            .await
            .expect("count");
    assert_eq!(
        pending.0, 1,
        "one pending invitation per organization and email"
    );

    // The welcome email: French, with the inviter, the organization and the expiry.
    let mails = app.queued_mail().await;
    let welcome = &mails[0].body_text;
    assert!(
        welcome.contains("Harry Roldan vous invite dans le Centre d'affaires de Contoso Ltd."),
        "{welcome}"
    );
    assert!(welcome.contains("17 janvier 2027"), "{welcome}");

    app.set_time(NOW);
    let member = invite_as(&app, &harry, "HARRY@contoso.com", Role::ReportViewer, "en")
        .await
        .expect_err("already a user");
    assert_eq!(member.problem_with("email"), Some(Problem::AlreadyMember));
    app.close().await;
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
    let app = TestApp::new(t);
    let harry = app.harry().await;
    invite_as(&app, &harry, "ana@contso.com", Role::AccountViewer, "en")
        .await
        .expect("invited with a typo");
    let typo_link = app.newest_link("ana@contso.com").await;
    let page = listed(&app, &harry, "").await;
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
    app.set_time(NOW + 60);
    invite::resend_invitation(&app.state, &harry, row.id, Some(&fixed))
        .await
        .expect("fixed and resent");
    assert_eq!(app.look_up(&typo_link).await, LinkState::Superseded);
    let good_link = app.newest_link("ana@contoso.com").await;

    let page = listed(&app, &harry, "ana").await;
    let (engine, found) = (app.engine(), &page.invitations);
    assert_eq!(found.len(), 1, "{engine}: {found:?}");
    let id = page.invitations[0].id;
    app.set_time(NOW + 120);
    invite::revoke_invitation(&app.state, &harry, id)
        .await
        .expect("revoked");
    assert_eq!(app.look_up(&good_link).await, LinkState::Revoked);
    let page = listed(&app, &harry, "ana").await;
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
    app.set_time(NOW);
    let viewer = app
        .member(&harry, "vic@contoso.com", &[Role::AgreementAdmin])
        .await;
    invite_as(&app, &harry, "mgr@contoso.com", Role::AccountManager, "en")
        .await
        .expect("invited");
    let page = listed(&app, &harry, "mgr").await;
    let mgr = page.invitations[0].id;
    assert_eq!(
        invite::revoke_invitation(&app.state, &viewer, mgr).await,
        Err(AppError::Forbidden)
    );

    let log = audit::log(&app.state, &harry, None)
        .await
        .expect("audit log");
    let actions: Vec<AuditAction> = log.iter().map(|(_, entry)| entry.action).collect();
    for action in [
        AuditAction::InvitationRevoked,
        AuditAction::InvitationAddressFixed,
    ] {
        assert!(actions.contains(&action), "{actions:?}");
    }
    assert!(log
        .iter()
        .filter(|(_, entry)| entry.subject_email.starts_with("ana@"))
        .all(|(_, entry)| entry.client_address == CLIENT_ADDRESS));
    assert_eq!(
        audit::log(&app.state, &viewer, None).await,
        Err(AppError::Forbidden),
        "Account Admins only"
    );
    app.close().await;
}
both_engines!(invitations_can_be_revoked_or_fixed_and_resent);

async fn a_user_admin_cannot_replace_a_pending_account_admin_invitation(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let ursula = app.member(&harry, URSULA, &[Role::UserAdmin]).await;
    invite_as(&app, &harry, "bob@contoso.com", Role::AccountAdmin, "en")
        .await
        .expect("Harry invites an Account Admin");
    let link = app.newest_link("bob@contoso.com").await;
    app.set_time(NOW + 60);
    let replaced = invite_as(&app, &ursula, "bob@contoso.com", Role::ReportViewer, "en").await;
    assert_eq!(replaced, Err(AppError::Forbidden), "{}", app.engine());
    // Bob's invitation is untouched: same link, same roles.
    assert_eq!(app.newest_link("bob@contoso.com").await, link);
    app.set_time(NOW + 120);
    assert!(matches!(app.look_up(&link).await, LinkState::Valid(_)));
    // Nobody changes their own roles, not even an Account Admin.
    app.set_time(NOW);
    let roles = [Role::AccountAdmin, Role::ReportViewer];
    let own = members::change_roles(&app.state, &harry, harry.user.id, &roles).await;
    assert_eq!(own, Err(AppError::Forbidden), "{}", app.engine());
    app.close().await;
}
both_engines!(a_user_admin_cannot_replace_a_pending_account_admin_invitation);

async fn inviting_never_reveals_an_account_in_another_organization(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    app.partner("Fabrikam Partners", "ana@fabrikam-partners.com")
        .await;
    let invite = |email: &'static str| invite_as(&app, &harry, email, Role::ReportViewer, "en");
    // Someone with an account elsewhere and a stranger get the same answer.
    assert_eq!(
        invite("ana@fabrikam-partners.com").await,
        invite("nobody@example.org").await,
        "{}",
        app.engine()
    );
    assert_eq!(
        invite("someone@example.net").await,
        Ok(InviteOutcome::Invited)
    );
    app.close().await;
}
both_engines!(inviting_never_reveals_an_account_in_another_organization);

async fn invitations_have_a_daily_quota_per_person(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    // Harry has used up his day (as a bulk invitation would).
    sqlx::query("INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, $3)")
        .bind(format!("invite:user:{}", harry.user.id))
        .bind(NOW - 3600)
        .bind(invite::INVITES_PER_USER.max)
        .execute(app.db())
        .await
        .expect("spent quota");
    let invite = |at: i64| {
        app.set_time(at);
        invite_as(&app, &harry, "ana@contoso.com", Role::ReportViewer, "en")
    };
    assert_eq!(
        invite(NOW).await,
        Err(AppError::RateLimited {
            retry_after_secs: invite::INVITES_PER_USER.window_secs - 3600
        }),
        "{}",
        app.engine()
    );
    let mails = outbox::recent(&app.state, 10).await.expect("outbox");
    let to_ana = mails.iter().filter(|m| m.to_email == "ana@contoso.com");
    assert_eq!(to_ana.count(), 0);
    // The next day he invites again.
    assert_eq!(
        invite(NOW + invite::INVITES_PER_USER.window_secs).await,
        Ok(InviteOutcome::Invited)
    );
    app.close().await;
}
both_engines!(invitations_have_a_daily_quota_per_person);

async fn a_csv_file_keeps_its_results_for_its_sender_for_a_day(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let ursula = app.member(&harry, URSULA, &[Role::UserAdmin]).await;
    let (state, sender) = (&app.state, &harry);
    let send = |text: String| async move { bulk::invite_file(state, sender, &text).await };

    let rows = "ana@contoso.com,Ana,Bell,fr,FR,account_viewer\nnot-an-email,Bad,Row,en,US,account_viewer\n";
    let run = send(rows.to_owned()).await.expect("a run");
    let waiting = bulk::run_results(&app.state, &harry, run).await;
    let waiting = waiting.expect("read").expect("kept for its sender");
    assert_eq!((waiting.done, waiting.total), (0, 2), "a job, not done yet");
    assert_eq!(bulk::work(&app.state).await, Ok(2));
    let done = bulk::run_results(&app.state, &harry, run)
        .await
        .expect("read")
        .expect("kept for its sender");
    assert!(done.finished());
    let results = done.results;
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].email, "ana@contoso.com");
    assert!(matches!(results[1].outcome, RowOutcome::Refused(_)));
    assert_eq!(
        bulk::run_results(&app.state, &ursula, run).await,
        Ok(None),
        "another user's run is not theirs to read"
    );

    // Too many people, or none: refused before anyone is invited.
    let too_long = (0..=bulk::MAX_FILE_ROWS)
        .map(|n| format!("p{n}@contoso.com,P,N,en,US,account_viewer\n"))
        .collect::<String>();
    assert_eq!(
        send(too_long).await,
        Err(AppError::field("file", Problem::BulkFileTooLong))
    );
    assert_eq!(
        send("email,first name,last name,language,country,roles\n".to_owned()).await,
        Err(AppError::field("file", Problem::BulkFileEmpty))
    );
    let mails = outbox::recent(&app.state, 10_000).await.expect("outbox");
    assert!(
        mails.iter().all(|m| !m.to_email.starts_with('p')),
        "nobody from the refused file"
    );

    // Shown for a day, gone after it, and then the periodic purge
    // deletes it.
    app.set_time(NOW + 86_399);
    let kept = bulk::run_results(&app.state, &harry, run).await;
    assert!(matches!(kept, Ok(Some(_))));
    app.set_time(NOW + 86_401);
    assert_eq!(bulk::run_results(&app.state, &harry, run).await, Ok(None));
    assert_eq!(bulk::purge(&app.state).await, Ok(1));
    app.close().await;
}
both_engines!(a_csv_file_keeps_its_results_for_its_sender_for_a_day);
