//! Every area of the Center over HTTP, table-driven: each role against
//! each screen, server function and file, with the specification's role
//! table written out here rather than taken from the code under test; and
//! a second organization calling everything with the first one's ids.

use crate::common::{Reply, TestApp};
use app::both_engines;
use app::domain::Role;
use app::services::testing::TestDb;
use app::services::{orders, products};
use axum::body::Body;
use axum::http::{Method, Request};

const KEY: &str = "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY";
const FILE_SIZE: usize = 200_000;

/// PRODUCT.md's role table: which areas each role opens.
fn spec_opens(role: Role, area: &str) -> bool {
    use Role::*;
    match area {
        "agreements" => role != UserAdmin,
        "orders" | "licenses" | "reports" => matches!(
            role,
            AccountAdmin | AccountManager | ReportViewer | AccountViewer
        ),
        "keys" => matches!(role, AccountAdmin | AccountManager | ReportViewer),
        "downloads" | "provisioning" => matches!(role, AccountAdmin | AccountManager),
        "users" => matches!(role, AccountAdmin | UserAdmin | AgreementAdmin),
        "audit" => role == AccountAdmin,
        other => panic!("unknown area {other}"),
    }
}

fn file_content() -> Vec<u8> {
    (0..FILE_SIZE).map(|i| b'a' + (i % 26) as u8).collect()
}

/// Contoso with an order of Office and of Microsoft 365, a key, and an
/// Office image to download; returns the ids of the key, the file, and
/// the Microsoft 365 service choice.
async fn contoso(app: &TestApp) -> (i64, i64, String) {
    let harry = app.user(app.sign_up_harry().await).await;
    app.verified_domain(harry.organization_id, "contoso.com")
        .await;
    orders::import(
        &app.state,
        "1234567890,9876543210,ORD-1,2026-01-15,Office Professional Plus,2024,100,12.50,USD\n\
         1234567890,9876543210,ORD-2,2026-02-01,Microsoft 365 E3,,40,36.00,USD\n",
    )
    .await
    .expect("orders");
    app::services::keys::import(
        &app.state,
        &format!("1234567890,9876543210,Office Professional Plus,2024,{KEY}\n"),
    )
    .await
    .expect("keys");
    let source = app.state.settings.downloads_dir.with_extension("source");
    std::fs::create_dir_all(&source).expect("folder");
    std::fs::write(source.join("office-2024.img"), file_content()).expect("file");
    let results = products::import(
        &app.state,
        &source,
        "Office Professional Plus,2024,software,office-2024.img\nMicrosoft 365 E3,,online_service,\n",
    )
    .await
    .expect("products");
    assert!(
        results
            .iter()
            .all(|(_, outcome)| outcome.refusal().is_none()),
        "{results:?}"
    );
    let _ = std::fs::remove_dir_all(&source);
    let (key,): (i64,) = sqlx::query_as("SELECT id FROM product_keys")
        .fetch_one(&app.state.db)
        .await
        .expect("key");
    let (file,): (i64,) = sqlx::query_as("SELECT id FROM product_files")
        .fetch_one(&app.state.db)
        .await
        .expect("file");
    let (service,): (i64,) =
        sqlx::query_as("SELECT id FROM products WHERE kind = 'online_service'")
            .fetch_one(&app.state.db)
            .await
            .expect("service");
    (key, file, format!("{service}/9876543210"))
}

async fn get_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = Request::builder().method(Method::GET).uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    app.send(request.body(Body::empty()).expect("request"))
        .await
}

/// An area, a server function, its arguments, and data it returns.
type ServerCall<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>, &'a str);

const NO_FILTER: [(&str, &str); 5] = [
    ("filter[from]", ""),
    ("filter[to]", ""),
    ("filter[product]", ""),
    ("filter[purchasing_account]", ""),
    ("after", ""),
];

async fn every_role_reaches_exactly_the_areas_the_specification_gives_it(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let (key, file, service) = contoso(&app).await;
    let harry = app.user(1).await;
    for (i, role) in Role::CUSTOMER.into_iter().enumerate() {
        let (_user, cookie) = app
            .signed_in_member(&harry, &format!("r{i}@contoso.com"), &[role])
            .await;
        let who = format!("{role} ({})", app.t.engine);

        // Screens: the page, with the organization's data or a 403.
        let screens = [
            ("agreements", "/agreements", "9876543210"),
            ("orders", "/orders", "ORD-1"),
            ("licenses", "/licenses", "Office Professional Plus"),
            ("keys", "/keys", "UVWXY"),
            ("downloads", "/downloads", "office-2024.img"),
            ("reports", "/reports", "/reports/orders.csv"),
            ("provisioning", "/provisioning", "Microsoft 365 E3"),
            ("users", "/manage-access", "r0@contoso.com"),
            ("audit", "/manage-access/audit", "Invitation sent"),
        ];
        let dashboard = app.get("/dashboard", Some(&cookie)).await;
        assert_eq!(dashboard.status, 200, "{who}");
        for (area, path, data) in screens {
            let allowed = spec_opens(role, area);
            let page = app.get(path, Some(&cookie)).await;
            assert_eq!(page.status, if allowed { 200 } else { 403 }, "{who} {path}");
            assert_eq!(page.body.contains(data), allowed, "{who} {path}: data");
            if area != "audit" {
                assert_eq!(
                    dashboard.body.contains(&format!("href=\"{path}\"")),
                    allowed,
                    "{who}: a dashboard tile for {path} exactly when allowed"
                );
            }
        }

        // Server functions: the same rules, called directly.
        let key_id = key.to_string();
        let functions: [ServerCall; 9] = [
            ("agreements", "get_agreements", vec![], "9876543210"),
            ("orders", "get_orders", NO_FILTER.to_vec(), "ORD-1"),
            (
                "licenses",
                "get_licenses",
                vec![],
                "Office Professional Plus",
            ),
            ("keys", "get_keys", vec![], "UVWXY"),
            ("keys", "reveal_key", vec![("key_id", key_id.as_str())], KEY),
            ("downloads", "get_downloads", vec![], "office-2024.img"),
            ("reports", "get_reports", vec![], "Orders"),
            (
                "provisioning",
                "get_provisioning",
                vec![],
                "Microsoft 365 E3",
            ),
            (
                "provisioning",
                "assign_subscription",
                vec![
                    ("service", service.as_str()),
                    ("quantity", "1"),
                    ("start_date", "2026-12-01"),
                    ("domain", "contoso.com"),
                ],
                "",
            ),
        ];
        for (area, endpoint, form, data) in functions {
            let allowed = spec_opens(role, area);
            let reply = app.call(&cookie, endpoint, &form).await;
            assert_eq!(
                reply.status,
                if allowed { 200 } else { 403 },
                "{who} {endpoint}: {}",
                reply.body
            );
            if !data.is_empty() {
                assert_eq!(reply.body.contains(data), allowed, "{who} {endpoint}: data");
            }
        }

        // Files: the download and each export.
        let download = app.get(&format!("/downloads/{file}"), Some(&cookie)).await;
        let allowed = spec_opens(role, "downloads");
        assert_eq!(
            download.status,
            if allowed { 200 } else { 403 },
            "{who} download"
        );
        assert_eq!(
            download.body.len() == FILE_SIZE,
            allowed,
            "{who} download body"
        );
        for (report, needs_keys, data) in [
            ("orders", false, "ORD-1"),
            ("license-summary", false, "Office Professional Plus"),
            ("keys", true, KEY),
        ] {
            let allowed = spec_opens(role, "reports") && (!needs_keys || spec_opens(role, "keys"));
            let export = app
                .get(&format!("/reports/{report}.csv"), Some(&cookie))
                .await;
            assert_eq!(
                export.status,
                if allowed { 200 } else { 403 },
                "{who} {report}.csv"
            );
            assert_eq!(
                export.body.contains(data),
                allowed,
                "{who} {report}.csv data"
            );
        }
    }
    app.close().await;
}
both_engines!(every_role_reaches_exactly_the_areas_the_specification_gives_it);

async fn downloads_resume_with_http_range_and_only_over_the_same_content(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let (_, file, _) = contoso(&app).await;
    let cookie = app.cookie_for(1).await;
    let path = format!("/downloads/{file}");
    let whole = get_with(&app, &path, &[("cookie", &cookie)]).await;
    assert_eq!(whole.status, 200, "{}", app.t.engine);
    assert_eq!(whole.body.as_bytes(), file_content().as_slice());
    assert_eq!(whole.header("accept-ranges"), Some("bytes"));
    assert!(whole
        .header("content-disposition")
        .is_some_and(|value| value.starts_with("attachment") && value.contains("office-2024.img")));
    let etag = whole.header("etag").expect("an ETag").to_owned();

    let part = get_with(
        &app,
        &path,
        &[
            ("cookie", &cookie),
            ("range", "bytes=1000-1999"),
            ("if-range", &etag),
        ],
    )
    .await;
    assert_eq!(part.status, 206);
    assert_eq!(part.header("content-range"), Some("bytes 1000-1999/200000"));
    assert_eq!(part.body.as_bytes(), &file_content()[1000..2000]);

    let stale = get_with(
        &app,
        &path,
        &[
            ("cookie", &cookie),
            ("range", "bytes=1000-1999"),
            ("if-range", "\"old\""),
        ],
    )
    .await;
    assert_eq!(stale.status, 200, "other content: start again from the top");
    assert_eq!(stale.body.len(), FILE_SIZE);

    let signed_out = get_with(&app, &path, &[]).await;
    assert_eq!(signed_out.status, 401, "a script gets the status");
    let browser = app.get(&path, None).await;
    assert_eq!(browser.status, 303, "a browser goes to sign in");
    assert_eq!(browser.header("location"), Some("/sign-in"));
    let unknown = get_with(&app, "/downloads/999999", &[("cookie", &cookie)]).await;
    assert_eq!(unknown.status, 404);
    app.close().await;
}
both_engines!(downloads_resume_with_http_range_and_only_over_the_same_content);

async fn another_organization_gets_nothing_whatever_ids_it_sends(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let (key, file, service) = contoso(&app).await;
    let olga = app.sign_up_olga().await;
    let cookie = app.cookie_for(olga).await;
    let contoso_data = [
        "9876543210",
        "ORD-1",
        "Office Professional Plus",
        "UVWXY",
        "office-2024.img",
        "Microsoft 365 E3",
    ];

    for path in [
        "/dashboard",
        "/agreements",
        "/orders?purchasing_account=9876543210",
        "/licenses",
        "/keys",
        "/downloads",
        "/reports",
        "/provisioning",
        "/reports/orders.csv",
        "/reports/license-summary.csv",
        "/reports/keys.csv",
    ] {
        let reply = app.get(path, Some(&cookie)).await;
        assert_eq!(reply.status, 200, "{path} ({})", app.t.engine);
        for data in contoso_data {
            assert!(!reply.body.contains(data), "{path} leaks {data}");
        }
    }
    let download = app.get(&format!("/downloads/{file}"), Some(&cookie)).await;
    assert_eq!(download.status, 404, "Contoso's file");
    let reveal = app
        .call(&cookie, "reveal_key", &[("key_id", &key.to_string())])
        .await;
    assert_eq!(reveal.status, 404, "Contoso's key: {}", reveal.body);
    let assign = app
        .call(
            &cookie,
            "assign_subscription",
            &[
                ("service", &service),
                ("quantity", "1"),
                ("start_date", "2026-12-01"),
                ("domain", "contoso.com"),
            ],
        )
        .await;
    assert_eq!(assign.status, 422, "Contoso's service: {}", assign.body);
    let (assigned,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM subscriptions")
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(assigned, 0);
    app.close().await;
}
both_engines!(another_organization_gets_nothing_whatever_ids_it_sends);
