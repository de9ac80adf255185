//! The daily checks of verified domains, and the expiry of pending ones.

use sqlx::AnyConnection;
use tracing::instrument;

use super::{check, Row, FAILED_CHECKS_TO_LAPSE, PENDING_LIFETIME_SECS, RECHECK_EVERY_SECS, ROWS};
use crate::domain::wire::DomainCheck;
use crate::domain::EventType;
use crate::error::AppError;
use crate::services::accounts;
use crate::services::events::{self, Audience};
use crate::services::mail::DomainLapsedMail;
use crate::services::outbox;
use crate::services::{db, AppState, Settings};

/// The daily work: pending domains past their 7 days expire; each
/// verified domain not checked for a day is checked again, and lapses,
/// with the organization's Account Admins told by email, after
/// [`FAILED_CHECKS_TO_LAPSE`] failures in a row. Several servers may run
/// it at once: each domain's check is claimed by one statement.
/// How long a claimed check may take (DNS answers within seconds) before
/// another server may take the domain over.
pub const CHECK_LEASE_SECS: i64 = 60;

#[instrument(skip_all)]
pub async fn recheck_due(state: &AppState) -> Result<usize, AppError> {
    let (db, settings, now) = (&state.db, &*state.settings, state.clock.now());
    sqlx::query(
        "UPDATE domains SET status = 'expired' WHERE status = 'pending' AND created_at <= $1",
    )
    .bind(now - PENDING_LIFETIME_SECS)
    .execute(db)
    .await?;
    let due: Vec<Row> = sqlx::query_as(&format!(
        "{ROWS} WHERE d.status = 'verified' AND d.checked_at <= $1 ORDER BY d.checked_at LIMIT 100"
    ))
    .bind(now - RECHECK_EVERY_SECS)
    .fetch_all(db)
    .await?;
    let mut checked = 0;
    for row in due {
        // Claimed for a lease only: a server that dies while the lookup
        // runs leaves the domain due again a minute later, not a day.
        let claimed = sqlx::query(
            "UPDATE domains SET checked_at = $1 WHERE id = $2 AND status = 'verified' \
             AND checked_at <= $3",
        )
        .bind(now - RECHECK_EVERY_SECS + CHECK_LEASE_SECS)
        .bind(row.id)
        .bind(now - RECHECK_EVERY_SECS)
        .execute(db)
        .await?;
        if claimed.rows_affected() != 1 {
            continue;
        }
        checked += 1;
        let found = check(settings, &row).await;
        let mut tx = db::begin_write(db).await?;
        if found == DomainCheck::Verified {
            sqlx::query(
                "UPDATE domains SET failed_checks = 0, last_result = $3, checked_at = $1 \
                 WHERE id = $2",
            )
            .bind(now)
            .bind(row.id)
            .bind(super::stored(&found))
            .execute(&mut *tx)
            .await?;
        } else {
            let failures = row.failed_checks + 1;
            let lapsed = failures >= FAILED_CHECKS_TO_LAPSE;
            sqlx::query(
                "UPDATE domains SET failed_checks = $1, last_result = $2, checked_at = $3, \
                 status = CASE WHEN $4 = 1 THEN 'lapsed' ELSE status END WHERE id = $5",
            )
            .bind(failures)
            .bind(super::stored(&found))
            .bind(now)
            .bind(i64::from(lapsed))
            .bind(row.id)
            .execute(&mut *tx)
            .await?;
            if lapsed {
                tell_admins(&mut tx, settings, now, &row).await?;
                let data = serde_json::json!({ "domain_id": row.id, "domain": row.name });
                let audience = Audience::Organization(row.organization_id);
                events::emit(&mut tx, audience, now, EventType::DomainUnverified, data).await?;
            }
        }
        state.outbox.commit(tx).await?;
    }
    Ok(checked)
}

async fn tell_admins(
    tx: &mut AnyConnection,
    settings: &Settings,
    now: i64,
    row: &Row,
) -> Result<(), AppError> {
    let admins = accounts::account_admins(tx, row.organization_id).await?;
    for (to, lang) in admins {
        let message = DomainLapsedMail {
            lang,
            to: &to,
            domain: &row.name,
            record_name: &row.record_name(),
            record_value: &row.expected(),
        }
        .render(settings)?;
        outbox::enqueue(tx, &message, None, now).await?;
    }
    Ok(())
}
