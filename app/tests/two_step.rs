//! Two-step verification: setting it up, the second step of signing in,
//! recovery codes, and an organization requiring it of everyone.

use app::both_engines;
use app::domain::{Capability, Problem, Role};
use app::error::AppError;
use app::services::audit::Actor;
use app::services::sessions;
use app::services::sign_in::{self, Outcome};
use app::services::testing::{TestApp, TestDb, NOW, PASSWORD};
use app::services::two_step::{self, totp};

const HARRY: &str = "harry@contoso.com";

/// The key of the setup the page shows, without its spaces.
async fn setup_key(app: &TestApp, user: &Actor) -> String {
    let view = two_step::view(&app.state, user).await.expect("view");
    view.setup
        .expect("a setup under way")
        .secret
        .replace(' ', "")
}

/// Harry with two-step verification on since `NOW`: his key and his
/// recovery codes.
async fn harry_with_two_step(app: &TestApp) -> (Actor, String, Vec<String>) {
    let user = app.harry().await;
    two_step::start(&app.state, &user).await.expect("start");
    let key = setup_key(app, &user).await;
    let code = totp::code_at(&key, NOW).expect("code");
    let (codes, _) = two_step::confirm(&app.state, &user, &code, PASSWORD)
        .await
        .expect("turned on");
    (app.actor(user.user.id).await, key, codes)
}

async fn audited(app: &TestApp, action: &str) -> Vec<String> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT detail FROM audit_log WHERE action = $1 ORDER BY id")
            .bind(action)
            .fetch_all(app.db())
            .await
            .expect("audit");
    rows.into_iter().map(|(detail,)| detail).collect()
}

async fn subjects_to(app: &TestApp, email: &str) -> Vec<String> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT subject FROM outbox WHERE to_email = $1 ORDER BY id")
            .bind(email)
            .fetch_all(app.db())
            .await
            .expect("outbox");
    rows.into_iter().map(|(subject,)| subject).collect()
}

/// Harry's password, at the time the clock reads: the challenge it opens.
async fn password_then(app: &TestApp) -> String {
    let outcome = sign_in::sign_in(&app.state, None, None, HARRY, PASSWORD)
        .await
        .expect("right password");
    match outcome {
        Outcome::SecondStep { challenge } => challenge,
        other => panic!("{other:?} instead of a second step"),
    }
}

async fn setting_up_takes_a_first_code_and_gives_ten_recovery_codes(t: TestDb) {
    let app = TestApp::new(t);
    let user = app.harry().await;
    let before = two_step::view(&app.state, &user).await.expect("view");
    assert_eq!((before.enabled_since, before.setup), (None, None));
    assert!(before.may_require, "an Account Admin may require it");

    two_step::start(&app.state, &user).await.expect("start");
    let first_key = setup_key(&app, &user).await;
    // Starting again replaces the key: the first one's codes stop working.
    two_step::start(&app.state, &user)
        .await
        .expect("start again");
    let key = setup_key(&app, &user).await;
    assert_ne!(key, first_key);
    let view = two_step::view(&app.state, &user).await.expect("view");
    let setup = view.setup.expect("setup");
    assert!(
        setup.uri.contains(&format!("secret={key}")),
        "{}",
        setup.uri
    );
    assert!(setup.qr_size > 20 && setup.qr_path.starts_with('M'));

    let stale = totp::code_at(&first_key, NOW).expect("code");
    let wrong = if stale == totp::code_at(&key, NOW).expect("code") {
        "000000".to_owned()
    } else {
        stale
    };
    assert_eq!(
        two_step::confirm(&app.state, &user, &wrong, PASSWORD).await,
        Err(AppError::field("code", Problem::CodeIncorrect)),
        "{}",
        app.engine()
    );
    let code = totp::code_at(&key, NOW).expect("code");
    // A stolen session cannot enrol its own authenticator: the password
    // is asked, and a wrong one changes nothing.
    assert_eq!(
        two_step::confirm(&app.state, &user, &code, "not-my-password").await,
        Err(AppError::field("password", Problem::CurrentPasswordWrong))
    );
    assert_eq!(setup_key(&app, &user).await, key, "the setup waits");
    let before = app.session_for(user.user.id).await;
    let (codes, session) = two_step::confirm(&app.state, &user, &code, PASSWORD)
        .await
        .expect("turned on");
    // Every session before it ends, this browser's too: it gets a new one.
    let ended = sessions::user_of(&app.state, &before).await;
    assert_eq!(ended, Ok(None), "{}", app.engine());
    let renewed = sessions::user_of(&app.state, session.secret()).await;
    assert_eq!(renewed, Ok(Some(user.user.id)));
    assert_eq!(codes.len(), two_step::RECOVERY_CODES);
    let mut distinct = codes.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), codes.len(), "every code differs");
    assert!(codes
        .iter()
        .all(|code| code.len() == 14 && code.matches('-').count() == 2));

    let after = two_step::view(&app.state, &user).await.expect("view");
    assert_eq!(after.enabled_since, Some(NOW));
    assert_eq!(after.recovery_codes_left, 10);
    assert_eq!(after.setup, None, "the key is not shown again");
    // Confirming twice has nothing left to confirm.
    assert_eq!(
        two_step::confirm(&app.state, &user, &code, PASSWORD).await,
        Err(AppError::field("code", Problem::TwoStepSetupStale))
    );
    // The codes are stored hashed, never as shown.
    let stored: Vec<(String,)> = sqlx::query_as("SELECT code_hash FROM recovery_codes")
        .fetch_all(app.db())
        .await
        .expect("codes");
    assert_eq!(stored.len(), 10);
    assert!(stored.iter().all(|(hash,)| hash.starts_with("$argon2id$")));
    assert_eq!(audited(&app, "auth.two_step_enabled").await.len(), 1);
    assert!(
        subjects_to(&app, HARRY)
            .await
            .contains(&"Two-step verification is on for your Business Center account".to_owned()),
        "{}",
        app.engine()
    );
    app.close().await;
}
both_engines!(setting_up_takes_a_first_code_and_gives_ten_recovery_codes);

async fn signing_in_asks_for_a_code_and_never_takes_one_twice(t: TestDb) {
    let app = TestApp::new(t);
    let (user, key, _) = harry_with_two_step(&app).await;

    let challenge = password_then(&app).await;
    // The code that turned it on was accepted once already.
    let used = totp::code_at(&key, NOW).expect("code");
    assert_eq!(
        sign_in::second_step(&app.state, None, &challenge, &used).await,
        Err(AppError::field("code", Problem::CodeIncorrect)),
        "{}",
        app.engine()
    );
    assert_eq!(
        sign_in::second_step(&app.state, None, &challenge, "").await,
        Err(AppError::field("code", Problem::Required))
    );
    app.set_time(NOW + 60);
    let fresh = totp::code_at(&key, NOW + 60).expect("code");
    assert_eq!(
        sign_in::second_step(&app.state, None, &challenge, &fresh).await,
        Ok(user.user.id),
        "{}",
        app.engine()
    );
    // The challenge is spent, and so is the code.
    assert_eq!(
        sign_in::second_step(&app.state, None, &challenge, &fresh).await,
        Err(AppError::Unauthenticated)
    );
    let again = password_then(&app).await;
    assert_eq!(
        sign_in::second_step(&app.state, None, &again, &fresh).await,
        Err(AppError::field("code", Problem::CodeIncorrect)),
        "{}: a code replayed within its 30 seconds",
        app.engine()
    );
    // A sign-in left waiting ends after five minutes.
    app.set_time(NOW + 60 + two_step::CHALLENGE_SECS);
    let later = totp::code_at(&key, NOW + 60 + two_step::CHALLENGE_SECS).expect("code");
    assert_eq!(
        sign_in::second_step(&app.state, None, &again, &later).await,
        Err(AppError::Unauthenticated)
    );
    assert_eq!(two_step::purge(&app.state).await, Ok(1));
    assert_eq!(audited(&app, "auth.second_step_failed").await.len(), 2);
    assert_eq!(audited(&app, "auth.signed_in").await.len(), 1);
    app.close().await;
}
both_engines!(signing_in_asks_for_a_code_and_never_takes_one_twice);

async fn a_recovery_code_signs_in_once_and_the_user_hears_of_it(t: TestDb) {
    let app = TestApp::new(t);
    let (user, _, codes) = harry_with_two_step(&app).await;
    let challenge = password_then(&app).await;
    // Typed in capitals, without dashes: still the code.
    let typed = codes[3].replace('-', "").to_uppercase();
    assert_eq!(
        sign_in::second_step(&app.state, None, &challenge, &typed).await,
        Ok(user.user.id),
        "{}",
        app.engine()
    );
    let view = two_step::view(&app.state, &user).await.expect("view");
    assert_eq!(view.recovery_codes_left, 9);
    assert_eq!(audited(&app, "auth.recovery_code_used").await, ["9 left"]);
    assert!(subjects_to(&app, HARRY).await.contains(
        &"A recovery code was used to sign in to your Business Center account".to_owned()
    ));

    let again = password_then(&app).await;
    assert_eq!(
        sign_in::second_step(&app.state, None, &again, &codes[3]).await,
        Err(AppError::field("code", Problem::CodeIncorrect)),
        "{}: a recovery code works once",
        app.engine()
    );
    assert_eq!(
        sign_in::second_step(&app.state, None, &again, "abcd-efgh-jkmn").await,
        Err(AppError::field("code", Problem::CodeIncorrect))
    );
    app.close().await;
}
both_engines!(a_recovery_code_signs_in_once_and_the_user_hears_of_it);

async fn guessing_codes_is_cut_short(t: TestDb) {
    let app = TestApp::new(t);
    let (_, key, _) = harry_with_two_step(&app).await;
    let challenge = password_then(&app).await;
    let right = totp::code_at(&key, NOW + 30).expect("code");
    let wrong = if right == "123456" {
        "654321"
    } else {
        "123456"
    };
    for _ in 0..sign_in::CODE_ATTEMPTS.max {
        assert_eq!(
            sign_in::second_step(&app.state, None, &challenge, wrong).await,
            Err(AppError::field("code", Problem::CodeIncorrect))
        );
    }
    assert!(
        matches!(
            sign_in::second_step(&app.state, None, &challenge, &right).await,
            Err(AppError::RateLimited { .. })
        ),
        "{}",
        app.engine()
    );
    app.close().await;
}
both_engines!(guessing_codes_is_cut_short);

async fn turning_off_and_renewing_codes_take_the_password(t: TestDb) {
    let app = TestApp::new(t);
    let (user, _, old_codes) = harry_with_two_step(&app).await;
    assert_eq!(
        two_step::renew_recovery_codes(&app.state, &user, "not-my-password").await,
        Err(AppError::field("password", Problem::CurrentPasswordWrong))
    );
    let new_codes = two_step::renew_recovery_codes(&app.state, &user, PASSWORD)
        .await
        .expect("renewed");
    assert_eq!(new_codes.len(), 10);
    let challenge = password_then(&app).await;
    assert_eq!(
        sign_in::second_step(&app.state, None, &challenge, &old_codes[0]).await,
        Err(AppError::field("code", Problem::CodeIncorrect)),
        "{}: old codes stop working",
        app.engine()
    );

    assert_eq!(
        two_step::turn_off(&app.state, &user, "").await,
        Err(AppError::field("password", Problem::Required))
    );
    app.set_time(NOW + 120);
    let before = app.session_for(user.user.id).await;
    let session = two_step::turn_off(&app.state, &user, PASSWORD)
        .await
        .expect("turned off");
    let ended = sessions::user_of(&app.state, &before).await;
    assert_eq!(ended, Ok(None), "{}: sessions before it end", app.engine());
    let renewed = sessions::user_of(&app.state, session.secret()).await;
    assert_eq!(renewed, Ok(Some(user.user.id)));
    let outcome = sign_in::sign_in(&app.state, None, None, HARRY, PASSWORD).await;
    assert_eq!(
        outcome,
        Ok(Outcome::SignedIn(user.user.id)),
        "{}",
        app.engine()
    );
    let view = two_step::view(&app.state, &app.actor(user.user.id).await)
        .await
        .expect("view");
    assert_eq!((view.enabled_since, view.recovery_codes_left), (None, 0));
    let subjects = subjects_to(&app, HARRY).await;
    for subject in [
        "New recovery codes for your Business Center account",
        "Two-step verification was turned off for your Business Center account",
    ] {
        assert!(subjects.contains(&subject.to_owned()), "{subjects:?}");
    }
    assert_eq!(audited(&app, "auth.recovery_codes_renewed").await.len(), 1);
    assert_eq!(audited(&app, "auth.two_step_disabled").await.len(), 1);
    app.close().await;
}
both_engines!(turning_off_and_renewing_codes_take_the_password);

async fn an_account_admin_can_require_it_of_everyone(t: TestDb) {
    let app = TestApp::new(t);
    let without = app.harry().await;
    assert_eq!(
        two_step::set_required(&app.state, &without, true, PASSWORD).await,
        Err(AppError::field("required", Problem::TwoStepYoursFirst)),
        "{}",
        app.engine()
    );
    two_step::start(&app.state, &without).await.expect("start");
    let key = setup_key(&app, &without).await;
    let code = totp::code_at(&key, NOW).expect("code");
    two_step::confirm(&app.state, &without, &code, PASSWORD)
        .await
        .expect("on");
    let harry = app.actor(without.user.id).await;
    let olga = app
        .member(&harry, "olga@contoso.com", &[Role::AccountViewer])
        .await;
    assert!(!olga.user.must_set_up_two_step());

    assert_eq!(
        two_step::set_required(&app.state, &harry, true, "not-my-password").await,
        Err(AppError::field("password", Problem::CurrentPasswordWrong))
    );
    assert!(!app.load(olga.user.id).await.must_set_up_two_step());
    two_step::set_required(&app.state, &harry, true, PASSWORD)
        .await
        .expect("required");
    let olga = app.load(olga.user.id).await;
    assert!(olga.must_set_up_two_step(), "{}", app.engine());
    let harry = app.actor(harry.user.id).await;
    assert!(!harry.user.must_set_up_two_step());
    assert_eq!(
        two_step::turn_off(&app.state, &harry, PASSWORD).await,
        Err(AppError::field(
            "password",
            Problem::TwoStepRequiredByOrganization
        ))
    );
    // Only roles over the organization's security may set the rule.
    assert!(Role::any_allows(
        &[Role::AccountAdmin],
        Capability::ManageSecurity
    ));
    for role in [Role::UserAdmin, Role::AgreementAdmin, Role::AccountManager] {
        assert!(
            !Role::any_allows(&[role], Capability::ManageSecurity),
            "{role:?}"
        );
    }

    two_step::set_required(&app.state, &harry, false, PASSWORD)
        .await
        .expect("optional");
    assert!(!app.load(olga.id).await.must_set_up_two_step());
    assert_eq!(
        audited(&app, "organization.two_step_requirement_changed").await,
        ["required", "optional"]
    );
    app.close().await;
}
both_engines!(an_account_admin_can_require_it_of_everyone);
