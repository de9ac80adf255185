//! What the orders open beyond the lists: software downloads, online
//! services to provision, and CSV reports — each for the roles the
//! specification names, and never across organizations.

use app::both_engines;
use app::domain::wire::AuditEntry;
use app::domain::{AuditAction, Lang, Problem, Report, Role};
use app::error::AppError;
use app::services::audit::{self, Actor};
use app::services::catalog::ImportOutcome;
use app::services::products::{self, file_for_download};
use app::services::provisioning::{assign, overview, Assignment};
use app::services::testing::{TempDir, TestApp, TestDb};
use app::services::{keys, orders, reports};
use std::time::{Duration, Instant};

const ORDERS: &str = "\
1234567890,9876543210,ORD-1,2026-01-15,Office Professional Plus,2024,100,12.50,USD
1234567890,9876543210,ORD-2,2026-02-01,Microsoft 365 E3,,40,36.00,USD
1234567890,9876543210,ORD-3,2026-03-01,Microsoft 365 E3,,10,36.00,USD
";

const PRODUCTS: &str = "product,version,kind,file
Office Professional Plus,2024,software,office-2024.img
Microsoft 365 E3,,online_service,
";

/// The app with a downloads folder of its own, deleted when the test ends.
fn with_downloads(t: TestDb) -> (TestApp, TempDir) {
    let downloads = TempDir::new("downloads");
    let path = downloads.to_path_buf();
    let app = TestApp::configured(t, |settings| settings.downloads_dir = path);
    (app, downloads)
}

/// Contoso (Harry) with orders for Office and Microsoft 365, and a
/// products file offering an image of Office: the app, its downloads, Harry.
async fn contoso_with_catalog(t: TestDb) -> (TestApp, TempDir, Actor) {
    let (app, downloads) = with_downloads(t);
    let harry = app.harry().await;
    let results = orders::import(&app.state, ORDERS)
        .await
        .expect("import orders");
    assert!(refusals(&results).is_empty(), "{results:?}");
    let source = TempDir::new("source");
    std::fs::write(source.join("office-2024.img"), vec![7u8; 200_000]).expect("write");
    let results = products::import(&app.state, &source, PRODUCTS)
        .await
        .expect("import products");
    let imported = [(2, ImportOutcome::Imported), (3, ImportOutcome::Imported)];
    assert_eq!(results, imported);
    let organization_id = harry.user.organization_id;
    app.verified_domain(organization_id, "contoso.com").await;
    (app, downloads, harry)
}

/// A colleague Harry invited with `role`, signed up.
async fn colleague(app: &TestApp, harry: &Actor, email: &str, role: Role) -> Actor {
    app.member(harry, email, &[role]).await
}

/// What `who` gets exporting `report`, read to the end.
async fn export(app: &TestApp, who: &Actor, report: Report) -> Result<String, AppError> {
    let mut chunks = reports::export(&app.state, who, report).await?.chunks;
    let mut text = String::new();
    while let Some(chunk) = chunks.recv().await {
        text.push_str(&chunk.expect("a chunk"));
    }
    Ok(text)
}

/// Whether `who`'s audit log holds an entry `matching`.
async fn audited(app: &TestApp, who: &Actor, matching: impl Fn(&AuditEntry) -> bool) -> bool {
    let log = audit::log(&app.state, who, None).await.expect("audit log");
    log.iter().any(|(_, entry)| matching(entry))
}

/// The form assigning `quantity` of `service` to `domain` from 2026-12-01.
fn form(service: &str, quantity: &str, domain: &str) -> Assignment {
    Assignment::parse(service, quantity, "2026-12-01", domain).expect("valid form")
}

/// The problem `result` names for `field`, if it failed.
fn problem<T>(result: &Result<T, AppError>, field: &str) -> Option<Problem> {
    result.as_ref().err()?.problem_with(field)
}

/// Why each line of an import was refused.
fn refusals(results: &[(usize, ImportOutcome)]) -> Vec<&str> {
    results
        .iter()
        .filter_map(|(_, outcome)| outcome.refusal())
        .collect()
}

async fn a_products_file_copies_each_file_once_and_explains_bad_lines(t: TestDb) {
    let (app, downloads, _) = contoso_with_catalog(t).await;
    let source = TempDir::new("bad-source");
    let text = "Visio,2024,hardware,\nExchange Online,,online_service,exchange.img\n\
                Visio,2024,software,missing.img\n,2024,software,\n";
    let results = products::import(&app.state, &source, text)
        .await
        .expect("import");
    let reasons = refusals(&results);
    assert_eq!(reasons.len(), 4, "{reasons:?}");
    assert!(reasons[0].starts_with("kind:"), "{reasons:?}");
    assert!(reasons[1].starts_with("file: only software"), "{reasons:?}");
    assert!(reasons[2].contains("missing.img"), "{reasons:?}");
    assert!(reasons[3].starts_with("product:"), "{reasons:?}");
    let stored: Vec<_> = std::fs::read_dir(&downloads)
        .expect("downloads folder")
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(stored.len(), 1, "one file, no leftovers: {stored:?}");
    assert_eq!(stored[0].len(), 64, "named by its SHA-256");
    app.close().await;
}
both_engines!(a_products_file_copies_each_file_once_and_explains_bad_lines);

async fn downloads_open_to_account_admins_and_managers_of_the_organization_only(t: TestDb) {
    let (app, _downloads, harry) = contoso_with_catalog(t).await;
    let listed = products::downloads(&app.state, &harry).await.expect("list");
    assert_eq!(listed.len(), 1, "only software with files: {listed:?}");
    assert_eq!(listed[0].product, "Office Professional Plus");
    let file = &listed[0].files[0];
    let named = (file.name.as_str(), file.size_bytes);
    assert_eq!(named, ("office-2024.img", 200_000));
    let found = file_for_download(&app.state, &harry, file.id)
        .await
        .expect("Harry may download");
    let size = std::fs::metadata(&found.path).expect("on disk").len();
    assert_eq!(size, 200_000);
    let downloaded = |entry: &AuditEntry| {
        entry.action == AuditAction::SoftwareDownloaded
            && entry.subject_email == "Office Professional Plus 2024"
            && entry.detail == "office-2024.img"
            && entry.actor_email == "harry@contoso.com"
    };
    assert!(audited(&app, &harry, downloaded).await, "{}", app.engine());

    for (i, role) in Role::CUSTOMER.into_iter().enumerate() {
        let user = colleague(&app, &harry, &format!("d{i}@contoso.com"), role).await;
        let may = matches!(role, Role::AccountAdmin | Role::AccountManager);
        let listing = products::downloads(&app.state, &user).await;
        let fetch = file_for_download(&app.state, &user, file.id).await;
        assert_eq!(listing.is_ok(), may, "{role} ({})", app.engine());
        assert_eq!(fetch.is_ok(), may, "{role}");
        if !may {
            assert_eq!(fetch, Err(AppError::Forbidden), "{role}");
        }
    }

    // Fabrikam has ordered nothing: the same file id is not theirs.
    let olga = app.olga().await;
    let listing = products::downloads(&app.state, &olga).await;
    assert!(listing.expect("list").is_empty());
    let fetch = file_for_download(&app.state, &olga, file.id).await;
    assert_eq!(fetch, Err(AppError::NotFound));
    app.close().await;
}
both_engines!(downloads_open_to_account_admins_and_managers_of_the_organization_only);

async fn license_usage_sums_what_is_owned_and_assigned_per_product(t: TestDb) {
    let (app, _downloads, harry) = contoso_with_catalog(t).await;
    let page = overview(&app.state, &harry).await.expect("overview");
    let assignment = form(&page.services[0].choice(), "15", "contoso.com");
    assign(&app.state, &harry, &assignment)
        .await
        .expect("15 of 50");

    let usage = orders::usage(&app.state, &harry).await.expect("usage");
    let seen: Vec<(&str, i64, Option<i64>)> = usage
        .iter()
        .map(|product| (product.product.as_str(), product.owned, product.assigned))
        .collect();
    // Most owned first; only an online service has anything assigned.
    assert_eq!(
        seen,
        [
            ("Office Professional Plus 2024", 100, None),
            ("Microsoft 365 E3", 50, Some(15)),
        ],
        "{}",
        app.engine()
    );
    // It belongs with license details: a User Admin sees none.
    let user_admin = colleague(&app, &harry, "ursula@contoso.com", Role::UserAdmin).await;
    let usage = orders::usage(&app.state, &user_admin).await;
    assert_eq!(usage, Err(AppError::Forbidden));
    app.close().await;
}
both_engines!(license_usage_sums_what_is_owned_and_assigned_per_product);

async fn subscriptions_stay_within_what_the_orders_entitle(t: TestDb) {
    let (app, _downloads, harry) = contoso_with_catalog(t).await;
    let manager = colleague(&app, &harry, "manager@contoso.com", Role::AccountManager).await;
    let page = overview(&app.state, &manager).await.expect("overview");
    let services = &page.services;
    assert_eq!(services.len(), 1, "only online services: {services:?}");
    let (service, engine) = (&services[0], app.engine());
    assert_eq!((service.ordered, service.assigned), (50, 0), "{engine}");

    let choice = service.choice();
    let of = |quantity: &str| form(&choice, quantity, "contoso.com");
    assign(&app.state, &manager, &of("30"))
        .await
        .expect("30 of 50");
    let refused = assign(&app.state, &harry, &of("21")).await;
    let exceeds = Problem::ExceedsEntitlement {
        ordered: 50,
        assigned: 30,
    };
    assert_eq!(problem(&refused, "quantity"), Some(exceeds), "{refused:?}");
    assert_eq!(
        exceeds.text(Lang::En),
        "That is more than the orders of this purchasing account entitle: 50 ordered, 30 already assigned: 20 available."
    );
    // Only to a verified domain of the organization; its subdomains too.
    let to = |domain: &str| form(&choice, "1", domain);
    for unverified in ["fabrikam.com", "contoso.org"] {
        let refused = assign(&app.state, &harry, &to(unverified)).await;
        let domain = problem(&refused, "domain");
        assert_eq!(domain, Some(Problem::DomainNotVerified), "{unverified}");
    }
    assign(&app.state, &harry, &to("sales.contoso.com"))
        .await
        .expect("a subdomain of a verified domain");
    assign(&app.state, &harry, &of("19"))
        .await
        .expect("exactly what remains");
    let page = overview(&app.state, &harry).await.expect("overview");
    assert_eq!(page.services[0].available(), 0);
    assert_eq!(page.subscriptions.len(), 3);
    assert_eq!(page.subscriptions[2].assigned_by, "manager@contoso.com");
    assert_eq!(page.subscriptions[1].domain, "sales.contoso.com");
    assert_eq!(page.domains, ["contoso.com"]);
    let subscribed = |entry: &AuditEntry| entry.action == AuditAction::SubscriptionAssigned;
    let audited = audited(&app, &harry, subscribed).await;
    assert!(audited, "assignments are audited");

    // Software is not provisioned, and roles other than admin and
    // manager cannot assign.
    let office: (i64,) = sqlx::query_as("SELECT id FROM products WHERE name = $1")
        .bind("Office Professional Plus")
        .fetch_one(app.db())
        .await
        .expect("office");
    let software = form(&format!("{}/9876543210", office.0), "1", "contoso.com");
    let refused = assign(&app.state, &harry, &software).await;
    assert_eq!(problem(&refused, "service"), Some(Problem::ServiceUnknown));
    for (i, role) in Role::CUSTOMER.into_iter().enumerate() {
        let user = colleague(&app, &harry, &format!("p{i}@contoso.com"), role).await;
        let may = matches!(role, Role::AccountAdmin | Role::AccountManager);
        assert_eq!(overview(&app.state, &user).await.is_ok(), may, "{role}");
        if !may {
            let refused = assign(&app.state, &user, &of("1")).await;
            assert_eq!(refused, Err(AppError::Forbidden), "{role}");
        }
    }
    app.close().await;
}
both_engines!(subscriptions_stay_within_what_the_orders_entitle);

async fn two_managers_at_once_never_assign_more_than_was_ordered(t: TestDb) {
    let (app, _downloads, harry) = contoso_with_catalog(t).await;
    let manager = colleague(&app, &harry, "manager@contoso.com", Role::AccountManager).await;
    let page = overview(&app.state, &harry).await.expect("overview");
    let assignment = form(&page.services[0].choice(), "30", "contoso.com");
    let (first, second) = tokio::join!(
        assign(&app.state, &harry, &assignment),
        assign(&app.state, &manager, &assignment),
    );
    assert!(
        first.is_ok() != second.is_ok(),
        "exactly one of two 30s fits in 50 ({}): {first:?} {second:?}",
        app.engine()
    );
    app.close().await;
}
both_engines!(two_managers_at_once_never_assign_more_than_was_ordered);

async fn reports_export_the_organizations_rows_and_keys_only_to_key_roles(t: TestDb) {
    let (app, _downloads, harry) = contoso_with_catalog(t).await;
    let key = "1234567890,9876543210,Office Professional Plus,2024,ABCDE-FGHIJ-KLMNO-PQRST-UVWXY\n";
    keys::import(&app.state, key).await.expect("keys");
    // Fabrikam's order must never show in Contoso's reports.
    app.register_fabrikam().await;
    let fabrikam = "5555555555,77,FAB-1,2026-01-01,Visio Professional,2024,3,10,USD\n";
    orders::import(&app.state, fabrikam).await.expect("import");

    let viewer = colleague(&app, &harry, "viewer@contoso.com", Role::AccountViewer).await;
    let text = export(&app, &viewer, Report::Orders)
        .await
        .expect("Account Viewers export orders");
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines,
        [
            "agreement_number,purchasing_account,order_number,order_date,product,version,quantity,unit_price,currency,amount",
            "1234567890,9876543210,ORD-3,2026-03-01,Microsoft 365 E3,,10,36.00,USD,360.00",
            "1234567890,9876543210,ORD-2,2026-02-01,Microsoft 365 E3,,40,36.00,USD,1440.00",
            "1234567890,9876543210,ORD-1,2026-01-15,Office Professional Plus,2024,100,12.50,USD,1250.00",
        ],
        "{}",
        app.engine()
    );
    let summary = export(&app, &viewer, Report::LicenseSummary)
        .await
        .expect("license summary");
    let line = "Microsoft 365 E3,,9876543210,50,2";
    assert!(summary.contains(line), "{summary}");
    assert!(!summary.contains("Visio"), "{summary}");
    let keys = export(&app, &viewer, Report::Keys).await;
    assert_eq!(keys.err(), Some(AppError::Forbidden));

    let report_viewer = colleague(&app, &harry, "reports@contoso.com", Role::ReportViewer).await;
    let keys = export(&app, &report_viewer, Report::Keys)
        .await
        .expect("Report Viewers export keys");
    assert!(keys.contains("ABCDE-FGHIJ-KLMNO-PQRST-UVWXY"), "{keys}");
    let exported = |entry: &AuditEntry| {
        entry.action == AuditAction::KeysExported && entry.actor_email == "reports@contoso.com"
    };
    assert!(audited(&app, &harry, exported).await);

    let user_admin = colleague(&app, &harry, "users@contoso.com", Role::UserAdmin).await;
    for report in Report::ALL {
        let refused = reports::export(&app.state, &user_admin, report).await;
        assert_eq!(refused.err(), Some(AppError::Forbidden), "{report:?}");
    }
    app.close().await;
}
both_engines!(reports_export_the_organizations_rows_and_keys_only_to_key_roles);

async fn a_products_file_cannot_name_files_outside_its_folder(t: TestDb) {
    let (app, downloads) = with_downloads(t);
    let outside = TempDir::new("outside");
    std::fs::write(outside.join("secret.db"), b"not for download").expect("write");
    let source = TempDir::new("source");
    let outside_name = outside.file_name().expect("name").to_string_lossy();
    let escape = format!("../{outside_name}/secret.db");
    assert!(source.join(&escape).exists(), "the escape would work");
    let absolute = outside.join("secret.db").display().to_string();
    let text = format!("Visio,2024,software,{escape}\nVisio,2025,software,{absolute}\n");
    let results = products::import(&app.state, &source, &text)
        .await
        .expect("import");
    let reasons = refusals(&results);
    assert_eq!(reasons.len(), 2, "{}: {reasons:?}", app.engine());
    let all_outside = reasons.iter().all(|reason| reason.contains("outside"));
    assert!(all_outside, "{reasons:?}");
    let stored = std::fs::read_dir(&downloads).map_or(0, |dir| dir.count());
    assert_eq!(stored, 0);
    app.close().await;
}
both_engines!(a_products_file_cannot_name_files_outside_its_folder);

async fn a_slow_export_holds_no_database_connection(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    // Enough order lines for several batches and chunks.
    let line = "2026-01-15,Office Professional Plus \
                with a long product name to fill the chunks,2024,1,12.50,USD";
    let lines: String = (0..3000)
        .map(|n| format!("1234567890,9876543210,ORD-{n},{line}\n"))
        .collect();
    orders::import(&app.state, &lines).await.expect("import");
    let export = reports::export(&app.state, &harry, Report::Orders).await;
    let mut chunks = export.expect("export").chunks;
    let first = chunks.recv().await.expect("a chunk").expect("text");
    assert!(first.contains("ORD-"));
    // The client now reads slowly: the exporter waits with a full
    // channel, and every connection is back in the pool meanwhile. (On a
    // busy machine the exporter may take a while to fill the channel: a
    // held connection stays held, so waiting longer cannot hide one.)
    let db = app.db();
    let deadline = Instant::now() + Duration::from_secs(10);
    while db.num_idle() != db.size() as usize && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let engine = app.engine();
    let held = "a connection is held for a slow client";
    assert_eq!(db.num_idle(), db.size() as usize, "{engine}: {held}");
    // Reading on gets every line exactly once.
    let mut text = first;
    while let Some(chunk) = chunks.recv().await {
        text.push_str(&chunk.expect("a chunk"));
    }
    for n in [0, 1499, 2999] {
        assert_eq!(text.matches(&format!(",ORD-{n},")).count(), 1, "ORD-{n}");
    }
    assert_eq!(text.lines().count(), 3001, "{engine}: header and lines");
    app.close().await;
}
both_engines!(a_slow_export_holds_no_database_connection);
