//! Webhooks end to end: an endpoint added through the API, events
//! written by the changes, and the worker's HTTP deliveries to a real
//! receiver on loopback, checked with the Standard Webhooks reference
//! library.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::http::HeaderMap;
use serde_json::{json, Value};

use crate::api_v1::{call, token_for};
use crate::common::TestApp;
use app::both_engines;
use app::domain::Role;
use app::services::testing::TestDb;
use server::webhook_worker::{deliver_due, Sender};

/// What the receiver was sent.
#[derive(Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: String,
}

/// A status to answer with, and the `Retry-After` to send with it.
type Answer = (u16, Option<&'static str>);

/// A webhook receiver on loopback: records every request and answers
/// each with the next status queued (200 once none is left).
#[derive(Clone, Default)]
pub struct Receiver {
    pub received: Arc<Mutex<Vec<Received>>>,
    answers: Arc<Mutex<VecDeque<Answer>>>,
}

impl Receiver {
    /// Starts one; returns it and its URL.
    pub async fn start() -> (Receiver, String) {
        let receiver = Receiver::default();
        let shared = receiver.clone();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: String| {
                let shared = shared.clone();
                async move {
                    shared
                        .received
                        .lock()
                        .expect("lock")
                        .push(Received { headers, body });
                    let (status, retry_after) = shared
                        .answers
                        .lock()
                        .expect("lock")
                        .pop_front()
                        .unwrap_or((200, None));
                    let mut response = axum::http::Response::builder().status(status);
                    if let Some(wait) = retry_after {
                        response = response.header("retry-after", wait);
                    }
                    response.body(axum::body::Body::empty()).expect("response")
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}/hook", listener.local_addr().expect("address"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        (receiver, url)
    }

    pub fn answer(&self, status: u16, retry_after: Option<&'static str>) {
        self.answers
            .lock()
            .expect("lock")
            .push_back((status, retry_after));
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }
}

/// The app with private addresses allowed (the receiver is on loopback),
/// its clock on the real time: receivers check `webhook-timestamp`.
pub async fn private_allowed(t: TestDb) -> TestApp {
    let app = TestApp::configured(t, |settings| settings.webhook_allow_private = true).await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_secs();
    app.set_time(now as i64);
    app
}

pub async fn add_webhook(app: &TestApp, token: &str, url: &str, events: &[&str]) -> (i64, String) {
    let body = json!({ "url": url, "events": events }).to_string();
    let reply = app
        .send(call("POST", "/api/v1/webhooks", Some(token), Some(&body)))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let created: Value = serde_json::from_str(&reply.body).expect("json");
    let secret = created["secret"].as_str().expect("secret").to_owned();
    (created["id"].as_i64().expect("id"), secret)
}

pub async fn invite(app: &TestApp, token: &str, email: &str) -> i64 {
    let body = json!({ "email": email, "first_name": "Ana", "last_name": "Bell",
                       "roles": ["account_viewer"] })
    .to_string();
    let reply = app
        .send(call(
            "POST",
            "/api/v1/invitations",
            Some(token),
            Some(&body),
        ))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let invitation: Value = serde_json::from_str(&reply.body).expect("json");
    invitation["id"].as_i64().expect("id")
}

pub async fn get_json(app: &TestApp, token: &str, path: &str) -> Value {
    let reply = app.send(call("GET", path, Some(token), None)).await;
    assert_eq!(reply.status, 200, "{path}: {}", reply.body);
    serde_json::from_str(&reply.body).expect("json")
}

fn sender() -> Sender {
    Sender::new(true).expect("client")
}

async fn a_script_adds_a_webhook_and_receives_signed_events(t: TestDb) {
    let app = private_allowed(t).await;
    let harry = app.sign_up_harry().await;
    let token = token_for(&app, harry, &[Role::AccountAdmin]).await;
    let (receiver, url) = Receiver::start().await;
    let (endpoint, secret) = add_webhook(
        &app,
        &token,
        &url,
        &["invitation.created", "invitation.revoked"],
    )
    .await;
    assert!(secret.starts_with("whsec_"), "{secret}");

    let invitation = invite(&app, &token, "ana@contoso.com").await;
    assert_eq!(
        deliver_due(&app.state, &sender()).await.expect("deliver"),
        1
    );
    let received = receiver.received();
    assert_eq!(received.len(), 1, "{}", app.t.engine);
    let Received { headers, body } = &received[0];
    // The reference library accepts what we signed, and not a changed body.
    let verifier = standardwebhooks::Webhook::new(&secret).expect("secret");
    verifier
        .verify(body.as_bytes(), headers)
        .expect("a valid Standard Webhooks signature");
    let forged = body.replace("ana@", "eve@");
    assert!(verifier.verify(forged.as_bytes(), headers).is_err());
    let event: Value = serde_json::from_str(body).expect("json");
    assert_eq!(event["type"], "invitation.created");
    assert_eq!(event["data"]["invitation_id"], invitation);
    assert_eq!(event["data"]["email"], "ana@contoso.com");
    assert_eq!(event["data"]["roles"], json!(["account_viewer"]));
    let id = headers["webhook-id"].to_str().expect("id").to_owned();
    assert!(id.starts_with("msg_"), "{id}");

    // Unsubscribed kinds are not sent; revoking is.
    let revoke = format!("/api/v1/invitations/{invitation}");
    let reply = app.send(call("DELETE", &revoke, Some(&token), None)).await;
    assert_eq!(reply.status, 204, "{}", reply.body);
    deliver_due(&app.state, &sender()).await.expect("deliver");
    let kinds: Vec<String> = receiver
        .received()
        .iter()
        .map(|received| {
            let event: Value = serde_json::from_str(&received.body).expect("json");
            event["type"].as_str().expect("type").to_owned()
        })
        .collect();
    assert_eq!(kinds, ["invitation.created", "invitation.revoked"]);

    let deliveries = get_json(
        &app,
        &token,
        &format!("/api/v1/webhooks/{endpoint}/deliveries"),
    )
    .await;
    let first = &deliveries["deliveries"][1];
    assert_eq!(first["status"], "delivered", "{deliveries}");
    assert_eq!(first["response_status"], 200);
    assert_eq!(first["attempts"], 1);

    // Redelivered on request, with the same webhook-id.
    let again = format!(
        "/api/v1/webhooks/{endpoint}/deliveries/{}/redeliver",
        first["id"]
    );
    let reply = app.send(call("POST", &again, Some(&token), None)).await;
    assert_eq!(reply.status, 202, "{}", reply.body);
    deliver_due(&app.state, &sender()).await.expect("deliver");
    let received = receiver.received();
    assert_eq!(received.len(), 3);
    assert_eq!(received[2].headers["webhook-id"], id.as_str());

    // The same events, in order, through the API, once settled.
    let events = get_json(&app, &token, "/api/v1/events").await;
    assert_eq!(events["events"], json!([]), "not yet settled");
    app.advance(3);
    let events = get_json(&app, &token, "/api/v1/events").await;
    let listed: Vec<&str> = events["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|event| event["type"].as_str())
        .collect();
    // Harry's own invitation and its acceptance came first.
    assert_eq!(
        listed,
        [
            "invitation.created",
            "invitation.accepted",
            "invitation.created",
            "invitation.revoked"
        ],
        "{events}"
    );
    let after = events["next_after"].as_i64().expect("cursor");
    let rest = get_json(&app, &token, &format!("/api/v1/events?after={after}")).await;
    assert_eq!(rest["events"], json!([]));
    assert_eq!(rest["next_after"], after);
    app.close().await;
}

both_engines!(a_script_adds_a_webhook_and_receives_signed_events);

async fn failures_are_retried_in_order_and_410_disables(t: TestDb) {
    let app = private_allowed(t).await;
    let harry = app.sign_up_harry().await;
    let token = token_for(&app, harry, &[Role::AccountAdmin]).await;
    let (receiver, url) = Receiver::start().await;
    let (endpoint, _) = add_webhook(&app, &token, &url, &["invitation.created"]).await;
    receiver.answer(500, None);
    invite(&app, &token, "ana@contoso.com").await;
    invite(&app, &token, "bob@contoso.com").await;

    assert_eq!(
        deliver_due(&app.state, &sender()).await.expect("deliver"),
        1
    );
    // Ana's waits 5 s, and Bob's waits behind it.
    assert_eq!(
        deliver_due(&app.state, &sender()).await.expect("deliver"),
        0
    );
    app.advance(5);
    assert_eq!(
        deliver_due(&app.state, &sender()).await.expect("deliver"),
        2
    );
    let emails: Vec<String> = receiver
        .received()
        .iter()
        .map(|received| {
            let event: Value = serde_json::from_str(&received.body).expect("json");
            event["data"]["email"].as_str().expect("email").to_owned()
        })
        .collect();
    assert_eq!(
        emails,
        ["ana@contoso.com", "ana@contoso.com", "bob@contoso.com"],
        "{}",
        app.t.engine
    );

    // Retry-After is honoured when longer than the schedule.
    receiver.answer(503, Some("600"));
    invite(&app, &token, "carl@contoso.com").await;
    deliver_due(&app.state, &sender()).await.expect("deliver");
    app.advance(300);
    assert_eq!(
        deliver_due(&app.state, &sender()).await.expect("deliver"),
        0
    );
    app.advance(300);
    assert_eq!(
        deliver_due(&app.state, &sender()).await.expect("deliver"),
        1
    );

    // 410 Gone turns the endpoint off; later events are not queued for it.
    receiver.answer(410, None);
    invite(&app, &token, "dan@contoso.com").await;
    deliver_due(&app.state, &sender()).await.expect("deliver");
    let listed = get_json(&app, &token, "/api/v1/webhooks").await;
    assert_eq!(listed["webhooks"][0]["disabled"], "gone", "{listed}");
    invite(&app, &token, "eve@contoso.com").await;
    let listed = get_json(&app, &token, "/api/v1/webhooks").await;
    assert_eq!(listed["webhooks"][0]["pending"], 0, "{listed}");
    let mail = app.queued_mail().await;
    assert!(
        mail.iter()
            .any(|mail| mail.to_email == "harry@contoso.com" && mail.body_text.contains("410")),
        "the Account Admin is told"
    );

    // Resuming turns it back on.
    let path = format!("/api/v1/webhooks/{endpoint}/paused");
    let body = r#"{"paused": false}"#;
    let reply = app.send(call("PUT", &path, Some(&token), Some(body))).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let resumed: Value = serde_json::from_str(&reply.body).expect("json");
    assert_eq!(resumed["disabled"], Value::Null);
    app.close().await;
}

both_engines!(failures_are_retried_in_order_and_410_disables);
