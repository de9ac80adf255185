//! Sign-in sessions, kept in the database so any instance can serve them.
//! The cookie holds a random secret; the table holds only its hash.

use super::audit::{self, Actor};
use super::{random_secret, sha256_hex, AppState};
use crate::domain::wire::SessionRow;
use crate::domain::AuditAction;
use crate::error::AppError;
use tracing::instrument;

pub const SESSION_LIFETIME_SECS: i64 = 12 * 60 * 60;

/// A session unused for half an hour ends (ASVS 7.3.1), unless the
/// operator sets `SESSION_IDLE_MINUTES`.
pub const DEFAULT_IDLE_SECS: i64 = 30 * 60;

/// How stale `last_seen_at` may get before a request writes it again: one
/// write a minute per session, not one per request.
const TOUCH_EVERY_SECS: i64 = 60;

/// How many characters of a session's hash name it in the list: enough
/// to tell a person's sessions apart, and nothing that signs anyone in.
const HANDLE_LEN: usize = 16;

/// Where a session is started from, as its owner will see it listed.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    pub client_address: &'a str,
    pub user_agent: &'a str,
}

impl<'a> From<&'a Actor> for Origin<'a> {
    fn from(actor: &'a Actor) -> Self {
        Origin {
            client_address: &actor.client_address,
            user_agent: &actor.user_agent,
        }
    }
}

/// Starts a session for `user_id`; returns the secret for the cookie.
#[instrument(skip_all)]
pub async fn create(
    state: &AppState,
    user_id: i64,
    origin: Origin<'_>,
) -> Result<String, AppError> {
    let (db, now) = (&state.db, state.clock.now());
    let secret = random_secret();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at, \
         client_address, user_agent) VALUES ($1, $2, $3, $4, $3, $5, $6)",
    )
    .bind(sha256_hex(secret.as_bytes()))
    .bind(user_id)
    .bind(now)
    .bind(now + SESSION_LIFETIME_SECS)
    .bind(origin.client_address)
    .bind(clipped(origin.user_agent))
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

/// Ends every session of the actor, this one included, and starts a
/// fresh one: after a change to how they sign in, a session someone else
/// held (or planted) is worth nothing.
#[instrument(skip_all)]
pub async fn renew(state: &AppState, actor: &Actor) -> Result<NewSession, AppError> {
    end_all(state, actor.user.id).await?;
    Ok(NewSession(
        create(state, actor.user.id, Origin::from(actor)).await?,
    ))
}

/// Ends every session of `user_id`: someone else changed how they sign
/// in (an Account Admin reset their two-step verification).
pub async fn end_all(state: &AppState, user_id: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&state.db)
        .await?;
    Ok(())
}

/// The actor's live sessions, the one asking (`current`, its secret)
/// marked, most recently used first.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    current: &str,
) -> Result<Vec<SessionRow>, AppError> {
    let now = state.clock.now();
    let rows: Vec<(String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT token_hash, client_address, user_agent, created_at, last_seen_at FROM sessions \
         WHERE user_id = $1 AND expires_at > $2 AND last_seen_at > $3 \
         ORDER BY last_seen_at DESC, created_at DESC",
    )
    .bind(actor.user.id)
    .bind(now)
    .bind(now - state.settings.session_idle_secs)
    .fetch_all(&state.db)
    .await?;
    let current = sha256_hex(current.as_bytes());
    Ok(rows
        .into_iter()
        .map(
            |(hash, client_address, user_agent, created_at, last_seen_at)| SessionRow {
                handle: hash[..HANDLE_LEN].to_owned(),
                current: hash == current,
                browser: describe_browser(&user_agent),
                client_address,
                signed_in_at: created_at,
                last_seen_at,
            },
        )
        .collect())
}

/// Signs out one of the actor's other sessions (named by its `handle`
/// from [`list`]), or all of them: never `current`, the one asking. A
/// session already gone is not an error.
pub async fn end_others(
    state: &AppState,
    actor: &Actor,
    current: &str,
    handle: Option<&str>,
) -> Result<(), AppError> {
    let current = sha256_hex(current.as_bytes());
    let mut tx = super::db::begin_write(&state.db).await?;
    let ended = match handle {
        Some(handle) => {
            sqlx::query(
                "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2 \
                 AND substr(token_hash, 1, 16) = $3", // HANDLE_LEN
            )
            .bind(actor.user.id)
            .bind(&current)
            .bind(handle)
            .execute(&mut *tx)
            .await?
        }
        None => {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
                .bind(actor.user.id)
                .bind(&current)
                .execute(&mut *tx)
                .await?
        }
    }
    .rows_affected();
    if ended > 0 {
        let detail = ended.to_string();
        let now = state.clock.now();
        let (action, subject) = (AuditAction::SessionsEnded, &actor.user.email);
        audit::record(&mut tx, actor, now, action, subject, &detail).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A user agent as stored: at most 256 bytes, cut on a character.
fn clipped(user_agent: &str) -> &str {
    let mut end = user_agent.len().min(256);
    while !user_agent.is_char_boundary(end) {
        end -= 1;
    }
    &user_agent[..end]
}

/// A browser as its owner would recognise it, "Firefox · Windows", from
/// its user agent; empty when neither can be told.
pub fn describe_browser(user_agent: &str) -> String {
    // Order matters: Edge and Opera also say Chrome, Chrome also says
    // Safari, and Android also says Linux.
    const BROWSERS: [(&str, &str); 7] = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("FxiOS/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ];
    const SYSTEMS: [(&str, &str); 7] = [
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Android", "Android"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ];
    let find = |table: &[(&str, &'static str)]| {
        table
            .iter()
            .find(|(mark, _)| user_agent.contains(mark))
            .map(|(_, name)| *name)
    };
    match (find(&BROWSERS), find(&SYSTEMS)) {
        (Some(browser), Some(system)) => format!("{browser} · {system}"),
        (Some(name), None) | (None, Some(name)) => name.to_owned(),
        (None, None) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsers_are_named_as_people_know_them() {
        let cases = [
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
                 Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                "Edge · Windows",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like \
                 Gecko) Version/18.1 Safari/605.1.15",
                "Safari · macOS",
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
                "Firefox · Linux",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) \
                 Chrome/131.0 Mobile Safari/537.36",
                "Chrome · Android",
            ),
            ("curl/8.5.0", ""),
            ("", ""),
        ];
        for (user_agent, named) in cases {
            assert_eq!(describe_browser(user_agent), named, "{user_agent}");
        }
    }

    #[test]
    fn a_long_user_agent_is_cut_on_a_character() {
        let long = "é".repeat(200);
        let kept = clipped(&long);
        assert!(kept.len() <= 256 && long.starts_with(kept));
        assert_eq!(clipped("short"), "short");
    }
}
