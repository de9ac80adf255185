//! The outbox: emails are written to it inside the transaction of the
//! change they announce, then delivered by the mail worker with retries.
//! Workers on several servers share it, each message claimed under a
//! lease.

use sqlx::AnyConnection;
use tracing::instrument;

use super::mail::OutgoingMail;
use super::AppState;
use crate::error::AppError;

/// Wakes the mail worker once a transaction that queued mail has
/// committed, so mail leaves at once instead of at the worker's next poll.
#[derive(Clone, Default)]
pub struct Outbox(std::sync::Arc<tokio::sync::Notify>);

impl Outbox {
    /// Commits `tx`, which queued mail, then wakes the worker.
    pub async fn commit(&self, tx: sqlx::Transaction<'_, sqlx::Any>) -> Result<(), AppError> {
        tx.commit().await?;
        self.0.notify_one();
        Ok(())
    }

    /// Wakes the worker for mail queued without a transaction of its own.
    pub fn wake(&self) {
        self.0.notify_one();
    }

    /// Resolves when mail was queued since the worker last looked.
    pub async fn queued(&self) {
        self.0.notified().await;
    }
}

/// After this many failed attempts a message is marked failed for good.
pub const MAX_ATTEMPTS: i64 = 12;

/// Queues `mail` on the connection of the caller's transaction.
#[instrument(skip_all)]
pub async fn enqueue(
    conn: &mut AnyConnection,
    mail: &OutgoingMail,
    invitation_id: Option<i64>,
    now: i64,
) -> Result<i64, AppError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO outbox (to_email, subject, body_text, body_html, invitation_id, status, \
         attempts, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6, $6) RETURNING id",
    )
    .bind(mail.to.as_str())
    .bind(&mail.subject)
    .bind(&mail.text)
    .bind(&mail.html)
    .bind(invitation_id)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// A queued message, as the worker delivers it, under its claim. Its body
/// may hold a live link: its `Debug` leaves the body out.
#[derive(Clone, sqlx::FromRow)]
pub struct QueuedMail {
    pub id: i64,
    pub to_email: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub attempts: i64,
    /// The claim this worker holds on the message.
    pub claim_token: String,
    /// When the claim lapses and another worker may take the message.
    pub locked_until: i64,
}

impl std::fmt::Debug for QueuedMail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueuedMail")
            .field("id", &self.id)
            .field("to_email", &self.to_email)
            .field("subject", &self.subject)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// How long a claim lasts unless renewed. The worker renews it before each
/// delivery (`renew`), and a delivery is cut off after `DELIVERY_SECS`, so
/// a slow one is never sent twice; a server that dies holds its batch for
/// no longer than this.
pub const LEASE_SECS: i64 = 45;

/// Claims up to `limit` due messages in one statement, under a fresh
/// claim token, so that no other worker (in this or another instance)
/// sends them while the lease lasts. On PostgreSQL, `SKIP LOCKED` lets
/// concurrent workers take disjoint batches instead of queueing; SQLite
/// runs one writer at a time anyway.
#[instrument(skip_all)]
pub async fn claim_due(state: &AppState, limit: i64) -> Result<Vec<QueuedMail>, AppError> {
    let (db, now) = (&state.db, state.clock.now());
    let postgres = db.connect_options().database_url.scheme() != "sqlite";
    // The batch is picked once, in a materialized CTE: PostgreSQL may run a
    // `WHERE id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)` subquery
    // again for every row it updates, and then claimed the whole outbox
    // (test: a_claim_takes_one_batch_only).
    let sql = format!(
        "WITH picked AS MATERIALIZED (SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= $3 \
         AND (locked_until IS NULL OR locked_until < $3) ORDER BY id LIMIT $4{}) \
         UPDATE outbox SET locked_until = $1, claim_token = $2 \
         WHERE id IN (SELECT id FROM picked) \
         RETURNING id, to_email, subject, body_text, body_html, attempts, claim_token, locked_until",
        if postgres { " FOR UPDATE SKIP LOCKED" } else { "" }
    );
    let mut claimed: Vec<QueuedMail> = sqlx::query_as(&sql)
        .bind(now + LEASE_SECS)
        .bind(super::random_secret())
        .bind(now)
        .bind(limit)
        .fetch_all(db)
        .await?;
    claimed.sort_by_key(|mail| mail.id);
    Ok(claimed)
}

/// The longest one delivery may take, whole (the worker's deadline on the
/// SMTP exchange), well within a renewed lease with room to record it.
pub const DELIVERY_SECS: i64 = 30;
const _: () = assert!(
    DELIVERY_SECS + 10 <= LEASE_SECS,
    "a delivery must end within a lease"
);

/// Extends the claim on the messages of `claim_token` not yet sent, before
/// the next delivery: `false` once it lapsed and another worker may hold
/// them (then send nothing more of it).
#[instrument(skip_all)]
pub async fn renew(state: &AppState, claim_token: &str) -> Result<bool, AppError> {
    let now = state.clock.now();
    let renewed = sqlx::query(
        "UPDATE outbox SET locked_until = $1 \
         WHERE claim_token = $2 AND status = 'queued' AND locked_until >= $3",
    )
    .bind(now + LEASE_SECS)
    .bind(claim_token)
    .bind(now)
    .execute(&state.db)
    .await?
    .rows_affected();
    Ok(renewed > 0)
}

/// Lets go of the messages of a claim not yet sent, for any worker to take.
#[instrument(skip_all)]
pub async fn release(state: &AppState, claim_token: &str) -> Result<u64, AppError> {
    let db = &state.db;
    let result = sqlx::query(
        "UPDATE outbox SET locked_until = NULL, claim_token = NULL \
         WHERE claim_token = $1 AND status = 'queued'",
    )
    .bind(claim_token)
    .execute(db)
    .await?;
    Ok(result.rows_affected())
}

/// Records a delivery, if this worker still holds the claim (`false`: it
/// lapsed and the message is another worker's now). The invitation link
/// leaves the stored body: the delivery record stays, the key does not.
#[instrument(skip_all)]
pub async fn mark_sent(state: &AppState, mail: &QueuedMail) -> Result<bool, AppError> {
    let (db, now) = (&state.db, state.clock.now());
    let result = sqlx::query(
        "UPDATE outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1, \
         locked_until = NULL, claim_token = NULL, last_error = NULL, \
         body_text = $2, body_html = $3 WHERE id = $4 AND claim_token = $5",
    )
    .bind(now)
    .bind(redact_links(&mail.body_text))
    .bind(redact_links(&mail.body_html))
    .bind(mail.id)
    .bind(&mail.claim_token)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Records a failed attempt: retried later with exponential backoff, or
/// failed for good (and its link redacted) when the server refused the
/// address or attempts ran out. Only the holder of the claim records.
#[instrument(skip_all)]
pub async fn mark_attempt_failed(
    state: &AppState,
    mail: &QueuedMail,
    error: &str,
    permanent: bool,
) -> Result<bool, AppError> {
    let (db, now) = (&state.db, state.clock.now());
    let attempts = mail.attempts + 1;
    let give_up = permanent || attempts >= MAX_ATTEMPTS;
    // Only a message given up on is rewritten, without its link.
    let redacted = give_up.then(|| (redact_links(&mail.body_text), redact_links(&mail.body_html)));
    let (text, html) = redacted.unzip();
    let result = sqlx::query(
        "UPDATE outbox SET status = $1, attempts = $2, next_attempt_at = $3, \
         locked_until = NULL, claim_token = NULL, last_error = $4, \
         body_text = COALESCE($5, body_text), body_html = COALESCE($6, body_html) \
         WHERE id = $7 AND claim_token = $8",
    )
    .bind(if give_up { "failed" } else { "queued" })
    .bind(attempts)
    .bind(now + retry_delay(attempts))
    .bind(error)
    .bind(text)
    .bind(html)
    .bind(mail.id)
    .bind(&mail.claim_token)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// `body` with every invitation link's token replaced, so that a copy of
/// the outbox (a backup, a support export) opens no account.
pub fn redact_links(body: &str) -> String {
    const MARK: &str = "/invitation/";
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find(MARK) {
        let (before, after) = rest.split_at(at + MARK.len());
        out.push_str(before);
        let token_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(after.len());
        if token_len > 0 {
            out.push_str("redacted");
        }
        rest = &after[token_len..];
    }
    out.push_str(rest);
    out
}

/// 10 s, 20 s, 40 s … capped at one hour.
pub fn retry_delay(attempts: i64) -> i64 {
    let exponent = attempts.clamp(1, 20) - 1;
    (10_i64 << exponent).min(3600)
}

/// One message as the development mailbox shows it (with its links, for
/// the demo; no `Debug`, so that it is never logged).
#[derive(Clone, sqlx::FromRow)]
pub struct MailboxEntry {
    pub id: i64,
    pub to_email: String,
    pub subject: String,
    pub body_text: String,
    pub status: String,
    pub created_at: i64,
}

#[instrument(skip_all)]
pub async fn recent(state: &AppState, limit: i64) -> Result<Vec<MailboxEntry>, AppError> {
    let db = &state.db;
    Ok(sqlx::query_as(
        "SELECT id, to_email, subject, body_text, status, created_at FROM outbox \
         ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_an_hour() {
        assert_eq!(retry_delay(1), 10);
        assert_eq!(retry_delay(2), 20);
        assert_eq!(retry_delay(4), 80);
        assert_eq!(retry_delay(12), 3600);
    }

    #[test]
    fn debug_output_never_carries_a_body() {
        let link = "https://bc.example.com/invitation/live-token";
        let queued = QueuedMail {
            id: 7,
            to_email: "ana@contoso.com".into(),
            subject: "Invitation".into(),
            body_text: link.into(),
            body_html: link.into(),
            attempts: 0,
            claim_token: "claim".into(),
            locked_until: 0,
        };
        let outgoing = super::super::mail::OutgoingMail {
            to: crate::domain::Email::parse("ana@contoso.com").expect("email"),
            subject: "Invitation".into(),
            text: link.into(),
            html: link.into(),
        };
        for shown in [format!("{queued:?}"), format!("{outgoing:?}")] {
            assert!(shown.contains("ana@contoso.com"), "{shown}");
            assert!(!shown.contains("live-token"), "{shown}");
        }
    }
}
