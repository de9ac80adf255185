//! Signing in, sessions, and the rate limits that guard the public forms.

use app::both_engines;
use app::domain::Problem;
use app::error::AppError;
use app::services::accounts::{Credentials, PasswordChange};
use app::services::password::Hasher;
use app::services::ratelimit::Limit;
use app::services::testing::{actor, settings, sign_up_harry, TestDb, PASSWORD};
use app::services::Clock;
use app::services::{accounts, current_user, ratelimit, sessions, sign_in};

use app::services::testing::NOW;

async fn sign_in_compares_emails_case_insensitively_and_fails_generically(t: TestDb) {
    let hasher = Hasher::default();
    let user_id = sign_up_harry(&t.db, &settings(), &hasher, NOW).await;
    assert_eq!(
        accounts::verify_credentials(&t.db, &hasher, "  HARRY@Contoso.com ", PASSWORD).await,
        Ok(Credentials::Valid(user_id)),
        "{}",
        t.engine
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
            accounts::verify_credentials(&t.db, &hasher, email, password).await,
            Ok(expected),
            "{email:?} / {password:?}"
        );
    }
    // To the person signing in, every failure is the same.
    for (email, password) in [
        ("harry@contoso.com", "Correct-Horse-43"),
        ("nobody@contoso.com", PASSWORD),
    ] {
        let answer = sign_in::sign_in(&t.db, &hasher, NOW, None, email, password).await;
        assert!(
            matches!(answer, Err(AppError::BadCredentials)),
            "{email:?}: {answer:?}"
        );
    }
    t.close().await;
}
both_engines!(sign_in_compares_emails_case_insensitively_and_fails_generically);

async fn changing_the_password_ends_the_other_sessions(t: TestDb) {
    let hasher = Hasher::default();
    let user_id = sign_up_harry(&t.db, &settings(), &hasher, NOW).await;
    let here = sessions::create(&t.db, user_id, NOW)
        .await
        .expect("session");
    let elsewhere = sessions::create(&t.db, user_id, NOW)
        .await
        .expect("session");
    let user = current_user::load(&t.db, user_id)
        .await
        .expect("load")
        .expect("exists");

    let state = app::services::testing::state(&t.db, settings(), Clock::fixed(NOW));
    let change = |current: &'static str| PasswordChange {
        current,
        new: "New-Password-77",
        confirmation: "New-Password-77",
    };
    let wrong = accounts::change_password(&state, &actor(&user), &here, &change("nope"))
        .await
        .expect_err("wrong current password");
    assert_eq!(
        wrong.problem_with("current_password"),
        Some(Problem::CurrentPasswordWrong)
    );
    assert_eq!(
        sessions::user_of(&t.db, &elsewhere, NOW, sessions::DEFAULT_IDLE_SECS)
            .await
            .expect("lookup"),
        Some(user_id)
    );

    accounts::change_password(&state, &actor(&user), &here, &change(PASSWORD))
        .await
        .expect("changed");
    // Audited, and the owner is told by email.
    let (actions,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'auth.password_changed' AND subject_email = $1",
    )
    .bind("harry@contoso.com")
    .fetch_one(&t.db)
    .await
    .expect("audit");
    assert_eq!(actions, 1, "{}", t.engine);
    let mails = app::services::outbox::recent(&t.db, 10)
        .await
        .expect("outbox");
    assert_eq!(
        mails[0].subject, "Your Business Center password was changed",
        "{}",
        t.engine
    );
    assert_eq!(mails[0].to_email, "harry@contoso.com");
    assert_eq!(
        sessions::user_of(&t.db, &here, NOW, sessions::DEFAULT_IDLE_SECS)
            .await
            .expect("lookup"),
        Some(user_id),
        "{}",
        t.engine
    );
    assert_eq!(
        sessions::user_of(&t.db, &elsewhere, NOW, sessions::DEFAULT_IDLE_SECS)
            .await
            .expect("lookup"),
        None,
        "{}",
        t.engine
    );
    assert_eq!(
        accounts::verify_credentials(&t.db, &hasher, "harry@contoso.com", "New-Password-77").await,
        Ok(Credentials::Valid(user_id))
    );
    assert_eq!(
        accounts::verify_credentials(&t.db, &hasher, "harry@contoso.com", PASSWORD).await,
        Ok(Credentials::WrongPassword(user_id))
    );
    t.close().await;
}
both_engines!(changing_the_password_ends_the_other_sessions);

async fn sessions_end_after_twelve_hours_and_on_sign_out(t: TestDb) {
    let user_id = sign_up_harry(&t.db, &settings(), &Hasher::default(), NOW).await;
    let secret = sessions::create(&t.db, user_id, NOW)
        .await
        .expect("session");
    assert_eq!(
        // Kept in use all along: only the absolute limit applies.
        sessions::user_of(&t.db, &secret, NOW + 12 * 3600 - 1, 12 * 3600)
            .await
            .expect("lookup"),
        Some(user_id)
    );
    assert_eq!(
        sessions::user_of(&t.db, &secret, NOW + 12 * 3600, 13 * 3600)
            .await
            .expect("lookup"),
        None,
        "{}",
        t.engine
    );
    let other = sessions::create(&t.db, user_id, NOW)
        .await
        .expect("session");
    sessions::end(&t.db, &other).await.expect("sign out");
    assert_eq!(
        sessions::user_of(&t.db, &other, NOW, sessions::DEFAULT_IDLE_SECS)
            .await
            .expect("lookup"),
        None
    );
    assert_eq!(
        sessions::user_of(&t.db, "forged", NOW, sessions::DEFAULT_IDLE_SECS)
            .await
            .expect("lookup"),
        None
    );
    t.close().await;
}
both_engines!(sessions_end_after_twelve_hours_and_on_sign_out);

const FIVE_AN_HOUR: Limit = Limit {
    max: 5,
    window_secs: 3600,
};

async fn rate_limits_count_per_key_within_the_window(t: TestDb) {
    for _ in 0..5 {
        ratelimit::hit(&t.db, "agreement:1", NOW, FIVE_AN_HOUR)
            .await
            .expect("within the limit");
    }
    assert_eq!(
        ratelimit::hit(&t.db, "agreement:1", NOW + 600, FIVE_AN_HOUR).await,
        Err(AppError::RateLimited {
            retry_after_secs: 3000
        }),
        "{}",
        t.engine
    );
    ratelimit::hit(&t.db, "agreement:2", NOW + 1, FIVE_AN_HOUR)
        .await
        .expect("another key counts apart");
    ratelimit::hit(&t.db, "agreement:1", NOW + 3600, FIVE_AN_HOUR)
        .await
        .expect("a new window");
    // Old windows are purged, current ones kept.
    let purged = ratelimit::purge(&t.db, NOW + 1 + ratelimit::LONGEST_WINDOW_SECS)
        .await
        .expect("purge");
    assert_eq!(purged, 1, "{}: only agreement:2's window was old", t.engine);
    t.close().await;
}
both_engines!(rate_limits_count_per_key_within_the_window);

async fn concurrent_hits_never_slip_past_a_limit(t: TestDb) {
    let limit = Limit {
        max: 10,
        window_secs: 60,
    };
    let attempts: Vec<_> = (0..40)
        .map(|_| {
            let db = t.db.clone();
            tokio::spawn(async move { ratelimit::hit(&db, "burst", NOW, limit).await })
        })
        .collect();
    let mut allowed = 0;
    for attempt in attempts {
        match attempt.await.expect("task") {
            Ok(()) => allowed += 1,
            Err(AppError::RateLimited { .. }) => {}
            Err(other) => panic!("{}: {other:?}", t.engine),
        }
    }
    assert_eq!(allowed, 10, "{}", t.engine);
    t.close().await;
}
both_engines!(concurrent_hits_never_slip_past_a_limit);

async fn sign_in_is_throttled_per_account_for_a_while_only(t: TestDb) {
    let hasher = Hasher::default();
    let user_id = sign_up_harry(&t.db, &settings(), &hasher, NOW).await;
    let from = Some("203.0.113.9".parse().expect("ip"));
    let attempt = |now: i64, password: &'static str| {
        let (db, hasher) = (t.db.clone(), hasher.clone());
        async move { sign_in::sign_in(&db, &hasher, now, from, "harry@contoso.com", password).await }
    };
    for _ in 0..sign_in::PER_ACCOUNT.max {
        assert_eq!(
            attempt(NOW, "wrong-guess-000").await,
            Err(AppError::BadCredentials)
        );
    }
    // Locked: even the right password is refused, and says for how long.
    assert_eq!(
        attempt(NOW + 60, PASSWORD).await,
        Err(AppError::RateLimited {
            retry_after_secs: sign_in::PER_ACCOUNT.window_secs - 60
        }),
        "{}",
        t.engine
    );
    // Another account from the same address is not locked.
    assert_eq!(
        sign_in::sign_in(&t.db, &hasher, NOW + 60, from, "nobody@contoso.com", "x").await,
        Err(AppError::BadCredentials)
    );
    // The lock ends by itself; a success clears the failures.
    let later = NOW + sign_in::PER_ACCOUNT.window_secs;
    assert_eq!(
        attempt(later, PASSWORD).await,
        Ok(sign_in::Outcome::SignedIn(user_id)),
        "{}",
        t.engine
    );
    for _ in 0..sign_in::PER_ACCOUNT.max - 1 {
        assert_eq!(
            attempt(later, "wrong-guess-000").await,
            Err(AppError::BadCredentials)
        );
    }
    assert_eq!(
        attempt(later, PASSWORD).await,
        Ok(sign_in::Outcome::SignedIn(user_id)),
        "{}",
        t.engine
    );
    t.close().await;
}
both_engines!(sign_in_is_throttled_per_account_for_a_while_only);

async fn one_address_trying_many_accounts_is_throttled(t: TestDb) {
    let hasher = Hasher::default();
    let attacker = Some("2001:db8:7:7::1".parse().expect("ip"));
    let neighbour = Some("2001:db8:7:7:ffff::2".parse().expect("ip"));
    for n in 0..sign_in::PER_CLIENT.max {
        let email = format!("user{n}@contoso.com");
        assert_eq!(
            sign_in::sign_in(&t.db, &hasher, NOW, attacker, &email, "guess").await,
            Err(AppError::BadCredentials)
        );
    }
    // The same /64 shares the budget.
    assert!(matches!(
        sign_in::sign_in(&t.db, &hasher, NOW, neighbour, "x@contoso.com", "guess").await,
        Err(AppError::RateLimited { .. })
    ));
    // Another network does not.
    let elsewhere = Some("198.51.100.1".parse().expect("ip"));
    assert_eq!(
        sign_in::sign_in(&t.db, &hasher, NOW, elsewhere, "x@contoso.com", "guess").await,
        Err(AppError::BadCredentials),
        "{}",
        t.engine
    );
    t.close().await;
}
both_engines!(one_address_trying_many_accounts_is_throttled);

async fn sessions_end_after_thirty_idle_minutes_and_are_purged(t: TestDb) {
    let hasher = Hasher::default();
    let user_id = sign_up_harry(&t.db, &settings(), &hasher, NOW).await;
    let idle = sessions::DEFAULT_IDLE_SECS;
    let busy = sessions::create(&t.db, user_id, NOW)
        .await
        .expect("session");
    let quiet = sessions::create(&t.db, user_id, NOW)
        .await
        .expect("session");
    // Used every 20 minutes, the busy one lives on past the idle limit.
    for minutes in [20, 40, 60] {
        assert_eq!(
            sessions::user_of(&t.db, &busy, NOW + minutes * 60, idle)
                .await
                .expect("lookup"),
            Some(user_id),
            "{}: after {minutes} min",
            t.engine
        );
    }
    assert_eq!(
        sessions::user_of(&t.db, &quiet, NOW + idle, idle)
            .await
            .expect("lookup"),
        None,
        "{}: 30 minutes unused",
        t.engine
    );
    let purged = sessions::purge(&t.db, NOW + idle + 1, idle)
        .await
        .expect("purge");
    assert_eq!(purged, 1, "{}: only the idle session goes", t.engine);
    t.close().await;
}
both_engines!(sessions_end_after_thirty_idle_minutes_and_are_purged);

async fn sign_ins_and_sign_outs_are_audited_for_known_accounts(t: TestDb) {
    let hasher = Hasher::default();
    sign_up_harry(&t.db, &settings(), &hasher, NOW).await;
    let from = Some("198.51.100.4".parse().expect("ip"));
    let attempt = |email: &'static str, password: &'static str| {
        let (db, hasher) = (t.db.clone(), hasher.clone());
        async move { sign_in::sign_in(&db, &hasher, NOW, from, email, password).await }
    };
    attempt("harry@contoso.com", "wrong-password-9")
        .await
        .expect_err("wrong");
    attempt("nobody@contoso.com", "wrong-password-9")
        .await
        .expect_err("unknown");
    let Ok(sign_in::Outcome::SignedIn(user_id)) = attempt("harry@contoso.com", PASSWORD).await
    else {
        panic!("{}: signed in", t.engine);
    };
    let secret = sessions::create(&t.db, user_id, NOW)
        .await
        .expect("session");
    sign_in::sign_out(&t.db, NOW + 60, from, &secret)
        .await
        .expect("signed out");
    let logged: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT action, subject_email, client_address FROM audit_log \
         WHERE action LIKE 'auth.%' ORDER BY id",
    )
    .fetch_all(&t.db)
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
        t.engine
    );
    assert_eq!(
        sessions::user_of(&t.db, &secret, NOW + 60, sessions::DEFAULT_IDLE_SECS)
            .await
            .expect("lookup"),
        None
    );
    t.close().await;
}
both_engines!(sign_ins_and_sign_outs_are_audited_for_known_accounts);
