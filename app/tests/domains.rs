//! Domains proved by DNS, against a real DNS server on loopback: the
//! record present, absent, wrong, or the server down; what is refused
//! before any lookup; one organization per domain, even racing; the 7-day
//! pending expiry and the 3-failure lapse on the injectable clock.

use crate::common::{load, queued_mail, DAY};
use app::both_engines;
use app::domain::wire::{DomainCheck, DomainStatus};
use app::domain::{AuditAction, Problem, Role};
use app::error::AppError;
use app::services::dns::{self, LookupFailure};
use app::services::domains;
use app::services::outbox::Outbox;
use app::services::password::Hasher;
use app::services::testing::dns::DnsServer;
use app::services::testing::{self, actor, settings, TestDb, NOW};
use app::services::{audit, Settings};

fn with_dns(server: &DnsServer) -> Settings {
    Settings {
        dns_resolver: Some(server.address),
        ..settings()
    }
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
    let settings = with_dns(&server);
    let harry = testing::harry(&t.db, NOW).await;
    let added = domains::add(&t.db, NOW, &actor(&harry), " Contoso.COM ", "9876543210")
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
    let harry_acts = actor(&harry);
    let verify = |now| domains::verify(&t.db, &settings, now, &harry_acts, added.id);

    assert_eq!(verify(NOW).await, Ok(DomainCheck::NoRecord), "{}", t.engine);
    server.publish(
        &added.record_name,
        "business-center-verification=someone-else",
    );
    assert_eq!(
        verify(NOW).await,
        Ok(DomainCheck::WrongValue(vec![
            "business-center-verification=someone-else".to_owned()
        ]))
    );
    server.publish(&added.record_name, &added.record_value);
    assert_eq!(verify(NOW + DAY).await, Ok(DomainCheck::Verified));
    let listed = domains::list(&t.db, &harry, NOW + DAY).await.expect("list");
    assert_eq!(
        listed[0].status,
        DomainStatus::Verified {
            verified_at: NOW + DAY
        }
    );
    assert_eq!(
        domains::verified_names(&t.db, harry.organization_id)
            .await
            .expect("names"),
        ["contoso.com"]
    );
    let log = audit::log(&t.db, &harry, None).await.expect("log");
    let actions: Vec<AuditAction> = log.iter().map(|(_, entry)| entry.action).collect();
    assert_eq!(
        actions,
        [AuditAction::DomainVerified, AuditAction::DomainAdded]
    );

    // A subdomain is covered already; the server being down is said so.
    let sub = domains::add(
        &t.db,
        NOW,
        &actor(&harry),
        "sales.contoso.com",
        "9876543210",
    )
    .await;
    assert_eq!(
        sub.err(),
        Some(AppError::field("domain", Problem::DomainAlreadyAdded))
    );
    let other = domains::add(&t.db, NOW, &actor(&harry), "contoso.net", "9876543210")
        .await
        .expect("added");
    server.stop();
    let down = domains::verify(&t.db, &settings, NOW, &actor(&harry), other.id).await;
    assert!(matches!(down, Ok(DomainCheck::DnsError(_))), "{down:?}");
}
both_engines!(a_domain_is_verified_only_by_its_own_record);

async fn bad_domains_are_refused_with_the_reason_before_any_lookup(t: TestDb) {
    let harry = testing::harry(&t.db, NOW).await;
    let add = |domain: &'static str, account: &'static str| {
        let actor = actor(&harry);
        let db = t.db.clone();
        async move { domains::add(&db, NOW, &actor, domain, account).await }
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
        t.engine
    );

    // Roles: Account Admins and Account Managers only.
    for role in Role::CUSTOMER {
        let member = crate::common::member(
            &t.db,
            &Hasher::default(),
            &harry,
            &format!("{}@contoso.com", role.key()),
            &[role],
        )
        .await;
        let allowed = matches!(role, Role::AccountAdmin | Role::AccountManager);
        let listed = domains::list(&t.db, &member, NOW).await;
        assert_eq!(listed.is_ok(), allowed, "{role}");
        if !allowed {
            assert_eq!(listed.err(), Some(AppError::Forbidden));
        }
    }
}
both_engines!(bad_domains_are_refused_with_the_reason_before_any_lookup);

async fn one_organization_per_domain_even_when_two_verify_at_once(t: TestDb) {
    let server = DnsServer::start().await;
    let settings = with_dns(&server);
    let harry = testing::harry(&t.db, NOW).await;
    let olga = load(
        &t.db,
        testing::sign_up_olga(&t.db, &settings, &Hasher::default(), NOW).await,
    )
    .await;
    let contoso = domains::add(&t.db, NOW, &actor(&harry), "shared.example", "9876543210")
        .await
        .expect("Contoso adds");
    let fabrikam = domains::add(&t.db, NOW, &actor(&olga), "shared.example", "77")
        .await
        .expect("Fabrikam adds too: nobody has verified it yet");
    server.publish(&contoso.record_name, &contoso.record_value);
    server.publish(&fabrikam.record_name, &fabrikam.record_value);
    let (harry_acts, olga_acts) = (actor(&harry), actor(&olga));
    let (first, second) = tokio::join!(
        domains::verify(&t.db, &settings, NOW, &harry_acts, contoso.id),
        domains::verify(&t.db, &settings, NOW, &olga_acts, fabrikam.id),
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
    assert_eq!((verified, taken), (1, 1), "{} {results:?}", t.engine);
    let (owners,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM domains WHERE name = 'shared.example' AND status = 'verified'",
    )
    .fetch_one(&t.db)
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
        let refused = domains::add(&t.db, NOW, &actor(loser), name, account)
            .await
            .expect_err(name);
        assert_eq!(
            refused.problem_with("domain"),
            Some(Problem::DomainTaken),
            "{name}"
        );
    }
}
both_engines!(
    one_organization_per_domain_even_when_two_verify_at_once,
    multi_thread
);

async fn pending_domains_expire_after_seven_days_and_verified_ones_lapse_after_three_failures(
    t: TestDb,
) {
    let server = DnsServer::start().await;
    let settings = with_dns(&server);
    let harry = testing::harry(&t.db, NOW).await;
    let late = domains::add(&t.db, NOW, &actor(&harry), "late.example", "9876543210")
        .await
        .expect("added");
    server.publish(&late.record_name, &late.record_value);
    assert_eq!(
        domains::verify(&t.db, &settings, NOW + 7 * DAY, &actor(&harry), late.id).await,
        Ok(DomainCheck::Expired),
        "{}",
        t.engine
    );

    let kept = domains::add(&t.db, NOW, &actor(&harry), "kept.example", "9876543210")
        .await
        .expect("added");
    server.publish(&kept.record_name, &kept.record_value);
    assert_eq!(
        domains::verify(&t.db, &settings, NOW, &actor(&harry), kept.id).await,
        Ok(DomainCheck::Verified)
    );
    let mail_outbox = Outbox::default();
    let recheck = |now| domains::recheck_due(&t.db, &settings, &mail_outbox, now);
    assert_eq!(recheck(NOW + DAY - 1).await, Ok(0), "not due yet");
    assert_eq!(recheck(NOW + DAY).await, Ok(1), "due after a day");
    assert_eq!(recheck(NOW + DAY + 60).await, Ok(0), "checked once a day");

    server.clear(&kept.record_name);
    let status = |now| {
        let db = t.db.clone();
        let harry = harry.clone();
        async move {
            let listed = domains::list(&db, &harry, now).await.expect("list");
            listed
                .into_iter()
                .find(|row| row.name == "kept.example")
                .expect("listed")
                .status
        }
    };
    recheck(NOW + 2 * DAY).await.expect("first failure");
    recheck(NOW + 3 * DAY).await.expect("second failure");
    assert!(matches!(
        status(NOW + 3 * DAY).await,
        DomainStatus::Verified { .. }
    ));
    assert!(queued_mail(&t.db)
        .await
        .iter()
        .all(|mail| !mail.subject.contains("kept.example")));
    recheck(NOW + 4 * DAY).await.expect("third failure");
    assert_eq!(status(NOW + 4 * DAY).await, DomainStatus::Lapsed);
    let told: Vec<String> = queued_mail(&t.db)
        .await
        .into_iter()
        .filter(|mail| mail.subject.contains("kept.example"))
        .map(|mail| mail.to_email)
        .collect();
    assert_eq!(told, ["harry@contoso.com"]);
    assert!(domains::verified_names(&t.db, harry.organization_id)
        .await
        .expect("names")
        .is_empty());
    let listed = domains::list(&t.db, &harry, NOW + 8 * DAY)
        .await
        .expect("list");
    let late_status = listed
        .iter()
        .find(|row| row.name == "late.example")
        .expect("late")
        .status;
    assert_eq!(late_status, DomainStatus::Expired);
}
both_engines!(pending_domains_expire_after_seven_days_and_verified_ones_lapse_after_three_failures);
