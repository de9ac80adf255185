//! Events: what changed, for scripts. Each is written in the transaction
//! of the change it announces (like the audit log and mail), with one
//! webhook delivery per endpoint subscribed to its type, so that neither
//! the change, the event nor its deliveries exist without the others.
//! `GET /api/v1/events` reads them in order after a cursor.

use serde_json::Value;
use sqlx::AnyConnection;
use tracing::instrument;

use super::AppState;
use crate::domain::EventType;
use crate::error::AppError;

/// Whose events: an organization's, or the vendor operator's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Organization(i64),
    Operator,
}

impl Audience {
    pub fn organization_id(self) -> Option<i64> {
        match self {
            Audience::Organization(id) => Some(id),
            Audience::Operator => None,
        }
    }

    /// The condition on `organization_id` that selects this audience's
    /// rows, with `$1` bound to [`Audience::key`].
    pub(super) fn rows(self) -> &'static str {
        match self {
            Audience::Organization(_) => "organization_id = $1",
            Audience::Operator => "organization_id IS NULL AND $1 = 0",
        }
    }

    /// What `$1` of [`Audience::rows`] is bound to: the organization's id,
    /// 0 for the operator (a NULL would leave PostgreSQL without its type).
    pub(super) fn key(self) -> i64 {
        self.organization_id().unwrap_or(0)
    }
}

/// Records `kind` with `data` for `audience` in the caller's transaction
/// and queues it for every live endpoint subscribed to it.
#[instrument(skip(conn, data))]
pub async fn emit(
    conn: &mut AnyConnection,
    audience: Audience,
    now: i64,
    kind: EventType,
    data: Value,
) -> Result<i64, AppError> {
    let (event_id,): (i64,) = sqlx::query_as(
        "INSERT INTO events (organization_id, event_type, data, created_at) \
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(audience.organization_id())
    .bind(kind.key())
    .bind(data.to_string())
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    // A paused endpoint's deliveries wait for it; a disabled one (gone,
    // or failing for days) gets none until it is turned back on.
    let sql = format!(
        "INSERT INTO webhook_deliveries (endpoint_id, event_id, status, attempts, \
         next_attempt_at, created_at) \
         SELECT id, $2, 'pending', 0, $3, $3 FROM webhook_endpoints \
         WHERE {} AND disabled_at IS NULL AND (',' || event_types || ',') LIKE $4",
        audience.rows()
    );
    sqlx::query(&sql)
        .bind(audience.key())
        .bind(event_id)
        .bind(now)
        .bind(format!("%,{},%", kind.key()))
        .execute(&mut *conn)
        .await?;
    Ok(event_id)
}

/// An event as scripts read it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EventRecord {
    pub id: i64,
    #[serde(rename = "type")]
    pub kind: String,
    /// RFC 3339, UTC.
    pub timestamp: String,
    pub data: Value,
}

/// The most events one page holds.
pub const PAGE: i64 = 100;

/// How old an event must be to be listed. On PostgreSQL transactions
/// commit side by side, so an event can become visible after one with a
/// higher id; a reader whose cursor had passed it would never see it.
/// Listing only events a few seconds old closes that gap for any change
/// that commits within them.
pub const SETTLE_SECS: i64 = 2;

#[derive(sqlx::FromRow)]
pub(super) struct EventRow {
    pub id: i64,
    pub event_type: String,
    pub data: String,
    pub created_at: i64,
}

impl EventRow {
    pub(super) fn record(self) -> EventRecord {
        EventRecord {
            id: self.id,
            kind: self.event_type,
            timestamp: crate::i18n::dates::rfc3339(self.created_at),
            data: serde_json::from_str(&self.data).unwrap_or(Value::Null),
        }
    }
}

/// `audience`'s events after event `after`, oldest first, at most
/// [`PAGE`].
#[instrument(skip(state))]
pub async fn list(
    state: &AppState,
    audience: Audience,
    after: i64,
) -> Result<Vec<EventRecord>, AppError> {
    let sql = format!(
        "SELECT id, event_type, data, created_at FROM events \
         WHERE {} AND endpoint_id IS NULL AND id > $2 AND created_at <= $3 \
         ORDER BY id LIMIT $4",
        audience.rows()
    );
    let rows: Vec<EventRow> = sqlx::query_as(&sql)
        .bind(audience.key())
        .bind(after)
        .bind(state.clock.now() - SETTLE_SECS)
        .bind(PAGE)
        .fetch_all(&state.db)
        .await?;
    Ok(rows.into_iter().map(EventRow::record).collect())
}
