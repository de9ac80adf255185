//! Emails: written to the outbox inside the transaction of the change they
//! announce, then delivered by the mail worker with retries.

use sqlx::AnyConnection;
use tracing::instrument;

use super::{templates, Db, Settings};
use crate::domain::{Email, InvitationToken, Lang};
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

/// A message ready to be queued.
#[derive(Debug, Clone)]
pub struct OutgoingMail {
    pub to: Email,
    pub subject: String,
    pub text: String,
    pub html: String,
}

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

/// What an invitation email needs to say.
pub struct InvitationMail<'a> {
    pub lang: Lang,
    pub to: &'a Email,
    pub organization: &'a str,
    pub agreement_number: Option<&'a str>,
    /// Who sent it, when a colleague did.
    pub inviter: Option<&'a str>,
    pub token: &'a InvitationToken,
    pub expires_at: i64,
}

impl InvitationMail<'_> {
    pub fn render(&self, settings: &Settings) -> Result<OutgoingMail, AppError> {
        let link = settings.link(&format!("/invitation/{}", self.token.as_str()));
        let rendered = templates::email(
            "invitation",
            self.lang,
            minijinja::context! {
                organization => self.organization,
                agreement_number => self.agreement_number,
                inviter => self.inviter,
                to => self.to.as_str(),
                link => templates::link(&link),
                expires => self.lang.format_date(self.expires_at),
            },
        )?;
        Ok(OutgoingMail::new(self.to, rendered))
    }
}

impl OutgoingMail {
    fn new(to: &Email, rendered: templates::Rendered) -> Self {
        OutgoingMail {
            to: to.clone(),
            subject: rendered.subject,
            text: rendered.text,
            html: rendered.html,
        }
    }
}

/// A queued message, as the worker delivers it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueuedMail {
    pub id: i64,
    pub to_email: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub attempts: i64,
}

/// How long a worker may hold a message before another may take it over.
const CLAIM_SECS: i64 = 300;

/// Claims up to `limit` messages that are due, so that no other worker
/// (in this or another instance) sends them at the same time.
#[instrument(skip_all)]
pub async fn claim_due(db: &Db, now: i64, limit: i64) -> Result<Vec<QueuedMail>, AppError> {
    let candidates: Vec<QueuedMail> = sqlx::query_as(
        "SELECT id, to_email, subject, body_text, body_html, attempts FROM outbox \
         WHERE status = 'queued' AND next_attempt_at <= $1 \
         AND (locked_until IS NULL OR locked_until < $1) ORDER BY id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(db)
    .await?;
    let mut claimed = Vec::with_capacity(candidates.len());
    for mail in candidates {
        let result = sqlx::query(
            "UPDATE outbox SET locked_until = $1 WHERE id = $2 AND status = 'queued' \
             AND (locked_until IS NULL OR locked_until < $3)",
        )
        .bind(now + CLAIM_SECS)
        .bind(mail.id)
        .bind(now)
        .execute(db)
        .await?;
        if result.rows_affected() == 1 {
            claimed.push(mail);
        }
    }
    Ok(claimed)
}

#[instrument(skip_all)]
pub async fn mark_sent(db: &Db, id: i64, now: i64) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1, \
         locked_until = NULL, last_error = NULL WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// Records a failed attempt: retried later with exponential backoff, or
/// failed for good when the server refused the address or attempts ran out.
#[instrument(skip_all)]
pub async fn mark_attempt_failed(
    db: &Db,
    mail: &QueuedMail,
    error: &str,
    permanent: bool,
    now: i64,
) -> Result<(), AppError> {
    let attempts = mail.attempts + 1;
    let give_up = permanent || attempts >= MAX_ATTEMPTS;
    sqlx::query(
        "UPDATE outbox SET status = $1, attempts = $2, next_attempt_at = $3, \
         locked_until = NULL, last_error = $4 WHERE id = $5",
    )
    .bind(if give_up { "failed" } else { "queued" })
    .bind(attempts)
    .bind(now + retry_delay(attempts))
    .bind(error)
    .bind(mail.id)
    .execute(db)
    .await?;
    Ok(())
}

/// 10 s, 20 s, 40 s … capped at one hour.
pub fn retry_delay(attempts: i64) -> i64 {
    let exponent = attempts.clamp(1, 20) - 1;
    (10_i64 << exponent).min(3600)
}

/// One message as the development mailbox shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MailboxEntry {
    pub id: i64,
    pub to_email: String,
    pub subject: String,
    pub body_text: String,
    pub status: String,
    pub created_at: i64,
}

#[instrument(skip_all)]
pub async fn recent(db: &Db, limit: i64) -> Result<Vec<MailboxEntry>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, to_email, subject, body_text, status, created_at FROM outbox \
         ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db)
    .await?)
}

/// The reminder sent once, a week before a pending invitation expires. The
/// link itself cannot be repeated (only its hash is kept), so it points to
/// the invitation email and to whoever can send a new one.
pub struct ReminderMail<'a> {
    pub lang: Lang,
    pub to: &'a Email,
    pub organization: &'a str,
    pub sent_at: i64,
    pub expires_at: i64,
    pub inviter: Option<&'a str>,
}

impl ReminderMail<'_> {
    pub fn render(&self, settings: &Settings) -> Result<OutgoingMail, AppError> {
        let rendered = templates::email(
            "reminder",
            self.lang,
            minijinja::context! {
                organization => self.organization,
                expires => self.lang.format_date(self.expires_at),
                sent => self.lang.format_date(self.sent_at),
                inviter => self.inviter,
                request_link => templates::link(&settings.link("/request-invitation")),
            },
        )?;
        Ok(OutgoingMail::new(self.to, rendered))
    }
}

/// Tells a customer's Account Admin that a partner made someone else the
/// designated administrator of a registered administrator's account.
pub struct AdminChangedMail<'a> {
    pub lang: Lang,
    pub to: &'a Email,
    pub partner: &'a str,
    pub organization: &'a str,
    pub agreement_number: &'a str,
    pub purchasing_account: &'a str,
    pub old_admin: &'a str,
    pub new_admin: &'a str,
}

impl AdminChangedMail<'_> {
    pub fn render(&self, settings: &Settings) -> Result<OutgoingMail, AppError> {
        let rendered = templates::email(
            "admin_changed",
            self.lang,
            minijinja::context! {
                partner => self.partner,
                organization => self.organization,
                agreement_number => self.agreement_number,
                purchasing_account => self.purchasing_account,
                old_admin => self.old_admin,
                new_admin => self.new_admin,
                access_link => templates::link(&settings.link("/manage-access")),
            },
        )?;
        Ok(OutgoingMail::new(self.to, rendered))
    }
}

/// Tells a customer's Account Admin that a verified domain lapsed.
pub struct DomainLapsedMail<'a> {
    pub lang: Lang,
    pub to: &'a Email,
    pub domain: &'a str,
    pub record_name: &'a str,
    pub record_value: &'a str,
}

impl DomainLapsedMail<'_> {
    pub fn render(&self, settings: &Settings) -> Result<OutgoingMail, AppError> {
        let rendered = templates::email(
            "domain_lapsed",
            self.lang,
            minijinja::context! {
                domain => self.domain,
                record_name => self.record_name,
                record_value => self.record_value,
                domains_link => templates::link(&settings.link("/domains")),
            },
        )?;
        Ok(OutgoingMail::new(self.to, rendered))
    }
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
}
