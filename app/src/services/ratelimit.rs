//! Fixed-window rate limits kept in the database, so that every instance
//! behind a load balancer counts the same hits.

use super::Db;
use crate::error::AppError;

/// Records a hit on `key` and says whether it is within `max` hits in the
/// last `window_secs`.
pub async fn allow(
    db: &Db,
    key: &str,
    now: i64,
    window_secs: i64,
    max: i64,
) -> Result<bool, AppError> {
    let since = now - window_secs;
    sqlx::query("DELETE FROM rate_limit_hits WHERE key = $1 AND at <= $2")
        .bind(key)
        .bind(since)
        .execute(db)
        .await?;
    let (count,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM rate_limit_hits WHERE key = $1 AND at > $2")
            .bind(key)
            .bind(since)
            .fetch_one(db)
            .await?;
    if count >= max {
        return Ok(false);
    }
    sqlx::query("INSERT INTO rate_limit_hits (key, at) VALUES ($1, $2)")
        .bind(key)
        .bind(now)
        .execute(db)
        .await?;
    Ok(true)
}
