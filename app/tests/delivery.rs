//! Mail that could not be delivered, and the reminder a week before an
//! invitation expires.

use app::both_engines;
use app::domain::Role;
use app::services::access::invite;
use app::services::outbox;
use app::services::outbox::Outbox;
use app::services::password::Hasher;
use app::services::testing::{
    accept_form, actor, contoso, newest_link, settings, sign_up_harry, TestDb, NOW, PASSWORD,
};
use app::services::{invitations, reminders};

use crate::common::{invitee, load, queued_mail, register, DAY};

async fn failed_deliveries_are_retried_with_backoff_then_given_up(t: TestDb) {
    register(&t.db, contoso(), NOW).await;
    let claimed = outbox::claim_due(&t.db, NOW, 10).await.expect("claim");
    assert_eq!(claimed.len(), 1);
    assert!(
        outbox::claim_due(&t.db, NOW, 10)
            .await
            .expect("claim")
            .is_empty(),
        "claimed once"
    );

    let mut message = claimed[0].clone();
    outbox::mark_attempt_failed(&t.db, &message, "connection refused", false, NOW)
        .await
        .expect("record");
    assert!(
        outbox::claim_due(&t.db, NOW + 9, 10)
            .await
            .expect("claim")
            .is_empty(),
        "waits 10 s"
    );
    message = outbox::claim_due(&t.db, NOW + 10, 10)
        .await
        .expect("claim")
        .remove(0);
    assert_eq!(message.attempts, 1);
    assert_eq!(queued_mail(&t.db).await[0].status, "queued");

    message.attempts = outbox::MAX_ATTEMPTS - 1;
    outbox::mark_attempt_failed(&t.db, &message, "still down", false, NOW + 20)
        .await
        .expect("record");
    assert_eq!(queued_mail(&t.db).await[0].status, "failed", "{}", t.engine);
    assert!(outbox::claim_due(&t.db, NOW + 100 * DAY, 10)
        .await
        .expect("claim")
        .is_empty());
    t.close().await;
}
both_engines!(failed_deliveries_are_retried_with_backoff_then_given_up);

async fn a_reminder_goes_once_a_week_before_expiry(t: TestDb) {
    let hasher = Hasher::default();
    let harry = load(&t.db, sign_up_harry(&t.db, &settings(), &hasher, NOW).await).await;
    invite::invite(
        &t.db,
        &settings(),
        &Outbox::default(),
        NOW,
        &actor(&harry),
        &invitee("ana@contoso.com", &[Role::AccountViewer], "fr"),
    )
    .await
    .expect("invited");
    invite::invite(
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

    let mails = outbox::recent(&t.db, 10).await.expect("outbox");
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

async fn a_lapsed_claim_records_nothing_and_failed_mail_keeps_no_link(t: TestDb) {
    register(&t.db, contoso(), NOW).await;
    let first = outbox::claim_due(&t.db, NOW, 10)
        .await
        .expect("claim")
        .remove(0);
    assert!(outbox::claim_allows_sending(&first, NOW));
    assert!(
        !outbox::claim_allows_sending(&first, NOW + outbox::LEASE_SECS - outbox::DELIVERY_SECS),
        "no delivery starts that could outlast the lease"
    );
    // The lease lapses; another worker takes the message over.
    let later = NOW + outbox::LEASE_SECS + 1;
    let second = outbox::claim_due(&t.db, later, 10)
        .await
        .expect("claim")
        .remove(0);
    assert_eq!(second.id, first.id);
    assert_ne!(second.claim_token, first.claim_token);
    assert!(
        !outbox::mark_sent(&t.db, &first, later)
            .await
            .expect("record"),
        "{}: the first worker no longer holds it",
        t.engine
    );
    assert_eq!(queued_mail(&t.db).await[0].status, "queued");
    // Refused for good: failed, and the link is gone from the stored body.
    assert!(
        outbox::mark_attempt_failed(&t.db, &second, "550 no such mailbox", true, later)
            .await
            .expect("record")
    );
    let stored = &queued_mail(&t.db).await[0];
    assert_eq!(stored.status, "failed", "{}", t.engine);
    assert!(
        stored.body_text.contains("/invitation/redacted"),
        "{}",
        stored.body_text
    );
    let link_at = second.body_text.find("/invitation/").expect("a link") + "/invitation/".len();
    let token = &second.body_text[link_at..link_at + 43];
    let (html,): (String,) = sqlx::query_as("SELECT body_html FROM outbox")
        .fetch_one(&t.db)
        .await
        .expect("html");
    assert!(
        !stored.body_text.contains(token) && !html.contains(token),
        "{html}"
    );
    t.close().await;
}
both_engines!(a_lapsed_claim_records_nothing_and_failed_mail_keeps_no_link);

async fn a_released_claim_is_free_for_any_worker(t: TestDb) {
    register(&t.db, contoso(), NOW).await;
    let claimed = outbox::claim_due(&t.db, NOW, 10).await.expect("claim");
    assert!(outbox::claim_due(&t.db, NOW, 10)
        .await
        .expect("claim")
        .is_empty());
    let released = outbox::release(&t.db, &claimed[0].claim_token)
        .await
        .expect("release");
    assert_eq!(released, 1);
    assert_eq!(
        outbox::claim_due(&t.db, NOW, 10)
            .await
            .expect("claim")
            .len(),
        1,
        "{}",
        t.engine
    );
    t.close().await;
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
