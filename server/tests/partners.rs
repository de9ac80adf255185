//! Partners over HTTP: every partner screen and server function against
//! every customer and partner role, and two partners with two customers
//! sending each other's ids.

use crate::common::{Reply, TestApp};
use app::both_engines;
use app::domain::Role;
use app::services::orders;
use app::services::testing::TestDb;

const FABRIKAM_PARTNERS: &str = "Fabrikam Partners";
const NORTHWIND: &str = "Northwind Resellers";

/// The roles table for the partner screens, written out.
fn spec_opens(role: Role, area: &str) -> bool {
    use Role::*;
    match area {
        "customers" => matches!(role, PartnerAdmin | PartnerAgent),
        "partner_visibility" => role == AccountAdmin,
        "orders" => matches!(
            role,
            AccountAdmin | AccountManager | ReportViewer | AccountViewer
        ),
        other => panic!("unknown area {other}"),
    }
}

async fn account_id(app: &TestApp, number: &str) -> String {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM purchasing_accounts WHERE number = $1")
        .bind(number)
        .fetch_one(&app.state.db)
        .await
        .expect("purchasing account");
    id.to_string()
}

async fn organization_id(app: &TestApp, name: &str) -> String {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM organizations WHERE name = $1")
        .bind(name)
        .fetch_one(&app.state.db)
        .await
        .expect("organization");
    id.to_string()
}

/// Contoso (Harry signed up) with Fabrikam Partners as partner of record,
/// and an order through it; returns Harry and Ana (Partner Admin).
async fn contoso_with_partner(
    app: &TestApp,
) -> (
    app::services::current_user::CurrentUser,
    app::services::current_user::CurrentUser,
) {
    let harry = app.user(app.sign_up_harry().await).await;
    let ana = app
        .partner(FABRIKAM_PARTNERS, "ana@fabrikam-partners.com")
        .await;
    app.link_partner(FABRIKAM_PARTNERS, "1234567890").await;
    orders::import(&app.state, "1234567890,9876543210,VIA-FAB,2026-01-15,Office Professional Plus,2024,10,12.50,USD,Fabrikam Partners\n",
    )
    .await
    .expect("orders");
    (harry, ana.user)
}

async fn customer_orders(app: &TestApp, cookie: &str) -> Reply {
    app.call(
        cookie,
        "get_customer_orders",
        &[("agreement", "1234567890"), ("after", "")],
    )
    .await
}

async fn every_role_reaches_the_partner_screens_the_roles_module_gives_it(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let (harry, ana) = contoso_with_partner(&app).await;
    let account = account_id(&app, "9876543210").await;
    let partner = organization_id(&app, FABRIKAM_PARTNERS).await;
    let mut people = Vec::new();
    for (i, role) in Role::CUSTOMER.into_iter().enumerate() {
        people.push((
            role,
            app.signed_in_member(&harry, &format!("c{i}@contoso.com"), &[role])
                .await
                .1,
        ));
    }
    for (i, role) in [Role::PartnerAdmin, Role::PartnerAgent]
        .into_iter()
        .enumerate()
    {
        people.push((
            role,
            app.signed_in_member(&ana, &format!("p{i}@fabrikam-partners.com"), &[role])
                .await
                .1,
        ));
    }
    for (role, cookie) in people {
        let who = format!("{role} ({})", app.t.engine);
        let customers = spec_opens(role, "customers");
        let visibility = spec_opens(role, "partner_visibility");
        let expect = |allowed: bool| if allowed { 200 } else { 403 };

        let page = app.get("/customers", Some(&cookie)).await;
        assert_eq!(page.status, expect(customers), "{who} /customers");
        assert_eq!(page.body.contains("harry@contoso.com"), customers, "{who}");
        let page = app.get("/customers/1234567890", Some(&cookie)).await;
        assert_eq!(page.status, expect(customers), "{who} /customers/…");
        assert_eq!(page.body.contains("VIA-FAB"), customers, "{who}");
        let page = app.get("/manage-access/partners", Some(&cookie)).await;
        assert_eq!(page.status, expect(visibility), "{who} visibility tab");
        assert_eq!(page.body.contains(FABRIKAM_PARTNERS), visibility, "{who}");
        let dashboard = app.get("/dashboard", Some(&cookie)).await;
        assert_eq!(
            dashboard.body.contains("href=\"/customers\""),
            customers,
            "{who}: the navigation and tile lead to Customers exactly when allowed"
        );
        let orders_page = app.get("/orders", Some(&cookie)).await;
        assert_eq!(
            orders_page.status,
            expect(spec_opens(role, "orders")),
            "{who} /orders"
        );

        let reply = app.call(&cookie, "get_customers", &[]).await;
        assert_eq!(reply.status, expect(customers), "{who}: {}", reply.body);
        let reply = app
            .call(
                &cookie,
                "get_customer_orders",
                &[("agreement", "1234567890"), ("after", "")],
            )
            .await;
        assert_eq!(reply.status, expect(customers), "{who}: {}", reply.body);
        let reply = app.call(&cookie, "get_partner_visibility", &[]).await;
        assert_eq!(reply.status, expect(visibility), "{who}: {}", reply.body);
        let reply = app
            .call(
                &cookie,
                "set_partner_visibility",
                &[("partner_id", &partner), ("sees", "false")],
            )
            .await;
        assert_eq!(reply.status, expect(visibility), "{who}: {}", reply.body);
        // The rescues: refused to everyone but partners, who are told why
        // a fix cannot be done (Harry has registered), and whose change of
        // administrator becomes a request to Contoso.
        let expected = if customers { 422 } else { 403 };
        let reply = app
            .call(
                &cookie,
                "change_designated_admin_email",
                &[
                    ("purchasing_account_id", &account),
                    ("email", "new@contoso.com"),
                ],
            )
            .await;
        assert_eq!(reply.status, expected, "{who}: {}", reply.body);
        let reply = app
            .call(
                &cookie,
                "change_designated_admin",
                &[
                    ("purchasing_account_id", &account),
                    ("email", "ana@fabrikam-partners.com"),
                    ("first_name", "Ana"),
                    ("last_name", "Silva"),
                    ("language", "en"),
                    ("country", "US"),
                ],
            )
            .await;
        let requested = if customers { 200 } else { 403 };
        assert_eq!(reply.status, requested, "{who}: {}", reply.body);
        // A resend works for partners and is refused to everyone else; it
        // is the last call, since it changes the link.
        let reply = app
            .call(
                &cookie,
                "resend_admin_invitation",
                &[("purchasing_account_id", &account)],
            )
            .await;
        let expected = if customers { 422 } else { 403 };
        assert_eq!(reply.status, expected, "{who}: {}", reply.body);
    }
    app.close().await;
}
both_engines!(every_role_reaches_the_partner_screens_the_roles_module_gives_it);

async fn two_partners_and_two_customers_never_reach_each_other(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let _now = app.state.clock.now();
    let (harry, ana) = contoso_with_partner(&app).await;
    app.register_fabrikam().await;
    let sam = app.partner(NORTHWIND, "sam@northwind-resellers.com").await;
    app.link_partner(NORTHWIND, "5555555555").await;
    app.link_partner(NORTHWIND, "1234567890").await;
    orders::import(&app.state, "1234567890,9876543210,VIA-NW,2026-02-15,Visio Professional,2024,7,500,USD,Northwind Resellers\n\
         5555555555,77,FAB-NW,2026-02-16,Visio Professional,2024,2,500,USD,Northwind Resellers\n",
    )
    .await
    .expect("orders");
    let ana_cookie = app.cookie_for(ana.id).await;
    let sam_cookie = app.cookie_for(sam.user.id).await;
    let harry_cookie = app.cookie_for(harry.id).await;
    let fabrikam_account = account_id(&app, "77").await;

    // Ana is not Fabrikam's partner: every rescue of its account is refused.
    for (endpoint, form) in [
        (
            "resend_admin_invitation",
            vec![("purchasing_account_id", fabrikam_account.as_str())],
        ),
        (
            "change_designated_admin_email",
            vec![
                ("purchasing_account_id", fabrikam_account.as_str()),
                ("email", "x@fabrikam.com"),
            ],
        ),
        (
            "change_designated_admin",
            vec![
                ("purchasing_account_id", fabrikam_account.as_str()),
                ("email", "x@fabrikam.com"),
                ("first_name", "X"),
                ("last_name", "Y"),
                ("language", "en"),
                ("country", "US"),
            ],
        ),
    ] {
        let reply = app.call(&ana_cookie, endpoint, &form).await;
        assert_eq!(
            reply.status, 404,
            "{endpoint} ({}): {}",
            app.t.engine, reply.body
        );
        assert!(!reply.body.contains("olga"), "nothing about Fabrikam leaks");
    }
    let (admin,): (String,) =
        sqlx::query_as("SELECT admin_email FROM purchasing_accounts WHERE number = '77'")
            .fetch_one(&app.state.db)
            .await
            .expect("Fabrikam's administrator");
    assert_eq!(admin, "olga@fabrikam.com", "nothing changed");
    let reply = app
        .call(
            &ana_cookie,
            "get_customer_orders",
            &[("agreement", "5555555555"), ("after", "")],
        )
        .await;
    assert_eq!(reply.status, 403);
    assert!(!reply.body.contains("FAB-NW"));
    let customers = app.get("/customers", Some(&ana_cookie)).await;
    assert!(
        customers.body.contains("Contoso Ltd") && !customers.body.contains("olga@fabrikam.com")
    );
    let sam_sees = app.get("/customers", Some(&sam_cookie)).await;
    assert!(sam_sees.body.contains("olga@fabrikam.com") && sam_sees.body.contains("Contoso Ltd"));

    // Each partner reads only its own orders of Contoso until Contoso lets
    // it see the others'.
    let before = customer_orders(&app, &ana_cookie).await;
    assert!(
        before.body.contains("VIA-FAB") && !before.body.contains("VIA-NW"),
        "{}",
        before.body
    );
    let fabrikam_partners = organization_id(&app, FABRIKAM_PARTNERS).await;
    let reply = app
        .call(
            &harry_cookie,
            "set_partner_visibility",
            &[("partner_id", &fabrikam_partners), ("sees", "true")],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let after = customer_orders(&app, &ana_cookie).await;
    assert!(
        after.body.contains("VIA-FAB") && after.body.contains("VIA-NW"),
        "{}",
        after.body
    );
    let sam_reply = app
        .call(
            &sam_cookie,
            "get_customer_orders",
            &[("agreement", "1234567890"), ("after", "")],
        )
        .await;
    assert!(
        !sam_reply.body.contains("VIA-FAB"),
        "the switch is Ana's alone"
    );

    // Harry cannot decide for a partner that is not his, nor send nonsense.
    let stranger = app.partner("Stranger Partners", "x@stranger.com").await;
    let reply = app
        .call(
            &harry_cookie,
            "set_partner_visibility",
            &[
                ("partner_id", &stranger.user.organization_id.to_string()),
                ("sees", "true"),
            ],
        )
        .await;
    assert_eq!(reply.status, 404, "{}", reply.body);
    let reply = app
        .call(
            &harry_cookie,
            "set_partner_visibility",
            &[("partner_id", &fabrikam_partners), ("sees", "maybe")],
        )
        .await;
    assert_eq!(reply.status, 422, "{}", reply.body);
    app.close().await;
}
both_engines!(two_partners_and_two_customers_never_reach_each_other);
