//! Account → Domains over HTTP: the page and its server functions for
//! every customer role and a partner, another organization's domain id
//! sent on purpose, and bad input answered 4xx with the reason.

use crate::common::TestApp;
use app::both_engines;
use app::domain::Role;
use app::services::testing::TestDb;

/// Domains: the page and its server functions for every customer role
/// and a partner, and another organization's domain id sent on purpose.
async fn domains_are_for_account_admins_and_account_managers_of_the_organization(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry = app.user(app.sign_up_harry().await).await;
    let ana = app
        .partner("Fabrikam Partners", "ana@fabrikam-partners.com")
        .await;
    let mut people = Vec::new();
    for (i, role) in Role::CUSTOMER.into_iter().enumerate() {
        let cookie = app
            .signed_in_member(&harry, &format!("d{i}@contoso.com"), &[role])
            .await
            .1;
        people.push((role, cookie));
    }
    people.push((Role::PartnerAdmin, app.cookie_for(ana.user.id).await));
    for (i, (role, cookie)) in people.iter().enumerate() {
        let who = format!("{role} ({})", app.t.engine);
        let allowed = matches!(role, Role::AccountAdmin | Role::AccountManager);
        let expect = if allowed { 200 } else { 403 };
        let page = app.get("/domains", Some(cookie)).await;
        assert_eq!(page.status, expect, "{who} /domains");
        let dashboard = app.get("/dashboard", Some(cookie)).await;
        assert_eq!(
            dashboard.body.contains("href=\"/domains\""),
            allowed,
            "{who}"
        );
        let domain = format!("d{i}.contoso.example");
        let reply = app
            .call(
                cookie,
                "add_domain",
                &[("domain", &domain), ("purchasing_account", "9876543210")],
            )
            .await;
        assert_eq!(reply.status, expect, "{who}: {}", reply.body);
        assert_eq!(
            reply.body.contains("business-center-verification="),
            allowed
        );
        let reply = app.call(cookie, "get_domains", &[]).await;
        assert_eq!(reply.status, expect, "{who}: {}", reply.body);
        if !allowed {
            let reply = app
                .call(cookie, "verify_domain", &[("domain_id", "1")])
                .await;
            assert_eq!(reply.status, 403, "{who}: {}", reply.body);
        }
    }

    // Fabrikam's administrator sends Contoso's domain id: not found.
    let olga = app.sign_up_olga().await;
    let olga_cookie = app.cookie_for(olga).await;
    let (contoso_domain,): (i64,) = sqlx::query_as("SELECT id FROM domains LIMIT 1")
        .fetch_one(&app.state.db)
        .await
        .expect("a domain");
    let reply = app
        .call(
            &olga_cookie,
            "verify_domain",
            &[("domain_id", &contoso_domain.to_string())],
        )
        .await;
    assert_eq!(reply.status, 404, "{}", reply.body);
    let page = app.get("/domains", Some(&olga_cookie)).await;
    assert!(
        !page.body.contains("contoso.example"),
        "no other organization's domains"
    );
    // Bad input is a 4xx with the reason.
    let reply = app
        .call(
            &people[0].1,
            "add_domain",
            &[
                ("domain", "hotmail.com"),
                ("purchasing_account", "9876543210"),
            ],
        )
        .await;
    assert_eq!(reply.status, 422, "{}", reply.body);
    assert!(reply.body.contains("DomainConsumer"), "{}", reply.body);
    app.close().await;
}
both_engines!(domains_are_for_account_admins_and_account_managers_of_the_organization);

/// What a Verify found is shown from the server's record of it; the
/// address only says which domain was checked, so a link cannot put
/// words in the page.
async fn a_checks_result_comes_from_the_server_not_the_address(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry = app.user(app.sign_up_harry().await).await;
    let cookie = app.cookie_for(harry.id).await;
    let reply = app
        .call(
            &cookie,
            "add_domain",
            &[
                ("domain", "contoso.example"),
                ("purchasing_account", "9876543210"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM domains")
        .fetch_one(&app.state.db)
        .await
        .expect("the domain");
    // As a Verify leaves it when DNS holds another value.
    sqlx::query("UPDATE domains SET last_result = $1 WHERE id = $2")
        .bind(r#"{"WrongValue":["v=spf1 -all"]}"#)
        .bind(id)
        .execute(&app.state.db)
        .await
        .expect("a check");
    let page = app
        .get(&format!("/domains?checked={id}"), Some(&cookie))
        .await;
    assert!(page.body.contains("v=spf1 -all"), "{}", page.body);
    let forged = r#"{"WrongValue":["Call 555-0100 to keep your account"]}"#;
    let forged: String = url::form_urlencoded::byte_serialize(forged.as_bytes()).collect();
    let page = app
        .get(
            &format!("/domains?checked={id}&found={forged}"),
            Some(&cookie),
        )
        .await;
    assert!(!page.body.contains("555-0100"), "{}", page.body);
    assert!(page.body.contains("v=spf1 -all"), "{}", page.body);
    app.close().await;
}
both_engines!(a_checks_result_comes_from_the_server_not_the_address);
