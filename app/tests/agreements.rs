//! The Agreements screen's rules: who sees, who edits, only their own
//! organization's, only while active, every change audited.

use app::both_engines;
use app::domain::{Problem, Role};
use app::error::AppError;
use app::services::agreements::{self, AgreementEdit, AGREEMENT_TERM_SECS};
use app::services::audit::{self, Actor};
use app::services::testing::{TestApp, TestDb};

use app::services::testing::NOW;

fn edit(order: &str) -> AgreementEdit {
    AgreementEdit {
        purchase_order: order.into(),
        contact_name: "Pat Buyer".into(),
        contact_email: "Pat@Contoso.com".into(),
    }
}

/// From the specification's role table, written out.
fn may_view(role: Role) -> bool {
    !matches!(role, Role::UserAdmin)
}
fn may_modify(role: Role) -> bool {
    matches!(role, Role::AccountAdmin | Role::AccountManager)
}

async fn each_role_sees_and_edits_agreements_as_the_specification_says(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    for (i, role) in Role::CUSTOMER.into_iter().enumerate() {
        let user = app
            .member(&harry, &format!("m{i}@contoso.com"), &[role])
            .await;
        let listed = agreements::list(&app.state, &user).await;
        if may_view(role) {
            let listed = listed.expect("allowed");
            assert_eq!(listed.len(), 1, "{role} ({})", app.engine());
            assert_eq!(listed[0].number, "1234567890");
            assert!(listed[0].active);
            assert_eq!(listed[0].end_date, NOW + AGREEMENT_TERM_SECS);
            assert_eq!(
                listed[0].purchasing_accounts[0].admin_email,
                "harry@contoso.com"
            );
        } else {
            assert_eq!(
                listed,
                Err(AppError::Forbidden),
                "{role} ({})",
                app.engine()
            );
        }
        let actor = Actor {
            user: user.user.clone(),
            client_address: "198.51.100.4".to_owned(),
            user_agent: String::new(),
        };
        let changed =
            agreements::update(&app.state, &actor, "1234567890", &edit(&format!("PO-{i}"))).await;
        if may_modify(role) {
            assert_eq!(changed, Ok(()), "{role} ({})", app.engine());
            let now_is = agreements::list(&app.state, &harry).await.expect("list");
            assert_eq!(now_is[0].purchase_order, format!("PO-{i}"));
            assert_eq!(now_is[0].contact_email, "pat@contoso.com");
        } else {
            assert_eq!(
                changed,
                Err(AppError::Forbidden),
                "{role} ({})",
                app.engine()
            );
        }
    }
    let log = audit::log(&app.state, &harry, None).await.expect("log");
    let edits: Vec<_> = log
        .iter()
        .filter(|(_, e)| e.action == app::domain::AuditAction::AgreementModified)
        .collect();
    assert_eq!(edits.len(), 2, "one entry per change ({})", app.engine());
    assert!(edits
        .iter()
        .all(|(_, e)| e.client_address == "198.51.100.4"));
    assert!(
        edits[1]
            .1
            .detail
            .contains("purchase order: \"\" -> \"PO-0\""),
        "{}",
        edits[1].1.detail
    );
    app.close().await;
}
both_engines!(each_role_sees_and_edits_agreements_as_the_specification_says);

/// Harry acting from an address of no importance to the test.
fn harry_from_anywhere(harry: &Actor) -> Actor {
    Actor {
        user: harry.user.clone(),
        client_address: "x".to_owned(),
        user_agent: String::new(),
    }
}

async fn other_organizations_agreements_stay_invisible_and_untouchable(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    app.register_fabrikam().await;
    let listed = agreements::list(&app.state, &harry).await.expect("list");
    assert!(
        listed.iter().all(|a| a.number != "5555555555"),
        "{}",
        app.engine()
    );
    let actor = harry_from_anywhere(&harry);
    assert_eq!(
        agreements::update(&app.state, &actor, "5555555555", &edit("PO-1")).await,
        Err(AppError::NotFound)
    );
    app.close().await;
}
both_engines!(other_organizations_agreements_stay_invisible_and_untouchable);

async fn only_active_agreements_change_and_bad_details_are_explained(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let actor = harry_from_anywhere(&harry);
    let bad = agreements::update(
        &app.state,
        &actor,
        "1234567890",
        &AgreementEdit {
            purchase_order: "<script>".into(),
            contact_name: "Pat".into(),
            contact_email: "nope".into(),
        },
    )
    .await
    .expect_err("invalid");
    assert_eq!(
        bad.problem_with("purchase_order"),
        Some(Problem::PurchaseOrderInvalid)
    );
    assert_eq!(
        bad.problem_with("contact_email"),
        Some(Problem::EmailInvalid)
    );
    app.set_time(NOW + AGREEMENT_TERM_SECS);
    let expired = agreements::update(&app.state, &actor, "1234567890", &edit("PO-9")).await;
    assert_eq!(
        expired.map_err(|e| e.problem_with("agreement")),
        Err(Some(Problem::AgreementNotActive)),
        "{}",
        app.engine()
    );
    assert!(!agreements::list(&app.state, &harry).await.expect("list")[0].active);
    app.close().await;
}
both_engines!(only_active_agreements_change_and_bad_details_are_explained);
