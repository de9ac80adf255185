//! Product keys: only Account Admins, Account Managers and Report Viewers
//! see them; a full key is shown only on request and every view is audited.

use app::both_engines;
use app::domain::Role;
use app::error::AppError;
use app::services::audit::{self, Actor};
use app::services::catalog::ImportOutcome;
use app::services::keys;
use app::services::testing::{TestApp, TestDb};

const KEY: &str = "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY";

fn spec_sees_keys(role: Role) -> bool {
    matches!(
        role,
        Role::AccountAdmin | Role::AccountManager | Role::ReportViewer
    )
}

async fn keys_show_only_to_roles_that_may_see_them_and_every_view_is_audited(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let file = format!(
        "agreement_number,purchasing_account,product,version,key\n\
         1234567890,9876543210,Windows Server Standard,2022,{KEY}\n\
         1234567890,9876543210,Windows Server Standard,2022,{KEY}\n\
         1234567890,9876543210,Visio,2024,not a key\n"
    );
    let results = keys::import(&app.state, &file).await.expect("import");
    assert_eq!(results[0], (2, ImportOutcome::Imported), "{}", app.engine());
    assert_eq!(results[1].1.refusal(), Some("key: already imported"));
    assert!(results[2]
        .1
        .refusal()
        .is_some_and(|r| r.starts_with("key:")));

    for (i, role) in Role::CUSTOMER.into_iter().enumerate() {
        let user = app
            .member(&harry, &format!("k{i}@contoso.com"), &[role])
            .await;
        let listed = keys::list(&app.state, &user).await;
        let actor = Actor {
            user: user.user.clone(),
            client_address: "192.0.2.9".to_owned(),
            user_agent: String::new(),
        };
        if spec_sees_keys(role) {
            let listed = listed.expect("allowed");
            assert_eq!(listed.len(), 1, "{role} ({})", app.engine());
            assert_eq!(
                listed[0].masked, "XXXXX-XXXXX-XXXXX-XXXXX-UVWXY",
                "masked in the list"
            );
            assert_eq!(
                keys::reveal(&app.state, &actor, listed[0].id).await,
                Ok(KEY.to_owned())
            );
        } else {
            assert_eq!(
                listed,
                Err(AppError::Forbidden),
                "{role} ({})",
                app.engine()
            );
            assert_eq!(
                keys::reveal(&app.state, &actor, 1).await,
                Err(AppError::Forbidden),
                "{role}"
            );
        }
    }
    let log = audit::log(&app.state, &harry, None).await.expect("log");
    let views = log
        .iter()
        .filter(|(_, e)| e.action == app::domain::AuditAction::KeyViewed)
        .count();
    assert_eq!(views, 3, "one entry per view ({})", app.engine());
    app.close().await;
}
both_engines!(keys_show_only_to_roles_that_may_see_them_and_every_view_is_audited);

async fn another_organizations_keys_stay_out_of_reach(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    app.register_fabrikam().await;
    keys::import(&app.state, &format!("5555555555,77,Visio,2024,{KEY}\n"))
        .await
        .expect("import");
    assert!(
        keys::list(&app.state, &harry)
            .await
            .expect("list")
            .is_empty(),
        "{}",
        app.engine()
    );
    let (fabrikam_key,): (i64,) = sqlx::query_as("SELECT id FROM product_keys")
        .fetch_one(app.db())
        .await
        .expect("key id");
    let actor = Actor {
        user: harry.user.clone(),
        client_address: "x".to_owned(),
        user_agent: String::new(),
    };
    assert_eq!(
        keys::reveal(&app.state, &actor, fabrikam_key).await,
        Err(AppError::NotFound)
    );
    app.close().await;
}
both_engines!(another_organizations_keys_stay_out_of_reach);
