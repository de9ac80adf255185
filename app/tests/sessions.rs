//! Signing in, sessions, and the rate limits that guard the public forms.

use std::sync::Arc;

use app::both_engines;
use app::domain::Problem;
use app::error::AppError;
use app::services::accounts::PasswordChange;
use app::services::credentials::{self, Credentials};
use app::services::testing::{TestApp, TestDb, CLIENT_ADDRESS, NOW, PASSWORD};
use app::services::{accounts, sessions, sign_in, AppState};

/// Whose session `secret` is, at the time `state`'s clock reads.
async fn lookup(state: &AppState, secret: &str) -> Option<i64> {
    sessions::user_of(state, secret).await.expect("lookup")
}

/// `app`'s state with sessions ending after `secs` unused.
fn idling(app: &TestApp, secs: i64) -> AppState {
    let mut settings = (*app.state.settings).clone();
    settings.session_idle_secs = secs;
    AppState {
        settings: Arc::new(settings),
        ..app.state.clone()
    }
}

async fn sign_in_compares_emails_case_insensitively_and_fails_generically(t: TestDb) {
    let app = TestApp::new(t);
    let user_id = app.sign_up_harry().await;
    assert_eq!(
        credentials::verify(&app.state, "  HARRY@Contoso.com ", PASSWORD).await,
        Ok(Credentials::Valid(user_id)),
        "{}",
        app.engine()
    );
    for (email, password, expected) in [
        (
            "harry@contoso.com",
            "Correct-Horse-43",
            Credentials::WrongPassword(user_id),
        ),
        ("harry@contoso.com", "", Credentials::WrongPassword(user_id)),
        ("nobody@contoso.com", PASSWORD, Credentials::UnknownEmail),
        ("not an email", PASSWORD, Credentials::UnknownEmail),
    ] {
        assert_eq!(
            credentials::verify(&app.state, email, password).await,
            Ok(expected),
            "{email:?} / {password:?}"
        );
    }
    // To the person signing in, every failure is the same.
    for (email, password) in [
        ("harry@contoso.com", "Correct-Horse-43"),
        ("nobody@contoso.com", PASSWORD),
    ] {
        let answer = sign_in::sign_in(&app.state, None, None, email, password).await;
        assert!(
            matches!(answer, Err(AppError::BadCredentials)),
            "{email:?}: {answer:?}"
        );
    }
    app.close().await;
}
both_engines!(sign_in_compares_emails_case_insensitively_and_fails_generically);

async fn changing_the_password_ends_every_session_but_a_new_one(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let user_id = harry.user.id;
    let here = app.session_for(user_id).await;
    let elsewhere = app.session_for(user_id).await;

    let change = |current: &'static str| PasswordChange {
        current,
        new: "New-Password-77",
        confirmation: "New-Password-77",
    };
    let wrong = accounts::change_password(&app.state, &harry, &change("nope"))
        .await
        .expect_err("wrong current password");
    assert_eq!(
        wrong.problem_with("current_password"),
        Some(Problem::CurrentPasswordWrong)
    );
    assert_eq!(lookup(&app.state, &elsewhere).await, Some(user_id));

    let renewed = accounts::change_password(&app.state, &harry, &change(PASSWORD))
        .await
        .expect("changed");
    // Audited, and the owner is told by email.
    let (actions,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'auth.password_changed' AND subject_email = $1",
    )
    .bind("harry@contoso.com")
    .fetch_one(app.db())
    .await
    .expect("audit");
    assert_eq!(actions, 1, "{}", app.engine());
    let mails = app.queued_mail().await;
    assert_eq!(
        mails[0].subject,
        "Your Business Center password was changed",
        "{}",
        app.engine()
    );
    assert_eq!(mails[0].to_email, "harry@contoso.com");
    // The session it was changed from ends too: the browser gets a new one.
    for old in [&here, &elsewhere] {
        assert_eq!(lookup(&app.state, old).await, None, "{}", app.engine());
    }
    let new = lookup(&app.state, renewed.secret()).await;
    assert_eq!(new, Some(user_id), "{}", app.engine());
    assert_eq!(
        credentials::verify(&app.state, "harry@contoso.com", "New-Password-77").await,
        Ok(Credentials::Valid(user_id))
    );
    assert_eq!(
        credentials::verify(&app.state, "harry@contoso.com", PASSWORD).await,
        Ok(Credentials::WrongPassword(user_id))
    );
    app.close().await;
}
both_engines!(changing_the_password_ends_every_session_but_a_new_one);

async fn sessions_end_after_twelve_hours_and_on_sign_out(t: TestDb) {
    let app = TestApp::new(t);
    let user_id = app.sign_up_harry().await;
    let secret = app.session_for(user_id).await;
    app.set_time(NOW + 12 * 3600 - 1);
    assert_eq!(
        // Kept in use all along: only the absolute limit applies.
        lookup(&idling(&app, 12 * 3600), &secret).await,
        Some(user_id)
    );
    app.set_time(NOW + 12 * 3600);
    assert_eq!(
        lookup(&idling(&app, 13 * 3600), &secret).await,
        None,
        "{}",
        app.engine()
    );
    app.set_time(NOW);
    let other = app.session_for(user_id).await;
    sessions::end(&app.state, &other).await.expect("sign out");
    assert_eq!(lookup(&app.state, &other).await, None);
    assert_eq!(lookup(&app.state, "forged").await, None);
    app.close().await;
}
both_engines!(sessions_end_after_twelve_hours_and_on_sign_out);

async fn sessions_end_after_thirty_idle_minutes_and_are_purged(t: TestDb) {
    let app = TestApp::new(t);
    let user_id = app.sign_up_harry().await;
    let idle = sessions::DEFAULT_IDLE_SECS;
    let busy = app.session_for(user_id).await;
    let quiet = app.session_for(user_id).await;
    // Used every 20 minutes, the busy one lives on past the idle limit.
    for minutes in [20, 40, 60] {
        app.set_time(NOW + minutes * 60);
        assert_eq!(
            lookup(&app.state, &busy).await,
            Some(user_id),
            "{}: after {minutes} min",
            app.engine()
        );
    }
    app.set_time(NOW + idle);
    assert_eq!(
        lookup(&app.state, &quiet).await,
        None,
        "{}: 30 minutes unused",
        app.engine()
    );
    app.set_time(NOW + idle + 1);
    let purged = sessions::purge(&app.state).await.expect("purge");
    assert_eq!(purged, 1, "{}: only the idle session goes", app.engine());
    app.close().await;
}
both_engines!(sessions_end_after_thirty_idle_minutes_and_are_purged);

async fn sign_ins_and_sign_outs_are_audited_for_known_accounts(t: TestDb) {
    let app = TestApp::new(t);
    app.sign_up_harry().await;
    let from = Some("198.51.100.4".parse().expect("ip"));
    let attempt = |email: &'static str, password: &'static str| {
        sign_in::sign_in(&app.state, from, None, email, password)
    };
    attempt("harry@contoso.com", "wrong-password-9")
        .await
        .expect_err("wrong");
    attempt("nobody@contoso.com", "wrong-password-9")
        .await
        .expect_err("unknown");
    let Ok(sign_in::Outcome::SignedIn(user_id)) = attempt("harry@contoso.com", PASSWORD).await
    else {
        panic!("{}: signed in", app.engine());
    };
    let secret = app.session_for(user_id).await;
    app.set_time(NOW + 60);
    sign_in::sign_out(&app.state, from, &secret)
        .await
        .expect("signed out");
    let logged: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT action, subject_email, client_address FROM audit_log \
         WHERE action LIKE 'auth.%' ORDER BY id",
    )
    .fetch_all(app.db())
    .await
    .expect("audit");
    let harry = |action: &str| {
        (
            action.to_owned(),
            "harry@contoso.com".to_owned(),
            "198.51.100.4".to_owned(),
        )
    };
    assert_eq!(
        logged,
        vec![
            harry("auth.sign_in_failed"),
            harry("auth.signed_in"),
            harry("auth.signed_out")
        ],
        "{}: an unknown address leaves no line",
        app.engine()
    );
    assert_eq!(lookup(&app.state, &secret).await, None);
    app.close().await;
}
both_engines!(sign_ins_and_sign_outs_are_audited_for_known_accounts);

async fn a_person_sees_their_sessions_and_signs_the_others_out(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let here = app.session_for(harry.user.id).await;
    app.advance(60);
    let laptop = app.session_for(harry.user.id).await;
    app.advance(60);
    let phone = app.session_for(harry.user.id).await;
    let olga = app.olga().await;
    let hers = app.session_for(olga.user.id).await;

    let listed = sessions::list(&app.state, &harry, &here)
        .await
        .expect("list");
    assert_eq!(listed.len(), 3, "{}", app.engine());
    assert_eq!(
        listed.iter().map(|row| row.current).collect::<Vec<_>>(),
        [false, false, true],
        "most recently used first, this one marked"
    );
    assert!(listed
        .iter()
        .all(|row| row.browser == "Firefox · Linux" && row.client_address == CLIENT_ADDRESS));
    assert_eq!(listed[2].signed_in_at, NOW);
    let handle_of = |index: usize| listed[index].handle.clone();
    // The newest (the phone's) is listed first.
    sessions::end_others(&app.state, &harry, &here, Some(&handle_of(0)))
        .await
        .expect("end one");
    assert_eq!(lookup(&app.state, &phone).await, None, "{}", app.engine());
    assert_eq!(lookup(&app.state, &laptop).await, Some(harry.user.id));
    // Neither this session nor someone else's ends by its handle.
    let olgas = sessions::list(&app.state, &olga, &hers)
        .await
        .expect("list");
    for handle in [handle_of(2), olgas[0].handle.clone()] {
        sessions::end_others(&app.state, &harry, &here, Some(&handle))
            .await
            .expect("nothing to end");
    }
    assert_eq!(lookup(&app.state, &here).await, Some(harry.user.id));
    assert_eq!(lookup(&app.state, &hers).await, Some(olga.user.id));

    sessions::end_others(&app.state, &harry, &here, None)
        .await
        .expect("end the others");
    assert_eq!(lookup(&app.state, &laptop).await, None);
    assert_eq!(lookup(&app.state, &here).await, Some(harry.user.id));
    let audited: Vec<(String,)> = sqlx::query_as(
        "SELECT detail FROM audit_log WHERE action = 'auth.sessions_ended' ORDER BY id",
    )
    .fetch_all(app.db())
    .await
    .expect("audit");
    assert_eq!(audited, [("1".to_owned(),), ("1".to_owned(),)]);
    app.close().await;
}
both_engines!(a_person_sees_their_sessions_and_signs_the_others_out);
