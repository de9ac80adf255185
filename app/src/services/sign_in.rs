//! Signing in, throttled per account and per client address in the
//! database (so several servers share the count), decided before any
//! password is hashed. A lock is a window that ends by itself: an
//! attacker can slow an account's owner down, never shut them out.

use std::net::IpAddr;

use super::password::Hasher;
use super::ratelimit::{self, Limit};
use super::{accounts, sha256_hex, Db};
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
    let client_key = format!(
        "sign_in:client:{}",
        client.map_or_else(|| "unknown".to_owned(), ratelimit::client_key)
    );
    ratelimit::hit(db, &client_key, now, PER_CLIENT).await?;
    let account_key = account_key(email);
    ratelimit::hit(db, &account_key, now, PER_ACCOUNT).await?;
    let user_id = accounts::verify_credentials(db, hasher, email, password).await?;
    ratelimit::clear(db, &account_key).await?;
    Ok(user_id)
}

/// Hashed, so the table never holds the addresses people typed.
fn account_key(email: &str) -> String {
    format!(
        "sign_in:account:{}",
        sha256_hex(email.trim().to_lowercase().as_bytes())
    )
}
