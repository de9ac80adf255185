//! Orders and license details: the import, the role rules, filters,
//! pages, and that one organization never sees another's orders.

use app::both_engines;
use app::domain::wire::OrderFilter;
use app::domain::Role;
use app::error::AppError;
use app::services::catalog::ImportOutcome;
use app::services::orders;
use app::services::testing::{TestApp, TestDb};

fn filter(from: &str, to: &str, product: &str, account: &str) -> OrderFilter {
    OrderFilter {
        from: from.into(),
        to: to.into(),
        product: product.into(),
        purchasing_account: account.into(),
    }
}

const FILE: &str = "agreement_number,purchasing_account,order_number,order_date,product,version,quantity,unit_price,currency
1234567890,9876543210,ORD-1,2026-01-15,Office Professional Plus,2024,100,12.50,USD
1234567890,9876543210,ORD-1,2026-01-15,Windows Server Standard,2022,4,900,USD
1234567890,9876543210,ORD-2,2026-03-02,Office Professional Plus,2024,20,12.50,USD
1234567890,9876543210,ORD-3,2026-13-40,Office Professional Plus,2024,1,1,USD
1234567890,1111,ORD-4,2026-03-02,Office Professional Plus,2024,1,1,USD
1234567890,9876543210,ORD-5,2026-03-02,Office Professional Plus,2024,-1,1,USD
";

async fn an_import_takes_the_good_rows_and_explains_the_bad_ones(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let results = orders::import(&app.state, FILE).await.expect("import");
    let outcomes: Vec<(usize, bool)> = results
        .iter()
        .map(|(line, outcome)| (*line, *outcome == ImportOutcome::Imported))
        .collect();
    assert_eq!(
        outcomes,
        [
            (2, true),
            (3, true),
            (4, true),
            (5, false),
            (6, false),
            (7, false)
        ],
        "{}",
        app.engine()
    );
    let reasons: Vec<String> = results
        .iter()
        .filter_map(|(_, outcome)| match outcome {
            ImportOutcome::Refused(reason) => Some(reason.clone()),
            ImportOutcome::Imported => None,
        })
        .collect();
    assert!(reasons[0].starts_with("order_date"), "{reasons:?}");
    assert!(reasons[1].starts_with("purchasing_account"), "{reasons:?}");
    assert!(reasons[2].starts_with("quantity"), "{reasons:?}");

    let page = orders::page(&app.state, &harry, &OrderFilter::default(), "")
        .await
        .expect("page");
    let numbers: Vec<&str> = page.orders.iter().map(|o| o.number.as_str()).collect();
    assert_eq!(numbers, ["ORD-2", "ORD-1"], "newest first");
    assert_eq!(page.orders[1].lines.len(), 2, "two lines in one order");
    assert_eq!(page.orders[1].lines[1].amount_cents, 360_000);

    let licenses = orders::licenses(&app.state, &harry)
        .await
        .expect("licenses");
    let office = licenses
        .iter()
        .find(|l| l.product == "Office Professional Plus")
        .expect("office");
    assert_eq!(
        (office.quantity, office.orders),
        (120, 2),
        "{}",
        app.engine()
    );

    // A second line of Office in ORD-2 adds to the quantity, not to
    // the number of orders.
    orders::import(
        &app.state,
        "1234567890,9876543210,ORD-2,2026-03-02,Office Professional Plus,2024,5,12.50,USD\n",
    )
    .await
    .expect("import");
    let licenses = orders::licenses(&app.state, &harry)
        .await
        .expect("licenses");
    let office = licenses
        .iter()
        .find(|l| l.product == "Office Professional Plus")
        .expect("office");
    assert_eq!(
        (office.quantity, office.orders),
        (125, 2),
        "{}",
        app.engine()
    );
    app.close().await;
}
both_engines!(an_import_takes_the_good_rows_and_explains_the_bad_ones);

async fn columns_are_read_by_name_in_any_order(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let reordered = "currency;quantity;product;version;unit_price;order_date;order_number;purchasing_account;agreement_number;note
USD;100;Office Professional Plus;2024;12.50;2026-01-15;ORD-1;9876543210;1234567890;spreadsheet export
";
    let results = orders::import(&app.state, reordered).await.expect("import");
    assert_eq!(results.len(), 1, "{results:?}");
    let licenses = orders::licenses(&app.state, &harry)
        .await
        .expect("licenses");
    assert_eq!(licenses.len(), 1, "{} ({results:?})", app.engine());
    assert_eq!(licenses[0].product, "Office Professional Plus");
    assert_eq!(licenses[0].quantity, 100);

    let missing = "agreement_number,purchasing_account,order_number,product,version,quantity,unit_price,currency
1234567890,9876543210,ORD-9,Visio,2024,1,1,USD
";
    let results = orders::import(&app.state, missing).await.expect("import");
    assert_eq!(
        results,
        [(
            1,
            ImportOutcome::Refused("the first line names the columns but not order_date".into())
        )],
        "nothing is imported from a file whose header lacks a column"
    );
    app.close().await;
}
both_engines!(columns_are_read_by_name_in_any_order);

async fn orders_and_licenses_open_only_to_the_roles_that_see_them(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    orders::import(&app.state, FILE).await.expect("import");
    for (i, role) in Role::CUSTOMER.into_iter().enumerate() {
        let user = app
            .member(&harry, &format!("m{i}@contoso.com"), &[role])
            .await;
        let allowed = !matches!(role, Role::AgreementAdmin | Role::UserAdmin);
        let page = orders::page(&app.state, &user, &OrderFilter::default(), "").await;
        let licenses = orders::licenses(&app.state, &user).await;
        if allowed {
            assert_eq!(
                page.expect("orders").orders.len(),
                2,
                "{role} ({})",
                app.engine()
            );
            assert!(!licenses.expect("licenses").is_empty());
        } else {
            assert_eq!(
                page.map(|p| p.orders.len()),
                Err(AppError::Forbidden),
                "{role}"
            );
            assert_eq!(licenses, Err(AppError::Forbidden), "{role}");
        }
    }
    app.close().await;
}
both_engines!(orders_and_licenses_open_only_to_the_roles_that_see_them);

async fn filters_and_pages_narrow_the_list_and_other_organizations_never_show(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    app.register_fabrikam().await;
    let mut file = String::new();
    for n in 0..60 {
        let product = if n % 2 == 0 { "Visio" } else { "Project" };
        file.push_str(&format!(
            "1234567890,9876543210,C-{n:03},2026-{:02}-{:02},{product},2024,1,10,USD\n",
            n / 28 + 1,
            n % 28 + 1
        ));
        file.push_str(&format!(
            "5555555555,77,F-{n:03},2026-01-01,Visio,2024,1,10,USD\n"
        ));
    }
    let results = orders::import(&app.state, &file).await.expect("import");
    assert!(
        results.iter().all(|(_, o)| *o == ImportOutcome::Imported),
        "{results:?}"
    );

    let mut seen = Vec::new();
    let mut after = String::new();
    loop {
        let page = orders::page(&app.state, &harry, &OrderFilter::default(), &after)
            .await
            .expect("page");
        assert!(page.orders.len() <= 25);
        seen.extend(page.orders.iter().map(|o| o.number.clone()));
        match page.next {
            Some(next) => after = next,
            None => break,
        }
    }
    assert_eq!(seen.len(), 60, "every order once ({})", app.engine());
    assert!(
        seen.iter().all(|n| n.starts_with("C-")),
        "no Fabrikam order"
    );
    seen.dedup();
    assert_eq!(seen.len(), 60);

    let january = orders::page(
        &app.state,
        &harry,
        &filter("2026-01-01", "2026-01-28", "", ""),
        "",
    )
    .await
    .expect("page");
    assert_eq!(january.orders.len(), 25, "first page of 28 January orders");
    let visio = january
        .products
        .iter()
        .find(|p| p.label == "Visio 2024")
        .expect("Visio listed");
    let only_visio = orders::page(
        &app.state,
        &harry,
        &filter("", "", &visio.id.to_string(), ""),
        "",
    )
    .await
    .expect("page");
    assert!(only_visio
        .orders
        .iter()
        .all(|o| o.lines[0].product == "Visio"));
    let none = orders::page(&app.state, &harry, &filter("", "", "", "77"), "")
        .await
        .expect("page");
    assert!(
        none.orders.is_empty(),
        "another organization's purchasing account shows nothing"
    );
    let bad = orders::page(&app.state, &harry, &filter("yesterday", "", "", ""), "")
        .await
        .expect_err("bad date");
    assert_eq!(
        bad.problem_with("from"),
        Some(app::domain::Problem::DateInvalid)
    );
    app.close().await;
}
both_engines!(filters_and_pages_narrow_the_list_and_other_organizations_never_show);
