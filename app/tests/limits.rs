//! The limits on guessing: counted in the database, per key and window,
//! and the sign-in limiter, which a stranger cannot use to lock an owner
//! out, and which every password asked again goes through.

use app::both_engines;
use app::domain::{AuditAction, Problem};
use app::error::AppError;
use app::services::accounts::{self, PasswordChange};
use app::services::ratelimit::{self, Limit};
use app::services::testing::{TestApp, TestDb, NOW, PASSWORD};
use app::services::{credentials, sign_in, two_step};

const FIVE_AN_HOUR: Limit = Limit {
    max: 5,
    window_secs: 3600,
};
async fn rate_limits_count_per_key_within_the_window(t: TestDb) {
    let app = TestApp::new(t);
    for _ in 0..5 {
        ratelimit::hit(app.db(), "agreement:1", NOW, FIVE_AN_HOUR)
            .await
            .expect("within the limit");
    }
    assert_eq!(
        ratelimit::hit(app.db(), "agreement:1", NOW + 600, FIVE_AN_HOUR).await,
        Err(AppError::RateLimited {
            retry_after_secs: 3000
        }),
        "{}",
        app.engine()
    );
    ratelimit::hit(app.db(), "agreement:2", NOW + 1, FIVE_AN_HOUR)
        .await
        .expect("another key counts apart");
    ratelimit::hit(app.db(), "agreement:1", NOW + 3600, FIVE_AN_HOUR)
        .await
        .expect("a new window");
    // Old windows are purged, current ones kept.
    app.set_time(NOW + 1 + ratelimit::LONGEST_WINDOW_SECS);
    let purged = ratelimit::purge(&app.state).await.expect("purge");
    assert_eq!(
        purged,
        1,
        "{}: only agreement:2's window was old",
        app.engine()
    );
    app.close().await;
}
both_engines!(rate_limits_count_per_key_within_the_window);

async fn concurrent_hits_never_slip_past_a_limit(t: TestDb) {
    let app = TestApp::new(t);
    let limit = Limit {
        max: 10,
        window_secs: 60,
    };
    let attempts: Vec<_> = (0..40)
        .map(|_| {
            let db = app.db().clone();
            tokio::spawn(async move { ratelimit::hit(&db, "burst", NOW, limit).await })
        })
        .collect();
    let mut allowed = 0;
    for attempt in attempts {
        match attempt.await.expect("task") {
            Ok(()) => allowed += 1,
            Err(AppError::RateLimited { .. }) => {}
            Err(other) => panic!("{}: {other:?}", app.engine()),
        }
    }
    assert_eq!(allowed, 10, "{}", app.engine());
    app.close().await;
}
both_engines!(concurrent_hits_never_slip_past_a_limit);

async fn sign_in_is_throttled_per_account_and_address_for_a_while_only(t: TestDb) {
    let app = TestApp::new(t);
    let user_id = app.sign_up_harry().await;
    let from = Some("203.0.113.9".parse().expect("ip"));
    let attempt = |password: &'static str| {
        sign_in::sign_in(&app.state, from, None, "harry@contoso.com", password)
    };
    for _ in 0..credentials::PER_ACCOUNT_AND_CLIENT.max {
        assert_eq!(
            attempt("wrong-guess-000").await,
            Err(AppError::BadCredentials)
        );
    }
    // Locked: even the right password is refused, and says for how long.
    app.set_time(NOW + 60);
    assert_eq!(
        attempt(PASSWORD).await,
        Err(AppError::RateLimited {
            retry_after_secs: credentials::PER_ACCOUNT_AND_CLIENT.window_secs - 60
        }),
        "{}",
        app.engine()
    );
    // Another account from the same address is not locked.
    assert_eq!(
        sign_in::sign_in(&app.state, from, None, "nobody@contoso.com", "x").await,
        Err(AppError::BadCredentials)
    );
    // The lock ends by itself; a success clears the failures.
    app.set_time(NOW + credentials::PER_ACCOUNT_AND_CLIENT.window_secs);
    assert_eq!(
        attempt(PASSWORD).await,
        Ok(sign_in::Outcome::SignedIn(user_id)),
        "{}",
        app.engine()
    );
    for _ in 0..credentials::PER_ACCOUNT_AND_CLIENT.max - 1 {
        assert_eq!(
            attempt("wrong-guess-000").await,
            Err(AppError::BadCredentials)
        );
    }
    assert_eq!(
        attempt(PASSWORD).await,
        Ok(sign_in::Outcome::SignedIn(user_id)),
        "{}",
        app.engine()
    );
    app.close().await;
}
both_engines!(sign_in_is_throttled_per_account_and_address_for_a_while_only);

async fn one_address_trying_many_accounts_is_throttled(t: TestDb) {
    let app = TestApp::new(t);
    let attacker = Some("2001:db8:7:7::1".parse().expect("ip"));
    let neighbour = Some("2001:db8:7:7:ffff::2".parse().expect("ip"));
    for n in 0..credentials::PER_CLIENT.max {
        let email = format!("user{n}@contoso.com");
        assert_eq!(
            sign_in::sign_in(&app.state, attacker, None, &email, "guess").await,
            Err(AppError::BadCredentials)
        );
    }
    // The same /64 shares the budget.
    assert!(matches!(
        sign_in::sign_in(&app.state, neighbour, None, "x@contoso.com", "guess").await,
        Err(AppError::RateLimited { .. })
    ));
    // Another network does not.
    let elsewhere = Some("198.51.100.1".parse().expect("ip"));
    assert_eq!(
        sign_in::sign_in(&app.state, elsewhere, None, "x@contoso.com", "guess").await,
        Err(AppError::BadCredentials),
        "{}",
        app.engine()
    );
    app.close().await;
}
both_engines!(one_address_trying_many_accounts_is_throttled);

/// A sign-in of Harry's with `password` from `address`, by a browser
/// holding `device`.
async fn harry_from(
    app: &TestApp,
    address: &str,
    device: Option<&str>,
    password: &str,
) -> Result<sign_in::Outcome, AppError> {
    let client = Some(address.parse().expect("ip"));
    sign_in::sign_in(&app.state, client, device, "harry@contoso.com", password).await
}

async fn a_stranger_cannot_lock_the_owner_out(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.sign_up_harry().await;
    let signed_in = Ok(sign_in::Outcome::SignedIn(harry));
    // Harry's own browser has signed in before: it holds a device cookie.
    let device = credentials::remember_device(&app.state, "harry@contoso.com", None)
        .await
        .expect("remembered")
        .expect("a new device");
    // A stranger guesses from one address until that address is stopped…
    for _ in 0..credentials::PER_ACCOUNT_AND_CLIENT.max {
        let guess = harry_from(&app, "203.0.113.66", None, "guess-0000").await;
        assert_eq!(guess, Err(AppError::BadCredentials), "{}", app.engine());
    }
    let stopped = harry_from(&app, "203.0.113.66", None, PASSWORD).await;
    assert!(matches!(stopped, Err(AppError::RateLimited { .. })));
    // …which holds back neither Harry at another address, even in a new
    // browser, nor his known browser.
    let elsewhere = harry_from(&app, "198.51.100.7", None, PASSWORD).await;
    assert_eq!(elsewhere, signed_in, "{}", app.engine());
    let own = harry_from(&app, "198.51.100.8", Some(&device), PASSWORD).await;
    assert_eq!(own, signed_in);
    // Guessers at many addresses reach the account-wide ceiling: a new
    // browser must wait, Harry's known browser does not, wherever it is.
    let per_address = credentials::PER_ACCOUNT_AND_CLIENT.max;
    for n in 0..credentials::PER_ACCOUNT.max / per_address {
        for _ in 0..per_address {
            let _ = harry_from(&app, &format!("192.0.2.{n}"), None, "guess-0000").await;
        }
    }
    let new_browser = harry_from(&app, "198.51.100.9", None, PASSWORD).await;
    assert!(
        matches!(new_browser, Err(AppError::RateLimited { .. })),
        "{}: {new_browser:?}",
        app.engine()
    );
    let own = harry_from(&app, "198.51.100.10", Some(&device), PASSWORD).await;
    assert_eq!(own, signed_in, "{}", app.engine());
    // A device cookie of another account opens nothing for this one.
    let other = credentials::remember_device(&app.state, "olga@fabrikam.com", None)
        .await
        .expect("remembered")
        .expect("a new device");
    let borrowed = harry_from(&app, "198.51.100.11", Some(&other), PASSWORD).await;
    assert!(matches!(borrowed, Err(AppError::RateLimited { .. })));
    // Signing in again with a known cookie keeps it; an unknown one is
    // replaced.
    let again = credentials::remember_device(&app.state, "harry@contoso.com", Some(&device));
    assert_eq!(again.await, Ok(None));
    let forged = credentials::remember_device(&app.state, "harry@contoso.com", Some("forged"));
    assert!(matches!(forged.await, Ok(Some(_))));
    app.close().await;
}
both_engines!(a_stranger_cannot_lock_the_owner_out);

/// Every password asked again (the current password to change it, to turn
/// two-step verification off, for new recovery codes) is limited like a
/// sign-in from that address, and a wrong one is audited.
async fn passwords_asked_again_are_limited_and_audited(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let change = |current: &'static str| PasswordChange {
        current,
        new: "New-Password-77",
        confirmation: "New-Password-77",
    };
    let wrong = accounts::change_password(&app.state, &harry, &change("guess-1")).await;
    assert_eq!(
        wrong.expect_err("wrong").problem_with("current_password"),
        Some(Problem::CurrentPasswordWrong)
    );
    let off = two_step::turn_off(&app.state, &harry, "guess-2").await;
    assert_eq!(
        off.expect_err("wrong").problem_with("password"),
        Some(Problem::CurrentPasswordWrong)
    );
    for _ in 2..credentials::PER_ACCOUNT_AND_CLIENT.max {
        let codes = two_step::renew_recovery_codes(&app.state, &harry, "guess-3").await;
        assert!(codes.is_err());
    }
    // The limit is reached: even the right password waits now, and no
    // password is hashed for it.
    let limited = accounts::change_password(&app.state, &harry, &change(PASSWORD)).await;
    assert!(
        matches!(limited, Err(AppError::RateLimited { .. })),
        "{}: {limited:?}",
        app.engine()
    );
    let (failures,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action = $1 AND subject_email = $2")
            .bind(AuditAction::PasswordRecheckFailed.key())
            .bind("harry@contoso.com")
            .fetch_one(app.db())
            .await
            .expect("audit");
    assert_eq!(
        failures,
        credentials::PER_ACCOUNT_AND_CLIENT.max,
        "{}",
        app.engine()
    );
    // The window ends by itself.
    app.advance(credentials::PER_ACCOUNT_AND_CLIENT.window_secs);
    accounts::change_password(&app.state, &harry, &change(PASSWORD))
        .await
        .expect("changed once the window is over");
    app.close().await;
}
both_engines!(passwords_asked_again_are_limited_and_audited);
