//! Signing in and out, audited; the password is checked under the limits
//! of `credentials`, the second step under its own.

use std::net::IpAddr;

use super::audit::{self, Actor};
use super::credentials::{self, Credentials};
use super::current_user;
use super::ratelimit::{self, Limit};
use super::sso::{self, flow, PasswordPath};
use super::two_step::{self, SecondStep};
use super::{sessions, AppState};
use crate::domain::{AuditAction, Email, Problem};
use crate::error::AppError;

/// Codes one sign-in may try at its second step in a quarter of an hour:
/// with three codes valid at a time, a guesser holding the password gets
/// in about once in 67 000 windows.
pub const CODE_ATTEMPTS: Limit = Limit {
    max: 5,
    window_secs: 15 * 60,
};

/// Where a right password leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Signed in: start a session for this user.
    SignedIn(i64),
    /// The user has two-step verification: the sign-in waits for a code,
    /// under this challenge secret (the browser keeps it in a cookie).
    SecondStep { challenge: String },
    /// The address is at a domain whose organization signs its people in
    /// with its own provider: send the browser there.
    Provider(flow::Started),
}

/// What the email and password lead to, or `BadCredentials`, or
/// `RateLimited` with when to try again. `device` is the browser's device
/// cookie, if it sent one.
pub async fn sign_in(
    state: &AppState,
    client: Option<IpAddr>,
    device: Option<&str>,
    email: &str,
    password: &str,
) -> Result<Outcome, AppError> {
    // An address at a domain with single sign-on and no password goes to
    // the organization's provider; with a password, it signs in as any
    // other unless single sign-on is required of it.
    if password.is_empty() {
        if let Ok(parsed) = Email::parse(email) {
            if let Some(connection) = sso::route(state, &parsed).await? {
                let started =
                    flow::start(state, &connection, flow::Purpose::SignIn, &parsed).await?;
                return Ok(Outcome::Provider(started));
            }
        }
        return Err(AppError::field("password", Problem::Required));
    }
    // Counted first: refusals are audited, and must not be free to repeat.
    let attempt = credentials::admit(state, client, device, email).await?;
    sso::check_password_path(state, email, PasswordPath::SignIn, "password").await?;
    match credentials::verify(state, email, password).await? {
        Credentials::Valid(user_id) => {
            credentials::passed(state, attempt).await?;
            if two_step::is_on(state, user_id).await? {
                let challenge = two_step::open_challenge(state, user_id).await?;
                return Ok(Outcome::SecondStep { challenge });
            }
            record(state, client, user_id, AuditAction::SignedIn).await?;
            Ok(Outcome::SignedIn(user_id))
        }
        // A wrong password for a real account goes to that account's
        // organization's log; an unknown address has no organization.
        Credentials::WrongPassword(user_id) => {
            record(state, client, user_id, AuditAction::SignInFailed).await?;
            Err(AppError::BadCredentials)
        }
        Credentials::UnknownEmail => Err(AppError::BadCredentials),
    }
}

/// The second step of the sign-in waiting under `challenge`: the user it
/// signs in, or `Unauthenticated` once the wait is over (sign in again),
/// or the code's problem. A recovery code is spent, audited and reported
/// to the user by email.
pub async fn second_step(
    state: &AppState,
    client: Option<IpAddr>,
    challenge: &str,
    code: &str,
) -> Result<i64, AppError> {
    let (db, now) = (&state.db, state.clock.now());
    let user_id = two_step::challenge_owner(state, challenge)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if code.trim().is_empty() {
        return Err(AppError::field("code", Problem::Required));
    }
    let attempts_key = format!("sign_in:code:{user_id}");
    ratelimit::hit(db, &attempts_key, now, CODE_ATTEMPTS).await?;
    let Some(passed) = two_step::check(state, user_id, code).await? else {
        record(state, client, user_id, AuditAction::SecondStepFailed).await?;
        return Err(AppError::field("code", Problem::CodeIncorrect));
    };
    two_step::close_challenge(state, challenge).await?;
    ratelimit::clear(state, &attempts_key).await?;
    // One load of the user serves both the sign-in's audit entry and the
    // spent recovery code's.
    if let Some(actor) = actor_of(state, client, user_id).await? {
        record_as(state, &actor, AuditAction::SignedIn).await?;
        if let SecondStep::RecoveryCode { left } = passed {
            two_step::record_recovery_code_used(state, &actor, left).await?;
        }
    }
    Ok(user_id)
}

/// Ends the session `secret` and writes who signed out to their log.
pub async fn sign_out(
    state: &AppState,
    client: Option<IpAddr>,
    secret: &str,
) -> Result<(), AppError> {
    if let Some(user_id) = sessions::owner(state, secret).await? {
        record(state, client, user_id, AuditAction::SignedOut).await?;
    }
    sessions::end(state, secret).await
}

async fn record(
    state: &AppState,
    client: Option<IpAddr>,
    user_id: i64,
    action: AuditAction,
) -> Result<(), AppError> {
    let Some(actor) = actor_of(state, client, user_id).await? else {
        return Ok(());
    };
    record_as(state, &actor, action).await
}

async fn record_as(state: &AppState, actor: &Actor, action: AuditAction) -> Result<(), AppError> {
    let mut conn = state.db.acquire().await?;
    let now = state.clock.now();
    audit::record(&mut conn, actor, now, action, &actor.user.email, "").await
}

async fn actor_of(
    state: &AppState,
    client: Option<IpAddr>,
    user_id: i64,
) -> Result<Option<Actor>, AppError> {
    Ok(current_user::load(state, user_id).await?.map(|user| Actor {
        client_address: audit::describe_client(client),
        user_agent: String::new(),
        user,
    }))
}
