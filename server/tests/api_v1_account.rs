//! The API's reading of an organization (agreements, orders, licenses,
//! keys, downloads, the audit log), its domains, and invitations many at
//! a time, through the real router, within the roles module.

use serde_json::{json, Value};

use crate::api_v1::{call, token_for};
use crate::common::TestApp;
use app::both_engines;
use app::domain::Role;
use app::services::testing::TestDb;
use app::services::{keys, orders};

const KEY: &str = "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY";

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

async fn a_script_reads_what_the_organization_holds(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry = app.sign_up_harry().await;
    let admin = token_for(&app, harry, &[Role::AccountAdmin]).await;
    let file = "agreement_number,purchasing_account,order_number,order_date,product,version,quantity,unit_price,currency
1234567890,9876543210,ORD-1,2026-01-15,Office Professional Plus,2024,100,12.50,USD
1234567890,9876543210,ORD-2,2026-03-02,Windows Server Standard,2022,4,900,USD
";
    orders::import(&app.state, file).await.expect("orders");
    let keys_file = format!(
        "agreement_number,purchasing_account,product,version,key\n\
         1234567890,9876543210,Windows Server Standard,2022,{KEY}\n"
    );
    keys::import(&app.state, &keys_file).await.expect("keys");

    let (status, agreements) = json(&app, &admin, "GET", "/api/v1/agreements", None).await;
    assert_eq!(status, 200, "{}: {agreements}", app.t.engine);
    assert_eq!(agreements["agreements"][0]["number"], "1234567890");
    assert_eq!(
        agreements["agreements"][0]["purchasing_accounts"][0]["admin_email"],
        "harry@contoso.com"
    );

    let (status, orders) = json(&app, &admin, "GET", "/api/v1/orders?from=2026-03-01", None).await;
    assert_eq!(status, 200, "{orders}");
    let numbers: Vec<&str> = orders["orders"]
        .as_array()
        .expect("orders")
        .iter()
        .filter_map(|order| order["number"].as_str())
        .collect();
    assert_eq!(numbers, ["ORD-2"], "filtered by date");
    assert_eq!(orders["orders"][0]["lines"][0]["amount_cents"], 360000);
    let (status, bad) = json(&app, &admin, "GET", "/api/v1/orders?from=2026-13-40", None).await;
    assert_eq!(status, 422, "{bad}");

    let (_, licenses) = json(&app, &admin, "GET", "/api/v1/licenses", None).await;
    assert_eq!(licenses["licenses"].as_array().map(Vec::len), Some(2));

    let (_, listed) = json(&app, &admin, "GET", "/api/v1/keys", None).await;
    assert_eq!(listed["keys"][0]["masked"], "XXXXX-XXXXX-XXXXX-XXXXX-UVWXY");
    let id = listed["keys"][0]["id"].as_i64().expect("id");
    let (status, key) = json(&app, &admin, "GET", &format!("/api/v1/keys/{id}"), None).await;
    assert_eq!((status, key["key"].as_str()), (200, Some(KEY)));

    // The key shown is in the audit log, newest first.
    let (status, log) = json(&app, &admin, "GET", "/api/v1/audit-log", None).await;
    assert_eq!(status, 200, "{log}");
    assert_eq!(log["entries"][0]["action"], "key.viewed", "{log}");

    let (status, downloads) = json(&app, &admin, "GET", "/api/v1/downloads", None).await;
    assert_eq!((status, downloads["downloads"].is_array()), (200, true));

    // An Account Viewer's token may read orders but not keys or the log;
    // another organization's key is 404.
    let ana = app
        .member(
            &app.actor(harry).await,
            "ana@contoso.com",
            &[Role::AccountViewer],
        )
        .await;
    let viewer = token_for(&app, ana.user.id, &[Role::AccountViewer]).await;
    assert_eq!(
        json(&app, &viewer, "GET", "/api/v1/orders", None).await.0,
        200
    );
    for path in ["/api/v1/keys", "/api/v1/audit-log", "/api/v1/domains"] {
        assert_eq!(
            json(&app, &viewer, "GET", path, None).await.0,
            403,
            "{path}"
        );
    }
    let olga = app.sign_up_olga().await;
    let other = token_for(&app, olga, &[Role::AccountAdmin]).await;
    let (status, _) = json(&app, &other, "GET", &format!("/api/v1/keys/{id}"), None).await;
    assert_eq!(status, 404);
    app.close().await;
}

both_engines!(a_script_reads_what_the_organization_holds);

async fn many_invitations_get_a_result_each_and_a_typo_is_fixed(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry = app.sign_up_harry().await;
    let admin = token_for(&app, harry, &[Role::AccountAdmin]).await;
    let person = |email: &str| json!({ "email": email, "first_name": "Ana", "last_name": "Bell", "roles": ["account_viewer"] });
    let body = json!({ "invitations": [
        person("ana@contoso.com"),
        person("not an address"),
        person("harry@contoso.com"),
        person("bob@contso.com"),
    ] })
    .to_string();
    let (status, answer) = json(
        &app,
        &admin,
        "POST",
        "/api/v1/invitations/bulk",
        Some(&body),
    )
    .await;
    assert_eq!(status, 200, "{}: {answer}", app.t.engine);
    let outcomes: Vec<&str> = answer["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|result| result["outcome"].as_str())
        .collect();
    assert_eq!(
        outcomes,
        ["invited", "refused", "already_member", "invited"]
    );
    assert_eq!(answer["results"][1]["errors"][0]["field"], "email");
    assert_eq!(answer["results"][1]["errors"][0]["problem"], "EmailInvalid");

    // Bob's address was mistyped: fixed, with a new invitation.
    let typo = answer["results"][3]["invitation_id"].as_i64().expect("id");
    let fix = json!({ "email": "bob@contoso.com" }).to_string();
    let path = format!("/api/v1/invitations/{typo}/email");
    let (status, fixed) = json(&app, &admin, "PUT", &path, Some(&fix)).await;
    assert_eq!(status, 200, "{fixed}");
    assert_eq!(fixed["email"], "bob@contoso.com");
    assert_ne!(fixed["id"], typo);
    let (_, open) = json(&app, &admin, "GET", "/api/v1/invitations", None).await;
    let emails: Vec<&str> = open["invitations"]
        .as_array()
        .expect("invitations")
        .iter()
        .filter(|invitation| invitation["status"] == "invited")
        .filter_map(|invitation| invitation["email"].as_str())
        .collect();
    assert!(
        emails.contains(&"bob@contoso.com") && !emails.contains(&"bob@contso.com"),
        "{open}"
    );

    let empty = json!({ "invitations": [] }).to_string();
    let (status, _) = json(
        &app,
        &admin,
        "POST",
        "/api/v1/invitations/bulk",
        Some(&empty),
    )
    .await;
    assert_eq!(status, 422);
    app.close().await;
}

both_engines!(many_invitations_get_a_result_each_and_a_typo_is_fixed);

async fn domains_are_added_and_listed_with_their_record(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry = app.sign_up_harry().await;
    let admin = token_for(&app, harry, &[Role::AccountAdmin]).await;
    let body = json!({ "domain": "Contoso.com", "purchasing_account": "9876543210" }).to_string();
    let (status, added) = json(&app, &admin, "POST", "/api/v1/domains", Some(&body)).await;
    assert_eq!(status, 201, "{}: {added}", app.t.engine);
    assert_eq!(added["name"], "contoso.com");
    assert_eq!(added["status"], "pending");
    assert_eq!(added["record_name"], "_business-center.contoso.com");
    let (_, listed) = json(&app, &admin, "GET", "/api/v1/domains", None).await;
    assert_eq!(listed["domains"][0]["id"], added["id"]);
    let gmail = json!({ "domain": "gmail.com", "purchasing_account": "9876543210" }).to_string();
    let (status, refused) = json(&app, &admin, "POST", "/api/v1/domains", Some(&gmail)).await;
    assert_eq!(status, 422);
    assert_eq!(refused["errors"][0]["problem"], "DomainConsumer");
    let (status, _) = json(&app, &admin, "POST", "/api/v1/domains/999/verify", None).await;
    assert_eq!(status, 404);
    app.close().await;
}

both_engines!(domains_are_added_and_listed_with_their_record);

/// Every reading path × every customer role: a token is refused (403)
/// exactly where the roles module says its role may not, as the pages
/// are; the operator's token, which is no person, everywhere.
async fn every_path_answers_each_role_as_the_roles_module_says(t: TestDb) {
    use app::domain::Capability;
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry = app.sign_up_harry().await;
    let paths = [
        ("/api/v1/users", Capability::InviteUsers),
        ("/api/v1/invitations", Capability::InviteUsers),
        ("/api/v1/agreements", Capability::ViewAgreements),
        ("/api/v1/orders", Capability::ViewOrders),
        ("/api/v1/licenses", Capability::ViewLicenses),
        ("/api/v1/keys", Capability::ViewKeys),
        ("/api/v1/downloads", Capability::DownloadSoftware),
        ("/api/v1/audit-log", Capability::ViewAuditLog),
        ("/api/v1/domains", Capability::ManageDomains),
        ("/api/v1/webhooks", Capability::ManageWebhooks),
        ("/api/v1/events", Capability::ManageWebhooks),
        ("/api/v1/customers", Capability::ManageCustomers),
    ];
    let admin = app.actor(harry).await;
    for (i, role) in Role::CUSTOMER.into_iter().enumerate() {
        let member = app
            .member(&admin, &format!("r{i}@contoso.com"), &[role])
            .await;
        let token = token_for(&app, member.user.id, &[role]).await;
        for (path, capability) in paths {
            let (status, body) = json(&app, &token, "GET", path, None).await;
            let expected = if role.allows(capability) { 200 } else { 403 };
            assert_eq!(
                status, expected,
                "{role:?} {path} ({}): {body}",
                app.t.engine
            );
        }
    }
    let operator = app::services::tokens::create_for_operator(&app.state, "ops", 30)
        .await
        .expect("token")
        .secret;
    for (path, _) in paths {
        let expected = if path == "/api/v1/webhooks" || path == "/api/v1/events" {
            200
        } else {
            403
        };
        assert_eq!(
            json(&app, &operator, "GET", path, None).await.0,
            expected,
            "operator {path}"
        );
    }
    app.close().await;
}

both_engines!(every_path_answers_each_role_as_the_roles_module_says);
