//! Mail that could not be delivered, and the reminder a week before an
//! invitation expires.

use app::both_engines;
use app::domain::Role;
use app::services::mail::{self, Outbox};
use app::services::password::Hasher;
use app::services::testing::{
    accept_form, actor, contoso, newest_link, settings, sign_up_harry, TestDb, NOW, PASSWORD,
};
use app::services::{invitations, reminders, users};

mod common;
use common::{invitee, load, outbox, register, DAY};

async fn failed_deliveries_are_retried_with_backoff_then_given_up(t: TestDb) {
    register(&t.db, contoso(), NOW).await;
    let claimed = mail::claim_due(&t.db, NOW, 10).await.expect("claim");
    assert_eq!(claimed.len(), 1);
    assert!(
        mail::claim_due(&t.db, NOW, 10)
            .await
            .expect("claim")
            .is_empty(),
        "claimed once"
    );

    let mut message = claimed[0].clone();
    mail::mark_attempt_failed(&t.db, &message, "connection refused", false, NOW)
        .await
        .expect("record");
    assert!(
        mail::claim_due(&t.db, NOW + 9, 10)
            .await
            .expect("claim")
            .is_empty(),
        "waits 10 s"
    );
    message = mail::claim_due(&t.db, NOW + 10, 10)
        .await
        .expect("claim")
        .remove(0);
    assert_eq!(message.attempts, 1);
    assert_eq!(outbox(&t.db).await[0].status, "queued");

    message.attempts = mail::MAX_ATTEMPTS - 1;
    mail::mark_attempt_failed(&t.db, &message, "still down", false, NOW + 20)
        .await
        .expect("record");
    assert_eq!(outbox(&t.db).await[0].status, "failed", "{}", t.engine);
    assert!(mail::claim_due(&t.db, NOW + 100 * DAY, 10)
        .await
        .expect("claim")
        .is_empty());
    t.close().await;
}
both_engines!(failed_deliveries_are_retried_with_backoff_then_given_up);

async fn a_reminder_goes_once_a_week_before_expiry(t: TestDb) {
    let hasher = Hasher::default();
    let harry = load(&t.db, sign_up_harry(&t.db, &settings(), &hasher, NOW).await).await;
    users::invite(
        &t.db,
        &settings(),
        &Outbox::default(),
        NOW,
        &actor(&harry),
        &invitee("ana@contoso.com", &[Role::AccountViewer], "fr"),
    )
    .await
    .expect("invited");
    users::invite(
        &t.db,
        &settings(),
        &Outbox::default(),
        NOW,
        &actor(&harry),
        &invitee("bob@contoso.com", &[Role::AccountViewer], "en"),
    )
    .await
    .expect("invited");
    let bob = newest_link(&t.db, "bob@contoso.com").await;
    invitations::accept(&t.db, &hasher, NOW, &bob, accept_form(PASSWORD, PASSWORD))
        .await
        .expect("bob joins");

    let day = 24 * 3600;
    let expires = NOW + 60 * day;
    assert_eq!(
        reminders::send_reminders(&t.db, &settings(), expires - 7 * day - 1).await,
        Ok(0)
    );
    assert_eq!(
        reminders::send_reminders(&t.db, &settings(), expires - 7 * day).await,
        Ok(1),
        "{}",
        t.engine
    );
    assert_eq!(
        reminders::send_reminders(&t.db, &settings(), expires - day).await,
        Ok(0),
        "only once"
    );
    assert_eq!(
        reminders::send_reminders(&t.db, &settings(), expires + 1).await,
        Ok(0),
        "none once expired"
    );

    let mails = mail::recent(&t.db, 10).await.expect("outbox");
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
    t.close().await;
}
both_engines!(a_reminder_goes_once_a_week_before_expiry);
