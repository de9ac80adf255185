//! Fixed-window rate limits kept in the database, so that every instance
//! behind a load balancer counts the same hits. One upsert per hit both
//! counts and reads the count, so concurrent requests on any number of
//! servers can never slip past a limit together.

use std::net::IpAddr;

use super::AppState;
use crate::error::AppError;

/// At most `max` hits per `window_secs`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: i64,
    pub window_secs: i64,
}

/// The longest window any limit uses: rows older than this count nothing.
pub const LONGEST_WINDOW_SECS: i64 = 24 * 60 * 60;

/// Counts a hit on `key`; `RateLimited` (with when to come back) once the
/// hits in the current window exceed the limit. Inside a transaction, the
/// hit counts only if the transaction commits.
pub async fn hit<'c>(
    db: impl sqlx::Executor<'c, Database = sqlx::Any>,
    key: &str,
    now: i64,
    limit: Limit,
) -> Result<(), AppError> {
    let (hits, window_start): (i64, i64) = sqlx::query_as(
        "INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1) \
         ON CONFLICT (key) DO UPDATE SET \
           hits = CASE WHEN rate_limits.window_start <= $3 THEN 1 \
                       ELSE rate_limits.hits + 1 END, \
           window_start = CASE WHEN rate_limits.window_start <= $3 THEN $2 \
                               ELSE rate_limits.window_start END \
         RETURNING hits, window_start",
    )
    .bind(key)
    .bind(now)
    .bind(now - limit.window_secs)
    .fetch_one(db)
    .await?;
    if hits > limit.max {
        return Err(AppError::RateLimited {
            retry_after_secs: window_start + limit.window_secs - now,
        });
    }
    Ok(())
}

/// Forgets the hits on `key` (a successful sign-in clears its failures).
pub async fn clear(state: &AppState, key: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM rate_limits WHERE key = $1")
        .bind(key)
        .execute(&state.db)
        .await?;
    Ok(())
}

/// Deletes the counters whose window ended long ago.
pub async fn purge(state: &AppState) -> Result<u64, AppError> {
    let result = sqlx::query("DELETE FROM rate_limits WHERE window_start <= $1")
        .bind(state.clock.now() - LONGEST_WINDOW_SECS)
        .execute(&state.db)
        .await?;
    Ok(result.rows_affected())
}

/// The part of a client's address that limits count: the address itself
/// for IPv4, the /64 network for IPv6 (one subscriber holds a whole /64,
/// so counting single addresses would count nothing). Requests without a
/// known address share one key.
pub fn client_key(address: Option<IpAddr>) -> String {
    let Some(address) = address else {
        return super::audit::UNKNOWN_CLIENT.to_owned();
    };
    match address {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_count_per_64_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().expect("ip");
        let b: IpAddr = "2001:db8:1:2:ffff:1:2:3".parse().expect("ip");
        let other: IpAddr = "2001:db8:1:3::1".parse().expect("ip");
        assert_eq!(client_key(Some(a)), client_key(Some(b)));
        assert_ne!(client_key(Some(a)), client_key(Some(other)));
        assert_eq!(client_key(Some(a)), "2001:db8:1:2::/64");
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().expect("ip");
        assert_eq!(client_key(Some(mapped)), "192.0.2.7");
        assert_eq!(client_key(None), "unknown");
    }
}
