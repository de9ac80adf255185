//! Signing in and out, audited; signing in throttled per account and per client address in the
//! database (so several servers share the count), decided before any
//! password is hashed. A lock is a window that ends by itself: an
//! attacker can slow an account's owner down, never shut them out.

use std::net::IpAddr;

use super::audit::{self, Actor};
use super::password::Hasher;
use super::ratelimit::{self, Limit};
use super::{accounts, client, sessions, sha256_hex, Db};
use crate::domain::{AuditAction, Email};
use crate::error::AppError;

/// Attempts one account may take in a quarter of an hour; a success
/// clears them.
pub const PER_ACCOUNT: Limit = Limit {
    max: 10,
    window_secs: 15 * 60,
};

/// Attempts one client address (or IPv6 /64) may take in a quarter of an
/// hour, over every account: enough for an office behind one address.
pub const PER_CLIENT: Limit = Limit {
    max: 100,
    window_secs: 15 * 60,
};

/// The user whose email and password these are, or `BadCredentials`, or
/// `RateLimited` with when to try again.
pub async fn sign_in(
    db: &Db,
    hasher: &Hasher,
    now: i64,
    client: Option<IpAddr>,
    email: &str,
    password: &str,
) -> Result<i64, AppError> {
    let client_key = format!("sign_in:client:{}", ratelimit::client_key(client));
    ratelimit::hit(db, &client_key, now, PER_CLIENT).await?;
    let account_key = account_key(email);
    ratelimit::hit(db, &account_key, now, PER_ACCOUNT).await?;
    match accounts::verify_credentials(db, hasher, email, password).await {
        Ok(user_id) => {
            ratelimit::clear(db, &account_key).await?;
            record(db, now, client, user_id, AuditAction::SignedIn).await?;
            Ok(user_id)
        }
        Err(AppError::BadCredentials) => {
            // A wrong password for a real account goes to that account's
            // organization's log; an unknown address has no organization.
            if let Some(user_id) = user_with_email(db, email).await? {
                record(db, now, client, user_id, AuditAction::SignInFailed).await?;
            }
            Err(AppError::BadCredentials)
        }
        Err(other) => Err(other),
    }
}

/// Ends the session `secret` and writes who signed out to their log.
pub async fn sign_out(
    db: &Db,
    now: i64,
    client: Option<IpAddr>,
    secret: &str,
) -> Result<(), AppError> {
    if let Some(user_id) = sessions::owner(db, secret).await? {
        record(db, now, client, user_id, AuditAction::SignedOut).await?;
    }
    sessions::end(db, secret).await
}

async fn user_with_email(db: &Db, email: &str) -> Result<Option<i64>, AppError> {
    let Ok(email) = Email::parse(email) else {
        return Ok(None);
    };
    let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(email.as_str())
        .fetch_optional(db)
        .await?;
    Ok(found.map(|(id,)| id))
}

async fn record(
    db: &Db,
    now: i64,
    client: Option<IpAddr>,
    user_id: i64,
    action: AuditAction,
) -> Result<(), AppError> {
    let Some(user) = accounts::load(db, user_id).await? else {
        return Ok(());
    };
    let actor = Actor {
        client_address: client::describe(client),
        user,
    };
    let subject = actor.user.email.clone();
    let mut conn = db.acquire().await?;
    audit::record(&mut conn, &actor, now, action, &subject, "").await
}

/// Hashed, so the table never holds the addresses people typed.
fn account_key(email: &str) -> String {
    format!(
        "sign_in:account:{}",
        sha256_hex(email.trim().to_lowercase().as_bytes())
    )
}
