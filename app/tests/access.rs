//! Who may invite whom: the grant matrix of the specification, on invite
//! and again at acceptance, on a fresh database per test.

use app::both_engines;
use app::domain::wire::InviteOutcome;
use app::domain::wire::LinkState;
use app::domain::wire::{InvitationState, PersonKind};
use app::domain::AuditAction;
use app::domain::{Problem, Role};
use app::error::AppError;
use app::services::accounts::{self, CurrentUser};
use app::services::invitations;
use app::services::mail::Outbox;
use app::services::password::Hasher;
use app::services::testing::{
    self, accept_form, actor, newest_link, settings, sign_up_harry, TestDb, PASSWORD,
};
use app::services::users::{self, InviteInput, Invitee};
use app::services::{mail, Db};

use app::services::testing::NOW;

/// The specification's table, written out rather than derived from the
/// code under test.
fn spec_allows(inviter: Role, granted: Role) -> bool {
    use Role::*;
    match inviter {
        AccountAdmin => true,
        UserAdmin => granted != AccountAdmin,
        AgreementAdmin => matches!(granted, AgreementAdmin | ReportViewer | AccountViewer),
        AccountManager | ReportViewer | AccountViewer => false,
    }
}

fn invitee(email: &str, roles: &[Role], language: &str) -> Invitee {
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

async fn load(db: &Db, id: i64) -> CurrentUser {
    accounts::load(db, id)
        .await
        .expect("load")
        .expect("user exists")
}

/// A member of Harry's organization holding `roles`.
async fn member(
    db: &Db,
    hasher: &Hasher,
    harry: &CurrentUser,
    email: &str,
    roles: &[Role],
) -> CurrentUser {
    testing::member(db, &settings(), hasher, NOW, harry, email, roles).await
}

async fn set_roles(db: &Db, user_id: i64, roles: &[Role]) {
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

async fn every_role_grants_exactly_what_the_specification_says_on_invite_and_on_accept(t: TestDb) {
    let hasher = Hasher::default();
    let harry = load(&t.db, sign_up_harry(&t.db, &settings(), &hasher, NOW).await).await;
    for (i, inviter_role) in Role::ALL.into_iter().enumerate() {
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
            let result = users::invite(
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
                let mails = mail::recent(&t.db, 1000).await.expect("outbox");
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
        users::invite(
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
    let first = users::invite(
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
    let again = users::invite(
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
    let mails = mail::recent(&t.db, 10).await.expect("outbox");
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

    let member = users::invite(
        &t.db,
        &settings(),
        &Outbox::default(),
        NOW,
        &actor(&harry),
        &invitee("HARRY@contoso.com", &[Role::ReportViewer], "en"),
    )
    .await
    .expect_err("already a user");
    assert_eq!(member.problem_with("email"), Some(Problem::EmailTaken));
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
fn spec_allows_change(actor: Role, from: Role, to: Role) -> bool {
    matches!(actor, Role::AccountAdmin | Role::UserAdmin)
        && spec_allows(actor, from)
        && spec_allows(actor, to)
}

async fn role_changes_follow_the_grant_matrix(t: TestDb) {
    let hasher = Hasher::default();
    let harry = load(&t.db, sign_up_harry(&t.db, &settings(), &hasher, NOW).await).await;
    let target = member(
        &t.db,
        &hasher,
        &harry,
        "target@contoso.com",
        &[Role::AccountViewer],
    )
    .await;
    for (i, actor_role) in Role::ALL.into_iter().enumerate() {
        let editor = member(
            &t.db,
            &hasher,
            &harry,
            &format!("editor{i}@contoso.com"),
            &[actor_role],
        )
        .await;
        for wanted in Role::ALL {
            set_roles(&t.db, target.id, &[Role::AccountViewer]).await;
            let result =
                users::change_roles(&t.db, NOW, &actor(&editor), target.id, &[wanted]).await;
            let now_holds = load(&t.db, target.id).await.roles;
            if spec_allows_change(actor_role, Role::AccountViewer, wanted) {
                assert_eq!(
                    result,
                    Ok(()),
                    "{actor_role} changes to {wanted} ({})",
                    t.engine
                );
                assert_eq!(now_holds, vec![wanted]);
            } else {
                assert_eq!(
                    result,
                    Err(AppError::Forbidden),
                    "{actor_role} must not give {wanted} ({})",
                    t.engine
                );
                assert_eq!(now_holds, vec![Role::AccountViewer], "nothing changed");
            }
        }
    }
    // A User Admin cannot strip an Account Admin either.
    let ursula = member(
        &t.db,
        &hasher,
        &harry,
        "ursula@contoso.com",
        &[Role::UserAdmin],
    )
    .await;
    let demote = users::change_roles(
        &t.db,
        NOW,
        &actor(&ursula),
        harry.id,
        &[Role::AccountViewer],
    )
    .await;
    assert_eq!(demote, Err(AppError::Forbidden));
    t.close().await;
}
both_engines!(role_changes_follow_the_grant_matrix);

async fn the_last_account_admin_is_never_demoted_or_removed(t: TestDb) {
    let hasher = Hasher::default();
    let harry = load(&t.db, sign_up_harry(&t.db, &settings(), &hasher, NOW).await).await;
    let demoted =
        users::change_roles(&t.db, NOW, &actor(&harry), harry.id, &[Role::UserAdmin]).await;
    assert_eq!(
        demoted.map_err(|e| e.problem_with("roles")),
        Err(Some(Problem::LastAccountAdmin)),
        "{}",
        t.engine
    );
    let removed = users::remove_user(&t.db, NOW, &actor(&harry), harry.id).await;
    assert_eq!(
        removed.map_err(|e| e.problem_with("roles")),
        Err(Some(Problem::LastAccountAdmin))
    );
    assert_eq!(load(&t.db, harry.id).await.roles, vec![Role::AccountAdmin]);

    // With a second admin, one may step down.
    let anna = member(
        &t.db,
        &hasher,
        &harry,
        "anna@contoso.com",
        &[Role::AccountAdmin],
    )
    .await;
    users::change_roles(&t.db, NOW, &actor(&anna), harry.id, &[Role::AccountViewer])
        .await
        .expect("two admins: one may go");
    let anna_again = users::remove_user(&t.db, NOW, &actor(&anna), anna.id).await;
    assert_eq!(
        anna_again.map_err(|e| e.problem_with("roles")),
        Err(Some(Problem::LastAccountAdmin))
    );
    t.close().await;
}
both_engines!(the_last_account_admin_is_never_demoted_or_removed);

async fn two_admins_demoting_each_other_at_once_leave_one_admin(t: TestDb) {
    let hasher = Hasher::default();
    for round in 0..5 {
        let harry = if round == 0 {
            load(&t.db, sign_up_harry(&t.db, &settings(), &hasher, NOW).await).await
        } else {
            let (id,): (i64,) =
                sqlx::query_as("SELECT id FROM users WHERE email = 'harry@contoso.com'")
                    .fetch_one(&t.db)
                    .await
                    .expect("harry");
            set_roles(&t.db, id, &[Role::AccountAdmin]).await;
            load(&t.db, id).await
        };
        let other = member(
            &t.db,
            &hasher,
            &harry,
            &format!("admin{round}@contoso.com"),
            &[Role::AccountAdmin],
        )
        .await;
        // Everyone else loses Account Admin, so exactly these two hold it.
        sqlx::query(
            "DELETE FROM user_roles WHERE role = 'account_admin' AND user_id NOT IN ($1, $2)",
        )
        .bind(harry.id)
        .bind(other.id)
        .execute(&t.db)
        .await
        .expect("reset");
        let (db1, db2) = (t.db.clone(), t.db.clone());
        let (h, o) = (harry.clone(), other.clone());
        let first = tokio::spawn(async move {
            users::change_roles(&db1, NOW, &actor(&h), o.id, &[Role::AccountViewer]).await
        });
        let (h, o) = (harry.clone(), other.clone());
        let second = tokio::spawn(async move {
            users::change_roles(&db2, NOW, &actor(&o), h.id, &[Role::AccountViewer]).await
        });
        let results = [first.await.expect("task"), second.await.expect("task")];
        let (admins,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM user_roles WHERE role = 'account_admin'")
                .fetch_one(&t.db)
                .await
                .expect("count");
        assert_eq!(admins, 1, "round {round} on {}: {results:?}", t.engine);
        assert_eq!(
            results.iter().filter(|r| r.is_ok()).count(),
            1,
            "{results:?}"
        );
    }
    t.close().await;
}
both_engines!(
    two_admins_demoting_each_other_at_once_leave_one_admin,
    multi_thread
);

async fn invitations_can_be_revoked_or_fixed_and_resent(t: TestDb) {
    let hasher = Hasher::default();
    let harry = load(&t.db, sign_up_harry(&t.db, &settings(), &hasher, NOW).await).await;
    users::invite(
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
    let page = users::list(&t.db, &harry, NOW, "", "").await.expect("list");
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
    users::resend_invitation(
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

    let page = users::list(&t.db, &harry, NOW + 60, "ana", "")
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
    users::revoke_invitation(&t.db, NOW + 120, &actor(&harry), id)
        .await
        .expect("revoked");
    assert_eq!(
        invitations::look_up(&t.db, &good_link, NOW + 120)
            .await
            .expect("look up"),
        LinkState::Revoked
    );
    let page = users::list(&t.db, &harry, NOW + 120, "ana", "")
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
    users::invite(
        &t.db,
        &settings(),
        &Outbox::default(),
        NOW,
        &actor(&harry),
        &invitee("mgr@contoso.com", &[Role::AccountManager], "en"),
    )
    .await
    .expect("invited");
    let page = users::list(&t.db, &harry, NOW, "mgr", "")
        .await
        .expect("list");
    let mgr = page.invitations[0].id;
    assert_eq!(
        users::revoke_invitation(&t.db, NOW, &actor(&viewer), mgr).await,
        Err(AppError::Forbidden)
    );

    let log = users::audit_log(&t.db, &harry, None)
        .await
        .expect("audit log");
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
        users::audit_log(&t.db, &viewer, None).await,
        Err(AppError::Forbidden),
        "Account Admins only"
    );
    t.close().await;
}
both_engines!(invitations_can_be_revoked_or_fixed_and_resent);

async fn removing_a_user_ends_their_access_and_their_pending_invitations(t: TestDb) {
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
    let session = app::services::sessions::create(&t.db, ursula.id, NOW)
        .await
        .expect("session");
    users::invite(
        &t.db,
        &settings(),
        &Outbox::default(),
        NOW,
        &actor(&ursula),
        &invitee("new@contoso.com", &[Role::AccountViewer], "en"),
    )
    .await
    .expect("invited");
    let link = newest_link(&t.db, "new@contoso.com").await;

    users::remove_user(&t.db, NOW, &actor(&harry), ursula.id)
        .await
        .expect("removed");
    assert_eq!(
        app::services::sessions::user_of(&t.db, &session, NOW)
            .await
            .expect("lookup"),
        None,
        "{}",
        t.engine
    );
    assert_eq!(
        invitations::look_up(&t.db, &link, NOW)
            .await
            .expect("look up"),
        LinkState::Revoked
    );
    assert_eq!(
        accounts::verify_credentials(&t.db, &hasher, "ursula@contoso.com", PASSWORD).await,
        Err(AppError::BadCredentials)
    );
    t.close().await;
}
both_engines!(removing_a_user_ends_their_access_and_their_pending_invitations);

async fn the_user_list_pages_by_email_and_searches_names(t: TestDb) {
    let hasher = Hasher::default();
    let harry = load(&t.db, sign_up_harry(&t.db, &settings(), &hasher, NOW).await).await;
    for n in 0..(users::PAGE_SIZE + 5) {
        sqlx::query(
            "INSERT INTO users (organization_id, email, first_name, last_name, language, country, \
             password_hash, created_at) VALUES ($1, $2, 'Zed', $3, 'en', 'US', 'x', $4)",
        )
        .bind(harry.organization_id)
        .bind(format!("user{n:03}@contoso.com"))
        .bind(format!("Number{n:03}"))
        .bind(NOW)
        .execute(&t.db)
        .await
        .expect("insert");
    }
    let first = users::list(&t.db, &harry, NOW, "", "")
        .await
        .expect("page 1");
    assert_eq!(first.users.len() as i64, users::PAGE_SIZE);
    assert_eq!(first.users[0].email, "harry@contoso.com");
    assert_eq!(first.users[0].roles, vec![Role::AccountAdmin]);
    let after = first.next_after.clone().expect("a second page");
    let second = users::list(&t.db, &harry, NOW, "", &after)
        .await
        .expect("page 2");
    assert_eq!(second.users.len(), 6, "{}", t.engine);
    assert_eq!(second.next_after, None);
    assert!(
        first
            .users
            .iter()
            .all(|a| second.users.iter().all(|b| a.email != b.email)),
        "no overlap"
    );

    let found = users::list(&t.db, &harry, NOW, "zed number007", "")
        .await
        .expect("search");
    assert_eq!(found.users.len(), 1);
    assert_eq!(found.users[0].email, "user007@contoso.com");
    let by_email = users::list(&t.db, &harry, NOW, "USER05", "")
        .await
        .expect("search");
    assert_eq!(by_email.users.len(), 5, "user050..054");

    let viewer = member(
        &t.db,
        &hasher,
        &harry,
        "viewer@contoso.com",
        &[Role::AccountViewer],
    )
    .await;
    assert_eq!(
        users::list(&t.db, &viewer, NOW, "", "").await,
        Err(AppError::Forbidden)
    );
    t.close().await;
}
both_engines!(the_user_list_pages_by_email_and_searches_names);

async fn a_reminder_goes_once_a_week_before_expiry(t: TestDb) {
    let hasher = Hasher::default();
    let harry = load(&t.db, sign_up_harry(&t.db, &settings(), &hasher, NOW).await).await;
    users::invite(
        &t.db,
        &settings(),
        &Outbox::default(),
        NOW,
        &actor(&harry),
        &invitee("ana@contoso.com", &[Role::AccountViewer], "fr"),
    )
    .await
    .expect("invited");
    users::invite(
        &t.db,
        &settings(),
        &Outbox::default(),
        NOW,
        &actor(&harry),
        &invitee("bob@contoso.com", &[Role::AccountViewer], "en"),
    )
    .await
    .expect("invited");
    let bob = newest_link(&t.db, "bob@contoso.com").await;
    invitations::accept(&t.db, &hasher, NOW, &bob, accept_form(PASSWORD, PASSWORD))
        .await
        .expect("bob joins");

    let day = 24 * 3600;
    let expires = NOW + 60 * day;
    assert_eq!(
        invitations::send_reminders(&t.db, &settings(), expires - 7 * day - 1).await,
        Ok(0)
    );
    assert_eq!(
        invitations::send_reminders(&t.db, &settings(), expires - 7 * day).await,
        Ok(1),
        "{}",
        t.engine
    );
    assert_eq!(
        invitations::send_reminders(&t.db, &settings(), expires - day).await,
        Ok(0),
        "only once"
    );
    assert_eq!(
        invitations::send_reminders(&t.db, &settings(), expires + 1).await,
        Ok(0),
        "none once expired"
    );

    let mails = mail::recent(&t.db, 10).await.expect("outbox");
    let reminder = &mails[0];
    assert_eq!(reminder.to_email, "ana@contoso.com");
    assert!(
        reminder.subject.contains("expire bientôt"),
        "{}",
        reminder.subject
    );
    assert!(
        reminder.body_text.contains("17 janvier 2027"),
        "{}",
        reminder.body_text
    );
    assert!(
        reminder.body_text.contains("Harry Roldan"),
        "{}",
        reminder.body_text
    );
    t.close().await;
}
both_engines!(a_reminder_goes_once_a_week_before_expiry);
