//! Checking a person's password, at sign-in and again before a change that
//! needs it, under one limiter counted in the database (so several servers
//! share the count) and decided before any password is hashed.
//!
//! Attempts are counted per account and client address (an IPv6 /64), so
//! a stranger guessing from their address slows only themselves; an
//! account-wide ceiling, far higher, stops a guesser with many addresses,
//! and a browser that signed in to the account before (its device cookie)
//! is not held to that ceiling. Every lock is a window that ends by itself:
//! nobody can shut an account's owner out.

use std::net::IpAddr;

use tracing::instrument;

use super::audit::{self, Actor};
use super::ratelimit::{self, Limit};
use super::{random_secret, sha256_hex, AppState};
use crate::domain::{AuditAction, Email, Problem};
use crate::error::AppError;

/// Attempts on one account from one client address in a quarter of an
/// hour; a success clears them.
pub const PER_ACCOUNT_AND_CLIENT: Limit = Limit {
    max: 10,
    window_secs: 15 * 60,
};

/// Attempts on one account from anywhere in a quarter of an hour, except
/// from a browser that signed in to it before: ten addresses' worth.
pub const PER_ACCOUNT: Limit = Limit {
    max: 100,
    window_secs: 15 * 60,
};

/// Attempts one client address (or IPv6 /64) may take in a quarter of an
/// hour, over every account: enough for an office behind one address.
pub const PER_CLIENT: Limit = Limit {
    max: 100,
    window_secs: 15 * 60,
};

/// How long a browser stays known after it last signed in.
pub const DEVICE_LIFETIME_SECS: i64 = 365 * 24 * 60 * 60;

/// What an email and password turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credentials {
    Valid(i64),
    /// A real account, the wrong password: its organization's log says so.
    WrongPassword(i64),
    UnknownEmail,
}

/// Checks an email and password. Every failure takes as long (an unknown
/// address is checked against a dummy hash), so the time of the answer
/// reveals nothing about which accounts exist; the caller must answer
/// both failures alike. Not limited: callers go through [`admit`] first.
#[instrument(skip_all)]
pub async fn verify(
    state: &AppState,
    email: &str,
    password: &str,
) -> Result<Credentials, AppError> {
    let email = Email::parse(email).ok();
    let found: Option<(i64, String)> = match &email {
        Some(email) => {
            // A person the directory deactivated has no password here.
            sqlx::query_as(
                "SELECT id, CASE WHEN deactivated_at IS NULL THEN password_hash ELSE '' END \
                 FROM users WHERE email = $1",
            )
            .bind(email.as_str())
            .fetch_optional(&state.db)
            .await?
        }
        None => None,
    };
    let (user_id, stored) = match found {
        Some((id, hash)) => (Some(id), Some(hash)),
        None => (None, None),
    };
    let matches = state.hasher.verify(password.to_owned(), stored).await?;
    Ok(match user_id {
        Some(id) if matches => Credentials::Valid(id),
        Some(id) => Credentials::WrongPassword(id),
        None => Credentials::UnknownEmail,
    })
}

/// One attempt at `email`'s password from `client`, counted before any
/// hashing; `RateLimited` once a limit is reached. `device` is the
/// browser's device cookie, if it sent one. Answers the key a success
/// clears ([`passed`]).
pub async fn admit(
    state: &AppState,
    client: Option<IpAddr>,
    device: Option<&str>,
    email: &str,
) -> Result<Attempt, AppError> {
    let (db, now) = (&state.db, state.clock.now());
    let client = ratelimit::client_key(client);
    ratelimit::hit(db, &format!("sign_in:client:{client}"), now, PER_CLIENT).await?;
    let account = account_key(email);
    let pair = format!("{account}:{client}");
    ratelimit::hit(db, &pair, now, PER_ACCOUNT_AND_CLIENT).await?;
    if !known_device(state, device, &account).await? {
        ratelimit::hit(db, &account, now, PER_ACCOUNT).await?;
    }
    Ok(Attempt(pair))
}

/// An attempt [`admit`] let through.
pub struct Attempt(String);

/// Forgets the failures of this account from this address once the right
/// password came (the account-wide count stays: a guesser elsewhere must
/// not get a fresh allowance from the owner's success).
pub async fn passed(state: &AppState, attempt: Attempt) -> Result<(), AppError> {
    ratelimit::clear(state, &attempt.0).await
}

/// Asks a signed-in person for their password again before a change that
/// needs it (the current password, turning two-step verification off, new
/// recovery codes): under the same limits as signing in to their account
/// from where they are, and audited when wrong, so that a stolen session
/// can neither guess at hashing speed nor fill the hashers. The error
/// names `field`.
pub async fn recheck(
    state: &AppState,
    actor: &Actor,
    field: &'static str,
    password: &str,
) -> Result<(), AppError> {
    if password.is_empty() {
        return Err(AppError::field(field, Problem::Required));
    }
    let client = actor.client_address.parse().ok();
    let attempt = admit(state, client, None, &actor.user.email).await?;
    let (stored,): (String,) = sqlx::query_as("SELECT password_hash FROM users WHERE id = $1")
        .bind(actor.user.id)
        .fetch_one(&state.db)
        .await?;
    if state
        .hasher
        .verify(password.to_owned(), Some(stored))
        .await?
    {
        return passed(state, attempt).await;
    }
    let mut conn = state.db.acquire().await?;
    let now = state.clock.now();
    let email = &actor.user.email;
    audit::record(
        &mut conn,
        actor,
        now,
        AuditAction::PasswordRecheckFailed,
        email,
        field,
    )
    .await?;
    Err(AppError::field(field, Problem::CurrentPasswordWrong))
}

/// The limiter's name for an account: hashed, so the table never holds
/// the addresses people typed.
fn account_key(email: &str) -> String {
    format!(
        "sign_in:account:{}",
        sha256_hex(email.trim().to_lowercase().as_bytes())
    )
}

async fn known_device(
    state: &AppState,
    device: Option<&str>,
    account: &str,
) -> Result<bool, AppError> {
    let Some(device) = device else {
        return Ok(false);
    };
    let found: Option<(i64,)> = sqlx::query_as(
        "SELECT 1 FROM known_devices WHERE token_hash = $1 AND account_key = $2 \
         AND last_signed_in_at > $3",
    )
    .bind(sha256_hex(device.as_bytes()))
    .bind(account)
    .bind(state.clock.now() - DEVICE_LIFETIME_SECS)
    .fetch_optional(&state.db)
    .await?;
    Ok(found.is_some())
}

/// Remembers the browser `user_id` just signed in with: answers a new
/// device secret for its cookie, or `None` when the cookie it sent already
/// names this account (whose date is then renewed).
pub async fn remember_device(
    state: &AppState,
    email: &str,
    device: Option<&str>,
) -> Result<Option<String>, AppError> {
    let (account, now) = (account_key(email), state.clock.now());
    if let Some(device) = device {
        let renewed = sqlx::query(
            "UPDATE known_devices SET last_signed_in_at = $1 \
             WHERE token_hash = $2 AND account_key = $3",
        )
        .bind(now)
        .bind(sha256_hex(device.as_bytes()))
        .bind(&account)
        .execute(&state.db)
        .await?
        .rows_affected();
        if renewed == 1 {
            return Ok(None);
        }
    }
    let secret = random_secret();
    sqlx::query(
        "INSERT INTO known_devices (token_hash, account_key, last_signed_in_at) \
         VALUES ($1, $2, $3)",
    )
    .bind(sha256_hex(secret.as_bytes()))
    .bind(&account)
    .bind(now)
    .execute(&state.db)
    .await?;
    Ok(Some(secret))
}

/// Forgets browsers that have not signed in for a year.
pub async fn purge(state: &AppState) -> Result<u64, AppError> {
    let purged = sqlx::query("DELETE FROM known_devices WHERE last_signed_in_at <= $1")
        .bind(state.clock.now() - DEVICE_LIFETIME_SECS)
        .execute(&state.db)
        .await?
        .rows_affected();
    Ok(purged)
}
