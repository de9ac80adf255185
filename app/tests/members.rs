//! Changing and removing members within the grant rules, the last
//! Account Admin, and the Manage users list.

use app::both_engines;
use app::domain::wire::LinkState;
use app::domain::{Problem, Role};
use app::error::AppError;
use app::services::access::{invite, members, people};
use app::services::credentials::{self, Credentials};
use app::services::sessions;
use app::services::testing::{TestApp, TestDb, NOW, PASSWORD};

use crate::common::{invitee, spec_allows};

fn spec_allows_change(actor: Role, from: Role, to: Role) -> bool {
    matches!(actor, Role::AccountAdmin | Role::UserAdmin)
        && spec_allows(actor, from)
        && spec_allows(actor, to)
}

async fn role_changes_follow_the_grant_matrix(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let target = app
        .member(&harry, "target@contoso.com", &[Role::AccountViewer])
        .await;
    for (i, actor_role) in Role::CUSTOMER.into_iter().enumerate() {
        let editor = app
            .member(&harry, &format!("editor{i}@contoso.com"), &[actor_role])
            .await;
        for wanted in Role::ALL {
            app.set_roles(target.user.id, &[Role::AccountViewer]).await;
            let result =
                members::change_roles(&app.state, &editor, target.user.id, &[wanted]).await;
            let now_holds = app.load(target.user.id).await.roles;
            if spec_allows_change(actor_role, Role::AccountViewer, wanted) {
                assert_eq!(
                    result,
                    Ok(()),
                    "{actor_role} changes to {wanted} ({})",
                    app.engine()
                );
                assert_eq!(now_holds, vec![wanted]);
            } else {
                assert_eq!(
                    result,
                    Err(AppError::Forbidden),
                    "{actor_role} must not give {wanted} ({})",
                    app.engine()
                );
                assert_eq!(now_holds, vec![Role::AccountViewer], "nothing changed");
            }
        }
    }
    // A User Admin cannot strip an Account Admin either.
    let ursula = app
        .member(&harry, "ursula@contoso.com", &[Role::UserAdmin])
        .await;
    let demote =
        members::change_roles(&app.state, &ursula, harry.user.id, &[Role::AccountViewer]).await;
    assert_eq!(demote, Err(AppError::Forbidden));
    app.close().await;
}
both_engines!(role_changes_follow_the_grant_matrix);

async fn the_last_account_admin_is_never_demoted_or_removed(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    // Nobody changes their own roles: the last Account Admin cannot step
    // down by themselves.
    let demoted =
        members::change_roles(&app.state, &harry, harry.user.id, &[Role::UserAdmin]).await;
    assert_eq!(demoted, Err(AppError::Forbidden), "{}", app.engine());
    let removed = members::remove_user(&app.state, &harry, harry.user.id).await;
    assert_eq!(
        removed.map_err(|e| e.problem_with("roles")),
        Err(Some(Problem::LastAccountAdmin))
    );
    assert_eq!(
        app.load(harry.user.id).await.roles,
        vec![Role::AccountAdmin]
    );

    // With a second admin, one may step down.
    let anna = app
        .member(&harry, "anna@contoso.com", &[Role::AccountAdmin])
        .await;
    members::change_roles(&app.state, &anna, harry.user.id, &[Role::AccountViewer])
        .await
        .expect("two admins: one may go");
    let anna_again = members::remove_user(&app.state, &anna, anna.user.id).await;
    assert_eq!(
        anna_again.map_err(|e| e.problem_with("roles")),
        Err(Some(Problem::LastAccountAdmin))
    );
    app.close().await;
}
both_engines!(the_last_account_admin_is_never_demoted_or_removed);

async fn two_admins_demoting_each_other_at_once_leave_one_admin(t: TestDb) {
    let app = TestApp::new(t);
    for round in 0..5 {
        let harry = if round == 0 {
            app.harry().await
        } else {
            let (id,): (i64,) =
                sqlx::query_as("SELECT id FROM users WHERE email = 'harry@contoso.com'")
                    .fetch_one(app.db())
                    .await
                    .expect("harry");
            app.set_roles(id, &[Role::AccountAdmin]).await;
            app.actor(id).await
        };
        let other = app
            .member(
                &harry,
                &format!("admin{round}@contoso.com"),
                &[Role::AccountAdmin],
            )
            .await;
        // Everyone else loses Account Admin, so exactly these two hold it.
        sqlx::query(
            "DELETE FROM user_roles WHERE role = 'account_admin' AND user_id NOT IN ($1, $2)",
        )
        .bind(harry.user.id)
        .bind(other.user.id)
        .execute(app.db())
        .await
        .expect("reset");
        let (state, h, o) = (app.state.clone(), harry.clone(), other.clone());
        let first = tokio::spawn(async move {
            members::change_roles(&state, &h, o.user.id, &[Role::AccountViewer]).await
        });
        let (state, h, o) = (app.state.clone(), harry.clone(), other.clone());
        let second = tokio::spawn(async move {
            members::change_roles(&state, &o, h.user.id, &[Role::AccountViewer]).await
        });
        let results = [first.await.expect("task"), second.await.expect("task")];
        let (admins,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM user_roles WHERE role = 'account_admin'")
                .fetch_one(app.db())
                .await
                .expect("count");
        assert_eq!(admins, 1, "round {round} on {}: {results:?}", app.engine());
        assert_eq!(
            results.iter().filter(|r| r.is_ok()).count(),
            1,
            "{results:?}"
        );
    }
    app.close().await;
}
both_engines!(
    two_admins_demoting_each_other_at_once_leave_one_admin,
    multi_thread
);

async fn removing_a_user_ends_their_access_and_their_pending_invitations(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let ursula = app
        .member(&harry, "ursula@contoso.com", &[Role::UserAdmin])
        .await;
    let session = app.session_for(ursula.user.id).await;
    invite::invite(
        &app.state,
        &ursula,
        &invitee("new@contoso.com", &[Role::AccountViewer], "en"),
    )
    .await
    .expect("invited");
    let link = app.newest_link("new@contoso.com").await;

    members::remove_user(&app.state, &harry, ursula.user.id)
        .await
        .expect("removed");
    assert_eq!(
        sessions::user_of(&app.state, &session)
            .await
            .expect("lookup"),
        None,
        "{}",
        app.engine()
    );
    assert_eq!(app.look_up(&link).await, LinkState::Revoked);
    assert_eq!(
        credentials::verify(&app.state, "ursula@contoso.com", PASSWORD).await,
        Ok(Credentials::UnknownEmail),
        "her account is gone"
    );
    app.close().await;
}
both_engines!(removing_a_user_ends_their_access_and_their_pending_invitations);

async fn the_user_list_pages_by_email_and_searches_names(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    for n in 0..(people::PAGE_SIZE + 5) {
        sqlx::query(
            "INSERT INTO users (organization_id, email, first_name, last_name, language, country, \
             password_hash, created_at) VALUES ($1, $2, 'Zed', $3, 'en', 'US', 'x', $4)",
        )
        .bind(harry.user.organization_id)
        .bind(format!("user{n:03}@contoso.com"))
        .bind(format!("Number{n:03}"))
        .bind(NOW)
        .execute(app.db())
        .await
        .expect("insert");
    }
    let first = people::list(&app.state, &harry, "", "")
        .await
        .expect("page 1");
    assert_eq!(first.users.len() as i64, people::PAGE_SIZE);
    assert_eq!(first.users[0].email, "harry@contoso.com");
    assert_eq!(first.users[0].roles, vec![Role::AccountAdmin]);
    let after = first.next_after.clone().expect("a second page");
    let second = people::list(&app.state, &harry, "", &after)
        .await
        .expect("page 2");
    assert_eq!(second.users.len(), 6, "{}", app.engine());
    assert_eq!(second.next_after, None);
    assert!(
        first
            .users
            .iter()
            .all(|a| second.users.iter().all(|b| a.email != b.email)),
        "no overlap"
    );

    let found = people::list(&app.state, &harry, "zed number007", "")
        .await
        .expect("search");
    assert_eq!(found.users.len(), 1);
    assert_eq!(found.users[0].email, "user007@contoso.com");
    let by_email = people::list(&app.state, &harry, "USER05", "")
        .await
        .expect("search");
    assert_eq!(by_email.users.len(), 5, "user050..054");

    let viewer = app
        .member(&harry, "viewer@contoso.com", &[Role::AccountViewer])
        .await;
    assert_eq!(
        people::list(&app.state, &viewer, "", "").await,
        Err(AppError::Forbidden)
    );
    app.close().await;
}
both_engines!(the_user_list_pages_by_email_and_searches_names);
