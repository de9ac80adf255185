//! Signing in through the real router: the session cookie, its rotation,
//! one answer for wrong credentials, signing out, the second step, and the
//! language a signed-in person chooses.

use crate::common::{TestApp, PASSWORD, SAME_ORIGIN};
use app::both_engines;
use app::services::sessions;
use app::services::testing::TestDb;

async fn sign_in_sets_an_http_only_lax_session_cookie(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let user_id = app.sign_up_harry().await;
    let reply = app.sign_in("HARRY@contoso.com", PASSWORD, &[]).await;
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
        sessions::user_of(&app.state, &secret)
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
    app.sign_up_harry().await;
    let reply = app.sign_in("harry@contoso.com", PASSWORD, &[]).await;
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
    let user_id = app.sign_up_harry().await;
    let planted = app.session_for(user_id).await;
    let cookie = format!("bc_session={planted}");
    let reply = app
        .sign_in("harry@contoso.com", PASSWORD, &[("cookie", &cookie)])
        .await;
    assert_eq!(reply.status, 200);
    let fresh = reply.cookie("bc_session").expect("new session");
    assert_ne!(fresh, planted);
    assert_eq!(
        sessions::user_of(&app.state, &planted)
            .await
            .expect("lookup"),
        None,
        "the old id no longer works ({})",
        app.t.engine
    );
    app.close().await;
}
both_engines!(signing_in_rotates_the_session_id);

/// A sign-in remembers the browser it came from, which My profile lists;
/// signing the others out leaves this one.
async fn a_session_names_its_browser_and_the_others_can_be_signed_out(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let user_id = app.sign_up_harry().await;
    let elsewhere = app.session_for(user_id).await;
    let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
                Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";
    let reply = app
        .sign_in("harry@contoso.com", PASSWORD, &[("user-agent", edge)])
        .await;
    let cookie = format!(
        "bc_session={}",
        reply.cookie("bc_session").expect("session")
    );
    let listed = app.call(&cookie, "list_sessions", &[]).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert!(
        listed.body.contains(r#""browser":"Edge · Windows""#)
            && listed.body.contains(r#""current":true"#),
        "{}: {}",
        app.t.engine,
        listed.body
    );
    let ended = app.call(&cookie, "end_sessions", &[]).await;
    assert_eq!(ended.status, 200, "{}", ended.body);
    let lookup = sessions::user_of(&app.state, &elsewhere).await;
    assert_eq!(lookup, Ok(None), "the other session ended");
    assert_eq!(app.call(&cookie, "list_sessions", &[]).await.status, 200);
    app.close().await;
}
both_engines!(a_session_names_its_browser_and_the_others_can_be_signed_out);

async fn wrong_credentials_get_one_generic_answer(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    app.sign_up_harry().await;
    let wrong_password = app
        .sign_in("harry@contoso.com", "Wrong-Password-1", &[])
        .await;
    let unknown_user = app.sign_in("nobody@contoso.com", PASSWORD, &[]).await;
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
    app.sign_up_harry().await;
    let secret = app
        .sign_in("harry@contoso.com", PASSWORD, &[])
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

    let user_id = app.sign_up_harry().await;
    let secret = app
        .sign_in("harry@contoso.com", PASSWORD, &[])
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
    let user = app::services::current_user::load(&app.state, user_id)
        .await
        .expect("load")
        .expect("user");
    assert_eq!(user.lang, app::domain::Lang::Fr, "the preference is saved");
    app.close().await;
}
both_engines!(the_language_switch_sets_a_cookie_and_stays_on_this_site);

async fn two_step_sign_in_passes_through_the_code_page(t: TestDb) {
    use app::services::two_step;
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry = app.user(app.sign_up_harry().await).await;
    let key = app.turn_on_two_step(&harry).await;
    let now = app.state.clock.now();
    // The code that turned it on: spent.
    let first = two_step::totp::code_at(&key, now).expect("code");

    let reply = app.sign_in("harry@contoso.com", PASSWORD, &[]).await;
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
    let harry = app.user(app.sign_up_harry().await).await;
    let (_, cookie) = app
        .signed_in_member(&harry, "olga@contoso.com", &[Role::AccountAdmin])
        .await;
    app.turn_on_two_step(&harry).await;
    let harry_cookie = app.cookie_for(harry.id).await;
    let required = app
        .call(
            &harry_cookie,
            "require_two_step",
            &[("required", "true"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(required.status, 200, "{}: {}", app.t.engine, required.body);

    // Olga may do nothing but set it up: not even lift the rule herself.
    assert_eq!(app.call(&cookie, "get_dashboard", &[]).await.status, 403);
    let lift = app
        .call(
            &cookie,
            "require_two_step",
            &[("required", "false"), ("password", PASSWORD)],
        )
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
    let harry = app.user(app.sign_up_harry().await).await;
    let cookie = app.cookie_for(harry.id).await;
    let actor = app::services::testing::actor(&harry);
    two_step::start(&app.state, &actor).await.expect("start");
    let key = two_step::view(&app.state, &actor)
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
        .post_form(
            "/api/confirm_two_step",
            &[("code", &code), ("password", PASSWORD)],
            &plain_form,
        )
        .await;
    assert_eq!(reply.status, 303, "{}: {}", app.t.engine, reply.body);
    assert_eq!(reply.header("location"), Some("/two-step"));
    // Turning two-step on ends every session: this browser gets a new one.
    let old = app.get("/two-step", Some(&cookie)).await;
    assert!(
        old.body.contains("Unauthenticated"),
        "the old session is over: {}",
        old.body
    );
    let cookie = format!(
        "bc_session={}",
        reply.cookie("bc_session").expect("a new session")
    );
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
