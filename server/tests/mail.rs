//! Mail: the worker against a real SMTP conversation on loopback (mail is
//! delivered, a server that is down delays it, a refusal fails it), and the
//! development mailbox that stands in for SMTP in the demo.

mod common;

use app::both_engines;
use app::services::mail::Outbox;
use app::services::testing::TestDb;
use std::sync::{Arc, Mutex};

use app::services::mail;
use common::TestApp;
use server::mail_worker::{deliver_due, Mailer};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A minimal SMTP server: accepts every message except those addressed to
/// a mailbox starting with "bounce", which it refuses for good.
struct SmtpServer {
    port: u16,
    received: Arc<Mutex<Vec<String>>>,
}

impl SmtpServer {
    async fn start() -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("address").port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let store = store.clone();
                tokio::spawn(async move {
                    let (read, mut write) = stream.into_split();
                    let mut lines = BufReader::new(read).lines();
                    let _ = write.write_all(b"220 test SMTP ready\r\n").await;
                    let mut data: Option<String> = None;
                    while let Ok(Some(line)) = lines.next_line().await {
                        if let Some(message) = data.as_mut() {
                            if line == "." {
                                store.lock().expect("store").push(std::mem::take(message));
                                data = None;
                                let _ = write.write_all(b"250 queued\r\n").await;
                            } else {
                                message.push_str(&line);
                                message.push('\n');
                            }
                            continue;
                        }
                        let upper = line.to_ascii_uppercase();
                        let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO")
                        {
                            b"250 test\r\n"
                        } else if upper.starts_with("RCPT TO:<BOUNCE") {
                            b"550 no such mailbox\r\n"
                        } else if upper.starts_with("DATA") {
                            data = Some(String::new());
                            b"354 go ahead\r\n"
                        } else if upper.starts_with("QUIT") {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        } else {
                            b"250 ok\r\n"
                        };
                        let _ = write.write_all(reply).await;
                    }
                });
            }
        });
        SmtpServer { port, received }
    }

    fn mailer(&self) -> Mailer {
        Mailer::new(
            &format!("smtp://127.0.0.1:{}", self.port),
            "Business Center <no-reply@localhost>",
        )
        .expect("valid SMTP_URL")
    }

    fn messages(&self) -> Vec<String> {
        self.received.lock().expect("store").clone()
    }
}

/// A port nothing listens on.
async fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    listener.local_addr().expect("address").port()
}

async fn statuses(app: &TestApp) -> Vec<String> {
    mail::recent(&app.state.db, 10)
        .await
        .expect("outbox")
        .into_iter()
        .map(|entry| entry.status)
        .collect()
}

async fn queued_invitations_are_delivered_over_smtp(t: TestDb) {
    let app = TestApp::new(t, "https://bc.example.com", false).await;
    let server = SmtpServer::start().await;
    let token = app.invite_contoso().await;
    let delivered = deliver_due(&app.state, &server.mailer())
        .await
        .expect("outbox readable");
    assert_eq!(delivered, 1, "{}", app.t.engine);
    let messages = server.messages();
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert!(message.contains("To: harry@contoso.com"), "{message}");
    assert!(
        message.contains("Subject: Explore the new Business Center"),
        "{message}"
    );
    assert!(
        message.contains("text/plain") && message.contains("text/html"),
        "both parts"
    );
    // The link may be folded by the transfer encoding: unfold before looking.
    let unfolded = message.replace("=\n", "");
    assert!(
        unfolded.contains(&format!("https://bc.example.com/invitation/{token}")),
        "{message}"
    );
    assert_eq!(statuses(&app).await, vec!["sent"]);
    assert_eq!(
        deliver_due(&app.state, &server.mailer())
            .await
            .expect("outbox"),
        0,
        "sent once"
    );
    app.close().await;
}
both_engines!(queued_invitations_are_delivered_over_smtp);

async fn a_mail_server_that_is_down_delays_mail_and_loses_nothing(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    app.invite_contoso().await;
    let down = Mailer::new(
        &format!("smtp://127.0.0.1:{}", closed_port().await),
        "no-reply@localhost",
    )
    .expect("valid SMTP_URL");
    assert_eq!(deliver_due(&app.state, &down).await.expect("outbox"), 0);
    assert_eq!(statuses(&app).await, vec!["queued"], "{}", app.t.engine);

    let server = SmtpServer::start().await;
    assert_eq!(
        deliver_due(&app.state, &server.mailer())
            .await
            .expect("outbox"),
        0,
        "waits for the backoff"
    );
    app.advance(10);
    assert_eq!(
        deliver_due(&app.state, &server.mailer())
            .await
            .expect("outbox"),
        1
    );
    assert_eq!(statuses(&app).await, vec!["sent"]);
    assert_eq!(server.messages().len(), 1);
    app.close().await;
}
both_engines!(a_mail_server_that_is_down_delays_mail_and_loses_nothing);

async fn a_refused_address_fails_at_once(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let agreement = app::services::agreements::AgreementInput {
        agreement_number: "2222222222".into(),
        organization: "Bounce Ltd".into(),
        purchasing_account: "1".into(),
        admin_email: "bounce@bounce.example".into(),
        admin_first_name: "Bo".into(),
        admin_last_name: "Unce".into(),
        language: "fr".into(),
        country: "FR".into(),
    }
    .parse()
    .expect("valid");
    app::services::agreements::register(
        &app.state.db,
        &app.state.settings,
        &Outbox::default(),
        common::NOW,
        &agreement,
    )
    .await
    .expect("registered");
    let server = SmtpServer::start().await;
    assert_eq!(
        deliver_due(&app.state, &server.mailer())
            .await
            .expect("outbox"),
        0
    );
    assert_eq!(statuses(&app).await, vec!["failed"], "{}", app.t.engine);
    app.close().await;
}
both_engines!(a_refused_address_fails_at_once);

async fn the_development_mailbox_is_hidden_outside_demo_mode(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    app.invite_contoso().await;
    let reply = app.get("/dev/mailbox", None).await;
    assert_eq!(reply.status, 404);
    assert!(!reply.body.contains("harry@contoso.com"));
    app.close().await;
}
both_engines!(the_development_mailbox_is_hidden_outside_demo_mode);

async fn the_development_mailbox_shows_mail_in_demo_mode_without_smtp(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", true).await;
    let token = app.invite_contoso().await;
    let reply = app.get("/dev/mailbox", None).await;
    assert_eq!(reply.status, 200);
    assert!(reply.body.contains("harry@contoso.com"));
    assert!(reply.body.contains(&format!(
        "href=\"http://127.0.0.1:3000/invitation/{token}\""
    )));
    app.close().await;
}
both_engines!(the_development_mailbox_shows_mail_in_demo_mode_without_smtp);
