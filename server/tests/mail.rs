//! Mail: the worker against a real SMTP conversation on loopback (mail is
//! delivered, a server that is down delays it, a refusal fails it), and the
//! development mailbox that stands in for SMTP in the demo.

use app::both_engines;
use app::services::outbox;
use app::services::testing::TestDb;
use std::sync::{Arc, Mutex};

use crate::common::TestApp;
use app::services::mail;
use server::mail_worker::{deliver_due, Mailer};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A minimal SMTP server: accepts every message except those addressed to
/// a mailbox starting with "bounce", which it refuses for good.
pub(crate) struct SmtpServer {
    pub(crate) port: u16,
    received: Arc<Mutex<Vec<String>>>,
}

impl SmtpServer {
    pub(crate) async fn start() -> SmtpServer {
        Self::start_on(TcpListener::bind("127.0.0.1:0").await.expect("bind"))
    }

    fn start_on(listener: TcpListener) -> SmtpServer {
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

    pub(crate) fn messages(&self) -> Vec<String> {
        self.received.lock().expect("store").clone()
    }
}

/// A port nothing listens on.
async fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    listener.local_addr().expect("address").port()
}

async fn statuses(app: &TestApp) -> Vec<String> {
    outbox::recent(&app.state, 10)
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
    let message_id = message
        .lines()
        .find_map(|line| line.strip_prefix("Message-ID: "))
        .expect("a Message-ID");
    assert!(
        message_id.starts_with('<') && message_id.ends_with("@localhost>"),
        "at MAIL_FROM's domain: {message_id}"
    );
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
    // Once sent, the outbox keeps the delivery, not the key to the account.
    let stored = &outbox::recent(&app.state, 1).await.expect("outbox")[0];
    assert!(!stored.body_text.contains(&token), "{}", stored.body_text);
    assert!(stored.body_text.contains("/invitation/redacted"));
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

/// The public key of `fixtures/dkim-test-key.pem`, a key made for this test
/// alone, as its DNS record's `p=`.
const DKIM_TEST_PUBLIC_KEY: &str = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA29zgNujn2Vmjg2BCX9LpwFjywCa/X6kzBnXAt6EAoRslOsNPgaxqPF7T8UHvjWF9cOx5pCuU/zjvR2t7Hk47rraFEcrP1lnc3mPGXeAqMASFcHIxLNu+rQ9TDjZHjo8iFOEwDeLQj6KQgRKWMYD7gpbdJAV0GnKvTY8knvTD5aqw90tJp+cjK7kCO3TM/GgM6gzcx2BgXkwHZ/WpcU7XnKIMHIRF3dRUiPsqOIWWNJ+1gFfc+UFXQ8fsc+tSxcah1fyJgrHbS1qqlUtr2PZBCQXllyu8eq1WQLqeUOVZZVIitDSrjUZtxX41fcCNjc0Z2k1mmspHiwLXAeMwpKdiMwIDAQAB";

/// What an independent verifier (dkimpy, Debian's python3-dkim, which
/// `scripts/setup` installs) says of `message` as received, the public key
/// published as `public_key`.
fn dkim_verifies(message: &str, public_key: &str) -> bool {
    use std::io::Write;
    // Back to the bytes on the wire: CRLF line ends, dots unstuffed.
    let wire: String = message
        .lines()
        .map(|line| format!("{}\r\n", line.strip_prefix('.').unwrap_or(line)))
        .collect();
    let script = "import sys, dkim\n\
        key = sys.argv[1]\n\
        dns = lambda name, timeout=5: ('v=DKIM1; k=rsa; p=' + key).encode()\n\
        print('pass' if dkim.verify(sys.stdin.buffer.read(), dnsfunc=dns) else 'fail')\n";
    let mut child = std::process::Command::new("/usr/bin/python3")
        .args(["-c", script, public_key])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("Debian's python3");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(wire.as_bytes())
        .expect("message");
    let output = child.wait_with_output().expect("verifier");
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "dkimpy (python3-dkim) must be installed: {said}"
    );
    said.trim() == "pass"
}

async fn mail_is_dkim_signed_for_the_senders_domain(t: TestDb) {
    let app = TestApp::new(t, "https://bc.example.com", false).await;
    let server = SmtpServer::start().await;
    let mailer = server
        .mailer()
        .signed_with("bc2026", include_str!("fixtures/dkim-test-key.pem"))
        .expect("a valid key");
    app.invite_contoso().await;
    let delivered = deliver_due(&app.state, &mailer).await.expect("outbox");
    assert_eq!(delivered, 1, "{}", app.t.engine);
    let message = &server.messages()[0];
    let signature = message
        .lines()
        .find(|line| line.starts_with("DKIM-Signature:"))
        .expect("signed");
    assert!(
        signature.contains("d=localhost") && signature.contains("s=bc2026"),
        "{signature}"
    );
    assert!(dkim_verifies(message, DKIM_TEST_PUBLIC_KEY), "{message}");
    // The verifier is not a rubber stamp: another key, or a changed
    // subject, fails.
    let changed = message.replacen("Subject: Explore", "Subject: Exploit", 1);
    assert!(!dkim_verifies(&changed, DKIM_TEST_PUBLIC_KEY));
    assert!(Mailer::new("smtp://127.0.0.1:25", "x@localhost")
        .expect("mailer")
        .signed_with("s", "not a key")
        .is_err());
    app.close().await;
}
both_engines!(mail_is_dkim_signed_for_the_senders_domain);

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
        organization_id: None,
        purchasing_account: "1".into(),
        admin_email: "bounce@bounce.example".into(),
        admin_first_name: "Bo".into(),
        admin_last_name: "Unce".into(),
        language: "fr".into(),
        country: "FR".into(),
    }
    .parse()
    .expect("valid");
    app::services::agreements::register(&app.state, &agreement)
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

async fn two_servers_deliver_every_email_exactly_once_through_an_outage(t: TestDb) {
    // scripts/soak runs this with more mail.
    let mails: usize = std::env::var("SOAK_MAILS")
        .ok()
        .and_then(|count| count.parse().ok())
        .unwrap_or(500);
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let mut conn = app.state.db.acquire().await.expect("connection");
    for n in 0..mails {
        let to = app::domain::Email::parse(&format!("person{n}@contoso.com")).expect("email");
        let outgoing = mail::OutgoingMail {
            to,
            subject: format!("Invitation {n}"),
            text: format!("Open /invitation/token{n}"),
            html: format!("<a href=\"/invitation/token{n}\">Open</a>"),
        };
        outbox::enqueue(&mut conn, &outgoing, None, app.state.clock.now())
            .await
            .expect("queued");
    }
    drop(conn);
    // A second server: its own pool on the same database, the same time.
    let url = app.state.db.connect_options().database_url.to_string();
    let second_db = app::services::db::connect(&url).await.expect("second pool");
    let second = app::services::testing::state(
        &second_db,
        (*app.state.settings).clone(),
        app.state.clock.clone(),
    );
    // The mail server refuses connections for the first part of the run.
    let port = closed_port().await;
    let mailer = Mailer::new(&format!("smtp://127.0.0.1:{port}"), "no-reply@localhost")
        .expect("valid SMTP_URL");
    let server = {
        let opens = tokio::time::sleep(std::time::Duration::from_millis(400));
        async move {
            opens.await;
            SmtpServer::start_on(
                TcpListener::bind(("127.0.0.1", port))
                    .await
                    .expect("rebind"),
            )
        }
    };
    // Time passes ten seconds every 50 ms, so that backoffs come due.
    let ticking = {
        let now = app.now.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                now.fetch_add(10, std::sync::atomic::Ordering::SeqCst);
            }
        })
    };
    let all_sent = || async {
        let (sent,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE status = 'sent'")
            .fetch_one(&app.state.db)
            .await
            .expect("count");
        usize::try_from(sent).is_ok_and(|sent| sent == mails)
    };
    let work = |state: app::services::AppState| {
        let mailer = mailer.clone();
        async move {
            let mut delivered = 0;
            for _ in 0..20_000 {
                delivered += deliver_due(&state, &mailer).await.expect("outbox");
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                let (left,): (i64,) =
                    sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE status = 'queued'")
                        .fetch_one(&state.db)
                        .await
                        .expect("count");
                if left == 0 {
                    break;
                }
            }
            delivered
        }
    };
    let (server, first, second) = tokio::join!(server, work(app.state.clone()), work(second));
    ticking.abort();
    let messages = server.messages();
    let mut subjects: Vec<&str> = messages
        .iter()
        .filter_map(|message| message.lines().find(|line| line.starts_with("Subject: ")))
        .collect();
    subjects.sort_unstable();
    let received = subjects.len();
    subjects.dedup();
    let (delivered, duplicated) = (subjects.len(), received - subjects.len());
    println!(
        "{}: {mails} queued, delivered {delivered} / duplicated {duplicated} / lost {} \
         (servers sent {first} + {second})",
        app.t.engine,
        mails - delivered
    );
    assert!(all_sent().await, "{}: every message is sent", app.t.engine);
    assert_eq!(first + second, mails, "{}", app.t.engine);
    assert_eq!(duplicated, 0, "{}: none twice", app.t.engine);
    assert_eq!(delivered, mails, "{}: none lost", app.t.engine);
    assert!(
        first > 0 && second > 0,
        "both servers worked: {first} + {second}"
    );
    second_db.close().await;
    app.close().await;
}
both_engines!(two_servers_deliver_every_email_exactly_once_through_an_outage);
