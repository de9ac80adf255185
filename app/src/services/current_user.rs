//! Who is signed in: the person behind a request, as the server knows them.
//! A leaf of the services: it needs only the database and the domain, so
//! every service can take a `CurrentUser` without importing another.

use tracing::instrument;

use super::AppState;
use crate::domain::wire::{AccessView, UserSummary};
use crate::domain::{Capability, Lang, Role};
use crate::error::AppError;

/// The person behind a request, as the server knows them.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i64,
    pub organization_id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub lang: Lang,
    pub country: String,
    pub roles: Vec<Role>,
    /// Whether they sign in with a second step.
    pub two_step_on: bool,
    /// Whether their organization requires a second step of everyone.
    pub two_step_required: bool,
}

impl CurrentUser {
    /// `Forbidden` unless one of the user's roles opens `capability`; a
    /// refusal is logged with who asked and for what (a forged request
    /// or a stale page, worth seeing either way).
    pub fn require(&self, capability: Capability) -> Result<(), AppError> {
        if Role::any_allows(&self.roles, capability) {
            return Ok(());
        }
        tracing::warn!(
            user = self.id,
            organization = self.organization_id,
            ?capability,
            "refused"
        );
        Err(AppError::Forbidden)
    }

    /// Whether they must set up two-step verification before anything
    /// else opens.
    pub fn must_set_up_two_step(&self) -> bool {
        self.two_step_required && !self.two_step_on
    }

    /// What the Manage access pages need: who is looking, and which roles
    /// they may give (the roles module decides).
    pub fn access_view(&self) -> AccessView {
        AccessView {
            grantable: Role::grantable_by(&self.roles),
            user: self.summary(),
        }
    }

    pub fn summary(&self) -> UserSummary {
        UserSummary {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            email: self.email.clone(),
            lang: self.lang,
            roles: self.roles.clone(),
        }
    }
}

/// The user with this id, with their roles; `None` once they are gone.
#[instrument(skip_all)]
pub async fn load(state: &AppState, user_id: i64) -> Result<Option<CurrentUser>, AppError> {
    let db = &state.db;
    #[derive(sqlx::FromRow)]
    struct Row {
        organization_id: i64,
        email: String,
        first_name: String,
        last_name: String,
        language: String,
        country: String,
        two_step_since: Option<i64>,
        two_step_required_since: Option<i64>,
    }
    let row: Option<Row> = sqlx::query_as(
        "SELECT u.organization_id, u.email, u.first_name, u.last_name, u.language, u.country, \
         u.two_step_since, o.two_step_required_since \
         FROM users u JOIN organizations o ON o.id = u.organization_id \
         WHERE u.id = $1 AND u.deactivated_at IS NULL",
    )
    .bind(user_id)
    .fetch_optional(db)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let role_keys: Vec<(String,)> =
        sqlx::query_as("SELECT role FROM user_roles WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(db)
            .await?;
    let mut roles: Vec<Role> = role_keys
        .iter()
        .filter_map(|(key,)| Role::from_key(key))
        .collect();
    roles.sort();
    Ok(Some(CurrentUser {
        id: user_id,
        organization_id: row.organization_id,
        email: row.email,
        first_name: row.first_name,
        last_name: row.last_name,
        lang: Lang::parse(&row.language).unwrap_or_default(),
        country: row.country,
        roles,
        two_step_on: row.two_step_since.is_some(),
        two_step_required: row.two_step_required_since.is_some(),
    }))
}

/// Gives `user_id` each of `roles`, in the caller's transaction (the
/// roles `load` reads back).
pub async fn add_roles(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    roles: &[Role],
) -> Result<(), AppError> {
    for role in roles {
        sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
            .bind(user_id)
            .bind(role.key())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
