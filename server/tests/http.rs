//! The HTTP surface through the real router: cross-site refusals, pages
//! for each kind of link, errors, connections and compression. Signing in
//! and sessions are in `sessions.rs`.

use crate::common::{TestApp, PASSWORD, SAME_ORIGIN};
use app::both_engines;
use app::services::testing::TestDb;

/// `app::routes::preload` repeats the routes' paths (the router offers no
/// way to fetch a page's chunk by address): it must know every page.
#[test]
fn every_page_has_a_chunk_to_fetch_ahead() {
    let mut pages = 0;
    for pattern in server::routes::page_paths().filter(|path| *path != "/") {
        let address = pattern.replace(['{', '}'], "");
        assert!(
            app::routes::preload(&address).is_some(),
            "{pattern}: no chunk in app::routes::preload"
        );
        pages += 1;
    }
    assert!(pages >= 20, "only {pages} pages listed");
    assert!(app::routes::preload("/nowhere").is_none());
    assert!(app::routes::preload("/orders/1").is_none());
}

async fn cross_site_posts_are_refused_before_anything_happens(t: TestDb) {
    let app = TestApp::new(t, "https://bc.example.com", false).await;
    app.sign_up_harry().await;
    for headers in [
        vec![("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site")],
        vec![("origin", "https://evil.example")],
        vec![("origin", "null")],
    ] {
        let reply = app
            .post_form(
                "/api/sign_in",
                &[("email", "harry@contoso.com"), ("password", PASSWORD)],
                &headers,
            )
            .await;
        assert_eq!(reply.status, 403, "{headers:?}");
        assert!(reply.cookie("bc_session").is_none());
    }
    let refused_language = app
        .post_form(
            "/language",
            &[("lang", "fr"), ("next", "/")],
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!(refused_language.status, 403);

    let own_origin = app
        .post_form(
            "/api/sign_in",
            &[("email", "harry@contoso.com"), ("password", PASSWORD)],
            &[("origin", "https://bc.example.com")],
        )
        .await;
    assert_eq!(own_origin.status, 200, "PUBLIC_URL's origin is welcome");
    let direct = app
        .post_form(
            "/api/sign_in",
            &[("email", "harry@contoso.com"), ("password", PASSWORD)],
            &[
                ("origin", "http://10.0.0.5:3000"),
                ("host", "10.0.0.5:3000"),
            ],
        )
        .await;
    assert_eq!(
        direct.status, 200,
        "the host the request went to is the same site"
    );
    app.close().await;
}
both_engines!(cross_site_posts_are_refused_before_anything_happens);

async fn each_kind_of_link_has_its_own_page(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let token = app.invite_contoso().await;
    let valid = app.get(&format!("/invitation/{token}"), None).await;
    assert_eq!(valid.status, 200);
    assert!(
        valid.body.contains("Create your organizational account"),
        "{}",
        valid.body
    );
    assert!(valid.body.contains("harry@contoso.com"));
    assert!(valid.body.contains("Not you?"));
    assert_eq!(
        valid.header("referrer-policy"),
        Some("same-origin"),
        "the token must not leak to another site"
    );

    let unknown = app
        .get(
            "/invitation/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            None,
        )
        .await;
    assert_eq!(unknown.status, 404);
    let garbage = app.get("/invitation/%3Cscript%3E", None).await;
    assert_eq!(garbage.status, 404);
    assert!(!garbage.body.contains("<script>"));

    app.advance(60 * 24 * 3600);
    let expired = app.get(&format!("/invitation/{token}"), None).await;
    assert_eq!(expired.status, 410);
    assert!(expired.body.contains("expired"), "{}", expired.body);
    app.close().await;
}
both_engines!(each_kind_of_link_has_its_own_page);

async fn an_unknown_address_gets_the_not_found_page(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let page = app.get("/no-such-page", None).await;
    assert_eq!(page.status, 404);
    assert!(page.body.contains("Page not found"), "{}", page.body);
    assert_eq!(page.header("cache-control"), Some("no-store"));
    // A form posted to an unknown address gets the same page, not a 405.
    let posted = app
        .post_form("/no-such-page", &[("a", "b")], &[SAME_ORIGIN])
        .await;
    assert_eq!(posted.status, 404);
    assert!(posted.body.contains("Page not found"), "{}", posted.body);
    app.close().await;
}
both_engines!(an_unknown_address_gets_the_not_found_page);

async fn accepting_over_http_signs_the_new_admin_in(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let token = app.invite_contoso().await;
    let form = [
        ("token", token.as_str()),
        ("first_name", "Harry"),
        ("last_name", "Roldan"),
        ("country", "US"),
        ("password", PASSWORD),
        ("confirm_password", PASSWORD),
    ];
    let reply = app
        .post_form("/api/accept_invitation", &form, &[SAME_ORIGIN])
        .await;
    assert_eq!(reply.status, 200, "{}: {}", app.t.engine, reply.body);
    assert!(reply.cookie("bc_session").is_some(), "signed in at once");
    let used = app.get(&format!("/invitation/{token}"), None).await;
    assert_eq!(used.status, 410);
    let again = app
        .post_form("/api/accept_invitation", &form, &[SAME_ORIGIN])
        .await;
    assert_eq!(again.status, 404, "{}", again.body);
    app.close().await;
}
both_engines!(accepting_over_http_signs_the_new_admin_in);

async fn the_resend_form_answers_the_same_whether_or_not_it_matched(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    app.invite_contoso().await;
    let ask = |email: &'static str, agreement: &'static str| {
        let app = &app;
        async move {
            app.post_form(
                "/api/request_invitation",
                &[
                    ("email", email),
                    ("agreement_number", agreement),
                    ("purchasing_account_number", "9876543210"),
                ],
                &[SAME_ORIGIN],
            )
            .await
        }
    };
    let matched = ask("harry@contoso.com", "1234567890").await;
    let unmatched = ask("mallory@contoso.com", "1234567890").await;
    assert_eq!(matched.status, 200, "{}", matched.body);
    assert_eq!(
        (matched.status, matched.body.clone()),
        (unmatched.status, unmatched.body.clone())
    );
    let sent = app::services::outbox::recent(&app.state, 10)
        .await
        .expect("outbox");
    assert_eq!(
        sent.len(),
        2,
        "one resend, none for the wrong address ({})",
        app.t.engine
    );
    let bad = ask("harry@contoso.com", "12345").await;
    assert_eq!(
        bad.status, 422,
        "malformed input is explained: {}",
        bad.body
    );
    app.close().await;
}
both_engines!(the_resend_form_answers_the_same_whether_or_not_it_matched);

#[tokio::test]
async fn internal_failures_never_show_their_details() {
    let app = TestApp::new(
        app::services::testing::TestDb::sqlite().await,
        "http://127.0.0.1:3000",
        false,
    )
    .await;
    app.sign_up_harry().await;
    app.state.db.close().await;
    let reply = app.sign_in("harry@contoso.com", PASSWORD, &[]).await;
    assert_eq!(reply.status, 500);
    let body = reply.body.to_lowercase();
    for secret in ["sqlite", "pool", "select", "closed", "/tmp"] {
        assert!(!body.contains(secret), "{secret} leaked: {}", reply.body);
    }
    assert!(body.contains("internal"), "{}", reply.body);
    // The reference is the request's id: the operator finds the request's
    // log line and the error under it.
    let request_id = reply.header("x-request-id").expect("a request id");
    assert!(
        reply.body.contains(request_id),
        "reference {request_id} in {}",
        reply.body
    );
    app.close().await;
}

#[tokio::test]
async fn every_response_names_its_request() {
    let app = TestApp::new(TestDb::sqlite().await, "http://127.0.0.1:3000", false).await;
    let first = app.get("/sign-in", None).await;
    let second = app.get("/sign-in", None).await;
    let (Some(first), Some(second)) = (first.header("x-request-id"), second.header("x-request-id"))
    else {
        panic!("responses carry X-Request-Id");
    };
    assert_ne!(first, second, "each request has its own id");
    app.close().await;
}

/// Over a real socket: the connection loop cuts off a client that trickles
/// its headers or sits idle, serves a whole request, and tells the router
/// the client's address.
#[tokio::test]
async fn slow_and_idle_connections_are_cut_off() {
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::new(TestDb::sqlite().await, "http://127.0.0.1:3000", false).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(server::listen::serve(
        listener,
        server::router(app.state.clone()),
        server::listen::Limits {
            first_bytes: Duration::from_secs(1),
            request_head: Duration::from_secs(1),
            max_connections: 100,
        },
        async {
            let _ = stopped.await;
        },
    ));
    let read_until_closed = |mut stream: tokio::net::TcpStream| async move {
        let mut received = Vec::new();
        let outcome =
            tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut received)).await;
        assert!(outcome.is_ok(), "the server closed the connection");
        String::from_utf8_lossy(&received).into_owned()
    };

    let started = Instant::now();
    let mut trickling = tokio::net::TcpStream::connect(addr).await.expect("connect");
    trickling
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("part of the headers");
    let answer = read_until_closed(trickling).await;
    assert!(!answer.contains("200 OK"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(5));

    let mut whole = tokio::net::TcpStream::connect(addr).await.expect("connect");
    whole
        .write_all(b"GET /sign-in HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\n\r\n")
        .await
        .expect("a request");
    // Answered, then the idle keep-alive connection is closed too.
    let answer = read_until_closed(whole).await;
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");

    // The client's address reaches the audit log of a failed sign-in.
    app.sign_up_harry().await;
    let body = "email=harry%40contoso.com&password=Wrong-Password-1";
    let mut sign_in = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let request = format!(
        "POST /api/sign_in HTTP/1.1\r\nHost: x\r\nSec-Fetch-Site: same-origin\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    sign_in
        .write_all(request.as_bytes())
        .await
        .expect("a sign-in");
    let answer = read_until_closed(sign_in).await;
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    let (client,): (String,) =
        sqlx::query_as("SELECT client_address FROM audit_log WHERE action = 'auth.sign_in_failed'")
            .fetch_one(&app.state.db)
            .await
            .expect("audited");
    assert_eq!(client, "127.0.0.1");

    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("stops on the signal")
        .expect("served");
    app.close().await;
}

/// Pages and exports are compressed for a browser that accepts it; an
/// export's stream ends cleanly under the encoder, which polls it once
/// more after its last chunk.
#[tokio::test]
async fn pages_and_exports_are_compressed_for_browsers_that_accept_it() {
    use axum::body::Body;
    use axum::http::Request;
    use http_body_util::BodyExt;
    use std::io::Read;
    use tower::ServiceExt;
    let app = TestApp::new(TestDb::sqlite().await, "http://127.0.0.1:3000", false).await;
    let harry = app.sign_up_harry().await;
    let cookie = app.cookie_for(harry).await;
    for (path, expected) in [
        (
            "/reports/orders.csv",
            "\u{feff}agreement_number,purchasing_account",
        ),
        ("/sign-in", "<!DOCTYPE html>"),
    ] {
        let request = Request::get(path)
            .header("accept-encoding", "gzip")
            .header("sec-fetch-site", "same-origin")
            .header("cookie", &cookie)
            .body(Body::empty())
            .expect("request");
        let response = server::router(app.state.clone())
            .oneshot(request)
            .await
            .expect("an answer");
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            response
                .headers()
                .get("content-encoding")
                .and_then(|value| value.to_str().ok()),
            Some("gzip"),
            "{path}"
        );
        let compressed = response
            .into_body()
            .collect()
            .await
            .expect("the whole body")
            .to_bytes();
        let mut text = String::new();
        flate2::read::GzDecoder::new(&compressed[..])
            .read_to_string(&mut text)
            .expect("gzip");
        assert!(text.starts_with(expected), "{path}: {text}");
    }
    app.close().await;
}
