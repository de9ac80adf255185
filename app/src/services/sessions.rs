//! Sign-in sessions, kept in the database so any instance can serve them.
//! The cookie holds a random secret; the table holds only its hash.

use super::{random_secret, sha256_hex, AppState};
use crate::error::AppError;
use tracing::instrument;

pub const SESSION_LIFETIME_SECS: i64 = 12 * 60 * 60;

/// A session unused for half an hour ends (ASVS 7.3.1), unless the
/// operator sets `SESSION_IDLE_MINUTES`.
pub const DEFAULT_IDLE_SECS: i64 = 30 * 60;

/// How stale `last_seen_at` may get before a request writes it again: one
/// write a minute per session, not one per request.
const TOUCH_EVERY_SECS: i64 = 60;

/// Starts a session for `user_id`; returns the secret for the cookie.
#[instrument(skip_all)]
pub async fn create(state: &AppState, user_id: i64) -> Result<String, AppError> {
    let (db, now) = (&state.db, state.clock.now());
    let secret = random_secret();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at) \
         VALUES ($1, $2, $3, $4, $3)",
    )
    .bind(sha256_hex(secret.as_bytes()))
    .bind(user_id)
    .bind(now)
    .bind(now + SESSION_LIFETIME_SECS)
    .execute(db)
    .await?;
    // Expired sessions are of no use to anyone; sweep them while here.
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2")
        .bind(user_id)
        .bind(now)
        .execute(db)
        .await?;
    Ok(secret)
}

/// The user a live session belongs to: one neither past its 12 hours nor
/// unused for `SESSION_IDLE_MINUTES`. Using it keeps it alive.
#[instrument(skip_all)]
pub async fn user_of(state: &AppState, secret: &str) -> Result<Option<i64>, AppError> {
    let (db, now) = (&state.db, state.clock.now());
    let idle_secs = state.settings.session_idle_secs;
    let token_hash = sha256_hex(secret.as_bytes());
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT user_id, last_seen_at FROM sessions \
         WHERE token_hash = $1 AND expires_at > $2 AND last_seen_at > $3",
    )
    .bind(&token_hash)
    .bind(now)
    .bind(now - idle_secs)
    .fetch_optional(db)
    .await?;
    let Some((user_id, last_seen_at)) = row else {
        return Ok(None);
    };
    if now - last_seen_at >= TOUCH_EVERY_SECS {
        sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1")
            .bind(&token_hash)
            .bind(now)
            .execute(db)
            .await?;
    }
    Ok(Some(user_id))
}

/// Whose session `secret` is, live or not (signing out of an ended session
/// is still signing out).
#[instrument(skip_all)]
pub async fn owner(state: &AppState, secret: &str) -> Result<Option<i64>, AppError> {
    let db = &state.db;
    let row: Option<(i64,)> = sqlx::query_as("SELECT user_id FROM sessions WHERE token_hash = $1")
        .bind(sha256_hex(secret.as_bytes()))
        .fetch_optional(db)
        .await?;
    Ok(row.map(|(user_id,)| user_id))
}

/// Deletes the sessions that have ended, by age or by disuse.
#[instrument(skip_all)]
pub async fn purge(state: &AppState) -> Result<u64, AppError> {
    let (db, now) = (&state.db, state.clock.now());
    let idle_secs = state.settings.session_idle_secs;
    let result = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
        .bind(now)
        .bind(now - idle_secs)
        .execute(db)
        .await?;
    Ok(result.rows_affected())
}

#[instrument(skip_all)]
pub async fn end(state: &AppState, secret: &str) -> Result<(), AppError> {
    let db = &state.db;
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(sha256_hex(secret.as_bytes()))
        .execute(db)
        .await?;
    Ok(())
}

/// A session just started in place of all of a user's others: its secret,
/// for the cookie.
#[derive(PartialEq, Eq)]
pub struct NewSession(String);

impl NewSession {
    pub fn secret(&self) -> &str {
        &self.0
    }
}

/// Never the secret: it signs someone in.
impl std::fmt::Debug for NewSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewSession(..)")
    }
}

/// Ends every session of `user_id`, this one included, and starts a fresh
/// one: after a change to how they sign in, a session someone else held
/// (or planted) is worth nothing.
#[instrument(skip_all)]
pub async fn renew(state: &AppState, user_id: i64) -> Result<NewSession, AppError> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&state.db)
        .await?;
    Ok(NewSession(create(state, user_id).await?))
}
