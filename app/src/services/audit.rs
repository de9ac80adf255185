//! The audit log: who did what to whom, when, from which address. Written
//! in the transaction of the change it records, so neither exists alone.

use sqlx::AnyConnection;
use tracing::instrument;

use super::current_user::CurrentUser;
use super::AppState;
use crate::domain::wire::AuditEntry;
use crate::domain::{AuditAction, Capability};
use crate::error::AppError;

/// What stands for a client whose address is not known (a request that
/// did not come through a socket, as in tests).
pub const UNKNOWN_CLIENT: &str = "unknown";

/// A client's address in words, for the audit log.
pub fn describe_client(address: Option<std::net::IpAddr>) -> String {
    address.map_or_else(|| UNKNOWN_CLIENT.to_owned(), |ip| ip.to_string())
}

/// Who is acting, and from where, for the audit log.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: CurrentUser,
    pub client_address: String,
    /// The browser's `User-Agent`, for the sessions it starts; empty
    /// where there is none.
    pub user_agent: String,
}

/// Writes one line of the audit log in the transaction of the change.
#[instrument(skip_all, fields(user = actor.user.id))]
pub async fn record(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: i64,
    action: AuditAction,
    subject: &str,
    detail: &str,
) -> Result<(), AppError> {
    let entry = Entry {
        action,
        subject,
        detail,
    };
    record_in(conn, actor.user.organization_id, actor, "", now, &entry).await
}

/// What happened, to whom, in more words.
pub struct Entry<'a> {
    pub action: AuditAction,
    pub subject: &'a str,
    pub detail: &'a str,
}

/// Writes one line of another organization's audit log: a partner acting
/// for a customer is recorded in the customer's log under the partner's
/// name (`actor_organization`).
pub async fn record_in(
    conn: &mut AnyConnection,
    organization_id: i64,
    actor: &Actor,
    actor_organization: &str,
    now: i64,
    entry: &Entry<'_>,
) -> Result<(), AppError> {
    let Entry {
        action,
        subject,
        detail,
    } = *entry;
    sqlx::query(
        "INSERT INTO audit_log (organization_id, actor_email, actor_organization, action, \
         subject_email, detail, client_address, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(organization_id)
    .bind(&actor.user.email)
    .bind(actor_organization)
    .bind(action.key())
    .bind(subject)
    .bind(detail)
    .bind(&actor.client_address)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes one line of an organization's log for someone who is not
/// signed in (a sign-in through the organization's provider, or one it
/// refused): named by the address they gave.
pub async fn record_as(
    conn: &mut AnyConnection,
    organization_id: i64,
    actor_email: &str,
    client_address: &str,
    now: i64,
    entry: &Entry<'_>,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO audit_log (organization_id, actor_email, actor_organization, action, \
         subject_email, detail, client_address, at) VALUES ($1, $2, '', $3, $4, $5, $6, $7)",
    )
    .bind(organization_id)
    .bind(actor_email)
    .bind(entry.action.key())
    .bind(entry.subject)
    .bind(entry.detail)
    .bind(client_address)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Entries in one page of the audit log.
pub const LOG_PAGE: usize = 100;

/// The organization's audit log, newest first, for Account Admins.
#[instrument(skip_all, fields(user = actor.user.id))]
pub async fn log(
    state: &AppState,
    actor: &Actor,
    before: Option<i64>,
) -> Result<Vec<(i64, AuditEntry)>, AppError> {
    let (db, viewer) = (&state.db, &actor.user);
    viewer.require(Capability::ViewAuditLog)?;
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        at: i64,
        actor_email: String,
        actor_organization: String,
        action: String,
        subject_email: String,
        detail: String,
        client_address: String,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, at, actor_email, actor_organization, action, subject_email, detail, \
         client_address \
         FROM audit_log WHERE organization_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
    )
    .bind(viewer.organization_id)
    .bind(before.unwrap_or(i64::MAX))
    .bind(LOG_PAGE as i64)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let Some(action) = AuditAction::from_key(&row.action) else {
                tracing::warn!(
                    id = row.id,
                    action = row.action,
                    "audit log entry of an unknown kind skipped"
                );
                return None;
            };
            Some((
                row.id,
                AuditEntry {
                    at: row.at,
                    actor_email: row.actor_email,
                    actor_organization: row.actor_organization,
                    action,
                    subject_email: row.subject_email,
                    detail: row.detail,
                    client_address: row.client_address,
                },
            ))
        })
        .collect())
}
