//! The second step of signing in: the wait after the right password (a
//! challenge, its secret in the browser's cookie), and the code that ends
//! it, accepted at most once.

use super::recovery::{normalized_recovery_code, recovery_codes_left, LOOKUP_LEN};
use super::totp;
use crate::error::AppError;
use crate::services::secrets::Purpose;
use crate::services::{random_secret, sha256_hex, AppState};

/// How long the second step may wait after the password was right.
pub const CHALLENGE_SECS: i64 = 5 * 60;

/// How a second step was passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondStep {
    Authenticator,
    /// A recovery code, now spent; this many remain.
    RecoveryCode {
        left: i64,
    },
}

/// Checks a second step typed at sign-in: an authenticator code not
/// accepted before, or an unused recovery code (which is then spent).
/// `None` when it is neither.
pub async fn check(
    state: &AppState,
    user_id: i64,
    input: &str,
) -> Result<Option<SecondStep>, AppError> {
    let (db, now, hasher) = (&state.db, state.clock.now(), &state.hasher);
    if totp::looks_like_code(input) {
        return Ok(accept_code(state, user_id, now, input)
            .await?
            .then_some(SecondStep::Authenticator));
    }
    let Some(code) = normalized_recovery_code(input) else {
        return Ok(None);
    };
    let candidates: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, code_hash FROM recovery_codes \
         WHERE user_id = $1 AND lookup = $2 AND used_at IS NULL",
    )
    .bind(user_id)
    .bind(&code[..LOOKUP_LEN])
    .fetch_all(db)
    .await?;
    for (id, hash) in candidates {
        if !hasher.verify(code.clone(), Some(hash)).await? {
            continue;
        }
        let spent =
            sqlx::query("UPDATE recovery_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
                .bind(now)
                .bind(id)
                .execute(db)
                .await?
                .rows_affected();
        if spent == 1 {
            let left = recovery_codes_left(db, user_id).await?;
            return Ok(Some(SecondStep::RecoveryCode { left }));
        }
    }
    Ok(None)
}

/// Accepts an authenticator code for a time step later than any accepted
/// before, and records that step.
async fn accept_code(
    state: &AppState,
    user_id: i64,
    now: i64,
    code: &str,
) -> Result<bool, AppError> {
    let db = &state.db;
    let sealed: Option<(Option<String>,)> =
        sqlx::query_as("SELECT totp_secret FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(db)
            .await?;
    let Some((Some(sealed),)) = sealed else {
        return Ok(false);
    };
    let secret = state.settings.secrets_key.open(Purpose::TotpKey, &sealed)?;
    let Some(step) = totp::matching_step(&secret, code, now) else {
        return Ok(false);
    };
    let accepted = sqlx::query(
        "UPDATE users SET totp_last_step = $1 \
         WHERE id = $2 AND totp_secret = $3 AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(user_id)
    .bind(&sealed)
    .execute(db)
    .await?
    .rows_affected();
    Ok(accepted == 1)
}

/// Opens the wait for a second step after the right password; answers
/// the secret for the browser's cookie.
pub async fn open_challenge(state: &AppState, user_id: i64) -> Result<String, AppError> {
    let (db, now) = (&state.db, state.clock.now());
    let secret = random_secret();
    sqlx::query(
        "INSERT INTO sign_in_challenges (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
    )
    .bind(sha256_hex(secret.as_bytes()))
    .bind(user_id)
    .bind(now + CHALLENGE_SECS)
    .execute(db)
    .await?;
    Ok(secret)
}

/// Whose sign-in the challenge `secret` is, while it has not expired.
pub async fn challenge_owner(state: &AppState, secret: &str) -> Result<Option<i64>, AppError> {
    let (db, now) = (&state.db, state.clock.now());
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT user_id FROM sign_in_challenges WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(sha256_hex(secret.as_bytes()))
    .bind(now)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(user_id,)| user_id))
}

/// Ends a challenge once passed: its cookie opens nothing more.
pub async fn close_challenge(state: &AppState, secret: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sign_in_challenges WHERE token_hash = $1")
        .bind(sha256_hex(secret.as_bytes()))
        .execute(&state.db)
        .await?;
    Ok(())
}

/// Removes challenges nobody finished; answers how many.
pub async fn purge(state: &AppState) -> Result<u64, AppError> {
    let purged = sqlx::query("DELETE FROM sign_in_challenges WHERE expires_at <= $1")
        .bind(state.clock.now())
        .execute(&state.db)
        .await?
        .rows_affected();
    Ok(purged)
}
