//! Two-step verification: an authenticator app's codes (TOTP) and ten
//! single-use recovery codes, the second step of signing in, and an
//! organization's rule that everyone use it.
//!
//! A code is accepted at most once: the last time step accepted is kept
//! and only a later one passes, in one conditional update, so that two
//! requests racing with the same code cannot both win.

mod challenge;
mod recovery;
pub mod totp;

pub use challenge::{
    challenge_owner, check, close_challenge, open_challenge, purge, SecondStep, CHALLENGE_SECS,
};
pub use recovery::RECOVERY_CODES;
use recovery::{new_recovery_codes, recovery_codes_left, replace_recovery_codes};

use super::audit::{self, Actor};
use super::mail::{TwoStepChange, TwoStepChangedMail};
use super::outbox::enqueue;
use super::secrets::Purpose;
use super::sessions::{self, NewSession};
use super::{credentials, AppState};
use crate::domain::wire::{TwoStep, TwoStepSetup};
use crate::domain::{AuditAction, Capability, Email, Problem, Role};
use crate::error::AppError;

/// What the Two-step verification page shows.
pub async fn view(state: &AppState, actor: &Actor) -> Result<TwoStep, AppError> {
    let (db, user) = (&state.db, &actor.user);
    let (since, pending): (Option<i64>, Option<String>) =
        sqlx::query_as("SELECT two_step_since, totp_pending_secret FROM users WHERE id = $1")
            .bind(user.id)
            .fetch_one(db)
            .await?;
    let setup = match pending {
        Some(sealed) if since.is_none() => {
            let secret = state.settings.secrets_key.open(Purpose::TotpKey, &sealed)?;
            Some(setup_of(&secret, &user.email)?)
        }
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
pub async fn start(state: &AppState, actor: &Actor) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE users SET totp_pending_secret = $1 WHERE id = $2 AND two_step_since IS NULL",
    )
    .bind(
        state
            .settings
            .secrets_key
            .seal(Purpose::TotpKey, &totp::new_secret())?,
    )
    .bind(actor.user.id)
    .execute(&state.db)
    .await?;
    Ok(())
}

/// Turns two-step verification on once `code` shows the authenticator
/// holds the key and the password shows the owner is at the keyboard (a
/// stolen session must not enrol its own authenticator and lock the owner
/// out); answers the recovery codes, which are shown only now, and the
/// session that replaces all of the user's others (someone who turns it
/// on for fear of a stolen session must not keep that session alive).
pub async fn confirm(
    state: &AppState,
    actor: &Actor,
    code: &str,
    password: &str,
) -> Result<(Vec<String>, NewSession), AppError> {
    let user = &actor.user;
    credentials::recheck(state, actor, "password", password).await?;
    let now = state.clock.now();
    let pending: Option<(Option<String>,)> = sqlx::query_as(
        "SELECT totp_pending_secret FROM users WHERE id = $1 AND two_step_since IS NULL",
    )
    .bind(user.id)
    .fetch_optional(&state.db)
    .await?;
    let Some((Some(sealed),)) = pending else {
        return Err(AppError::field("code", Problem::TwoStepSetupStale));
    };
    let secret = state.settings.secrets_key.open(Purpose::TotpKey, &sealed)?;
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
    .bind(&sealed)
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
    Ok((codes, sessions::renew(state, actor).await?))
}

/// Turns two-step verification off, after the password; not while the
/// organization requires it. Answers the session that replaces all of the
/// user's others.
pub async fn turn_off(
    state: &AppState,
    actor: &Actor,
    password: &str,
) -> Result<NewSession, AppError> {
    let user = &actor.user;
    if user.two_step_required {
        return Err(AppError::field(
            "password",
            Problem::TwoStepRequiredByOrganization,
        ));
    }
    credentials::recheck(state, actor, "password", password).await?;
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
    .await?;
    sessions::renew(state, actor).await
}

/// Replaces the user's recovery codes with ten new ones, after the
/// password; the old ones stop working.
pub async fn renew_recovery_codes(
    state: &AppState,
    actor: &Actor,
    password: &str,
) -> Result<Vec<String>, AppError> {
    let user = &actor.user;
    credentials::recheck(state, actor, "password", password).await?;
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
/// actor's organization, after the actor's password. Whoever requires it
/// must use it first, so that the rule cannot shut out the one person who
/// set it.
pub async fn set_required(
    state: &AppState,
    actor: &Actor,
    required: bool,
    password: &str,
) -> Result<(), AppError> {
    let (db, now, user) = (&state.db, state.clock.now(), &actor.user);
    if required && !user.two_step_on {
        return Err(AppError::field("required", Problem::TwoStepYoursFirst));
    }
    credentials::recheck(state, actor, "password", password).await?;
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

/// An Account Admin's reset of a colleague's two-step verification, for
/// one who lost both phone and recovery codes: the key and codes go, every
/// session of theirs ends, they are emailed, and it is audited. Nobody
/// resets their own (that would undo the second step with the first), nor
/// anyone holding a role the admin could not grant.
pub async fn reset(state: &AppState, admin: &Actor, user_id: i64) -> Result<(), AppError> {
    admin.user.require(Capability::ManageSecurity)?;
    if user_id == admin.user.id {
        return Err(AppError::Forbidden);
    }
    let target = super::current_user::load(state, user_id)
        .await?
        .filter(|target| target.organization_id == admin.user.organization_id)
        .ok_or(AppError::NotFound)?;
    if !Role::may_grant_all(&admin.user.roles, &target.roles) {
        tracing::warn!(
            user = admin.user.id,
            target = user_id,
            "refused: reset beyond their roles"
        );
        return Err(AppError::Forbidden);
    }
    let now = state.clock.now();
    let change = TwoStepChange::Reset {
        admin: admin.user.summary().full_name(),
    };
    let mail = change_mail_to(state, admin, &target.email, target.lang, change)?;
    let mut tx = super::db::begin_write(&state.db).await?;
    let cleared = sqlx::query(
        "UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL, totp_last_step = NULL, \
         two_step_since = NULL WHERE id = $1 AND two_step_since IS NOT NULL",
    )
    .bind(user_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if cleared == 0 {
        // Already off: nothing to reset, nobody to alarm.
        return Ok(());
    }
    replace_recovery_codes(&mut tx, user_id, &[]).await?;
    let action = AuditAction::TwoStepReset;
    audit::record(&mut tx, admin, now, action, &target.email, "").await?;
    enqueue(&mut tx, &mail, None, now).await?;
    state.outbox.commit(tx).await?;
    sessions::end_all(state, user_id).await
}

/// Whether `user_id` signs in with a second step.
pub async fn is_on(state: &AppState, user_id: i64) -> Result<bool, AppError> {
    let since: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT two_step_since FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&state.db)
            .await?;
    Ok(matches!(since, Some((Some(_),))))
}

fn change_mail(
    state: &AppState,
    actor: &Actor,
    change: TwoStepChange,
) -> Result<super::mail::OutgoingMail, AppError> {
    change_mail_to(state, actor, &actor.user.email, actor.user.lang, change)
}

/// The email that tells `email` of a change `actor` made.
fn change_mail_to(
    state: &AppState,
    actor: &Actor,
    email: &str,
    lang: crate::domain::Lang,
    change: TwoStepChange,
) -> Result<super::mail::OutgoingMail, AppError> {
    let to = Email::parse(email).map_err(|_| super::internal("stored email invalid"))?;
    TwoStepChangedMail {
        lang,
        to: &to,
        change,
        when: &lang.format_date(state.clock.now()),
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
