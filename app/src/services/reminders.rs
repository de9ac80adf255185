//! The reminder a pending invitation gets once, a week before it expires,
//! and the event that announces it expired.

use tracing::instrument;

use super::events::{self, Audience};
use super::mail;
use super::outbox;
use super::AppState;
use crate::domain::{Email, EventType, Lang};
use crate::error::AppError;

/// How long before expiry a pending invitation gets its reminder.
pub const REMINDER_BEFORE_SECS: i64 = 7 * 24 * 60 * 60;

/// Queues the reminder of every pending invitation that expires within a
/// week and has not had one; each gets exactly one, even with several
/// instances doing this at once. Returns how many were queued.
#[instrument(skip_all)]
pub async fn send_reminders(state: &AppState) -> Result<usize, AppError> {
    let (db, settings, now) = (&state.db, &*state.settings, state.clock.now());
    #[derive(sqlx::FromRow)]
    struct Due {
        id: i64,
        email: String,
        language: String,
        sent_at: i64,
        expires_at: i64,
        organization: String,
        inviter_first: Option<String>,
        inviter_last: Option<String>,
    }
    let due: Vec<Due> = sqlx::query_as(
        "SELECT i.id, i.email, i.language, i.sent_at, i.expires_at, o.name AS organization, \
         u.first_name AS inviter_first, u.last_name AS inviter_last \
         FROM invitations i JOIN organizations o ON o.id = i.organization_id \
         LEFT JOIN users u ON u.id = i.invited_by \
         WHERE i.status = 'pending' AND i.expires_at > $1 AND i.expires_at <= $2 \
         AND i.reminder_sent_at IS NULL ORDER BY i.expires_at LIMIT 500",
    )
    .bind(now)
    .bind(now + REMINDER_BEFORE_SECS)
    .fetch_all(db)
    .await?;
    let mut queued = 0;
    for invitation in due {
        let Ok(email) = Email::parse(&invitation.email) else {
            continue;
        };
        let mut tx = super::db::begin_write(db).await?;
        let claimed = sqlx::query(
            "UPDATE invitations SET reminder_sent_at = $1 WHERE id = $2 \
             AND reminder_sent_at IS NULL AND status = 'pending'",
        )
        .bind(now)
        .bind(invitation.id)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() != 1 {
            continue;
        }
        let inviter = invitation
            .inviter_first
            .zip(invitation.inviter_last)
            .map(|(first, last)| format!("{first} {last}"));
        let message = mail::ReminderMail {
            lang: Lang::parse(&invitation.language).unwrap_or_default(),
            to: &email,
            organization: &invitation.organization,
            sent_at: invitation.sent_at,
            expires_at: invitation.expires_at,
            inviter: inviter.as_deref(),
        }
        .render(settings)?;
        outbox::enqueue(&mut tx, &message, Some(invitation.id), now).await?;
        tx.commit().await?;
        queued += 1;
    }
    Ok(queued)
}

/// Announces every pending invitation whose link has expired, once each
/// (`invitation.expired`), even with several instances doing this at once.
/// Returns how many were announced.
#[instrument(skip_all)]
pub async fn announce_expired(state: &AppState) -> Result<usize, AppError> {
    let (db, now) = (&state.db, state.clock.now());
    let due: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT id, organization_id, email FROM invitations \
         WHERE status = 'pending' AND expires_at <= $1 AND expiry_announced = 0 \
         ORDER BY expires_at LIMIT 500",
    )
    .bind(now)
    .fetch_all(db)
    .await?;
    let mut announced = 0;
    for (id, organization_id, email) in due {
        let mut tx = super::db::begin_write(db).await?;
        let claimed = sqlx::query(
            "UPDATE invitations SET expiry_announced = 1 WHERE id = $1 AND expiry_announced = 0",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() != 1 {
            continue;
        }
        let data = serde_json::json!({ "invitation_id": id, "email": email });
        let audience = Audience::Organization(organization_id);
        events::emit(&mut tx, audience, now, EventType::InvitationExpired, data).await?;
        tx.commit().await?;
        announced += 1;
    }
    Ok(announced)
}
