//! Two-step verification: an authenticator app's codes (TOTP) and ten
//! single-use recovery codes, the second step of signing in, and an
//! organization's rule that everyone use it.
//!
//! A code is accepted at most once: the last time step accepted is kept
//! and only a later one passes, in one conditional update, so that two
//! requests racing with the same code cannot both win.

pub mod totp;

use rand::Rng;

use super::audit::{self, Actor};
use super::current_user::CurrentUser;
use super::mail::{TwoStepChange, TwoStepChangedMail};
use super::outbox::enqueue;
use super::password::Hasher;
use super::{accounts, random_secret, sha256_hex, AppState, Db};
use crate::domain::wire::{TwoStep, TwoStepSetup};
use crate::domain::{AuditAction, Capability, Email, Problem, Role};
use crate::error::AppError;

/// How many recovery codes a user holds after setting up or renewing.
pub const RECOVERY_CODES: usize = 10;

/// How long the second step may wait after the password was right.
pub const CHALLENGE_SECS: i64 = 5 * 60;

/// Recovery codes: 12 characters of an alphabet without look-alikes
/// (no 0/o, 1/l/i), 60 bits, shown as `xxxx-xxxx-xxxx`. The first four
/// characters find the stored row; the whole code is Argon2-hashed.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
const RECOVERY_LEN: usize = 12;
const LOOKUP_LEN: usize = 4;

/// What the Two-step verification page shows.
pub async fn view(db: &Db, user: &CurrentUser) -> Result<TwoStep, AppError> {
    let (since, pending): (Option<i64>, Option<String>) =
        sqlx::query_as("SELECT two_step_since, totp_pending_secret FROM users WHERE id = $1")
            .bind(user.id)
            .fetch_one(db)
            .await?;
    let setup = match pending {
        Some(secret) if since.is_none() => Some(setup_of(&secret, &user.email)?),
        _ => None,
    };
    Ok(TwoStep {
        user: user.summary(),
        enabled_since: since,
        recovery_codes_left: recovery_codes_left(db, user.id).await?,
        setup,
        organization_requires: user.two_step_required,
        may_require: Role::any_allows(&user.roles, Capability::ManageSecurity),
    })
}

fn setup_of(secret: &str, email: &str) -> Result<TwoStepSetup, AppError> {
    let uri = totp::uri(secret, email).ok_or_else(|| super::internal("stored key unusable"))?;
    let qr = totp::qr(&uri).ok_or_else(|| super::internal("key too long for a QR code"))?;
    Ok(TwoStepSetup {
        secret: totp::grouped(secret),
        uri,
        qr_size: qr.size,
        qr_path: qr.path,
    })
}

/// Starts setting up an authenticator with a fresh key, replacing any
/// setup left unfinished. Nothing changes how the user signs in until a
/// code confirms it.
pub async fn start(db: &Db, user: &CurrentUser) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE users SET totp_pending_secret = $1 WHERE id = $2 AND two_step_since IS NULL",
    )
    .bind(totp::new_secret())
    .bind(user.id)
    .execute(db)
    .await?;
    Ok(())
}

/// Turns two-step verification on once `code` shows the authenticator
/// holds the key; answers the recovery codes, which are shown only now.
pub async fn confirm(state: &AppState, actor: &Actor, code: &str) -> Result<Vec<String>, AppError> {
    let user = &actor.user;
    let now = state.clock.now();
    let pending: Option<(Option<String>,)> = sqlx::query_as(
        "SELECT totp_pending_secret FROM users WHERE id = $1 AND two_step_since IS NULL",
    )
    .bind(user.id)
    .fetch_optional(&state.db)
    .await?;
    let Some((Some(secret),)) = pending else {
        return Err(AppError::field("code", Problem::TwoStepSetupStale));
    };
    let step = totp::matching_step(&secret, code, now)
        .ok_or_else(|| AppError::field("code", Problem::CodeIncorrect))?;
    let (codes, hashes) = new_recovery_codes(&state.hasher).await?;
    let mut tx = super::db::begin_write(&state.db).await?;
    // Only the key just checked: a setup restarted meanwhile wins.
    let enabled = sqlx::query(
        "UPDATE users SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, \
         totp_last_step = $1, two_step_since = $2 \
         WHERE id = $3 AND totp_pending_secret = $4 AND two_step_since IS NULL",
    )
    .bind(step)
    .bind(now)
    .bind(user.id)
    .bind(&secret)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if enabled != 1 {
        return Err(AppError::field("code", Problem::TwoStepSetupStale));
    }
    replace_recovery_codes(&mut tx, user.id, &hashes).await?;
    finish(
        state,
        tx,
        actor,
        AuditAction::TwoStepEnabled,
        "",
        TwoStepChange::Enabled,
    )
    .await?;
    Ok(codes)
}

/// Turns two-step verification off, after the password; not while the
/// organization requires it.
pub async fn turn_off(state: &AppState, actor: &Actor, password: &str) -> Result<(), AppError> {
    let user = &actor.user;
    if user.two_step_required {
        return Err(AppError::field(
            "password",
            Problem::TwoStepRequiredByOrganization,
        ));
    }
    check_password(state, user, password).await?;
    let mut tx = super::db::begin_write(&state.db).await?;
    sqlx::query(
        "UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL, totp_last_step = NULL, \
         two_step_since = NULL WHERE id = $1",
    )
    .bind(user.id)
    .execute(&mut *tx)
    .await?;
    replace_recovery_codes(&mut tx, user.id, &[]).await?;
    finish(
        state,
        tx,
        actor,
        AuditAction::TwoStepDisabled,
        "",
        TwoStepChange::Disabled,
    )
    .await
}

/// Replaces the user's recovery codes with ten new ones, after the
/// password; the old ones stop working.
pub async fn renew_recovery_codes(
    state: &AppState,
    actor: &Actor,
    password: &str,
) -> Result<Vec<String>, AppError> {
    let user = &actor.user;
    check_password(state, user, password).await?;
    if !user.two_step_on {
        return Err(AppError::field("password", Problem::TwoStepSetupStale));
    }
    let (codes, hashes) = new_recovery_codes(&state.hasher).await?;
    let mut tx = super::db::begin_write(&state.db).await?;
    replace_recovery_codes(&mut tx, user.id, &hashes).await?;
    finish(
        state,
        tx,
        actor,
        AuditAction::RecoveryCodesRenewed,
        "",
        TwoStepChange::CodesRenewed,
    )
    .await?;
    Ok(codes)
}

/// Requires (or stops requiring) two-step verification of everyone in the
/// actor's organization. Whoever requires it must use it first, so that
/// the rule cannot shut out the one person who set it.
pub async fn set_required(
    db: &Db,
    actor: &Actor,
    now: i64,
    required: bool,
) -> Result<(), AppError> {
    let user = &actor.user;
    if required && !user.two_step_on {
        return Err(AppError::field("required", Problem::TwoStepYoursFirst));
    }
    let mut tx = super::db::begin_write(db).await?;
    let query = if required {
        sqlx::query(
            "UPDATE organizations SET two_step_required_since = $1 \
             WHERE id = $2 AND two_step_required_since IS NULL",
        )
        .bind(now)
    } else {
        sqlx::query(
            "UPDATE organizations SET two_step_required_since = NULL \
             WHERE id = $1 AND two_step_required_since IS NOT NULL",
        )
    };
    let changed = query
        .bind(user.organization_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if changed == 1 {
        let detail = if required { "required" } else { "optional" };
        audit::record(
            &mut tx,
            actor,
            now,
            AuditAction::TwoStepRequirementChanged,
            "",
            detail,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

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
    db: &Db,
    hasher: &Hasher,
    user_id: i64,
    now: i64,
    input: &str,
) -> Result<Option<SecondStep>, AppError> {
    if totp::looks_like_code(input) {
        return Ok(accept_code(db, user_id, now, input)
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
async fn accept_code(db: &Db, user_id: i64, now: i64, code: &str) -> Result<bool, AppError> {
    let secret: Option<(Option<String>,)> =
        sqlx::query_as("SELECT totp_secret FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(db)
            .await?;
    let Some((Some(secret),)) = secret else {
        return Ok(false);
    };
    let Some(step) = totp::matching_step(&secret, code, now) else {
        return Ok(false);
    };
    let accepted = sqlx::query(
        "UPDATE users SET totp_last_step = $1 \
         WHERE id = $2 AND totp_secret = $3 AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(user_id)
    .bind(&secret)
    .execute(db)
    .await?
    .rows_affected();
    Ok(accepted == 1)
}

/// Whether `user_id` signs in with a second step.
pub async fn is_on(db: &Db, user_id: i64) -> Result<bool, AppError> {
    let since: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT two_step_since FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(db)
            .await?;
    Ok(matches!(since, Some((Some(_),))))
}

async fn recovery_codes_left(db: &Db, user_id: i64) -> Result<i64, AppError> {
    let (left,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(db)
    .await?;
    Ok(left)
}

async fn check_password(
    state: &AppState,
    user: &CurrentUser,
    password: &str,
) -> Result<(), AppError> {
    if password.is_empty() {
        return Err(AppError::field("password", Problem::Required));
    }
    if accounts::password_matches(&state.db, &state.hasher, user.id, password).await? {
        Ok(())
    } else {
        Err(AppError::field("password", Problem::CurrentPasswordWrong))
    }
}

fn change_mail(
    state: &AppState,
    actor: &Actor,
    change: TwoStepChange,
) -> Result<super::mail::OutgoingMail, AppError> {
    let user = &actor.user;
    let to = Email::parse(&user.email).map_err(|_| super::internal("stored email invalid"))?;
    TwoStepChangedMail {
        lang: user.lang,
        to: &to,
        change,
        when: &user.lang.format_date(state.clock.now()),
        client_address: &actor.client_address,
    }
    .render(&state.settings)
}

/// Tells the user a recovery code was spent signing in, and audits it.
pub async fn record_recovery_code_used(
    state: &AppState,
    actor: &Actor,
    left: i64,
) -> Result<(), AppError> {
    let tx = super::db::begin_write(&state.db).await?;
    let detail = format!("{left} left");
    let change = TwoStepChange::RecoveryCodeUsed { left };
    finish(
        state,
        tx,
        actor,
        AuditAction::RecoveryCodeUsed,
        &detail,
        change,
    )
    .await
}

/// Ends a change to a user's two-step verification made in `tx`: audits
/// it and queues the email that tells them, all in the one commit.
async fn finish(
    state: &AppState,
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    actor: &Actor,
    action: AuditAction,
    detail: &str,
    change: TwoStepChange,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let mail = change_mail(state, actor, change)?;
    audit::record(&mut tx, actor, now, action, &actor.user.email, detail).await?;
    enqueue(&mut tx, &mail, None, now).await?;
    state.outbox.commit(tx).await
}

/// Ten fresh codes, as shown (`xxxx-xxxx-xxxx`), and what to store for
/// each: its lookup and its hash.
async fn new_recovery_codes(
    hasher: &Hasher,
) -> Result<(Vec<String>, Vec<(String, String)>), AppError> {
    let mut shown = Vec::with_capacity(RECOVERY_CODES);
    let mut stored = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        let code: String = {
            let mut rng = rand::rngs::OsRng;
            (0..RECOVERY_LEN)
                .map(|_| char::from(RECOVERY_ALPHABET[rng.gen_range(0..RECOVERY_ALPHABET.len())]))
                .collect()
        };
        let hash = hasher.hash(code.clone()).await?;
        stored.push((code[..LOOKUP_LEN].to_owned(), hash));
        shown.push(format!("{}-{}-{}", &code[..4], &code[4..8], &code[8..]));
    }
    Ok((shown, stored))
}

async fn replace_recovery_codes(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    codes: &[(String, String)],
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    for (lookup, hash) in codes {
        sqlx::query("INSERT INTO recovery_codes (user_id, lookup, code_hash) VALUES ($1, $2, $3)")
            .bind(user_id)
            .bind(lookup)
            .bind(hash)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A recovery code as typed, in any case, with or without its dashes;
/// `None` if it cannot be one.
fn normalized_recovery_code(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (code.len() == RECOVERY_LEN && code.bytes().all(|b| RECOVERY_ALPHABET.contains(&b)))
        .then_some(code)
}

/// Opens the wait for a second step after the right password; answers
/// the secret for the browser's cookie.
pub async fn open_challenge(db: &Db, user_id: i64, now: i64) -> Result<String, AppError> {
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
pub async fn challenge_owner(db: &Db, secret: &str, now: i64) -> Result<Option<i64>, AppError> {
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
pub async fn close_challenge(db: &Db, secret: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sign_in_challenges WHERE token_hash = $1")
        .bind(sha256_hex(secret.as_bytes()))
        .execute(db)
        .await?;
    Ok(())
}

/// Removes challenges nobody finished; answers how many.
pub async fn purge(db: &Db, now: i64) -> Result<u64, AppError> {
    let purged = sqlx::query("DELETE FROM sign_in_challenges WHERE expires_at <= $1")
        .bind(now)
        .execute(db)
        .await?
        .rows_affected();
    Ok(purged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_are_read_in_any_case_with_or_without_dashes() {
        assert_eq!(
            normalized_recovery_code(" ABCD-efgh-jk23 ").as_deref(),
            Some("abcdefghjk23")
        );
        assert_eq!(
            normalized_recovery_code("abcdefghjk23").as_deref(),
            Some("abcdefghjk23")
        );
        for wrong in [
            "",
            "abcd-efgh-jk2",
            "abcd-efgh-jk234",
            "abcd-efgh-jk10",
            "123456",
        ] {
            assert_eq!(normalized_recovery_code(wrong), None, "{wrong:?}");
        }
    }
}
