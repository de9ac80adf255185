//! API tokens: made with some of one's roles, never more than the owner
//! holds now, ended by revocation, expiry or the owner's removal, and
//! audited when made, first used and revoked.

use app::both_engines;
use app::domain::{Problem, Role};
use app::error::AppError;
use app::services::access::members;
use app::services::audit::Actor;
use app::services::testing::{TestApp, TestDb, CLIENT_ADDRESS};
use app::services::tokens::{self, Caller, TokenRequest};

const DAY: i64 = 24 * 60 * 60;

async fn token(app: &TestApp, owner: &Actor, roles: &[Role]) -> String {
    let request = TokenRequest {
        name: "sync users",
        expires_days: 90,
        roles,
    };
    tokens::create(&app.state, owner, &request)
        .await
        .expect("made")
        .secret
}

/// The roles a token acts with now, or `None` when it does not work.
async fn acting(app: &TestApp, secret: &str) -> Option<Vec<Role>> {
    match tokens::authenticate(&app.state, secret, CLIENT_ADDRESS).await {
        Ok(Some(Caller::User { actor, .. })) => Some(actor.user.roles),
        Ok(_) => None,
        Err(error) => panic!("{error:?}"),
    }
}

async fn audited(app: &TestApp, action: &str) -> usize {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(app.db())
        .await
        .expect("audit");
    count as usize
}

async fn a_token_never_carries_more_than_its_owner_holds_now(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let ursula = app
        .member(
            &harry,
            "ursula@contoso.com",
            &[Role::UserAdmin, Role::ReportViewer],
        )
        .await;
    // Only roles she holds, a name, and 1 to 365 days.
    let refused = tokens::create(
        &app.state,
        &ursula,
        &TokenRequest {
            name: " ",
            expires_days: 400,
            roles: &[Role::AccountAdmin],
        },
    )
    .await
    .expect_err("refused");
    for (field, problem) in [
        ("name", Problem::Required),
        ("expires_days", Problem::TokenLifetime),
        ("roles", Problem::TokenRolesNotHeld),
    ] {
        assert_eq!(refused.problem_with(field), Some(problem), "{field}");
    }
    let secret = token(&app, &ursula, &[Role::UserAdmin, Role::ReportViewer]).await;
    assert_eq!(
        acting(&app, &secret).await,
        Some(vec![Role::UserAdmin, Role::ReportViewer]),
        "{}",
        app.engine()
    );
    assert_eq!(audited(&app, "api_token.created").await, 1);
    assert_eq!(audited(&app, "api_token.first_used").await, 1);
    acting(&app, &secret).await;
    assert_eq!(audited(&app, "api_token.first_used").await, 1, "once");

    // Harry lowers her roles: the token loses the role at once.
    members::change_roles(&app.state, &harry, ursula.user.id, &[Role::ReportViewer])
        .await
        .expect("changed");
    assert_eq!(acting(&app, &secret).await, Some(vec![Role::ReportViewer]));
    // A mistyped secret is refused without a look-up; an unknown one too.
    let typo = secret.replacen('_', "-", 1);
    assert_eq!(acting(&app, &typo).await, None);
    assert_eq!(acting(&app, "bc_nothing").await, None);
    // Removing her ends it.
    members::remove_user(&app.state, &harry, ursula.user.id)
        .await
        .expect("removed");
    assert_eq!(acting(&app, &secret).await, None, "{}", app.engine());
    app.close().await;
}
both_engines!(a_token_never_carries_more_than_its_owner_holds_now);

async fn tokens_expire_and_are_revoked_by_their_owner_or_an_account_admin(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let bob = app
        .member(&harry, "bob@contoso.com", &[Role::ReportViewer])
        .await;
    let bobs = token(&app, &bob, &[Role::ReportViewer]).await;
    let harrys = token(&app, &harry, &[Role::AccountAdmin]).await;
    let listed = tokens::list(&app.state, &bob).await.expect("list");
    assert_eq!(listed.len(), 1, "Bob sees his own");
    assert_eq!(listed[0].owner, "bob@contoso.com");
    assert!(bobs.starts_with(&listed[0].prefix));
    let all = tokens::list(&app.state, &harry).await.expect("list");
    assert_eq!(all.len(), 2, "{}: the Account Admin sees all", app.engine());
    let harrys_id = all
        .iter()
        .find(|row| row.owner == "harry@contoso.com")
        .expect("Harry's")
        .id;
    assert_eq!(
        tokens::revoke(&app.state, &bob, harrys_id).await,
        Err(AppError::NotFound),
        "not Bob's to revoke"
    );
    let olga = app.olga().await;
    assert_eq!(
        tokens::revoke(&app.state, &olga, listed[0].id).await,
        Err(AppError::NotFound),
        "another organization's"
    );
    tokens::revoke(&app.state, &harry, listed[0].id)
        .await
        .expect("revoked");
    assert_eq!(acting(&app, &bobs).await, None);
    assert_eq!(audited(&app, "api_token.revoked").await, 1);
    assert!(acting(&app, &harrys).await.is_some());
    app.advance(90 * DAY);
    assert_eq!(
        acting(&app, &harrys).await,
        None,
        "{}: expired",
        app.engine()
    );
    assert_eq!(tokens::list(&app.state, &harry).await, Ok(vec![]));
    app.close().await;
}
both_engines!(tokens_expire_and_are_revoked_by_their_owner_or_an_account_admin);

async fn the_operator_makes_tokens_for_an_organization_or_itself(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let request = TokenRequest {
        name: "provisioning",
        expires_days: 30,
        roles: &[Role::AccountAdmin],
    };
    let made = tokens::create_for_organization(&app.state, harry.user.organization_id, &request)
        .await
        .expect("made");
    assert_eq!(made.row.owner, "harry@contoso.com");
    assert_eq!(
        acting(&app, &made.secret).await,
        Some(vec![Role::AccountAdmin])
    );
    let operator = tokens::create_for_operator(&app.state, "order system", 90)
        .await
        .expect("made");
    let caller = tokens::authenticate(&app.state, &operator.secret, CLIENT_ADDRESS).await;
    assert!(
        matches!(caller, Ok(Some(Caller::Operator { .. }))),
        "{}: {caller:?}",
        app.engine()
    );
    let nobody = tokens::create_for_organization(&app.state, 999_999, &request).await;
    assert_eq!(
        nobody
            .expect_err("no organization")
            .problem_with("organization_id"),
        Some(Problem::OrganizationHasNoAdmin)
    );
    app.close().await;
}
both_engines!(the_operator_makes_tokens_for_an_organization_or_itself);
