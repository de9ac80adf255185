//! Changing and removing members within the grant rules, the last
//! Account Admin, and the Manage users list.

use app::both_engines;
use app::domain::wire::LinkState;
use app::domain::{Problem, Role};
use app::error::AppError;
use app::services::access::{invite, members, people};
use app::services::accounts::{self, Credentials};
use app::services::invitations;
use app::services::outbox::Outbox;
use app::services::password::Hasher;
use app::services::testing::{actor, newest_link, settings, sign_up_harry, TestDb, PASSWORD};

use crate::common::{invitee, load, member, set_roles, spec_allows};
use app::services::testing::NOW;

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
    for (i, actor_role) in Role::CUSTOMER.into_iter().enumerate() {
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
                members::change_roles(&t.db, NOW, &actor(&editor), target.id, &[wanted]).await;
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
    let demote = members::change_roles(
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
    // Nobody changes their own roles: the last Account Admin cannot step
    // down by themselves.
    let demoted =
        members::change_roles(&t.db, NOW, &actor(&harry), harry.id, &[Role::UserAdmin]).await;
    assert_eq!(demoted, Err(AppError::Forbidden), "{}", t.engine);
    let removed = members::remove_user(&t.db, NOW, &actor(&harry), harry.id).await;
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
    members::change_roles(&t.db, NOW, &actor(&anna), harry.id, &[Role::AccountViewer])
        .await
        .expect("two admins: one may go");
    let anna_again = members::remove_user(&t.db, NOW, &actor(&anna), anna.id).await;
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
            members::change_roles(&db1, NOW, &actor(&h), o.id, &[Role::AccountViewer]).await
        });
        let (h, o) = (harry.clone(), other.clone());
        let second = tokio::spawn(async move {
            members::change_roles(&db2, NOW, &actor(&o), h.id, &[Role::AccountViewer]).await
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
    invite::invite(
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

    members::remove_user(&t.db, NOW, &actor(&harry), ursula.id)
        .await
        .expect("removed");
    assert_eq!(
        app::services::sessions::user_of(
            &t.db,
            &session,
            NOW,
            app::services::sessions::DEFAULT_IDLE_SECS
        )
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
        Ok(Credentials::UnknownEmail),
        "her account is gone"
    );
    t.close().await;
}
both_engines!(removing_a_user_ends_their_access_and_their_pending_invitations);

async fn the_user_list_pages_by_email_and_searches_names(t: TestDb) {
    let hasher = Hasher::default();
    let harry = load(&t.db, sign_up_harry(&t.db, &settings(), &hasher, NOW).await).await;
    for n in 0..(people::PAGE_SIZE + 5) {
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
    let first = people::list(&t.db, &harry, NOW, "", "")
        .await
        .expect("page 1");
    assert_eq!(first.users.len() as i64, people::PAGE_SIZE);
    assert_eq!(first.users[0].email, "harry@contoso.com");
    assert_eq!(first.users[0].roles, vec![Role::AccountAdmin]);
    let after = first.next_after.clone().expect("a second page");
    let second = people::list(&t.db, &harry, NOW, "", &after)
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

    let found = people::list(&t.db, &harry, NOW, "zed number007", "")
        .await
        .expect("search");
    assert_eq!(found.users.len(), 1);
    assert_eq!(found.users[0].email, "user007@contoso.com");
    let by_email = people::list(&t.db, &harry, NOW, "USER05", "")
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
        people::list(&t.db, &viewer, NOW, "", "").await,
        Err(AppError::Forbidden)
    );
    t.close().await;
}
both_engines!(the_user_list_pages_by_email_and_searches_names);
