//! Signing in, sessions, and the rate limits that guard the public forms.

use app::both_engines;
use app::domain::Problem;
use app::error::AppError;
use app::services::password::Hasher;
use app::services::testing::{settings, sign_up_harry, TestDb, PASSWORD};
use app::services::{accounts, ratelimit, sessions};

use app::services::testing::NOW;

async fn sign_in_compares_emails_case_insensitively_and_fails_generically(t: TestDb) {
    let hasher = Hasher::default();
    let user_id = sign_up_harry(&t.db, &settings(), &hasher, NOW).await;
    assert_eq!(
        accounts::verify_credentials(&t.db, &hasher, "  HARRY@Contoso.com ", PASSWORD).await,
        Ok(user_id),
        "{}",
        t.engine
    );
    for (email, password) in [
        ("harry@contoso.com", "Correct-Horse-43"),
        ("nobody@contoso.com", PASSWORD),
        ("not an email", PASSWORD),
        ("harry@contoso.com", ""),
    ] {
        assert_eq!(
            accounts::verify_credentials(&t.db, &hasher, email, password).await,
            Err(AppError::BadCredentials),
            "{email:?} / {password:?}"
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
    let user = accounts::load(&t.db, user_id)
        .await
        .expect("load")
        .expect("exists");

    let wrong = accounts::change_password(
        &t.db,
        &hasher,
        &user,
        &here,
        "nope",
        "New-Password-77",
        "New-Password-77",
    )
    .await
    .expect_err("wrong current password");
    assert_eq!(
        wrong.problem_with("current_password"),
        Some(Problem::CurrentPasswordWrong)
    );
    assert_eq!(
        sessions::user_of(&t.db, &elsewhere, NOW)
            .await
            .expect("lookup"),
        Some(user_id)
    );

    accounts::change_password(
        &t.db,
        &hasher,
        &user,
        &here,
        PASSWORD,
        "New-Password-77",
        "New-Password-77",
    )
    .await
    .expect("changed");
    assert_eq!(
        sessions::user_of(&t.db, &here, NOW).await.expect("lookup"),
        Some(user_id),
        "{}",
        t.engine
    );
    assert_eq!(
        sessions::user_of(&t.db, &elsewhere, NOW)
            .await
            .expect("lookup"),
        None,
        "{}",
        t.engine
    );
    assert_eq!(
        accounts::verify_credentials(&t.db, &hasher, "harry@contoso.com", "New-Password-77").await,
        Ok(user_id)
    );
    assert_eq!(
        accounts::verify_credentials(&t.db, &hasher, "harry@contoso.com", PASSWORD).await,
        Err(AppError::BadCredentials)
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
        sessions::user_of(&t.db, &secret, NOW + 12 * 3600 - 1)
            .await
            .expect("lookup"),
        Some(user_id)
    );
    assert_eq!(
        sessions::user_of(&t.db, &secret, NOW + 12 * 3600)
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
        sessions::user_of(&t.db, &other, NOW).await.expect("lookup"),
        None
    );
    assert_eq!(
        sessions::user_of(&t.db, "forged", NOW)
            .await
            .expect("lookup"),
        None
    );
    t.close().await;
}
both_engines!(sessions_end_after_twelve_hours_and_on_sign_out);

async fn rate_limits_count_per_key_within_the_window(t: TestDb) {
    for _ in 0..5 {
        assert!(ratelimit::allow(&t.db, "agreement:1", NOW, 3600, 5)
            .await
            .expect("count"));
    }
    assert!(
        !ratelimit::allow(&t.db, "agreement:1", NOW + 1, 3600, 5)
            .await
            .expect("count"),
        "{}",
        t.engine
    );
    assert!(ratelimit::allow(&t.db, "agreement:2", NOW + 1, 3600, 5)
        .await
        .expect("count"));
    assert!(ratelimit::allow(&t.db, "agreement:1", NOW + 3601, 3600, 5)
        .await
        .expect("count"));
    t.close().await;
}
both_engines!(rate_limits_count_per_key_within_the_window);
