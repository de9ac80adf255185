//! The HTTP surface through the real router: sign-in, sessions, cookies,
//! cross-site refusals, pages for each kind of link, the mailbox rule.

use crate::common::{TestApp, PASSWORD, SAME_ORIGIN};
use app::both_engines;
use app::services::sessions;
use app::services::testing::TestDb;

async fn sign_in(
    app: &TestApp,
    email: &str,
    password: &str,
    extra: &[(&str, &str)],
) -> crate::common::Reply {
    let mut headers = vec![SAME_ORIGIN];
    headers.extend_from_slice(extra);
    app.post_form(
        "/api/sign_in",
        &[("email", email), ("password", password)],
        &headers,
    )
    .await
}

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

async fn sign_in_sets_an_http_only_lax_session_cookie(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let user_id = app.harry().await;
    let reply = sign_in(&app, "HARRY@contoso.com", PASSWORD, &[]).await;
    assert_eq!(reply.status, 200, "{}: {}", app.t.engine, reply.body);
    assert_eq!(reply.body, "\"/dashboard\"");
    let cookie = reply
        .cookies()
        .into_iter()
        .find(|cookie| cookie.starts_with("bc_session="))
        .expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http: {cookie}");
    let secret = reply.cookie("bc_session").expect("session secret");
    assert!(secret.len() >= 43, "at least 256 bits: {secret}");
    assert_eq!(
        sessions::user_of(
            &app.state.db,
            &secret,
            app.state.clock.now(),
            app::services::sessions::DEFAULT_IDLE_SECS
        )
        .await
        .expect("lookup"),
        Some(user_id)
    );
    assert_eq!(
        reply.cookie("bc_lang").as_deref(),
        Some("en"),
        "the user's language follows"
    );

    let dashboard = app
        .get("/dashboard", Some(&format!("bc_session={secret}")))
        .await;
    assert_eq!(dashboard.status, 200);
    assert!(dashboard.body.contains("Contoso Ltd"), "{}", dashboard.body);
    assert!(dashboard.body.contains("Harry Roldan"));
    assert!(dashboard.body.contains("1234567890"));
    app.close().await;
}
both_engines!(sign_in_sets_an_http_only_lax_session_cookie);

async fn behind_https_the_session_cookie_is_secure_and_host_only(t: TestDb) {
    let app = TestApp::new(t, "https://bc.example.com", false).await;
    app.harry().await;
    let reply = sign_in(&app, "harry@contoso.com", PASSWORD, &[]).await;
    let cookie = reply
        .cookies()
        .into_iter()
        .find(|cookie| cookie.starts_with("__Host-bc_session="))
        .expect("a __Host- session cookie");
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert!(
        cookie.contains("Path=/;") && !cookie.contains("Domain"),
        "{cookie}"
    );
    // The cookie by that name opens pages; one without the prefix, as a
    // sibling subdomain could plant it, does not.
    let secret = reply.cookie("__Host-bc_session").expect("secret");
    let page = app
        .get("/dashboard", Some(&format!("__Host-bc_session={secret}")))
        .await;
    assert_eq!(page.status, 200, "{}", app.t.engine);
    let planted = app
        .get("/dashboard", Some(&format!("bc_session={secret}")))
        .await;
    assert!(!planted.body.contains("Sign out"), "{}", app.t.engine);
    app.close().await;
}
both_engines!(behind_https_the_session_cookie_is_secure_and_host_only);

async fn signing_in_rotates_the_session_id(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let user_id = app.harry().await;
    let planted = sessions::create(&app.state.db, user_id, app.state.clock.now())
        .await
        .expect("session");
    let cookie = format!("bc_session={planted}");
    let reply = sign_in(&app, "harry@contoso.com", PASSWORD, &[("cookie", &cookie)]).await;
    assert_eq!(reply.status, 200);
    let fresh = reply.cookie("bc_session").expect("new session");
    assert_ne!(fresh, planted);
    assert_eq!(
        sessions::user_of(
            &app.state.db,
            &planted,
            app.state.clock.now(),
            app::services::sessions::DEFAULT_IDLE_SECS
        )
        .await
        .expect("lookup"),
        None,
        "the old id no longer works ({})",
        app.t.engine
    );
    app.close().await;
}
both_engines!(signing_in_rotates_the_session_id);

async fn wrong_credentials_get_one_generic_answer(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    app.harry().await;
    let wrong_password = sign_in(&app, "harry@contoso.com", "Wrong-Password-1", &[]).await;
    let unknown_user = sign_in(&app, "nobody@contoso.com", PASSWORD, &[]).await;
    assert_eq!(wrong_password.status, 401);
    assert_eq!(unknown_user.status, 401);
    assert_eq!(
        wrong_password.body, unknown_user.body,
        "no hint which one was wrong"
    );
    assert!(wrong_password.cookie("bc_session").is_none());
    app.close().await;
}
both_engines!(wrong_credentials_get_one_generic_answer);

async fn sign_out_ends_the_session(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    app.harry().await;
    let secret = sign_in(&app, "harry@contoso.com", PASSWORD, &[])
        .await
        .cookie("bc_session")
        .expect("session");
    let cookie = format!("bc_session={secret}");
    let reply = app
        .post_form("/api/sign_out", &[], &[SAME_ORIGIN, ("cookie", &cookie)])
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.cookie("bc_session").as_deref(),
        Some(""),
        "cookie cleared"
    );
    let dashboard = app.get("/dashboard", Some(&cookie)).await;
    assert_eq!(dashboard.status, 302, "signed out");
    assert_eq!(dashboard.header("location"), Some("/sign-in"));
    app.close().await;
}
both_engines!(sign_out_ends_the_session);

async fn cross_site_posts_are_refused_before_anything_happens(t: TestDb) {
    let app = TestApp::new(t, "https://bc.example.com", false).await;
    app.harry().await;
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
    let sent = app::services::outbox::recent(&app.state.db, 10)
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

async fn the_language_switch_sets_a_cookie_and_stays_on_this_site(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let reply = app
        .post_form(
            "/language",
            &[("lang", "fr"), ("next", "/sign-in")],
            &[SAME_ORIGIN],
        )
        .await;
    assert_eq!(reply.status, 303);
    assert_eq!(reply.header("location"), Some("/sign-in"));
    assert_eq!(reply.cookie("bc_lang").as_deref(), Some("fr"));
    let page = app.get("/sign-in", Some("bc_lang=fr")).await;
    assert!(page.body.contains("lang=\"fr\""), "{}", page.body);
    assert!(page.body.contains("ADRESSE E-MAIL"), "French labels");

    let away = app
        .post_form(
            "/language",
            &[("lang", "fr"), ("next", "//evil.example")],
            &[SAME_ORIGIN],
        )
        .await;
    assert_eq!(away.header("location"), Some("/"));
    let unknown = app
        .post_form(
            "/language",
            &[("lang", "xx"), ("next", "/")],
            &[SAME_ORIGIN],
        )
        .await;
    assert_eq!(unknown.status, 400);

    let user_id = app.harry().await;
    let secret = sign_in(&app, "harry@contoso.com", PASSWORD, &[])
        .await
        .cookie("bc_session")
        .expect("session");
    let cookie = format!("bc_session={secret}");
    app.post_form(
        "/language",
        &[("lang", "fr"), ("next", "/")],
        &[SAME_ORIGIN, ("cookie", &cookie)],
    )
    .await;
    let user = app::services::current_user::load(&app.state.db, user_id)
        .await
        .expect("load")
        .expect("user");
    assert_eq!(user.lang, app::domain::Lang::Fr, "the preference is saved");
    app.close().await;
}
both_engines!(the_language_switch_sets_a_cookie_and_stays_on_this_site);

#[tokio::test]
async fn internal_failures_never_show_their_details() {
    let app = TestApp::new(
        app::services::testing::TestDb::sqlite().await,
        "http://127.0.0.1:3000",
        false,
    )
    .await;
    app.harry().await;
    app.state.db.close().await;
    let reply = sign_in(&app, "harry@contoso.com", PASSWORD, &[]).await;
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

async fn two_step_sign_in_passes_through_the_code_page(t: TestDb) {
    use app::services::two_step;
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry = app.user(app.harry().await).await;
    let key = app.turn_on_two_step(&harry).await;
    let now = app.state.clock.now();
    // The code that turned it on: spent.
    let first = two_step::totp::code_at(&key, now).expect("code");

    let reply = sign_in(&app, "harry@contoso.com", PASSWORD, &[]).await;
    assert_eq!(reply.status, 200, "{}: {}", app.t.engine, reply.body);
    assert_eq!(reply.body, "\"/sign-in/code\"");
    assert_eq!(
        reply.cookie("bc_session"),
        None,
        "no session before the code"
    );
    let challenge_cookie = reply
        .cookies()
        .into_iter()
        .find(|cookie| cookie.starts_with("bc_sign_in="))
        .expect("a challenge cookie");
    assert!(challenge_cookie.contains("HttpOnly; SameSite=Strict; Max-Age=300"));
    let challenge = format!("bc_sign_in={}", reply.cookie("bc_sign_in").expect("secret"));

    let without = app.call("", "sign_in_code", &[("code", &first)]).await;
    assert_eq!(without.status, 401);
    let replayed = app
        .call(&challenge, "sign_in_code", &[("code", &first)])
        .await;
    assert_eq!(replayed.status, 422, "{}", replayed.body);
    assert!(replayed.body.contains("CodeIncorrect"), "{}", replayed.body);

    let next = two_step::totp::code_at(&key, now + 30).expect("code");
    let passed = app
        .call(&challenge, "sign_in_code", &[("code", &next)])
        .await;
    assert_eq!(passed.status, 200, "{}: {}", app.t.engine, passed.body);
    assert_eq!(passed.body, "\"/dashboard\"");
    assert_eq!(passed.cookie("bc_sign_in").as_deref(), Some(""), "cleared");
    let session = format!(
        "bc_session={}",
        passed.cookie("bc_session").expect("session")
    );
    assert_eq!(app.get("/dashboard", Some(&session)).await.status, 200);
    app.close().await;
}
both_engines!(two_step_sign_in_passes_through_the_code_page);

async fn a_required_second_step_comes_before_every_page(t: TestDb) {
    use app::domain::Role;
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry = app.user(app.harry().await).await;
    let (_, cookie) = app
        .member(&harry, "olga@contoso.com", &[Role::AccountAdmin])
        .await;
    app.turn_on_two_step(&harry).await;
    let harry_cookie = app.cookie_for(harry.id).await;
    let required = app
        .call(&harry_cookie, "require_two_step", &[("required", "true")])
        .await;
    assert_eq!(required.status, 200, "{}: {}", app.t.engine, required.body);

    // Olga may do nothing but set it up: not even lift the rule herself.
    assert_eq!(app.call(&cookie, "get_dashboard", &[]).await.status, 403);
    let lift = app
        .call(&cookie, "require_two_step", &[("required", "false")])
        .await;
    assert_eq!(lift.status, 403, "{}", lift.body);
    let page = app.get("/orders", Some(&cookie)).await;
    assert!(
        page.status.is_redirection(),
        "{}: {}",
        page.status,
        page.body
    );
    assert_eq!(page.header("location"), Some("/two-step"));
    let own = app.call(&cookie, "get_two_step", &[]).await;
    assert_eq!(own.status, 200, "{}", own.body);
    assert!(
        own.body.contains("\"organization_requires\":true"),
        "{}",
        own.body
    );
    assert_eq!(app.call(&cookie, "start_two_step", &[]).await.status, 200);
    assert_eq!(app.get("/two-step", Some(&cookie)).await.status, 200);
    app.close().await;
}
both_engines!(a_required_second_step_comes_before_every_page);

/// A plain form that turns two-step verification on is answered with the
/// Two-step page, which shows the new recovery codes once: they wait in a
/// short-lived cookie that the page takes away, and a forged cookie shows
/// nothing.
async fn recovery_codes_reach_a_plain_form_once(t: TestDb) {
    use app::services::two_step;
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry = app.user(app.harry().await).await;
    let cookie = app.cookie_for(harry.id).await;
    two_step::start(&app.state.db, &harry).await.expect("start");
    let key = two_step::view(&app.state.db, &harry)
        .await
        .expect("view")
        .setup
        .expect("a key")
        .secret
        .replace(' ', "");
    let code = two_step::totp::code_at(&key, app.state.clock.now()).expect("code");
    let plain_form = [
        SAME_ORIGIN,
        ("cookie", cookie.as_str()),
        ("accept", "text/html"),
    ];
    let reply = app
        .post_form("/api/confirm_two_step", &[("code", &code)], &plain_form)
        .await;
    assert_eq!(reply.status, 303, "{}: {}", app.t.engine, reply.body);
    assert_eq!(reply.header("location"), Some("/two-step"));
    let left = reply
        .cookies()
        .into_iter()
        .find(|cookie| cookie.starts_with("bc_new_codes="))
        .expect("the codes wait for the page");
    assert!(
        left.contains("HttpOnly; SameSite=Strict; Max-Age=120"),
        "{left}"
    );
    let codes = reply.cookie("bc_new_codes").expect("codes");
    let first = codes.split('.').next().expect("a code").to_owned();
    assert_eq!(codes.split('.').count(), 10, "{codes}");

    let with_codes = format!("{cookie}; bc_new_codes={codes}");
    let page = app.get("/two-step", Some(&with_codes)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(&first), "{}", page.body);
    assert_eq!(
        page.cookie("bc_new_codes").as_deref(),
        Some(""),
        "taken away"
    );
    let again = app.get("/two-step", Some(&cookie)).await;
    assert!(!again.body.contains(&first), "shown once");

    let forged = format!("{cookie}; bc_new_codes=<script>alert(1)</script>");
    let page = app.get("/two-step", Some(&forged)).await;
    assert!(!page.body.contains("recovery-codes"), "{}", page.body);
    assert!(!page.body.contains("<script>alert"), "{}", page.body);

    // A script calling the server function gets the codes as data, and no
    // cookie.
    let renewed = app
        .call(&cookie, "renew_recovery_codes", &[("password", PASSWORD)])
        .await;
    assert_eq!(renewed.status, 200, "{}", renewed.body);
    assert!(renewed.body.starts_with("[\""), "{}", renewed.body);
    assert_eq!(renewed.cookie("bc_new_codes"), None);
    app.close().await;
}
both_engines!(recovery_codes_reach_a_plain_form_once);

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
        Duration::from_secs(1),
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
    app.harry().await;
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
    let harry = app.harry().await;
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
