//! Partner visibility: a partner reads a customer's orders and license
//! details placed through it, and all of them when the customer turns the
//! switch on; only Account Admins turn it, and only for their partners.

use app::both_engines;
use app::domain::wire::OrderFilter;
use app::domain::{AuditAction, Role};
use app::error::AppError;
use app::services::catalog::ImportOutcome;
use app::services::testing::{TestApp, TestDb};
use app::services::{audit, orders, partners};

const FABRIKAM_PARTNERS: &str = "Fabrikam Partners";
const NORTHWIND: &str = "Northwind Resellers";

const ORDERS: &str = "agreement_number,purchasing_account,order_number,order_date,product,version,quantity,unit_price,currency,partner
1234567890,9876543210,VIA-FAB,2026-01-15,Office Professional Plus,2024,100,12.50,USD,Fabrikam Partners
1234567890,9876543210,VIA-NW,2026-02-15,Visio Professional,2024,7,500,USD,northwind resellers
1234567890,9876543210,DIRECT,2026-03-15,Project Professional,2024,3,900,USD,
1234567890,9876543210,VIA-NOBODY,2026-03-16,Project Professional,2024,3,900,USD,Nobody Inc
";

async fn visibility_decides_which_orders_a_partner_reads(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let ana = app
        .partner(FABRIKAM_PARTNERS, "ana@fabrikam-partners.com")
        .await;
    let sam = app.partner(NORTHWIND, "sam@northwind-resellers.com").await;
    app.link_partner(FABRIKAM_PARTNERS, "1234567890").await;
    app.link_partner(NORTHWIND, "1234567890").await;
    let results = orders::import(&app.state, ORDERS).await.expect("import");
    assert!(results[..3]
        .iter()
        .all(|(_, outcome)| *outcome == ImportOutcome::Imported));
    let refusal = results[3].1.refusal().expect("refused");
    assert!(refusal.starts_with("partner:"), "{refusal}");

    let numbers = |page: app::domain::wire::OrdersPage| -> Vec<String> {
        page.orders.into_iter().map(|order| order.number).collect()
    };
    let filter = OrderFilter::default();
    let seen = orders::partner_page(&app.state, &ana, "1234567890", &filter, "")
        .await
        .expect("page");
    assert_eq!(numbers(seen), ["VIA-FAB"], "{}", app.engine());
    let licenses = orders::partner_licenses(&app.state, &ana, "1234567890")
        .await
        .expect("licenses");
    let products: Vec<&str> = licenses.iter().map(|row| row.product.as_str()).collect();
    assert_eq!(products, ["Office Professional Plus"]);

    let customer_view = orders::page(&app.state, &harry, &filter, "")
        .await
        .expect("customer");
    let partners_named: Vec<Option<String>> = customer_view
        .orders
        .iter()
        .map(|order| order.partner.clone())
        .collect();
    assert_eq!(
        partners_named,
        [
            None,
            Some(NORTHWIND.to_owned()),
            Some(FABRIKAM_PARTNERS.to_owned())
        ]
    );

    let visibility = partners::of_customer(&app.state, &harry)
        .await
        .expect("partners");
    let fabrikam_id = visibility
        .iter()
        .find(|partner| partner.name == FABRIKAM_PARTNERS)
        .expect("listed")
        .partner_id;
    assert!(visibility
        .iter()
        .all(|partner| !partner.sees_other_partners));
    partners::set_visibility(&app.state, &harry, fabrikam_id, true)
        .await
        .expect("on");
    let seen = orders::partner_page(&app.state, &ana, "1234567890", &filter, "")
        .await
        .expect("page");
    assert_eq!(numbers(seen), ["DIRECT", "VIA-NW", "VIA-FAB"]);
    let licenses = orders::partner_licenses(&app.state, &ana, "1234567890")
        .await
        .expect("licenses");
    assert_eq!(licenses.len(), 3);
    let seen = orders::partner_page(&app.state, &sam, "1234567890", &filter, "")
        .await
        .expect("page");
    assert_eq!(numbers(seen), ["VIA-NW"], "the switch is per partner");

    partners::set_visibility(&app.state, &harry, fabrikam_id, false)
        .await
        .expect("off");
    let seen = orders::partner_page(&app.state, &ana, "1234567890", &filter, "")
        .await
        .expect("page");
    assert_eq!(numbers(seen), ["VIA-FAB"]);
    let log = audit::log(&app.state, &harry, None).await.expect("log");
    let changes = log
        .iter()
        .filter(|(_, entry)| entry.action == AuditAction::PartnerVisibilityChanged)
        .count();
    assert_eq!(changes, 2, "each change is audited");

    // Only Account Admins decide, and only about their own partners.
    let user_admin = app
        .member(&harry, "ua@contoso.com", &[Role::UserAdmin])
        .await;
    assert_eq!(
        partners::set_visibility(&app.state, &user_admin, fabrikam_id, true)
            .await
            .err(),
        Some(AppError::Forbidden)
    );
    let stranger = app.partner("Stranger Partners", "x@stranger.com").await;
    assert_eq!(
        partners::set_visibility(&app.state, &harry, stranger.user.organization_id, true)
            .await
            .err(),
        Some(AppError::NotFound)
    );
    // A partner reads nothing of an agreement it is not linked to.
    assert_eq!(
        orders::partner_page(&app.state, &stranger, "1234567890", &filter, "")
            .await
            .err(),
        Some(AppError::Forbidden)
    );
    assert_eq!(
        orders::partner_licenses(&app.state, &stranger, "1234567890")
            .await
            .err(),
        Some(AppError::Forbidden)
    );
    app.close().await;
}
both_engines!(visibility_decides_which_orders_a_partner_reads);
