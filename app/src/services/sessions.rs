//! Sign-in sessions, kept in the database so any instance can serve them.
//! The cookie holds a random secret; the table holds only its hash.

use super::{random_secret, sha256_hex, Db};
use crate::error::AppError;
use tracing::instrument;

pub const SESSION_LIFETIME_SECS: i64 = 12 * 60 * 60;

/// Starts a session for `user_id`; returns the secret for the cookie.
#[instrument(skip_all)]
pub async fn create(db: &Db, user_id: i64, now: i64) -> Result<String, AppError> {
    let secret = random_secret();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
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

/// The user a live session belongs to.
#[instrument(skip_all)]
pub async fn user_of(db: &Db, secret: &str, now: i64) -> Result<Option<i64>, AppError> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT user_id FROM sessions WHERE token_hash = $1 AND expires_at > $2")
            .bind(sha256_hex(secret.as_bytes()))
            .bind(now)
            .fetch_optional(db)
            .await?;
    Ok(row.map(|(user_id,)| user_id))
}

#[instrument(skip_all)]
pub async fn end(db: &Db, secret: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(sha256_hex(secret.as_bytes()))
        .execute(db)
        .await?;
    Ok(())
}

/// Ends every session of `user_id` except the one holding `keep`.
#[instrument(skip_all)]
pub async fn end_others(db: &Db, user_id: i64, keep: &str) -> Result<u64, AppError> {
    let result = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(sha256_hex(keep.as_bytes()))
        .execute(db)
        .await?;
    Ok(result.rows_affected())
}
