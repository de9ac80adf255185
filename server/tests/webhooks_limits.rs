//! Webhooks at their edges: a receiver down for days, addresses on the
//! server's own network, who may manage endpoints, secret rotation, and a
//! server that dies mid-delivery.

use serde_json::{json, Value};

use crate::api_v1::{call, token_for};
use crate::common::TestApp;
use crate::webhooks::{add_webhook, get_json, invite, private_allowed, Receiver};
use app::both_engines;
use app::domain::Role;
use app::services::testing::{self, TestDb};
use app::services::tokens;
use app::services::webhooks::delivery;
use server::webhook_worker::{deliver_due, Sender};

fn sender() -> Sender {
    Sender::new(true).expect("client")
}

async fn an_endpoint_failing_for_three_days_is_disabled_and_admins_told(t: TestDb) {
    let app = private_allowed(t).await;
    let harry = app.sign_up_harry().await;
    let token = token_for(&app, harry, &[Role::AccountAdmin]).await;
    // A port nobody listens on: the receiver is down.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/hook", closed.local_addr().expect("address"));
    drop(closed);
    let (endpoint, _) = add_webhook(&app, &token, &url, &["invitation.created"]).await;
    invite(&app, &token, "ana@contoso.com").await;
    for wait in delivery::RETRY_SCHEDULE {
        assert_eq!(
            deliver_due(&app.state, &sender()).await.expect("deliver"),
            1
        );
        let listed = get_json(&app, &token, "/api/v1/webhooks").await;
        assert_eq!(listed["webhooks"][0]["disabled"], Value::Null, "{listed}");
        app.advance(wait);
    }
    // The tenth attempt, over three days after the first failed.
    assert_eq!(
        deliver_due(&app.state, &sender()).await.expect("deliver"),
        1
    );
    let listed = get_json(&app, &token, "/api/v1/webhooks").await;
    assert_eq!(listed["webhooks"][0]["disabled"], "failing", "{listed}");
    let deliveries = get_json(
        &app,
        &token,
        &format!("/api/v1/webhooks/{endpoint}/deliveries"),
    )
    .await;
    let last = &deliveries["deliveries"][0];
    assert!(
        last["error"]
            .as_str()
            .is_some_and(|error| error.starts_with("could not connect")),
        "{deliveries}"
    );
    assert_eq!(last.get("response_status"), None);
    let told = app.queued_mail().await;
    assert!(
        told.iter().any(|mail| mail.to_email == "harry@contoso.com"
            && mail.body_text.contains("failed for 3 days")),
        "{}",
        app.t.engine
    );
    app.close().await;
}

both_engines!(an_endpoint_failing_for_three_days_is_disabled_and_admins_told);

/// Without `WEBHOOK_ALLOW_PRIVATE`, neither the address typed nor what a
/// name resolves to when a delivery is made may be on a private network.
async fn private_addresses_are_refused_unless_allowed(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry = app.sign_up_harry().await;
    let token = token_for(&app, harry, &[Role::AccountAdmin]).await;
    for (url, problem) in [
        ("http://hooks.example.com/in", "WebhookUrlInvalid"),
        ("https://127.0.0.1:9/in", "WebhookUrlPrivate"),
        (
            "https://169.254.169.254/latest/meta-data",
            "WebhookUrlPrivate",
        ),
        ("https://[::1]/in", "WebhookUrlPrivate"),
        ("https://localhost/in", "WebhookUrlPrivate"),
    ] {
        let body = json!({ "url": url, "events": ["invitation.created"] }).to_string();
        let reply = app
            .send(call("POST", "/api/v1/webhooks", Some(&token), Some(&body)))
            .await;
        assert_eq!(reply.status, 422, "{url}: {}", reply.body);
        let answer: Value = serde_json::from_str(&reply.body).expect("json");
        assert_eq!(answer["errors"][0]["field"], "url");
        assert_eq!(answer["errors"][0]["problem"], problem, "{url}");
    }
    let body = json!({ "url": "https://hooks.example.com/in", "events": ["agreement.created"] });
    let reply = app
        .send(call(
            "POST",
            "/api/v1/webhooks",
            Some(&token),
            Some(&body.to_string()),
        ))
        .await;
    assert_eq!(reply.status, 422, "an operator's event: {}", reply.body);
    app.close().await;
}

both_engines!(private_addresses_are_refused_unless_allowed);

/// A name that resolves to loopback when the delivery is made reaches
/// nothing: the sender connects only to public addresses.
async fn a_name_resolving_to_loopback_at_delivery_is_not_called(t: TestDb) {
    let app = private_allowed(t).await;
    let harry = app.sign_up_harry().await;
    let token = token_for(&app, harry, &[Role::AccountAdmin]).await;
    let (receiver, url) = Receiver::start().await;
    // https, as a strict server requires; the connection is never made.
    let by_name = url.replace("http://127.0.0.1", "https://localhost");
    let (endpoint, _) = add_webhook(&app, &token, &by_name, &["invitation.created"]).await;
    invite(&app, &token, "ana@contoso.com").await;
    let strict = Sender::new(false).expect("client");
    assert_eq!(deliver_due(&app.state, &strict).await.expect("deliver"), 1);
    assert!(receiver.received().is_empty());
    let deliveries = get_json(
        &app,
        &token,
        &format!("/api/v1/webhooks/{endpoint}/deliveries"),
    )
    .await;
    let error = deliveries["deliveries"][0]["error"].as_str().unwrap_or("");
    assert!(error.contains("no public address"), "{deliveries}");
    app.close().await;
}

both_engines!(a_name_resolving_to_loopback_at_delivery_is_not_called);

async fn only_admins_manage_their_own_endpoints_and_the_operator_its_own(t: TestDb) {
    let app = private_allowed(t).await;
    let harry = app.sign_up_harry().await;
    let admin = token_for(&app, harry, &[Role::AccountAdmin]).await;
    let (receiver, url) = Receiver::start().await;
    let (endpoint, _) = add_webhook(&app, &admin, &url, &["invitation.created"]).await;

    // A User Admin's token may not; another organization sees a 404.
    let ana = app
        .member(
            &app.actor(harry).await,
            "ana@contoso.com",
            &[Role::UserAdmin],
        )
        .await;
    let user_admin = token_for(&app, ana.user.id, &[Role::UserAdmin]).await;
    let reply = app
        .send(call("GET", "/api/v1/webhooks", Some(&user_admin), None))
        .await;
    assert_eq!(reply.status, 403, "{}", reply.body);
    let olga = app.sign_up_olga().await;
    let other = token_for(&app, olga, &[Role::AccountAdmin]).await;
    for (method, path) in [
        ("DELETE", format!("/api/v1/webhooks/{endpoint}")),
        ("GET", format!("/api/v1/webhooks/{endpoint}/deliveries")),
        ("POST", format!("/api/v1/webhooks/{endpoint}/test")),
        ("POST", format!("/api/v1/webhooks/{endpoint}/rotate-secret")),
    ] {
        let reply = app.send(call(method, &path, Some(&other), None)).await;
        assert_eq!(reply.status, 404, "{method} {path}: {}", reply.body);
    }
    assert_eq!(
        get_json(&app, &other, "/api/v1/webhooks").await["webhooks"],
        json!([])
    );

    // The operator's endpoint hears of agreements, not of organizations.
    let operator = tokens::create_for_operator(&app.state, "orders", 30)
        .await
        .expect("token")
        .secret;
    let (_, secret) = add_webhook(&app, &operator, &url, &["agreement.created"]).await;
    let body = json!({ "url": url, "events": ["invitation.created"] }).to_string();
    let reply = app
        .send(call(
            "POST",
            "/api/v1/webhooks",
            Some(&operator),
            Some(&body),
        ))
        .await;
    assert_eq!(reply.status, 422, "{}", reply.body);
    app.register(app::services::agreements::AgreementInput {
        agreement_number: "6666666666".into(),
        organization: "Northwind".into(),
        admin_email: "nina@northwind.com".into(),
        ..testing::fabrikam()
    })
    .await;
    deliver_due(&app.state, &sender()).await.expect("deliver");
    let received = receiver.received();
    let operators: Vec<_> = received
        .iter()
        .filter(|received| received.body.contains("agreement.created"))
        .collect();
    assert_eq!(operators.len(), 1, "{}", app.t.engine);
    standardwebhooks::Webhook::new(&secret)
        .expect("secret")
        .verify(operators[0].body.as_bytes(), &operators[0].headers)
        .expect("signed with the operator endpoint's secret");
    app.close().await;
}

both_engines!(only_admins_manage_their_own_endpoints_and_the_operator_its_own);

/// After a rotation both secrets sign for a day, so a receiver switching
/// over misses nothing; a test event reaches the endpoint on request.
async fn a_rotated_secret_signs_beside_the_old_one_for_a_day(t: TestDb) {
    let app = private_allowed(t).await;
    let harry = app.sign_up_harry().await;
    let token = token_for(&app, harry, &[Role::AccountAdmin]).await;
    let (receiver, url) = Receiver::start().await;
    let (endpoint, old) = add_webhook(&app, &token, &url, &["invitation.created"]).await;
    let rotate = format!("/api/v1/webhooks/{endpoint}/rotate-secret");
    let reply = app.send(call("POST", &rotate, Some(&token), None)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let new: Value = serde_json::from_str(&reply.body).expect("json");
    let new = new["secret"].as_str().expect("secret").to_owned();
    assert_ne!(new, old);

    let test = format!("/api/v1/webhooks/{endpoint}/test");
    let reply = app.send(call("POST", &test, Some(&token), None)).await;
    assert_eq!(reply.status, 202, "{}", reply.body);
    deliver_due(&app.state, &sender()).await.expect("deliver");
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    assert!(received[0].body.contains("webhook.test"));
    for secret in [&old, &new] {
        standardwebhooks::Webhook::new(secret)
            .expect("secret")
            .verify(received[0].body.as_bytes(), &received[0].headers)
            .expect("both secrets sign during the overlap");
    }
    // A test event is not one of the organization's events.
    app.advance(3);
    let events = get_json(&app, &token, "/api/v1/events").await;
    assert!(!events.to_string().contains("webhook.test"), "{events}");

    // A day later only the new one signs.
    app.advance(24 * 60 * 60);
    let reply = app.send(call("POST", &test, Some(&token), None)).await;
    assert_eq!(reply.status, 202, "{}", reply.body);
    deliver_due(&app.state, &sender()).await.expect("deliver");
    let last = receiver.received().pop().expect("delivered");
    let signatures = last.headers["webhook-signature"].to_str().expect("ascii");
    assert_eq!(signatures.split(' ').count(), 1, "{signatures}");
    app.close().await;
}

both_engines!(a_rotated_secret_signs_beside_the_old_one_for_a_day);

/// A server that claims a delivery and dies leaves it to another once the
/// lease lapses: delivered late, never lost.
async fn a_delivery_a_dead_server_held_is_taken_over(t: TestDb) {
    let app = private_allowed(t).await;
    let harry = app.sign_up_harry().await;
    let token = token_for(&app, harry, &[Role::AccountAdmin]).await;
    let (receiver, url) = Receiver::start().await;
    add_webhook(&app, &token, &url, &["invitation.created"]).await;
    invite(&app, &token, "ana@contoso.com").await;
    let held = delivery::claim_due(&app.state, 10).await.expect("claim");
    assert_eq!(held.len(), 1);
    // ... and the server holding it is gone.
    assert_eq!(
        deliver_due(&app.state, &sender()).await.expect("deliver"),
        0
    );
    app.advance(delivery::LEASE_SECS + 1);
    assert_eq!(
        deliver_due(&app.state, &sender()).await.expect("deliver"),
        1
    );
    assert_eq!(receiver.received().len(), 1);
    // The dead server's late report changes nothing.
    let late = delivery::Attempt::Answered {
        status: 500,
        retry_after: None,
    };
    delivery::finish(&app.state, &held[0], late)
        .await
        .expect("finish");
    let listed = get_json(&app, &token, "/api/v1/webhooks").await;
    assert_eq!(listed["webhooks"][0]["pending"], 0, "{listed}");
    app.close().await;
}

both_engines!(a_delivery_a_dead_server_held_is_taken_over);

/// Two servers' workers on one database: every event is delivered once,
/// and in order to each endpoint.
async fn two_workers_deliver_each_event_once_in_order(t: TestDb) {
    let app = private_allowed(t).await;
    let harry = app.sign_up_harry().await;
    let token = token_for(&app, harry, &[Role::AccountAdmin]).await;
    let (first, first_url) = Receiver::start().await;
    let (second, second_url) = Receiver::start().await;
    add_webhook(&app, &token, &first_url, &["invitation.created"]).await;
    add_webhook(&app, &token, &second_url, &["invitation.created"]).await;
    let mut sent = Vec::new();
    for name in ["ana", "bob", "carl", "dan", "eve", "fay"] {
        let email = format!("{name}@contoso.com");
        invite(&app, &token, &email).await;
        sent.push(email);
    }
    let (one, two) = (sender(), sender());
    let (a, b) = tokio::join!(deliver_due(&app.state, &one), deliver_due(&app.state, &two));
    assert_eq!(
        a.expect("worker") + b.expect("worker"),
        12,
        "{}",
        app.t.engine
    );
    for receiver in [first, second] {
        let emails: Vec<String> = receiver
            .received()
            .iter()
            .map(|received| {
                let event: Value = serde_json::from_str(&received.body).expect("json");
                event["data"]["email"].as_str().expect("email").to_owned()
            })
            .collect();
        assert_eq!(emails, sent);
    }
    app.close().await;
}

both_engines!(two_workers_deliver_each_event_once_in_order);
