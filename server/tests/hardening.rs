//! Input an attacker sends rather than a browser: every server function
//! answers it with a 4xx and a generic message, never a 5xx or the
//! decoder's own words; bodies are bounded; odd methods get a quiet 405.

use crate::common::{TestApp, SAME_ORIGIN};
use app::both_engines;
use app::domain::cidr;
use app::domain::Role;
use app::services::credentials;
use app::services::testing::TestDb;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request};
use std::net::SocketAddr;
use std::time::Duration;

/// Every server function the router serves, as registered.
fn endpoints() -> Vec<String> {
    let mut paths: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    paths.sort();
    paths.dedup();
    assert!(paths.len() > 30, "the server functions are registered");
    paths
}

fn post(path: &str, content_type: &str, body: Vec<u8>, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("content-type", content_type)
        .header(SAME_ORIGIN.0, SAME_ORIGIN.1);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.body(Body::from(body)).expect("request")
}

/// What a script can send instead of a form: each is a mistake or an
/// attack, none may crash anything.
fn malformed_bodies() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let form = "application/x-www-form-urlencoded";
    vec![
        ("empty body", form, Vec::new()),
        ("unknown field", form, b"zzz_unknown=1".to_vec()),
        (
            "invalid percent-encoding",
            form,
            b"email=%zz%G1&password=%".to_vec(),
        ),
        ("invalid UTF-8", form, b"email=%FF%FE&password=x".to_vec()),
        (
            "nested brackets",
            form,
            b"roles[[[=1&roles[0][x]=2".to_vec(),
        ),
        (
            "huge field under the body limit",
            form,
            format!("email={}", "a".repeat(60 * 1024)).into_bytes(),
        ),
        ("broken JSON", "application/json", b"{\"email\": ".to_vec()),
        (
            "JSON of the wrong shape",
            "application/json",
            b"[1, 2, 3]".to_vec(),
        ),
    ]
}

async fn malformed_input_gets_a_4xx_from_every_server_function(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry_id = app.sign_up_harry().await;
    let harry = app.user(harry_id).await;
    let (_, admin_cookie) = app
        .signed_in_member(&harry, "alice@contoso.com", &[Role::AccountAdmin])
        .await;
    let mut failures = Vec::new();
    for path in endpoints() {
        for cookie in [None, Some(admin_cookie.as_str())] {
            for (what, content_type, body) in malformed_bodies() {
                let reply = app.send(post(&path, content_type, body, cookie)).await;
                let status = reply.status.as_u16();
                let leaks = [
                    "deserializ",
                    "missing field",
                    "unknown field",
                    "invalid type",
                ]
                .iter()
                .any(|words| reply.body.contains(words));
                if !(400..500).contains(&status) && status != 200 || leaks {
                    failures.push(format!(
                        "{path} ({what}, signed in: {}): {status} {}",
                        cookie.is_some(),
                        reply.body.chars().take(160).collect::<String>()
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{}: {} answers were not a quiet 4xx:\n{}",
        app.t.engine,
        failures.len(),
        failures.join("\n")
    );
    app.close().await;
}
both_engines!(malformed_input_gets_a_4xx_from_every_server_function);

async fn a_body_over_the_limit_is_refused_before_it_is_read(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let huge = format!("email=a&password={}", "b".repeat(3 * 1024 * 1024));
    let mut request = post(
        "/api/sign_in",
        "application/x-www-form-urlencoded",
        huge.into_bytes(),
        None,
    );
    request
        .headers_mut()
        .insert("content-length", (3 * 1024 * 1024 + 17).into());
    let reply = app.send(request).await;
    assert_eq!(reply.status, 413, "{}: {}", app.t.engine, reply.body);
    // Sent without a length, a form just over the limit is cut and
    // refused too.
    let over = format!("email={}", "a".repeat(65 * 1024));
    let reply = app
        .send(post(
            "/api/sign_in",
            "application/x-www-form-urlencoded",
            over.into_bytes(),
            None,
        ))
        .await;
    assert_eq!(reply.status, 413, "{}", app.t.engine);
    app.close().await;
}
both_engines!(a_body_over_the_limit_is_refused_before_it_is_read);

async fn unexpected_methods_get_a_quiet_405(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    for method in ["CONNECT", "TRACE", "PUT", "DELETE", "PATCH", "PROPFIND"] {
        for path in ["/", "/sign-in", "/api/sign_in", "/pkg/business-center.css"] {
            let request = Request::builder()
                .method(Method::from_bytes(method.as_bytes()).expect("method"))
                .uri(path)
                .body(Body::empty())
                .expect("request");
            let reply = app.send(request).await;
            assert_eq!(reply.status, 405, "{method} {path}");
            assert!(reply.body.is_empty(), "{method} {path}: {}", reply.body);
            assert_eq!(reply.header("allow"), Some("GET, HEAD, POST"));
        }
    }
    app.close().await;
}
both_engines!(unexpected_methods_get_a_quiet_405);

async fn the_bulk_invitation_takes_a_larger_body(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry_id = app.sign_up_harry().await;
    let cookie = app.cookie_for(harry_id).await;
    let row = r#"{"email":"someone@contoso.com","first_name":"Some","last_name":"One","roles":"Reports Viewer","padding":""}"#;
    let rows = vec![row; 50].join(",");
    let body = format!("{{\"rows\":[{rows}]}}{}", " ".repeat(100 * 1024));
    let reply = app
        .send(post(
            "/api/bulk_invite",
            "application/json",
            body.into_bytes(),
            Some(&cookie),
        ))
        .await;
    assert_ne!(reply.status, 413, "{}: {}", app.t.engine, reply.body);
    assert!(
        reply.status.as_u16() < 500,
        "{}: {}",
        reply.status,
        reply.body
    );
    app.close().await;
}
both_engines!(the_bulk_invitation_takes_a_larger_body);

/// A sign-in as a script sends it, from `peer`, forwarded for `forwarded`.
fn sign_in_from(peer: &str, forwarded: Option<&str>, email: &str, password: &str) -> Request<Body> {
    let body = format!(
        "email={}&password={}",
        crate::common::encode(email),
        crate::common::encode(password)
    );
    let mut request = post(
        "/api/sign_in",
        "application/x-www-form-urlencoded",
        body.into_bytes(),
        None,
    );
    if let Some(forwarded) = forwarded {
        request
            .headers_mut()
            .insert("x-forwarded-for", forwarded.parse().expect("header"));
    }
    let peer: SocketAddr = format!("{peer}:40000").parse().expect("peer");
    request.extensions_mut().insert(ConnectInfo(peer));
    request
}

async fn wrong_passwords_lock_the_account_for_a_while(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    app.sign_up_harry().await;
    let harry_with =
        |password: &str| sign_in_from("203.0.113.5", None, "harry@contoso.com", password);
    for _ in 0..credentials::PER_ACCOUNT_AND_CLIENT.max {
        let reply = app.send(harry_with("wrong-password-1")).await;
        assert_eq!(reply.status, 401, "{}", app.t.engine);
    }
    let reply = app.send(harry_with(crate::common::PASSWORD)).await;
    assert_eq!(reply.status, 429, "{}: {}", app.t.engine, reply.body);
    assert_eq!(reply.header("retry-after"), Some("900"));
    // Fifteen minutes later the owner signs in.
    app.advance(credentials::PER_ACCOUNT_AND_CLIENT.window_secs);
    let reply = app.send(harry_with(crate::common::PASSWORD)).await;
    assert_eq!(reply.status, 200, "{}: {}", app.t.engine, reply.body);
    app.close().await;
}
both_engines!(wrong_passwords_lock_the_account_for_a_while);

/// The owner's browser keeps signing in while addresses elsewhere hammer
/// the account past its account-wide ceiling: its device cookie, set when
/// it signed in, vouches for it.
async fn the_owners_browser_signs_in_while_others_hammer_the_account(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    app.sign_up_harry().await;
    let harry =
        |peer: &str, password: &str| sign_in_from(peer, None, "harry@contoso.com", password);
    let first = app
        .send(harry("198.51.100.7", crate::common::PASSWORD))
        .await;
    assert_eq!(first.status, 200, "{}: {}", app.t.engine, first.body);
    let device = first.cookie("bc_device").expect("a device cookie");
    let set = first.cookies().join("\n");
    assert!(
        set.contains("bc_device=") && set.contains("HttpOnly"),
        "{set}"
    );
    let per_address = credentials::PER_ACCOUNT_AND_CLIENT.max;
    for n in 0..credentials::PER_ACCOUNT.max / per_address {
        for _ in 0..per_address {
            app.send(harry(&format!("192.0.2.{n}"), "guess-0000")).await;
        }
    }
    let stranger = app
        .send(harry("203.0.113.1", crate::common::PASSWORD))
        .await;
    assert_eq!(stranger.status, 429, "{}: {}", app.t.engine, stranger.body);
    let mut known = harry("203.0.113.1", crate::common::PASSWORD);
    let cookie = format!("bc_device={device}").parse().expect("header");
    known.headers_mut().insert("cookie", cookie);
    let reply = app.send(known).await;
    assert_eq!(reply.status, 200, "{}: {}", app.t.engine, reply.body);
    app.close().await;
}
both_engines!(the_owners_browser_signs_in_while_others_hammer_the_account);

/// Spends one address's whole sign-in budget on different accounts.
async fn exhaust_client(app: &TestApp, peer: &str, forwarded: Option<&str>) {
    for n in 0..credentials::PER_CLIENT.max {
        let email = format!("guess{n}@contoso.com");
        let reply = app
            .send(sign_in_from(peer, forwarded, &email, "guess"))
            .await;
        assert_eq!(reply.status, 401, "{}: {}", app.t.engine, reply.body);
    }
}

async fn behind_trusted_proxies_the_forwarded_client_is_counted(t: TestDb) {
    let app = TestApp::configured(t, |settings| {
        settings.trusted_proxies = cidr::parse_list("10.0.0.0/8").expect("list");
    })
    .await;
    // The client forges a first hop; the proxy appends the real address.
    exhaust_client(&app, "10.0.0.1", Some("6.6.6.6, 198.51.100.7")).await;
    let same_client = sign_in_from(
        "10.0.0.2",
        Some("1.1.1.1, 198.51.100.7"),
        "x@contoso.com",
        "x",
    );
    assert_eq!(app.send(same_client).await.status, 429, "{}", app.t.engine);
    // Another client behind the same proxy is not held back.
    let other = sign_in_from("10.0.0.1", Some("198.51.100.8"), "x@contoso.com", "x");
    assert_eq!(app.send(other).await.status, 401, "{}", app.t.engine);
    app.close().await;
}
both_engines!(behind_trusted_proxies_the_forwarded_client_is_counted);

async fn without_trusted_proxies_forwarded_for_is_ignored(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    exhaust_client(&app, "203.0.113.5", Some("198.51.100.7")).await;
    // Claiming to be someone else changes nothing.
    let request = sign_in_from("203.0.113.5", Some("198.51.100.99"), "x@contoso.com", "x");
    assert_eq!(app.send(request).await.status, 429, "{}", app.t.engine);
    app.close().await;
}
both_engines!(without_trusted_proxies_forwarded_for_is_ignored);

async fn pages_carry_a_fresh_nonce_policy_and_https_adds_hsts(t: TestDb) {
    let app = TestApp::new(t, "https://bc.example.com", false).await;
    let nonce_of = |reply: &crate::common::Reply| {
        let policy = reply
            .header("content-security-policy")
            .expect("a policy")
            .to_owned();
        for directive in [
            "default-src 'self'",
            "'wasm-unsafe-eval'",
            "style-src 'self'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ] {
            assert!(policy.contains(directive), "{directive} in {policy}");
        }
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        let start = policy.find("'nonce-").expect("a nonce") + "'nonce-".len();
        policy[start..start + 43].to_owned()
    };
    let first = app.get("/sign-in", None).await;
    let nonce = nonce_of(&first);
    // Every inline script of the page carries that nonce, and only it.
    let scripts = first.body.matches("<script").count();
    assert!(scripts > 0, "the page hydrates");
    assert_eq!(
        first.body.matches(&format!(" nonce=\"{nonce}\">")).count(),
        scripts,
        "{}",
        first.body
    );
    let second = app.get("/sign-in", None).await;
    assert_ne!(nonce_of(&second), nonce, "a fresh nonce per response");
    assert_eq!(
        first.header("strict-transport-security"),
        Some("max-age=31536000")
    );
    app.close().await;

    let plain = TestApp::new(TestDb::sqlite().await, "http://127.0.0.1:3000", false).await;
    let reply = plain.get("/sign-in", None).await;
    assert!(reply.header("strict-transport-security").is_none());
    plain.close().await;
}
both_engines!(pages_carry_a_fresh_nonce_policy_and_https_adds_hsts);

async fn another_site_cannot_make_a_browser_fetch_an_audited_export(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry_id = app.sign_up_harry().await;
    let cookie = app.cookie_for(harry_id).await;
    let fetch = |site: &'static str| {
        Request::builder()
            .method(Method::GET)
            .uri("/reports/keys.csv")
            .header("cookie", cookie.as_str())
            .header("sec-fetch-site", site)
            .body(Body::empty())
            .expect("request")
    };
    let (before,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    let reply = app.send(fetch("cross-site")).await;
    assert_eq!(reply.status, 403, "{}", app.t.engine);
    let (after,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(after, before, "nothing recorded for a refused fetch");
    // From the Center's own page, the export works.
    let reply = app.send(fetch("same-origin")).await;
    assert_eq!(reply.status, 200, "{}: {}", app.t.engine, reply.body);
    app.close().await;
}
both_engines!(another_site_cannot_make_a_browser_fetch_an_audited_export);

/// A server on a loopback port with `limits`, and what stops it.
async fn listening(
    app: &TestApp,
    limits: server::listen::Limits,
) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server::listen::serve(
        listener,
        server::router(app.state.clone()),
        limits,
        async {
            let _ = stopped.await;
        },
    ));
    (addr, stop)
}

/// Whether the server hangs up on `stream` within `within`.
async fn hung_up(mut stream: tokio::net::TcpStream, within: Duration) -> bool {
    use tokio::io::AsyncReadExt;
    let mut sink = Vec::new();
    matches!(
        tokio::time::timeout(within, stream.read_to_end(&mut sink)).await,
        Ok(Ok(_)) | Ok(Err(_))
    )
}

async fn get_health(addr: SocketAddr) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .expect("request");
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "answered in time");
    String::from_utf8_lossy(&answer).into_owned()
}

/// The preface an HTTP/2 client opens with (RFC 9113 §3.4).
const HTTP2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// Sockets that say nothing, or only open HTTP/2, are closed once their
/// time is up, and the server answers others meanwhile, even with 2 000
/// such sockets open.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_and_preface_only_sockets_are_closed() {
    use tokio::io::AsyncWriteExt;
    server::startup::raise_open_files_limit();
    let app = TestApp::new(TestDb::sqlite().await, "http://127.0.0.1:3000", false).await;
    let limits = server::listen::Limits {
        first_bytes: Duration::from_secs(2),
        request_head: Duration::from_secs(3),
        max_connections: 3_000,
    };
    let (addr, stop) = listening(&app, limits).await;
    let mut idle = Vec::new();
    for _ in 0..2_000 {
        idle.push(tokio::net::TcpStream::connect(addr).await.expect("connect"));
    }
    let mut preface_only = Vec::new();
    for _ in 0..50 {
        let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
        stream.write_all(HTTP2_PREFACE).await.expect("preface");
        preface_only.push(stream);
    }
    let health = get_health(addr).await;
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");

    let started = std::time::Instant::now();
    let closed = futures::future::join_all(
        idle.into_iter()
            .chain(preface_only)
            .map(|stream| hung_up(stream, Duration::from_secs(15))),
    )
    .await;
    assert_eq!(closed.iter().filter(|closed| !**closed).count(), 0);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "closed after {:?}",
        started.elapsed()
    );
    let _ = stop.send(());
    app.close().await;
}

/// Past the cap, a connection is closed at once instead of waiting.
#[tokio::test]
async fn connections_past_the_cap_are_refused_not_queued() {
    let app = TestApp::new(TestDb::sqlite().await, "http://127.0.0.1:3000", false).await;
    let limits = server::listen::Limits {
        first_bytes: Duration::from_secs(2),
        request_head: Duration::from_secs(2),
        max_connections: 5,
    };
    let (addr, stop) = listening(&app, limits).await;
    let mut held = Vec::new();
    for _ in 0..5 {
        held.push(tokio::net::TcpStream::connect(addr).await.expect("connect"));
    }
    // Let the server accept all five before the sixth.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let sixth = tokio::net::TcpStream::connect(addr).await.expect("connect");
    assert!(
        hung_up(sixth, Duration::from_millis(500)).await,
        "closed at once"
    );
    // Once the silent ones are cut off, there is room again.
    drop(held);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let health = get_health(addr).await;
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let _ = stop.send(());
    app.close().await;
}

/// Where the log lines of a test go, to be read back.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log").extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A refused request is logged with who asked and what was refused, so an
/// operator can tell a forged request from a stale page.
#[tokio::test]
async fn a_refusal_is_logged_with_who_asked_and_for_what() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _logging = tracing::subscriber::set_default(subscriber);
    let app = TestApp::new(TestDb::sqlite().await, "http://127.0.0.1:3000", false).await;
    let harry = app.user(app.sign_up_harry().await).await;
    let (viewer, cookie) = app
        .signed_in_member(&harry, "viewer@contoso.com", &[Role::AccountViewer])
        .await;
    let reply = app.call(&cookie, "get_audit_log", &[]).await;
    assert_eq!(reply.status, 403, "{}", reply.body);
    let reply = app
        .call(
            &cookie,
            "remove_user",
            &[("user_id", &harry.id.to_string())],
        )
        .await;
    assert_eq!(reply.status, 403, "{}", reply.body);
    let log = String::from_utf8_lossy(&captured.0.lock().expect("log")).into_owned();
    let refusals: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("refused"))
        .collect();
    assert_eq!(refusals.len(), 2, "{log}");
    let user = format!("user={}", viewer.id);
    assert!(
        refusals[0].contains(&user) && refusals[0].contains("capability=ViewAuditLog"),
        "{log}"
    );
    assert!(refusals[1].contains(&user), "{log}");
    let answered = log
        .lines()
        .filter(|line| line.contains("status=403"))
        .all(|line| line.contains(&user));
    assert!(answered, "the request's own line names who asked: {log}");
    app.close().await;
}
