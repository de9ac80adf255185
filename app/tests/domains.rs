//! Domains proved by DNS, against a real DNS server on loopback: the
//! record present, absent, wrong, or the server down; what is refused
//! before any lookup; one organization per domain, even racing; the 7-day
//! pending expiry and the 3-failure lapse on the injectable clock.

use crate::common::DAY;
use app::both_engines;
use app::domain::wire::{DomainCheck, DomainStatus};
use app::domain::{AuditAction, Problem, Role};
use app::error::AppError;
use app::services::audit;
use app::services::audit::Actor;
use app::services::dns::{self, LookupFailure};
use app::services::events;
use app::services::testing::dns::DnsServer;
use app::services::testing::{TestApp, TestDb, NOW};
use app::services::{domains, provisioning};

/// The test state, its DNS lookups asking `server`.
fn with_dns(t: TestDb, server: &DnsServer) -> TestApp {
    TestApp::configured(t, |settings| settings.dns_resolver = Some(server.address))
}

/// The organization's verified domains, as provisioning offers them.
async fn verified_names(app: &TestApp, viewer: &Actor) -> Vec<String> {
    let page = provisioning::overview(&app.state, viewer).await;
    page.expect("provisioning").domains
}

#[tokio::test]
async fn txt_lookups_ask_the_configured_server() {
    let server = DnsServer::start().await;
    let resolver = Some(server.address);
    server.publish(
        "_business-center.contoso.com",
        "business-center-verification=abc",
    );
    server.publish("_business-center.contoso.com", "v=spf1 -all");
    let mut found = dns::txt(resolver, "_business-center.contoso.com")
        .await
        .expect("records");
    found.sort();
    assert_eq!(found, ["business-center-verification=abc", "v=spf1 -all"]);
    assert_eq!(
        dns::txt(resolver, "_business-center.fabrikam.com").await,
        Err(LookupFailure::NoRecord)
    );
    server.stop();
    assert!(matches!(
        dns::txt(resolver, "_business-center.contoso.com").await,
        Err(LookupFailure::Error(_))
    ));
}

async fn a_domain_is_verified_only_by_its_own_record(t: TestDb) {
    let server = DnsServer::start().await;
    let app = with_dns(t, &server);
    let harry = app.harry().await;
    let added = domains::add(&app.state, &harry, " Contoso.COM ", "9876543210")
        .await
        .expect("added");
    assert_eq!(added.name, "contoso.com");
    assert_eq!(added.record_name, "_business-center.contoso.com");
    assert!(added
        .record_value
        .starts_with("business-center-verification="));
    assert!(added.record_value.len() > "business-center-verification=".len() + 20);
    assert_eq!(
        added.status,
        DomainStatus::Pending {
            expires_at: NOW + 7 * DAY
        }
    );
    let verify_at = |at| {
        app.set_time(at);
        domains::verify(&app.state, &harry, added.id)
    };

    assert_eq!(
        verify_at(NOW).await,
        Ok(DomainCheck::NoRecord),
        "{}",
        app.engine()
    );
    server.publish(
        &added.record_name,
        "business-center-verification=someone-else",
    );
    assert_eq!(
        verify_at(NOW).await,
        Ok(DomainCheck::WrongValue(vec![
            "business-center-verification=someone-else".to_owned()
        ]))
    );
    server.publish(&added.record_name, &added.record_value);
    assert_eq!(verify_at(NOW + DAY).await, Ok(DomainCheck::Verified));
    let listed = domains::list(&app.state, &harry).await.expect("list");
    assert_eq!(
        listed[0].status,
        DomainStatus::Verified {
            verified_at: NOW + DAY
        }
    );
    assert_eq!(verified_names(&app, &harry).await, ["contoso.com"]);
    let log = audit::log(&app.state, &harry, None).await.expect("log");
    let actions: Vec<AuditAction> = log.iter().map(|(_, entry)| entry.action).collect();
    assert_eq!(
        actions,
        [AuditAction::DomainVerified, AuditAction::DomainAdded]
    );

    // A subdomain is covered already; the server being down is said so.
    app.set_time(NOW);
    let sub = domains::add(&app.state, &harry, "sales.contoso.com", "9876543210").await;
    assert_eq!(
        sub.err(),
        Some(AppError::field("domain", Problem::DomainAlreadyAdded))
    );
    let other = domains::add(&app.state, &harry, "contoso.net", "9876543210")
        .await
        .expect("added");
    server.stop();
    let down = domains::verify(&app.state, &harry, other.id).await;
    assert!(matches!(down, Ok(DomainCheck::DnsError(_))), "{down:?}");
    app.close().await;
}
both_engines!(a_domain_is_verified_only_by_its_own_record);

async fn bad_domains_are_refused_with_the_reason_before_any_lookup(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let add = |domain: &'static str, account: &'static str| {
        domains::add(&app.state, &harry, domain, account)
    };
    for (domain, problem) in [
        ("contoso", Problem::DomainInvalid),
        ("http://contoso.com", Problem::DomainInvalid),
        ("", Problem::Required),
        ("gmail.com", Problem::DomainConsumer),
        ("GoogleMail.com", Problem::DomainConsumer),
        ("outlook.com", Problem::DomainConsumer),
        ("hotmail.com", Problem::DomainConsumer),
        ("live.com", Problem::DomainConsumer),
        ("yahoo.com", Problem::DomainConsumer),
        ("icloud.com", Problem::DomainConsumer),
        ("gmx.de", Problem::DomainConsumer),
        ("web.de", Problem::DomainConsumer),
    ] {
        let refused = add(domain, "9876543210").await.expect_err(domain);
        assert_eq!(refused.problem_with("domain"), Some(problem), "{domain}");
    }
    let refused = add("contoso.com", "1111")
        .await
        .expect_err("unknown account");
    assert_eq!(
        refused.problem_with("purchasing_account"),
        Some(Problem::PurchasingAccountUnknown)
    );
    add("contoso.com", "9876543210").await.expect("added");
    let twice = add("contoso.com", "9876543210")
        .await
        .expect_err("pending already");
    assert_eq!(
        twice.problem_with("domain"),
        Some(Problem::DomainAlreadyAdded),
        "{}",
        app.engine()
    );

    // Roles: Account Admins and Account Managers only.
    for role in Role::CUSTOMER {
        let member = app
            .member(&harry, &format!("{}@contoso.com", role.key()), &[role])
            .await;
        let allowed = matches!(role, Role::AccountAdmin | Role::AccountManager);
        let listed = domains::list(&app.state, &member).await;
        assert_eq!(listed.is_ok(), allowed, "{role}");
        if !allowed {
            assert_eq!(listed.err(), Some(AppError::Forbidden));
        }
    }
    app.close().await;
}
both_engines!(bad_domains_are_refused_with_the_reason_before_any_lookup);

async fn one_organization_per_domain_even_when_two_verify_at_once(t: TestDb) {
    let server = DnsServer::start().await;
    let app = with_dns(t, &server);
    let harry = app.harry().await;
    let olga = app.olga().await;
    let contoso = domains::add(&app.state, &harry, "shared.example", "9876543210")
        .await
        .expect("Contoso adds");
    let fabrikam = domains::add(&app.state, &olga, "shared.example", "77")
        .await
        .expect("Fabrikam adds too: nobody has verified it yet");
    server.publish(&contoso.record_name, &contoso.record_value);
    server.publish(&fabrikam.record_name, &fabrikam.record_value);
    let (first, second) = tokio::join!(
        domains::verify(&app.state, &harry, contoso.id),
        domains::verify(&app.state, &olga, fabrikam.id),
    );
    let results = [first, second];
    let verified = results
        .iter()
        .filter(|result| **result == Ok(DomainCheck::Verified))
        .count();
    let taken = results
        .iter()
        .filter(|result| **result == Err(AppError::field("domain", Problem::DomainTaken)))
        .count();
    assert_eq!((verified, taken), (1, 1), "{} {results:?}", app.engine());
    let (owners,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM domains WHERE name = 'shared.example' AND status = 'verified'",
    )
    .fetch_one(app.db())
    .await
    .expect("count");
    assert_eq!(owners, 1);

    // Afterwards, the name and its subdomains are refused to the other.
    let loser = if results[0].is_ok() { &olga } else { &harry };
    let account = if results[0].is_ok() {
        "77"
    } else {
        "9876543210"
    };
    for name in ["shared.example", "sub.shared.example"] {
        let refused = domains::add(&app.state, loser, name, account)
            .await
            .expect_err(name);
        assert_eq!(
            refused.problem_with("domain"),
            Some(Problem::DomainTaken),
            "{name}"
        );
    }
    app.close().await;
}
both_engines!(
    one_organization_per_domain_even_when_two_verify_at_once,
    multi_thread
);

/// How kept.example stands in the list, at the clock's time.
async fn kept_status(app: &TestApp, harry: &Actor) -> DomainStatus {
    let listed = domains::list(&app.state, harry).await.expect("list");
    listed
        .into_iter()
        .find(|row| row.name == "kept.example")
        .expect("listed")
        .status
}

async fn pending_domains_expire_after_seven_days_and_verified_ones_lapse_after_three_failures(
    t: TestDb,
) {
    let server = DnsServer::start().await;
    let app = with_dns(t, &server);
    let harry = app.harry().await;
    let late = domains::add(&app.state, &harry, "late.example", "9876543210")
        .await
        .expect("added");
    server.publish(&late.record_name, &late.record_value);
    app.set_time(NOW + 7 * DAY);
    assert_eq!(
        domains::verify(&app.state, &harry, late.id).await,
        Ok(DomainCheck::Expired),
        "{}",
        app.engine()
    );

    app.set_time(NOW);
    let kept = domains::add(&app.state, &harry, "kept.example", "9876543210")
        .await
        .expect("added");
    server.publish(&kept.record_name, &kept.record_value);
    assert_eq!(
        domains::verify(&app.state, &harry, kept.id).await,
        Ok(DomainCheck::Verified)
    );
    let recheck = |at| {
        app.set_time(at);
        domains::recheck_due(&app.state)
    };
    assert_eq!(recheck(NOW + DAY - 1).await, Ok(0), "not due yet");
    assert_eq!(recheck(NOW + DAY).await, Ok(1), "due after a day");
    assert_eq!(recheck(NOW + DAY + 60).await, Ok(0), "checked once a day");

    server.clear(&kept.record_name);
    let status = |at| {
        app.set_time(at);
        kept_status(&app, &harry)
    };
    recheck(NOW + 2 * DAY).await.expect("first failure");
    recheck(NOW + 3 * DAY).await.expect("second failure");
    assert!(matches!(
        status(NOW + 3 * DAY).await,
        DomainStatus::Verified { .. }
    ));
    assert!(app
        .queued_mail()
        .await
        .iter()
        .all(|mail| !mail.subject.contains("kept.example")));
    recheck(NOW + 4 * DAY).await.expect("third failure");
    assert_eq!(status(NOW + 4 * DAY).await, DomainStatus::Lapsed);
    let told: Vec<String> = app
        .queued_mail()
        .await
        .into_iter()
        .filter(|mail| mail.subject.contains("kept.example"))
        .map(|mail| mail.to_email)
        .collect();
    assert_eq!(told, ["harry@contoso.com"]);
    assert!(verified_names(&app, &harry).await.is_empty());
    // Scripts hear of it as they heard of the verification.
    app.set_time(NOW + 5 * DAY);
    let contoso = events::Audience::Organization(harry.user.organization_id);
    let announced: Vec<(String, serde_json::Value)> = events::list(&app.state, contoso, 0)
        .await
        .expect("events")
        .into_iter()
        .filter(|event| event.kind.starts_with("domain."))
        .map(|event| (event.kind, event.data["domain_id"].clone()))
        .collect();
    assert_eq!(
        announced,
        [
            ("domain.verified".to_owned(), kept.id.into()),
            ("domain.unverified".to_owned(), kept.id.into())
        ]
    );
    app.set_time(NOW + 8 * DAY);
    let listed = domains::list(&app.state, &harry).await.expect("list");
    let late_status = listed
        .iter()
        .find(|row| row.name == "late.example")
        .expect("late")
        .status;
    assert_eq!(late_status, DomainStatus::Expired);
    app.close().await;
}
both_engines!(pending_domains_expire_after_seven_days_and_verified_ones_lapse_after_three_failures);

/// A server that dies while it checks a domain again leaves the domain due
/// again after a short lease, not a day later.
async fn a_check_cut_short_is_taken_over_within_a_minute(t: TestDb) {
    // A resolver that never answers: the lookup hangs until it is dropped.
    let silent = tokio::net::UdpSocket::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = silent.local_addr().expect("address");
    let app = TestApp::configured(t, |settings| settings.dns_resolver = Some(address));
    let harry = app.harry().await;
    app.verified_domain(harry.user.organization_id, "contoso.com")
        .await;
    app.set_time(NOW + DAY);
    // Claimed, then cut off mid-lookup, as by a crash.
    let cut = tokio::time::timeout(
        std::time::Duration::from_millis(300),
        domains::recheck_due(&app.state),
    );
    assert!(cut.await.is_err(), "the lookup was still waiting");
    app.set_time(NOW + DAY + 1);
    let claimed = domains::recheck_due(&app.state).await;
    assert_eq!(
        claimed,
        Ok(0),
        "{}: held while the lease lasts",
        app.engine()
    );
    app.set_time(NOW + DAY + domains::CHECK_LEASE_SECS + 1);
    // Taken over (the lookup still gets no answer: a failed check).
    let taken = domains::recheck_due(&app.state).await;
    assert_eq!(taken, Ok(1), "{}", app.engine());
    app.close().await;
}
both_engines!(a_check_cut_short_is_taken_over_within_a_minute);
