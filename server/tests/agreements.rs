//! The Agreements screen over HTTP: the page and its server functions
//! answer 403 to roles that may not see or edit, and never leak data.

use crate::common::{TestApp, SAME_ORIGIN};
use app::both_engines;
use app::domain::Role;
use app::services::testing::TestDb;

async fn agreements_are_shown_and_edited_only_as_roles_allow(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry_id = app.sign_up_harry().await;
    let harry = app.user(harry_id).await;
    for (i, role) in Role::CUSTOMER.into_iter().enumerate() {
        let (_user, cookie) = app
            .signed_in_member(&harry, &format!("m{i}@contoso.com"), &[role])
            .await;

        let page = app.get("/agreements", Some(&cookie)).await;
        let may_view = role != Role::UserAdmin;
        assert_eq!(
            page.status,
            if may_view { 200 } else { 403 },
            "{role} ({})",
            app.t.engine
        );
        assert_eq!(
            page.body.contains("9876543210"),
            may_view,
            "{role}: purchasing account shown only when allowed"
        );

        let reply = app
            .post_form(
                "/api/update_agreement",
                &[
                    ("number", "1234567890"),
                    ("purchase_order", "PO-42"),
                    ("contact_name", ""),
                    ("contact_email", ""),
                ],
                &[SAME_ORIGIN, ("cookie", &cookie)],
            )
            .await;
        let may_modify = matches!(role, Role::AccountAdmin | Role::AccountManager);
        assert_eq!(
            reply.status,
            if may_modify { 200 } else { 403 },
            "{role}: {}",
            reply.body
        );
    }
    app.close().await;
}
both_engines!(agreements_are_shown_and_edited_only_as_roles_allow);

async fn orders_and_license_pages_open_only_to_roles_that_see_them(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry_id = app.sign_up_harry().await;
    let harry = app.user(harry_id).await;
    app::services::orders::import(
        &app.state,
        "1234567890,9876543210,ORD-77,2026-02-01,Visio Professional,2024,5,52.90,USD\n",
    )
    .await
    .expect("import");
    for (i, role) in Role::CUSTOMER.into_iter().enumerate() {
        let (_user, cookie) = app
            .signed_in_member(&harry, &format!("o{i}@contoso.com"), &[role])
            .await;
        let allowed = !matches!(role, Role::AgreementAdmin | Role::UserAdmin);
        for path in ["/orders", "/licenses"] {
            let page = app.get(path, Some(&cookie)).await;
            assert_eq!(
                page.status,
                if allowed { 200 } else { 403 },
                "{role} {path} ({})",
                app.t.engine
            );
            assert_eq!(
                page.body.contains("Visio Professional"),
                allowed,
                "{role} {path}"
            );
            if allowed && path == "/orders" {
                assert_eq!(
                    cells_per_row(&page.body, "<tr data-order"),
                    page.body.matches("<th scope=\"col\"").count(),
                    "{role}: one cell under each column heading"
                );
            }
        }
        let call = app
            .post_form(
                "/api/get_licenses",
                &[],
                &[SAME_ORIGIN, ("cookie", &cookie)],
            )
            .await;
        assert_eq!(
            call.status,
            if allowed { 200 } else { 403 },
            "{role}: {}",
            call.body
        );
    }
    let viewer_page = app
        .get(
            "/orders?product=abc&from=2026-01-01&after=junk",
            Some(&app.cookie_for(harry_id).await),
        )
        .await;
    assert_eq!(
        viewer_page.status, 200,
        "odd filters are ignored or explained, never a 500"
    );
    app.close().await;
}
both_engines!(orders_and_license_pages_open_only_to_roles_that_see_them);

async fn keys_over_http_follow_the_role_table(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry_id = app.sign_up_harry().await;
    let harry = app.user(harry_id).await;
    app::services::keys::import(
        &app.state,
        "1234567890,9876543210,Windows Server Standard,2022,ABCDE-FGHIJ-KLMNO-PQRST-UVWXY\n",
    )
    .await
    .expect("import");
    let (key_id,): (i64,) = sqlx::query_as("SELECT id FROM product_keys")
        .fetch_one(&app.state.db)
        .await
        .expect("key");
    for (i, role) in Role::CUSTOMER.into_iter().enumerate() {
        let (_user, cookie) = app
            .signed_in_member(&harry, &format!("k{i}@contoso.com"), &[role])
            .await;
        let allowed = matches!(
            role,
            Role::AccountAdmin | Role::AccountManager | Role::ReportViewer
        );
        let page = app.get("/keys", Some(&cookie)).await;
        assert_eq!(
            page.status,
            if allowed { 200 } else { 403 },
            "{role} ({})",
            app.t.engine
        );
        assert!(
            !page.body.contains("ABCDE-FGHIJ"),
            "the list never holds a whole key"
        );
        let reveal = app
            .post_form(
                "/api/reveal_key",
                &[("key_id", &key_id.to_string())],
                &[SAME_ORIGIN, ("cookie", &cookie)],
            )
            .await;
        assert_eq!(reveal.status, if allowed { 200 } else { 403 }, "{role}");
        assert_eq!(
            reveal.body.contains("ABCDE-FGHIJ-KLMNO-PQRST-UVWXY"),
            allowed,
            "{role}"
        );
    }
    app.close().await;
}
both_engines!(keys_over_http_follow_the_role_table);

/// The cells in the first row that starts with `row_start`.
fn cells_per_row(html: &str, row_start: &str) -> usize {
    html.split(row_start)
        .nth(1)
        .and_then(|row| row.split("</tr>").next())
        .map_or(0, |row| row.matches("<td").count())
}
