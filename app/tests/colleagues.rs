//! What an Account Admin may do about a colleague's sign-in: reset their
//! two-step verification when phone and recovery codes are lost.

use app::both_engines;
use app::domain::Role;
use app::error::AppError;
use app::services::audit::Actor;
use app::services::sessions;
use app::services::sign_in::{self, Outcome};
use app::services::testing::{TestApp, TestDb, NOW, PASSWORD};
use app::services::two_step::{self, totp};

const SAM: &str = "sam@contoso.com";

/// `user` with two-step verification on since the clock's time.
async fn with_two_step(app: &TestApp, user: &Actor) -> Actor {
    two_step::start(&app.state, user).await.expect("start");
    let view = two_step::view(&app.state, user).await.expect("view");
    let key = view.setup.expect("setup").secret.replace(' ', "");
    let code = totp::code_at(&key, app.time()).expect("code");
    two_step::confirm(&app.state, user, &code, PASSWORD)
        .await
        .expect("turned on");
    app.actor(user.user.id).await
}

async fn an_account_admin_resets_a_colleagues_two_step(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let sam = app.member(&harry, SAM, &[Role::AccountViewer]).await;
    let sam = with_two_step(&app, &sam).await;
    let session = app.session_for(sam.user.id).await;
    assert_eq!(
        sign_in::sign_in(&app.state, None, None, SAM, PASSWORD)
            .await
            .map(|outcome| matches!(outcome, Outcome::SecondStep { .. })),
        Ok(true)
    );

    app.set_time(NOW + 600);
    two_step::reset(&app.state, &harry, sam.user.id)
        .await
        .expect("reset");
    let sam = app.actor(sam.user.id).await;
    let view = two_step::view(&app.state, &sam).await.expect("view");
    assert_eq!((view.enabled_since, view.recovery_codes_left), (None, 0));
    // Whoever held one of Sam's sessions holds nothing now.
    let held = sessions::user_of(&app.state, &session).await;
    assert_eq!(held, Ok(None), "{}", app.engine());
    assert_eq!(
        sign_in::sign_in(&app.state, None, None, SAM, PASSWORD).await,
        Ok(Outcome::SignedIn(sam.user.id))
    );
    let mails = app.queued_mail().await;
    let mail = mails
        .iter()
        .find(|mail| mail.to_email == SAM)
        .expect("Sam is told");
    assert_eq!(
        mail.subject,
        "Two-step verification was reset for your Business Center account"
    );
    assert!(mail.body_text.contains("Harry"), "{}", mail.body_text);
    let audited: Vec<(String, String)> = sqlx::query_as(
        "SELECT actor_email, subject_email FROM audit_log WHERE action = 'auth.two_step_reset'",
    )
    .fetch_all(app.db())
    .await
    .expect("audit");
    assert_eq!(
        audited,
        [("harry@contoso.com".to_owned(), SAM.to_owned())],
        "{}",
        app.engine()
    );
    app.close().await;
}
both_engines!(an_account_admin_resets_a_colleagues_two_step);

async fn nobody_resets_their_own_or_beyond_their_roles(t: TestDb) {
    let app = TestApp::new(t);
    let harry = with_two_step(&app, &app.harry().await).await;
    assert_eq!(
        two_step::reset(&app.state, &harry, harry.user.id).await,
        Err(AppError::Forbidden),
        "{}: their own would undo the second step with the first",
        app.engine()
    );
    // A User Admin manages people, not their security.
    let ursula = app
        .member(&harry, "ursula@contoso.com", &[Role::UserAdmin])
        .await;
    assert_eq!(
        two_step::reset(&app.state, &ursula, harry.user.id).await,
        Err(AppError::Forbidden)
    );
    // Another organization's admin does not find Contoso's people.
    let olga = app.olga().await;
    assert_eq!(
        two_step::reset(&app.state, &olga, harry.user.id).await,
        Err(AppError::NotFound)
    );
    let harry = app.actor(harry.user.id).await;
    assert!(harry.user.two_step_on, "{}", app.engine());
    assert!(matches!(
        two_step::view(&app.state, &harry).await,
        Ok(view) if view.recovery_codes_left == 10
    ));
    app.close().await;
}
both_engines!(nobody_resets_their_own_or_beyond_their_roles);
