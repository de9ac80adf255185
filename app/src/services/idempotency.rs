//! `Idempotency-Key` for the API's `POST`s: the same key and body from
//! the same token within a day gets the first answer again and does
//! nothing twice, so a script may retry after a timeout without inviting
//! anyone twice. The key is claimed before the work starts (its primary
//! key decides between two requests racing with it).

use super::{is_unique_violation, sha256_hex, AppState};
use crate::error::AppError;

/// How long an answer is kept for its key.
pub const KEPT_SECS: i64 = 24 * 60 * 60;

/// The longest key accepted.
pub const MAX_KEY_LEN: usize = 255;

/// What a request with a key may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// A new key: do the work, then [`finish`] (or [`abandon`]).
    New,
    /// Answered before: send this again.
    Replay { status: u16, body: String },
    /// The key came before with another body: a script's mistake.
    OtherRequest,
    /// The first request with this key is still being answered.
    InProgress,
}

/// Claims `key` for a request whose body is `body`, or says what was
/// answered to it.
pub async fn begin(
    state: &AppState,
    token_id: i64,
    key: &str,
    body: &[u8],
) -> Result<Begin, AppError> {
    let now = state.clock.now();
    let request_hash = sha256_hex(body);
    // A key older than a day is free again.
    sqlx::query(
        "DELETE FROM idempotency_keys WHERE token_id = $1 AND key = $2 AND created_at <= $3",
    )
    .bind(token_id)
    .bind(key)
    .bind(now - KEPT_SECS)
    .execute(&state.db)
    .await?;
    let claimed = sqlx::query(
        "INSERT INTO idempotency_keys (token_id, key, request_hash, status, body, created_at) \
         VALUES ($1, $2, $3, 0, '', $4)",
    )
    .bind(token_id)
    .bind(key)
    .bind(&request_hash)
    .bind(now)
    .execute(&state.db)
    .await;
    match claimed {
        Ok(_) => return Ok(Begin::New),
        Err(error) if is_unique_violation(&error) => {}
        Err(error) => return Err(error.into()),
    }
    let (stored_hash, status, body): (String, i64, String) = sqlx::query_as(
        "SELECT request_hash, status, body FROM idempotency_keys WHERE token_id = $1 AND key = $2",
    )
    .bind(token_id)
    .bind(key)
    .fetch_one(&state.db)
    .await?;
    Ok(if stored_hash != request_hash {
        Begin::OtherRequest
    } else if status == 0 {
        Begin::InProgress
    } else {
        Begin::Replay {
            status: u16::try_from(status).unwrap_or(500),
            body,
        }
    })
}

/// Keeps the answer to a claimed key.
pub async fn finish(
    state: &AppState,
    token_id: i64,
    key: &str,
    status: u16,
    body: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE idempotency_keys SET status = $1, body = $2 WHERE token_id = $3 AND key = $4",
    )
    .bind(i64::from(status))
    .bind(body)
    .bind(token_id)
    .bind(key)
    .execute(&state.db)
    .await?;
    Ok(())
}

/// Frees a claimed key whose request failed on our side (or was limited),
/// so that trying again does the work.
pub async fn abandon(state: &AppState, token_id: i64, key: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM idempotency_keys WHERE token_id = $1 AND key = $2")
        .bind(token_id)
        .bind(key)
        .execute(&state.db)
        .await?;
    Ok(())
}

/// Deletes the answers older than a day (the periodic purge).
pub async fn purge(state: &AppState) -> Result<u64, AppError> {
    let result = sqlx::query("DELETE FROM idempotency_keys WHERE created_at <= $1")
        .bind(state.clock.now() - KEPT_SECS)
        .execute(&state.db)
        .await?;
    Ok(result.rows_affected())
}
