//! Delivering events to endpoints, as the worker does on every server:
//! at least once, in order per endpoint, signed (Standard Webhooks 1.0),
//! retried on the Standard Webhooks schedule. Only the oldest pending
//! delivery of an endpoint is ever due, and it is claimed under a lease,
//! so one endpoint receives one delivery at a time, in event order.

use sqlx::AnyConnection;
use tracing::instrument;

use super::super::accounts;
use super::super::mail::WebhookDisabledMail;
use super::super::secrets::Purpose;
use super::super::{db, outbox, AppState};
use crate::error::AppError;

/// Seconds to wait after each failed attempt: about 5 s, 5 min, 30 min,
/// 2 h, 5 h, 10 h, 14 h, 20 h and 24 h. After the last, the delivery has
/// failed for good (it can still be redelivered by hand).
pub const RETRY_SCHEDULE: [i64; 9] = [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400];

/// An endpoint failing without a single success for this long is disabled
/// and its administrators told.
pub const DISABLE_AFTER_SECS: i64 = 3 * 24 * 60 * 60;

/// How long a claimed delivery is held: more than the attempt's 15 s
/// timeout, so a slow receiver is never sent the same delivery twice at
/// once, short enough that a server that dies mid-attempt delays it
/// only a minute.
pub const LEASE_SECS: i64 = 60;

/// Why an endpoint was disabled (`WebhookRow::disabled`): the receiver
/// answered 410 Gone, or every delivery failed for 3 days.
pub const DISABLED_GONE: &str = "gone";
pub const DISABLED_FAILING: &str = "failing";

/// The longest an attempt waits for the receiver.
pub const TIMEOUT_SECS: u64 = 15;

/// The longest wait a receiver's `Retry-After` is honoured for.
const MAX_RETRY_AFTER_SECS: i64 = 24 * 60 * 60;

/// Queues `event_id` for `endpoint_id` in the caller's transaction.
pub async fn queue(
    conn: &mut AnyConnection,
    endpoint_id: i64,
    event_id: i64,
    now: i64,
) -> Result<i64, AppError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO webhook_deliveries (endpoint_id, event_id, status, attempts, \
         next_attempt_at, created_at) VALUES ($1, $2, 'pending', 0, $3, $3) RETURNING id",
    )
    .bind(endpoint_id)
    .bind(event_id)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// A delivery a worker holds: where, what, and how to sign it. Its `Debug`
/// leaves out the secrets.
#[derive(Clone)]
pub struct Claimed {
    pub id: i64,
    pub endpoint_id: i64,
    pub url: String,
    /// The `webhook-id`: the event's, the same on every attempt, so the
    /// receiver can tell a retry from a new event.
    pub message_id: String,
    /// The JSON body: `type`, `timestamp` and `data`.
    pub body: String,
    /// Every secret to sign with: the current one, and the one before a
    /// rotation while it still counts.
    secrets: Vec<String>,
    claim_token: String,
}

impl std::fmt::Debug for Claimed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Claimed")
            .field("id", &self.id)
            .field("url", &self.url)
            .field("message_id", &self.message_id)
            .finish_non_exhaustive()
    }
}

impl Claimed {
    /// The Standard Webhooks headers for an attempt made at `now`.
    pub fn headers(&self, now: i64) -> [(&'static str, String); 3] {
        let signatures: Vec<String> = self
            .secrets
            .iter()
            .filter_map(|secret| sign(secret, &self.message_id, now, &self.body))
            .collect();
        [
            ("webhook-id", self.message_id.clone()),
            ("webhook-timestamp", now.to_string()),
            ("webhook-signature", signatures.join(" ")),
        ]
    }
}

/// `v1,` and the base64 HMAC-SHA256, keyed with the secret's bytes, of
/// `id.timestamp.body`; `None` for a secret that is not `whsec_` base64.
pub fn sign(secret: &str, message_id: &str, timestamp: i64, body: &str) -> Option<String> {
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let engine = base64::engine::general_purpose::STANDARD;
    let key = engine.decode(secret.strip_prefix("whsec_")?).ok()?;
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{message_id}.{timestamp}.{body}").as_bytes());
    Some(format!("v1,{}", engine.encode(mac.finalize().into_bytes())))
}

#[derive(sqlx::FromRow)]
struct ClaimedRow {
    id: i64,
    endpoint_id: i64,
    url: String,
    event_id: i64,
    event_type: String,
    data: String,
    event_at: i64,
    secret: String,
    previous_secret: Option<String>,
    previous_secret_until: Option<i64>,
}

/// Claims up to `limit` due deliveries: for each live endpoint, its
/// oldest pending delivery, if due and not held by another worker.
#[instrument(skip_all)]
pub async fn claim_due(state: &AppState, limit: i64) -> Result<Vec<Claimed>, AppError> {
    let now = state.clock.now();
    let due: Vec<(i64,)> = sqlx::query_as(
        "SELECT d.id FROM webhook_deliveries d \
         JOIN webhook_endpoints e ON e.id = d.endpoint_id \
         WHERE d.status = 'pending' AND d.next_attempt_at <= $1 \
         AND (d.locked_until IS NULL OR d.locked_until < $1) \
         AND e.paused = 0 AND e.disabled_at IS NULL \
         AND NOT EXISTS (SELECT 1 FROM webhook_deliveries o WHERE o.endpoint_id = d.endpoint_id \
                         AND o.status = 'pending' AND o.id < d.id) \
         ORDER BY d.next_attempt_at, d.id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(&state.db)
    .await?;
    let mut claimed = Vec::new();
    for (id,) in due {
        let token = super::super::random_secret();
        // The claim is one conditional update: of two workers racing for
        // the same delivery, one changes the row and the other nothing.
        let won = sqlx::query(
            "UPDATE webhook_deliveries SET locked_until = $1, claim_token = $2 \
             WHERE id = $3 AND status = 'pending' AND (locked_until IS NULL OR locked_until < $4)",
        )
        .bind(now + LEASE_SECS)
        .bind(&token)
        .bind(id)
        .bind(now)
        .execute(&state.db)
        .await?;
        if won.rows_affected() != 1 {
            continue;
        }
        let row: ClaimedRow = sqlx::query_as(
            "SELECT d.id, d.endpoint_id, e.url, v.id AS event_id, v.event_type, v.data, \
             v.created_at AS event_at, e.secret, e.previous_secret, e.previous_secret_until \
             FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id \
             JOIN events v ON v.id = d.event_id WHERE d.id = $1",
        )
        .bind(id)
        .fetch_one(&state.db)
        .await?;
        let data: serde_json::Value =
            serde_json::from_str(&row.data).unwrap_or(serde_json::Value::Null);
        let body = serde_json::json!({
            "type": row.event_type,
            "timestamp": crate::i18n::dates::rfc3339(row.event_at),
            "data": data,
        });
        let key = &state.settings.secrets_key;
        let mut secrets = vec![key.open(Purpose::WebhookSecret, &row.secret)?];
        if let (Some(previous), Some(until)) = (row.previous_secret, row.previous_secret_until) {
            if until > now {
                secrets.push(key.open(Purpose::WebhookSecret, &previous)?);
            }
        }
        claimed.push(Claimed {
            id: row.id,
            endpoint_id: row.endpoint_id,
            url: row.url,
            message_id: format!("msg_{}", row.event_id),
            body: body.to_string(),
            secrets,
            claim_token: token,
        });
    }
    Ok(claimed)
}

/// What came of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// The receiver answered with this status (2xx is a success).
    Answered {
        status: u16,
        /// Its `Retry-After`, in seconds, when it sent one.
        retry_after: Option<i64>,
    },
    /// No answer: refused, timed out, or an address webhooks may not reach.
    NoAnswer(String),
}

/// Records an attempt at a claimed delivery: delivered on a 2xx; on 410
/// Gone the endpoint is disabled; otherwise retried on the schedule (or
/// the receiver's `Retry-After`, if later) until it runs out. An endpoint
/// failing for [`DISABLE_AFTER_SECS`] is disabled and its administrators
/// emailed. Nothing is recorded if the claim lapsed meanwhile.
#[instrument(skip_all, fields(delivery = claimed.id))]
pub async fn finish(state: &AppState, claimed: &Claimed, attempt: Attempt) -> Result<(), AppError> {
    let now = state.clock.now();
    let mut tx = db::begin_write(&state.db).await?;
    let held: Option<(i64,)> = sqlx::query_as(
        "SELECT attempts FROM webhook_deliveries WHERE id = $1 AND claim_token = $2 \
         AND status = 'pending'",
    )
    .bind(claimed.id)
    .bind(&claimed.claim_token)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((attempts,)) = held else {
        return Ok(());
    };
    let attempts = attempts + 1;
    let (code, error, retry_after) = match &attempt {
        Attempt::Answered {
            status,
            retry_after,
        } => (
            Some(i64::from(*status)),
            (!(200..300).contains(status)).then(|| format!("HTTP {status}")),
            *retry_after,
        ),
        Attempt::NoAnswer(why) => (None, Some(why.clone()), None),
    };
    let delivered = error.is_none();
    let gone = code == Some(410);
    let next = RETRY_SCHEDULE
        .get((attempts - 1) as usize)
        .map(|wait| now + (*wait).max(retry_after.unwrap_or(0).min(MAX_RETRY_AFTER_SECS)));
    let status = match next {
        _ if delivered => "delivered",
        Some(_) if !gone => "pending",
        _ => "failed",
    };
    sqlx::query(
        "UPDATE webhook_deliveries SET status = $1, attempts = $2, next_attempt_at = $3, \
         locked_until = NULL, claim_token = NULL, last_attempt_at = $4, last_status_code = $5, \
         last_error = $6 WHERE id = $7",
    )
    .bind(status)
    .bind(attempts)
    .bind(next.unwrap_or(now))
    .bind(now)
    .bind(code)
    .bind(error.as_deref())
    .bind(claimed.id)
    .execute(&mut *tx)
    .await?;
    if delivered {
        sqlx::query("UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1")
            .bind(claimed.endpoint_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        return Ok(());
    }
    let (failing_since,): (i64,) = sqlx::query_as(
        "UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, $1) WHERE id = $2 \
         RETURNING failing_since",
    )
    .bind(now)
    .bind(claimed.endpoint_id)
    .fetch_one(&mut *tx)
    .await?;
    let reason = if gone {
        Some(DISABLED_GONE)
    } else if now - failing_since >= DISABLE_AFTER_SECS {
        Some(DISABLED_FAILING)
    } else {
        None
    };
    if let Some(reason) = reason {
        disable(&mut tx, state, claimed, now, reason).await?;
    }
    state.outbox.commit(tx).await
}

/// Stops deliveries to an endpoint and emails its organization's Account
/// Admins how to turn it back on.
async fn disable(
    tx: &mut AnyConnection,
    state: &AppState,
    claimed: &Claimed,
    now: i64,
    reason: &str,
) -> Result<(), AppError> {
    tracing::warn!(
        endpoint = claimed.endpoint_id,
        url = claimed.url,
        reason,
        "webhook endpoint disabled"
    );
    let (organization_id,): (Option<i64>,) = sqlx::query_as(
        "UPDATE webhook_endpoints SET disabled_at = $1, disabled_reason = $2 WHERE id = $3 \
         RETURNING organization_id",
    )
    .bind(now)
    .bind(reason)
    .bind(claimed.endpoint_id)
    .fetch_one(&mut *tx)
    .await?;
    let Some(organization_id) = organization_id else {
        return Ok(());
    };
    for (to, lang) in accounts::account_admins(tx, organization_id).await? {
        let message = WebhookDisabledMail {
            lang,
            to: &to,
            url: &claimed.url,
            gone: reason == DISABLED_GONE,
        }
        .render(&state.settings)?;
        outbox::enqueue(tx, &message, None, now).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_the_standard_webhooks_example() {
        // The example of the Standard Webhooks specification (and of its
        // reference libraries' tests).
        let signature = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(
            signature.as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
        assert_eq!(sign("not-a-secret", "msg_1", 1, "{}"), None);
    }
}
