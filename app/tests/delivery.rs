//! Mail that could not be delivered, and the reminder a week before an
//! invitation expires.

use app::both_engines;
use app::domain::Role;
use app::services::access::invite;
use app::services::outbox::{self, QueuedMail};
use app::services::reminders;
use app::services::testing::{contoso, TestApp, TestDb, NOW};

use crate::common::{invitee, DAY};

/// What a worker claims at `at`: the clock is moved there first.
async fn claim_at(app: &TestApp, at: i64) -> Vec<QueuedMail> {
    app.set_time(at);
    outbox::claim_due(&app.state, 10).await.expect("claim")
}

async fn failed_deliveries_are_retried_with_backoff_then_given_up(t: TestDb) {
    let app = TestApp::new(t);
    app.register(contoso()).await;
    let claimed = claim_at(&app, NOW).await;
    assert_eq!(claimed.len(), 1);
    assert!(claim_at(&app, NOW).await.is_empty(), "claimed once");

    let mut message = claimed[0].clone();
    outbox::mark_attempt_failed(&app.state, &message, "connection refused", false)
        .await
        .expect("record");
    assert!(claim_at(&app, NOW + 9).await.is_empty(), "waits 10 s");
    message = claim_at(&app, NOW + 10).await.remove(0);
    assert_eq!(message.attempts, 1);
    assert_eq!(app.queued_mail().await[0].status, "queued");

    message.attempts = outbox::MAX_ATTEMPTS - 1;
    app.set_time(NOW + 20);
    outbox::mark_attempt_failed(&app.state, &message, "still down", false)
        .await
        .expect("record");
    assert_eq!(
        app.queued_mail().await[0].status,
        "failed",
        "{}",
        app.engine()
    );
    assert!(claim_at(&app, NOW + 100 * DAY).await.is_empty());
    app.close().await;
}
both_engines!(failed_deliveries_are_retried_with_backoff_then_given_up);

async fn a_reminder_goes_once_a_week_before_expiry(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    for (email, language) in [("ana@contoso.com", "fr"), ("bob@contoso.com", "en")] {
        let person = invitee(email, &[Role::AccountViewer], language);
        invite::invite(&app.state, &harry, &person)
            .await
            .expect("invited");
    }
    let bob = app.newest_link("bob@contoso.com").await;
    app.accept(&bob).await.expect("bob joins");

    let day = 24 * 3600;
    let expires = NOW + 60 * day;
    let remind_at = |at| {
        app.set_time(at);
        reminders::send_reminders(&app.state)
    };
    assert_eq!(remind_at(expires - 7 * day - 1).await, Ok(0));
    assert_eq!(
        remind_at(expires - 7 * day).await,
        Ok(1),
        "{}",
        app.engine()
    );
    assert_eq!(remind_at(expires - day).await, Ok(0), "only once");
    assert_eq!(remind_at(expires + 1).await, Ok(0), "none once expired");

    let mails = outbox::recent(&app.state, 10).await.expect("outbox");
    let reminder = &mails[0];
    assert_eq!(reminder.to_email, "ana@contoso.com");
    assert!(
        reminder.subject.contains("expire bientôt"),
        "{}",
        reminder.subject
    );
    assert!(
        reminder.body_text.contains("17 janvier 2027"),
        "{}",
        reminder.body_text
    );
    assert!(
        reminder.body_text.contains("Harry Roldan"),
        "{}",
        reminder.body_text
    );
    app.close().await;
}
both_engines!(a_reminder_goes_once_a_week_before_expiry);

async fn a_lapsed_claim_records_nothing_and_failed_mail_keeps_no_link(t: TestDb) {
    let app = TestApp::new(t);
    app.register(contoso()).await;
    let first = claim_at(&app, NOW).await.remove(0);
    // Renewed before each delivery, the claim holds past its first lease…
    app.set_time(NOW + outbox::LEASE_SECS - 1);
    assert!(outbox::renew(&app.state, &first.claim_token)
        .await
        .expect("renew"));
    app.set_time(NOW + outbox::LEASE_SECS + 1);
    assert!(claim_at(&app, NOW + outbox::LEASE_SECS + 1)
        .await
        .is_empty());
    // Not renewed (its server died), it lapses; another worker takes the
    // message over, and the first can neither renew nor record it.
    let later = NOW + 2 * outbox::LEASE_SECS;
    let second = claim_at(&app, later).await.remove(0);
    assert!(!outbox::renew(&app.state, &first.claim_token)
        .await
        .expect("renew"));
    assert_eq!(second.id, first.id);
    assert_ne!(second.claim_token, first.claim_token);
    assert!(
        !outbox::mark_sent(&app.state, &first).await.expect("record"),
        "{}: the first worker no longer holds it",
        app.engine()
    );
    assert_eq!(app.queued_mail().await[0].status, "queued");
    // Refused for good: failed, and the link is gone from the stored body.
    assert!(
        outbox::mark_attempt_failed(&app.state, &second, "550 no such mailbox", true)
            .await
            .expect("record")
    );
    let stored = &app.queued_mail().await[0];
    assert_eq!(stored.status, "failed", "{}", app.engine());
    assert!(
        stored.body_text.contains("/invitation/redacted"),
        "{}",
        stored.body_text
    );
    let link_at = second.body_text.find("/invitation/").expect("a link") + "/invitation/".len();
    let token = &second.body_text[link_at..link_at + 43];
    let (html,): (String,) = sqlx::query_as("SELECT body_html FROM outbox")
        .fetch_one(app.db())
        .await
        .expect("html");
    assert!(
        !stored.body_text.contains(token) && !html.contains(token),
        "{html}"
    );
    app.close().await;
}
both_engines!(a_lapsed_claim_records_nothing_and_failed_mail_keeps_no_link);

async fn a_released_claim_is_free_for_any_worker(t: TestDb) {
    let app = TestApp::new(t);
    app.register(contoso()).await;
    let claimed = claim_at(&app, NOW).await;
    assert!(claim_at(&app, NOW).await.is_empty());
    let released = outbox::release(&app.state, &claimed[0].claim_token)
        .await
        .expect("release");
    assert_eq!(released, 1);
    assert_eq!(claim_at(&app, NOW).await.len(), 1, "{}", app.engine());
    app.close().await;
}
both_engines!(a_released_claim_is_free_for_any_worker);

#[test]
fn redaction_removes_every_invitation_token_and_nothing_else() {
    let body = "Open https://bc.example/invitation/AbC-12_x9 now.\n<a href=\"/invitation/Zz9\">x</a> /invitation/";
    assert_eq!(
        outbox::redact_links(body),
        "Open https://bc.example/invitation/redacted now.\n<a href=\"/invitation/redacted\">x</a> /invitation/"
    );
}

/// A claim takes no more than it asks for, so that a server that dies
/// holds one batch, not the whole outbox.
async fn a_claim_takes_one_batch_only(t: TestDb) {
    let app = TestApp::new(t);
    for n in 0..30 {
        let email = format!("person{n}@contoso.com");
        let mail = app::services::mail::OutgoingMail {
            to: app::domain::Email::parse(&email).expect("email"),
            subject: format!("Message {n}"),
            text: "text".into(),
            html: "html".into(),
        };
        let mut conn = app.db().acquire().await.expect("connection");
        outbox::enqueue(&mut conn, &mail, None, NOW)
            .await
            .expect("queued");
    }
    let claimed = claim_at(&app, NOW).await;
    assert_eq!(claimed.len(), 10);
    let (held,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE claim_token IS NOT NULL")
            .fetch_one(app.db())
            .await
            .expect("count");
    assert_eq!(held, 10, "{}: rows under the claim", app.engine());
    app.close().await;
}
both_engines!(a_claim_takes_one_batch_only);
