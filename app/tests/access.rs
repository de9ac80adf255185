//! Who may invite whom: the grant matrix of the specification, on invite
//! and again at acceptance, on a fresh database per test.

use app::api::access::InviteOutcome;
use app::api::invitation::LinkState;
use app::domain::{Problem, Role};
use app::error::AppError;
use app::server::accounts::{self, CurrentUser};
use app::server::invitations;
use app::server::password::Hasher;
use app::server::testing::{accept_form, sign_up_harry, TestDb, PASSWORD};
use app::server::users::{self, InviteInput, Invitee};
use app::server::{mail, Db, Settings};

const NOW: i64 = 1_795_000_000;

fn settings() -> Settings {
    Settings {
        public_url: url::Url::parse("https://bc.example.com").expect("valid URL"),
        dev_mailbox: false,
    }
}

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

/// The token of the newest invitation mailed to `email`.
async fn newest_link(db: &Db, email: &str) -> String {
    let mails = mail::recent(db, 1000).await.expect("outbox");
    let mail = mails
        .iter()
        .find(|m| m.to_email == email)
        .expect("an email");
    let start = mail.body_text.find("/invitation/").expect("a link") + "/invitation/".len();
    mail.body_text[start..start + 43].to_owned()
}

/// A member of Harry's organization holding `roles`.
async fn member(
    db: &Db,
    hasher: &Hasher,
    harry: &CurrentUser,
    email: &str,
    roles: &[Role],
) -> CurrentUser {
    users::invite(db, &settings(), NOW, harry, &invitee(email, roles, "en"))
        .await
        .expect("Harry invites");
    let token = newest_link(db, email).await;
    let id = invitations::accept(db, hasher, NOW, &token, accept_form(PASSWORD, PASSWORD))
        .await
        .expect("accepted");
    load(db, id).await
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

#[tokio::test]
async fn every_role_grants_exactly_what_the_specification_says_on_invite_and_on_accept() {
    for t in TestDb::all().await {
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
                    NOW,
                    &inviter,
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
}

#[tokio::test]
async fn acceptance_checks_the_inviters_power_at_that_moment() {
    for t in TestDb::all().await {
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
                NOW,
                &ursula,
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
        assert_eq!(refused, Err(AppError::Forbidden), "{}", t.engine);
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
}

#[tokio::test]
async fn inviting_again_resends_and_kills_the_old_link() {
    for t in TestDb::all().await {
        let hasher = Hasher::default();
        let harry = load(&t.db, sign_up_harry(&t.db, &settings(), &hasher, NOW).await).await;
        let first = users::invite(
            &t.db,
            &settings(),
            NOW,
            &harry,
            &invitee("Ana@Contoso.com", &[Role::ReportViewer], "fr"),
        )
        .await;
        assert_eq!(first, Ok(InviteOutcome::Invited));
        let old = newest_link(&t.db, "ana@contoso.com").await;
        let again = users::invite(
            &t.db,
            &settings(),
            NOW + 60,
            &harry,
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
        let pending: (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM invitations WHERE email = $1 AND status = 'pending'",
        )
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
            NOW,
            &harry,
            &invitee("HARRY@contoso.com", &[Role::ReportViewer], "en"),
        )
        .await
        .expect_err("already a user");
        assert_eq!(member.problem_with("email"), Some(Problem::EmailTaken));
        t.close().await;
    }
}

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
