//! Accounts: the interface language, password changes and the profile
//! page.

use tracing::instrument;

use super::audit::{self, Actor};
use super::current_user::CurrentUser;
use super::mail::PasswordChangedMail;
use super::outbox::enqueue;
use super::password;
use super::sessions::{self, NewSession};
use super::sso::{self, PasswordPath};
use super::{credentials, AppState};
use crate::domain::wire::Profile;
use crate::domain::{AuditAction, Country, Email, Lang, Problem, Role};
use crate::error::{AppError, FormErrors};

/// The organization's Account Admins, with the language each reads email
/// in: who is told when something happens to the organization that no
/// one of them did.
pub async fn account_admins(
    conn: &mut sqlx::AnyConnection,
    organization_id: i64,
) -> Result<Vec<(Email, Lang)>, AppError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT u.email, u.language FROM users u JOIN user_roles r ON r.user_id = u.id \
         WHERE u.organization_id = $1 AND r.role = $2 ORDER BY u.email",
    )
    .bind(organization_id)
    .bind(Role::AccountAdmin.key())
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(email, language)| {
            Some((
                Email::parse(&email).ok()?,
                Lang::parse(&language).unwrap_or_default(),
            ))
        })
        .collect())
}

/// Records the interface language a user chose.
#[instrument(skip_all)]
pub async fn set_language(state: &AppState, user_id: i64, lang: Lang) -> Result<(), AppError> {
    let db = &state.db;
    sqlx::query("UPDATE users SET language = $1 WHERE id = $2")
        .bind(lang.code())
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

/// A password change as the profile form sends it.
pub struct PasswordChange<'a> {
    pub current: &'a str,
    pub new: &'a str,
    pub confirmation: &'a str,
}

/// Changes a password after checking the current one, audits the change,
/// emails the user about it, and ends all their sessions: the new one it
/// answers replaces the one they came with.
#[instrument(skip_all, fields(user = actor.user.id))]
pub async fn change_password(
    state: &AppState,
    actor: &Actor,
    change: &PasswordChange<'_>,
) -> Result<NewSession, AppError> {
    let user = &actor.user;
    sso::check_password_path(
        state,
        &user.email,
        PasswordPath::PasswordChange,
        "new_password",
    )
    .await?;
    let mut errors = FormErrors::default();
    if change.current.is_empty() {
        errors.add("current_password", Problem::Required);
    }
    let (new_problem, confirm_problem) = password::check_new(change.new, change.confirmation);
    if let Some(problem) = new_problem {
        errors.add("new_password", problem);
    }
    if let Some(problem) = confirm_problem {
        errors.add("confirm_password", problem);
    }
    errors.finish(Some(()))?;

    let db = &state.db;
    credentials::recheck(state, actor, "current_password", change.current).await?;
    let hash = state.hasher.hash(change.new.to_owned()).await?;
    let now = state.clock.now();
    let email = Email::parse(&user.email).map_err(|_| super::internal("stored email invalid"))?;
    let mail = PasswordChangedMail {
        lang: user.lang,
        to: &email,
        when: &user.lang.format_date(now),
        client_address: &actor.client_address,
    }
    .render(&state.settings)?;
    let mut tx = super::db::begin_write(db).await?;
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        actor,
        now,
        AuditAction::PasswordChanged,
        &user.email,
        "",
    )
    .await?;
    enqueue(&mut tx, &mail, None, now).await?;
    state.outbox.commit(tx).await?;
    sessions::renew(state, actor).await
}

pub fn profile(user: &CurrentUser) -> Profile {
    Profile {
        user: user.summary(),
        country: Country::parse(&user.country)
            .map(|country| country.code.to_owned())
            .unwrap_or_else(|_| user.country.clone()),
    }
}
