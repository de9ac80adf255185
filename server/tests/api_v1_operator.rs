//! The vendor operator's API (agreements, partners and their links,
//! imports with a result per record, finding an organization) and the
//! partner's (its customers and their rescues), through the real router.

use axum::body::Body;
use axum::http::Request;
use serde_json::{json, Value};

use crate::api_v1::{call, token_for};
use crate::common::TestApp;
use app::both_engines;
use app::domain::Role;
use app::services::testing::TestDb;
use app::services::tokens;

async fn json(
    app: &TestApp,
    token: &str,
    method: &str,
    path: &str,
    body: Option<&str>,
) -> (u16, Value) {
    let reply = app.send(call(method, path, Some(token), body)).await;
    let value = serde_json::from_str(&reply.body).unwrap_or(Value::Null);
    (reply.status.as_u16(), value)
}

async fn operator(app: &TestApp) -> String {
    tokens::create_for_operator(&app.state, "order system", 30)
        .await
        .expect("token")
        .secret
}

fn northwind(number: &str) -> String {
    json!({
        "agreement_number": number, "organization": "Northwind Traders",
        "purchasing_account": "4242", "admin_email": "nina@northwind.com",
        "admin_first_name": "Nina", "admin_last_name": "Vogel", "language": "fr", "country": "FR"
    })
    .to_string()
}

async fn the_operator_registers_links_imports_and_finds(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry = app.sign_up_harry().await;
    let operator = operator(&app).await;
    let person = token_for(&app, harry, &[Role::AccountAdmin]).await;

    let (status, _) = json(
        &app,
        &person,
        "POST",
        "/api/v1/agreements",
        Some(&northwind("5550001111")),
    )
    .await;
    assert_eq!(status, 403, "a person's token may not register agreements");
    let (status, registered) = json(
        &app,
        &operator,
        "POST",
        "/api/v1/agreements",
        Some(&northwind("5550001111")),
    )
    .await;
    assert_eq!(status, 201, "{}: {registered}", app.t.engine);
    assert_eq!(registered["invited"], true);
    let link = app.newest_link("nina@northwind.com").await;
    assert!(!link.is_empty(), "the administrator is invited");
    let (status, again) = json(
        &app,
        &operator,
        "POST",
        "/api/v1/agreements",
        Some(&northwind("5550001111")),
    )
    .await;
    assert_eq!(status, 409, "{again}");
    assert_eq!(again["errors"][0]["field"], "agreement_number");

    let partner = json!({ "name": "Fabrikam Partners", "admin_email": "ana@fabrikam-partners.com",
                          "admin_first_name": "Ana", "admin_last_name": "Silva" })
    .to_string();
    let (status, made) = json(&app, &operator, "POST", "/api/v1/partners", Some(&partner)).await;
    assert_eq!(status, 201, "{made}");
    let linked = "/api/v1/partners/Fabrikam%20Partners/agreements/5550001111";
    assert_eq!(json(&app, &operator, "PUT", linked, None).await.0, 204);
    assert_eq!(
        json(&app, &operator, "PUT", linked, None).await.0,
        204,
        "twice: nothing"
    );

    // Orders as JSON records, keys as a CSV file: a result per record.
    let rows = json!({ "rows": [
        { "agreement_number": "5550001111", "purchasing_account": "4242", "order_number": "NW-1",
          "order_date": "2026-02-01", "product": "Visio", "version": "2024", "quantity": 5,
          "unit_price": "10.00", "currency": "EUR" },
        { "agreement_number": "5550001111", "purchasing_account": "9999", "order_number": "NW-2",
          "order_date": "2026-02-01", "product": "Visio", "version": "2024", "quantity": 5,
          "unit_price": "10.00", "currency": "EUR" }
    ] })
    .to_string();
    let (status, imported) = json(
        &app,
        &operator,
        "POST",
        "/api/v1/imports/orders",
        Some(&rows),
    )
    .await;
    assert_eq!(status, 200, "{imported}");
    assert_eq!(
        (imported["imported"].as_i64(), imported["refused"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(imported["results"][1]["row"], 1);
    assert!(imported["results"][1]["reason"]
        .as_str()
        .is_some_and(|reason| reason.starts_with("purchasing_account")));
    let csv = "agreement_number,purchasing_account,product,version,key\n\
               5550001111,4242,Visio,2024,ABCDE-FGHIJ-KLMNO-PQRST-UVWXY\n";
    let request = Request::builder()
        .method("POST")
        .uri("/api/v1/imports/keys")
        .header("authorization", format!("Bearer {operator}"))
        .header("content-type", "text/csv")
        .body(Body::from(csv))
        .expect("request");
    let reply = app.send(request).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.body.contains(r#""imported":1"#), "{}", reply.body);
    let (status, _) = json(
        &app,
        &operator,
        "POST",
        "/api/v1/imports/invoices",
        Some(&rows),
    )
    .await;
    assert_eq!(status, 404, "only orders, keys and products");

    for query in [
        "northwind",
        "5550001111",
        "nina%40northwind.com",
        "harry%40contoso.com",
    ] {
        let (status, found) = json(
            &app,
            &operator,
            "GET",
            &format!("/api/v1/organizations?q={query}"),
            None,
        )
        .await;
        assert_eq!(status, 200, "{found}");
        assert_eq!(
            found["organizations"].as_array().map(Vec::len),
            Some(1),
            "{query}: {found}"
        );
    }
    let (_, contoso) = json(
        &app,
        &operator,
        "GET",
        "/api/v1/organizations?q=contoso",
        None,
    )
    .await;
    assert_eq!(
        contoso["organizations"][0]["agreements"],
        json!(["1234567890"])
    );

    assert_eq!(json(&app, &operator, "DELETE", linked, None).await.0, 204);
    // The link is gone: a link, a partner or an agreement that is not
    // there is 404.
    let (status, refused) = json(&app, &operator, "DELETE", linked, None).await;
    assert_eq!(status, 404, "{refused}");
    let nobody = "/api/v1/partners/Nobody/agreements/5550001111";
    assert_eq!(json(&app, &operator, "PUT", nobody, None).await.0, 404);
    let (status, _) = json(&app, &operator, "GET", "/api/v1/organizations?q=", None).await;
    assert_eq!(status, 422, "a search needs words");
    app.close().await;
}

both_engines!(the_operator_registers_links_imports_and_finds);

async fn a_partner_rescues_its_customers_administrator(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let operator = operator(&app).await;
    let (status, _) = json(
        &app,
        &operator,
        "POST",
        "/api/v1/agreements",
        Some(&northwind("5550002222")),
    )
    .await;
    assert_eq!(status, 201);
    let ana = app
        .partner("Fabrikam Partners", "ana@fabrikam-partners.com")
        .await;
    app.link_partner("Fabrikam Partners", "5550002222").await;
    let partner = token_for(&app, ana.user.id, &[Role::PartnerAdmin]).await;

    let (status, listed) = json(&app, &partner, "GET", "/api/v1/customers", None).await;
    assert_eq!(status, 200, "{}: {listed}", app.t.engine);
    let account = &listed["customers"][0];
    assert_eq!(account["admin_state"], "invited");
    let id = account["id"].as_i64().expect("id");

    let (status, resent) = json(
        &app,
        &partner,
        "POST",
        &format!("/api/v1/customers/{id}/resend"),
        None,
    )
    .await;
    assert_eq!(
        (status, resent["outcome"].as_str()),
        (200, Some("resent")),
        "{resent}"
    );
    let fix = json!({ "email": "nina.vogel@northwind.com" }).to_string();
    let path = format!("/api/v1/customers/{id}/administrator/email");
    let (status, fixed) = json(&app, &partner, "PUT", &path, Some(&fix)).await;
    assert_eq!(status, 200, "{fixed}");
    assert_eq!(fixed["email"], "nina.vogel@northwind.com");
    let other = json!({ "email": "otto@northwind.com", "first_name": "Otto", "last_name": "Berg" })
        .to_string();
    let path = format!("/api/v1/customers/{id}/administrator");
    let (status, changed) = json(&app, &partner, "PUT", &path, Some(&other)).await;
    assert_eq!(
        (status, changed["outcome"].as_str()),
        (200, Some("changed")),
        "{changed}"
    );

    // A customer's token is not a partner's; another partner's id is 404.
    let olga = app.sign_up_olga().await;
    let customer = token_for(&app, olga, &[Role::AccountAdmin]).await;
    assert_eq!(
        json(&app, &customer, "GET", "/api/v1/customers", None)
            .await
            .0,
        403
    );
    let stranger = app.partner("Litware", "lee@litware.com").await;
    let stranger = token_for(&app, stranger.user.id, &[Role::PartnerAdmin]).await;
    let (status, _) = json(
        &app,
        &stranger,
        "POST",
        &format!("/api/v1/customers/{id}/resend"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    app.close().await;
}

both_engines!(a_partner_rescues_its_customers_administrator);
