//! What the orders open beyond the lists: software downloads, online
//! services to provision, and CSV reports — each for the roles the
//! specification names, and never across organizations.

use app::both_engines;
use app::domain::{Problem, Report, Role};
use app::error::AppError;
use app::services::audit;
use app::services::catalog::ImportOutcome;
use app::services::current_user::CurrentUser;
use app::services::password::Hasher;
use app::services::provisioning::{self, Assignment};
use app::services::testing::{self, actor, member, settings, TempDir, TestDb};
use app::services::{keys, orders, products, reports, Db};

use app::services::testing::NOW;

const ORDERS: &str = "\
1234567890,9876543210,ORD-1,2026-01-15,Office Professional Plus,2024,100,12.50,USD
1234567890,9876543210,ORD-2,2026-02-01,Microsoft 365 E3,,40,36.00,USD
1234567890,9876543210,ORD-3,2026-03-01,Microsoft 365 E3,,10,36.00,USD
";

/// Contoso (Harry) with orders for Office and Microsoft 365, and a
/// products file offering an image of Office; returns Harry.
async fn contoso_with_catalog(db: &Db, downloads: &std::path::Path) -> CurrentUser {
    let harry = testing::harry(db, NOW).await;
    let results = orders::import(db, NOW, ORDERS)
        .await
        .expect("import orders");
    assert!(results
        .iter()
        .all(|(_, outcome)| *outcome == ImportOutcome::Imported));
    let source = tempdir("source");
    std::fs::write(source.join("office-2024.img"), vec![7u8; 200_000]).expect("write");
    let results = products::import(
        db,
        downloads,
        &source,
        NOW,
        "product,version,kind,file\n\
         Office Professional Plus,2024,software,office-2024.img\n\
         Microsoft 365 E3,,online_service,\n",
    )
    .await
    .expect("import products");
    assert_eq!(
        results,
        [(2, ImportOutcome::Imported), (3, ImportOutcome::Imported)]
    );
    testing::verified_domain(db, harry.organization_id, "contoso.com", NOW).await;
    harry
}

fn tempdir(what: &str) -> TempDir {
    TempDir::new(what)
}

async fn colleague(db: &Db, harry: &CurrentUser, email: &str, role: Role) -> CurrentUser {
    member(
        db,
        &settings(),
        &Hasher::default(),
        NOW,
        harry,
        email,
        &[role],
    )
    .await
}

async fn read_all(export: reports::Export) -> String {
    let mut chunks = export.chunks;
    let mut text = String::new();
    while let Some(chunk) = chunks.recv().await {
        text.push_str(&chunk.expect("a chunk"));
    }
    text
}

async fn a_products_file_copies_each_file_once_and_explains_bad_lines(t: TestDb) {
    let downloads = tempdir("downloads");
    contoso_with_catalog(&t.db, &downloads).await;
    let source = tempdir("bad-source");
    let results = products::import(
        &t.db,
        &downloads,
        &source,
        NOW,
        "Visio,2024,hardware,\n\
         Exchange Online,,online_service,exchange.img\n\
         Visio,2024,software,missing.img\n\
         ,2024,software,\n",
    )
    .await
    .expect("import");
    let reasons: Vec<&str> = results
        .iter()
        .filter_map(|(_, outcome)| outcome.refusal())
        .collect();
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
    t.close().await;
}
both_engines!(a_products_file_copies_each_file_once_and_explains_bad_lines);

async fn downloads_open_to_account_admins_and_managers_of_the_organization_only(t: TestDb) {
    let downloads = tempdir("downloads");
    let harry = contoso_with_catalog(&t.db, &downloads).await;
    let listed = products::downloads(&t.db, &harry).await.expect("list");
    assert_eq!(listed.len(), 1, "only software with files: {listed:?}");
    assert_eq!(listed[0].product, "Office Professional Plus");
    let file = &listed[0].files[0];
    assert_eq!(
        (file.name.as_str(), file.size_bytes),
        ("office-2024.img", 200_000)
    );
    let found = products::file_for_download(&t.db, &downloads, &harry, file.id)
        .await
        .expect("Harry may download");
    assert_eq!(
        std::fs::metadata(&found.path).expect("on disk").len(),
        200_000
    );

    for (i, role) in Role::CUSTOMER.into_iter().enumerate() {
        let user = colleague(&t.db, &harry, &format!("d{i}@contoso.com"), role).await;
        let may = matches!(role, Role::AccountAdmin | Role::AccountManager);
        let listing = products::downloads(&t.db, &user).await;
        let fetch = products::file_for_download(&t.db, &downloads, &user, file.id).await;
        assert_eq!(listing.is_ok(), may, "{role} ({})", t.engine);
        assert_eq!(fetch.is_ok(), may, "{role}");
        if !may {
            assert_eq!(fetch, Err(AppError::Forbidden), "{role}");
        }
    }

    // Fabrikam has ordered nothing: the same file id is not theirs.
    let olga_id = testing::sign_up_olga(&t.db, &settings(), &Hasher::default(), NOW).await;
    let olga = app::services::current_user::load(&t.db, olga_id)
        .await
        .expect("load")
        .expect("olga");
    assert!(products::downloads(&t.db, &olga)
        .await
        .expect("list")
        .is_empty());
    assert_eq!(
        products::file_for_download(&t.db, &downloads, &olga, file.id).await,
        Err(AppError::NotFound)
    );
    t.close().await;
}
both_engines!(downloads_open_to_account_admins_and_managers_of_the_organization_only);

async fn license_usage_sums_what_is_owned_and_assigned_per_product(t: TestDb) {
    let downloads = tempdir("downloads");
    let harry = contoso_with_catalog(&t.db, &downloads).await;
    let service = provisioning::overview(&t.db, &harry)
        .await
        .expect("overview")
        .services
        .remove(0);
    let assignment = Assignment::parse(&service.choice(), "15", "2026-12-01", "contoso.com")
        .expect("valid form");
    provisioning::assign(&t.db, NOW, &actor(&harry), &assignment)
        .await
        .expect("15 of 50");

    let usage = orders::usage(&t.db, &harry).await.expect("usage");
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
        t.engine
    );
    // It belongs with license details: a User Admin sees none.
    let user_admin = colleague(&t.db, &harry, "ursula@contoso.com", Role::UserAdmin).await;
    assert_eq!(
        orders::usage(&t.db, &user_admin).await,
        Err(AppError::Forbidden)
    );
    t.close().await;
}
both_engines!(license_usage_sums_what_is_owned_and_assigned_per_product);

async fn subscriptions_stay_within_what_the_orders_entitle(t: TestDb) {
    let downloads = tempdir("downloads");
    let harry = contoso_with_catalog(&t.db, &downloads).await;
    let manager = colleague(&t.db, &harry, "manager@contoso.com", Role::AccountManager).await;
    let page = provisioning::overview(&t.db, &manager)
        .await
        .expect("overview");
    assert_eq!(
        page.services.len(),
        1,
        "only online services: {:?}",
        page.services
    );
    let service = &page.services[0];
    assert_eq!((service.ordered, service.assigned), (50, 0), "{}", t.engine);

    let assign = |quantity: &str| {
        Assignment::parse(&service.choice(), quantity, "2026-12-01", "contoso.com")
            .expect("valid form")
    };
    provisioning::assign(&t.db, NOW, &actor(&manager), &assign("30"))
        .await
        .expect("30 of 50");
    let refused = provisioning::assign(&t.db, NOW, &actor(&harry), &assign("21")).await;
    assert_eq!(
        refused
            .as_ref()
            .err()
            .and_then(|error| error.problem_with("quantity")),
        Some(Problem::ExceedsEntitlement {
            ordered: 50,
            assigned: 30
        }),
        "{refused:?}"
    );
    assert_eq!(
        Problem::ExceedsEntitlement {
            ordered: 50,
            assigned: 30
        }
        .text(app::domain::Lang::En),
        "That is more than the orders of this purchasing account entitle: 50 ordered, 30 already assigned: 20 available."
    );
    // Only to a verified domain of the organization; its subdomains too.
    let to = |domain: &str| {
        Assignment::parse(&service.choice(), "1", "2026-12-01", domain).expect("valid form")
    };
    for unverified in ["fabrikam.com", "contoso.org"] {
        let refused = provisioning::assign(&t.db, NOW, &actor(&harry), &to(unverified)).await;
        assert_eq!(
            refused.err().and_then(|error| error.problem_with("domain")),
            Some(Problem::DomainNotVerified),
            "{unverified}"
        );
    }
    provisioning::assign(&t.db, NOW, &actor(&harry), &to("sales.contoso.com"))
        .await
        .expect("a subdomain of a verified domain");
    provisioning::assign(&t.db, NOW, &actor(&harry), &assign("19"))
        .await
        .expect("exactly what remains");
    let page = provisioning::overview(&t.db, &harry)
        .await
        .expect("overview");
    assert_eq!(page.services[0].available(), 0);
    assert_eq!(page.subscriptions.len(), 3);
    assert_eq!(page.subscriptions[2].assigned_by, "manager@contoso.com");
    assert_eq!(page.subscriptions[1].domain, "sales.contoso.com");
    assert_eq!(page.domains, ["contoso.com"]);
    let log = audit::log(&t.db, &harry, None).await.expect("audit log");
    assert!(
        log.iter()
            .any(|(_, entry)| entry.action == app::domain::AuditAction::SubscriptionAssigned),
        "assignments are audited"
    );

    // Software is not provisioned, and roles other than admin and
    // manager cannot assign.
    let office: (i64,) = sqlx::query_as("SELECT id FROM products WHERE name = $1")
        .bind("Office Professional Plus")
        .fetch_one(&t.db)
        .await
        .expect("office");
    let software = Assignment::parse(
        &format!("{}/9876543210", office.0),
        "1",
        "2026-12-01",
        "contoso.com",
    )
    .expect("valid form");
    assert_eq!(
        provisioning::assign(&t.db, NOW, &actor(&harry), &software)
            .await
            .err()
            .and_then(|error| error.problem_with("service")),
        Some(Problem::ServiceUnknown)
    );
    for (i, role) in Role::CUSTOMER.into_iter().enumerate() {
        let user = colleague(&t.db, &harry, &format!("p{i}@contoso.com"), role).await;
        let may = matches!(role, Role::AccountAdmin | Role::AccountManager);
        assert_eq!(
            provisioning::overview(&t.db, &user).await.is_ok(),
            may,
            "{role}"
        );
        if !may {
            assert_eq!(
                provisioning::assign(&t.db, NOW, &actor(&user), &assign("1")).await,
                Err(AppError::Forbidden),
                "{role}"
            );
        }
    }
    t.close().await;
}
both_engines!(subscriptions_stay_within_what_the_orders_entitle);

#[test]
fn the_assignment_form_explains_each_bad_field() {
    let error =
        Assignment::parse("nonsense", "0", "2026-02-30", "not a domain").expect_err("all wrong");
    assert_eq!(
        error.problem_with("domain"),
        Some(Problem::DomainNotVerified)
    );
    assert_eq!(error.problem_with("service"), Some(Problem::ServiceUnknown));
    assert_eq!(
        error.problem_with("quantity"),
        Some(Problem::QuantityInvalid)
    );
    assert_eq!(error.problem_with("start_date"), Some(Problem::DateInvalid));
    assert!(Assignment::parse("3/9876543210", "12", "2026-02-28", "contoso.com").is_ok());
}

async fn two_managers_at_once_never_assign_more_than_was_ordered(t: TestDb) {
    let downloads = tempdir("downloads");
    let harry = contoso_with_catalog(&t.db, &downloads).await;
    let manager = colleague(&t.db, &harry, "manager@contoso.com", Role::AccountManager).await;
    let choice = provisioning::overview(&t.db, &harry)
        .await
        .expect("overview")
        .services[0]
        .choice();
    let assignment = Assignment::parse(&choice, "30", "2026-12-01", "contoso.com").expect("valid");
    let (by_harry, by_manager) = (actor(&harry), actor(&manager));
    let (first, second) = tokio::join!(
        provisioning::assign(&t.db, NOW, &by_harry, &assignment),
        provisioning::assign(&t.db, NOW, &by_manager, &assignment),
    );
    assert!(
        first.is_ok() != second.is_ok(),
        "exactly one of two 30s fits in 50 ({}): {first:?} {second:?}",
        t.engine
    );
    t.close().await;
}
both_engines!(two_managers_at_once_never_assign_more_than_was_ordered);

async fn reports_export_the_organizations_rows_and_keys_only_to_key_roles(t: TestDb) {
    let downloads = tempdir("downloads");
    let harry = contoso_with_catalog(&t.db, &downloads).await;
    keys::import(
        &t.db,
        NOW,
        "1234567890,9876543210,Office Professional Plus,2024,ABCDE-FGHIJ-KLMNO-PQRST-UVWXY\n",
    )
    .await
    .expect("keys");
    // Fabrikam's order must never show in Contoso's reports.
    testing::register_fabrikam(&t.db, &settings(), NOW).await;
    orders::import(
        &t.db,
        NOW,
        "5555555555,77,FAB-1,2026-01-01,Visio Professional,2024,3,10,USD\n",
    )
    .await
    .expect("import");

    let viewer = colleague(&t.db, &harry, "viewer@contoso.com", Role::AccountViewer).await;
    let text = read_all(
        reports::export(&t.db, NOW, &actor(&viewer), Report::Orders)
            .await
            .expect("Account Viewers export orders"),
    )
    .await;
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
        t.engine
    );
    let summary = read_all(
        reports::export(&t.db, NOW, &actor(&viewer), Report::LicenseSummary)
            .await
            .expect("license summary"),
    )
    .await;
    assert!(
        summary.contains("Microsoft 365 E3,,9876543210,50,2"),
        "{summary}"
    );
    assert!(!summary.contains("Visio"), "{summary}");
    assert_eq!(
        reports::export(&t.db, NOW, &actor(&viewer), Report::Keys)
            .await
            .err(),
        Some(AppError::Forbidden)
    );

    let report_viewer = colleague(&t.db, &harry, "reports@contoso.com", Role::ReportViewer).await;
    let keys = read_all(
        reports::export(&t.db, NOW, &actor(&report_viewer), Report::Keys)
            .await
            .expect("Report Viewers export keys"),
    )
    .await;
    assert!(keys.contains("ABCDE-FGHIJ-KLMNO-PQRST-UVWXY"), "{keys}");
    let log = audit::log(&t.db, &harry, None).await.expect("audit log");
    assert!(log.iter().any(
        |(_, entry)| entry.action == app::domain::AuditAction::KeysExported
            && entry.actor_email == "reports@contoso.com"
    ));

    let user_admin = colleague(&t.db, &harry, "users@contoso.com", Role::UserAdmin).await;
    for report in Report::ALL {
        assert_eq!(
            reports::export(&t.db, NOW, &actor(&user_admin), report)
                .await
                .err(),
            Some(AppError::Forbidden),
            "{report:?}"
        );
    }
    t.close().await;
}
both_engines!(reports_export_the_organizations_rows_and_keys_only_to_key_roles);

async fn a_products_file_cannot_name_files_outside_its_folder(t: TestDb) {
    let downloads = tempdir("downloads");
    let outside = tempdir("outside");
    std::fs::write(outside.join("secret.db"), b"not for download").expect("write");
    let source = tempdir("source");
    let escape = format!(
        "../{}/secret.db",
        outside.file_name().expect("name").to_string_lossy()
    );
    assert!(source.join(&escape).exists(), "the escape would work");
    let absolute = outside.join("secret.db").display().to_string();
    let results = products::import(
        &t.db,
        &downloads,
        &source,
        NOW,
        &format!("Visio,2024,software,{escape}\nVisio,2025,software,{absolute}\n"),
    )
    .await
    .expect("import");
    let reasons: Vec<&str> = results
        .iter()
        .filter_map(|(_, outcome)| outcome.refusal())
        .collect();
    assert_eq!(reasons.len(), 2, "{}: {reasons:?}", t.engine);
    assert!(
        reasons.iter().all(|reason| reason.contains("outside")),
        "{reasons:?}"
    );
    assert_eq!(
        std::fs::read_dir(&downloads).map_or(0, |dir| dir.count()),
        0
    );
    t.close().await;
}
both_engines!(a_products_file_cannot_name_files_outside_its_folder);

async fn a_slow_export_holds_no_database_connection(t: TestDb) {
    let harry = testing::harry(&t.db, NOW).await;
    // Enough order lines for several batches and chunks.
    let lines: String = (0..3000)
        .map(|n| {
            format!(
                "1234567890,9876543210,ORD-{n},2026-01-15,Office Professional Plus \
                 with a long product name to fill the chunks,2024,1,12.50,USD\n"
            )
        })
        .collect();
    orders::import(&t.db, NOW, &lines).await.expect("import");
    let mut export = reports::export(&t.db, NOW, &actor(&harry), Report::Orders)
        .await
        .expect("export");
    let first = export.chunks.recv().await.expect("a chunk").expect("text");
    assert!(first.contains("ORD-"));
    // The client now reads slowly: the exporter waits with a full
    // channel, and every connection is back in the pool meanwhile. (On a
    // busy machine the exporter may take a while to fill the channel: a
    // held connection stays held, so waiting longer cannot hide one.)
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while t.db.num_idle() != t.db.size() as usize && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        t.db.num_idle(),
        t.db.size() as usize,
        "{}: a connection is held for a slow client",
        t.engine
    );
    // Reading on gets every line exactly once.
    let mut text = first;
    while let Some(chunk) = export.chunks.recv().await {
        text.push_str(&chunk.expect("a chunk"));
    }
    for n in [0, 1499, 2999] {
        assert_eq!(text.matches(&format!(",ORD-{n},")).count(), 1, "ORD-{n}");
    }
    assert_eq!(text.lines().count(), 3001, "{}: header and lines", t.engine);
    t.close().await;
}
both_engines!(a_slow_export_holds_no_database_connection);
