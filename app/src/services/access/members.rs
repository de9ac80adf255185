//! Changing and removing members, within the grant rules; the last
//! Account Admin always stays.

use tracing::instrument;

use sqlx::AnyConnection;

use super::invite::role_keys;
use crate::domain::{AuditAction, Capability, EventType, Problem, Role};
use crate::error::AppError;
use crate::services::audit::{self, Actor};
use crate::services::current_user::{self, CurrentUser};
use crate::services::events::{self, Audience};
use crate::services::invitations::{self, Ending};
use crate::services::AppState;

/// A member of the actor's organization, with their roles.
async fn member(
    conn: &mut AnyConnection,
    actor: &CurrentUser,
    user_id: i64,
) -> Result<(String, Vec<Role>), AppError> {
    let found: Option<(String,)> =
        sqlx::query_as("SELECT email FROM users WHERE id = $1 AND organization_id = $2")
            .bind(user_id)
            .bind(actor.organization_id)
            .fetch_optional(&mut *conn)
            .await?;
    let (email,) = found.ok_or(AppError::NotFound)?;
    let keys: Vec<(String,)> = sqlx::query_as("SELECT role FROM user_roles WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(conn)
        .await?;
    Ok((
        email,
        keys.iter()
            .filter_map(|(key,)| Role::from_key(key))
            .collect(),
    ))
}

/// The organization's Account Admins who can still sign in: one the
/// directory deactivated (SCIM) could not rescue the organization.
pub(crate) async fn account_admins(
    conn: &mut AnyConnection,
    organization_id: i64,
) -> Result<i64, AppError> {
    let (count,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM user_roles r JOIN users u ON u.id = r.user_id \
         WHERE u.organization_id = $1 AND r.role = 'account_admin' AND u.deactivated_at IS NULL",
    )
    .bind(organization_id)
    .fetch_one(conn)
    .await?;
    Ok(count)
}

/// Whether `actor` may change someone holding `current` to `wanted`: they
/// must manage users and be able to grant every role involved.
fn check_change(actor: &CurrentUser, current: &[Role], wanted: &[Role]) -> Result<(), AppError> {
    actor.require(Capability::ManageUsers)?;
    let involved: Vec<Role> = current.iter().chain(wanted).copied().collect();
    if Role::may_grant_all(&actor.roles, &involved) {
        return Ok(());
    }
    let roles = role_keys(&involved);
    tracing::warn!(
        user = actor.id,
        roles,
        "refused: a change beyond their roles"
    );
    Err(AppError::Forbidden)
}

/// Replaces a member's roles. The last Account Admin keeps that role.
#[instrument(skip_all, fields(user = user_id))]
pub async fn change_roles(
    state: &AppState,
    actor: &Actor,
    user_id: i64,
    roles: &[Role],
) -> Result<(), AppError> {
    let now = state.clock.now();
    if roles.is_empty() {
        return Err(AppError::field("roles", Problem::RoleRequired));
    }
    // Nobody raises or trims their own roles; another admin must.
    if user_id == actor.user.id {
        return Err(AppError::Forbidden);
    }
    let mut tx = crate::services::db::begin_write(&state.db).await?;
    crate::services::db::lock_organization(&mut tx, actor.user.organization_id).await?;
    let (email, current) = member(&mut tx, &actor.user, user_id).await?;
    check_change(&actor.user, &current, roles)?;
    let demotes_admin =
        current.contains(&Role::AccountAdmin) && !roles.contains(&Role::AccountAdmin);
    if demotes_admin && account_admins(&mut tx, actor.user.organization_id).await? <= 1 {
        return Err(AppError::field("roles", Problem::LastAccountAdmin));
    }
    sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    current_user::add_roles(&mut tx, user_id, roles).await?;
    let detail = format!("{} -> {}", role_keys(&current), role_keys(roles));
    audit::record(
        &mut tx,
        actor,
        now,
        AuditAction::UserRolesChanged,
        &email,
        &detail,
    )
    .await?;
    let data = serde_json::json!({
        "user_id": user_id,
        "email": email,
        "before": keys(&current),
        "after": keys(roles),
    });
    let audience = Audience::Organization(actor.user.organization_id);
    events::emit(&mut tx, audience, now, EventType::UserRolesChanged, data).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a member: their account, sessions and roles go; invitations
/// they sent and nobody accepted yet are revoked, since a removed inviter
/// grants nothing. The last Account Admin cannot be removed.
#[instrument(skip_all, fields(user = user_id))]
pub async fn remove_user(state: &AppState, actor: &Actor, user_id: i64) -> Result<(), AppError> {
    let now = state.clock.now();
    let mut tx = crate::services::db::begin_write(&state.db).await?;
    crate::services::db::lock_organization(&mut tx, actor.user.organization_id).await?;
    let (email, current) = member(&mut tx, &actor.user, user_id).await?;
    check_change(&actor.user, &current, &[])?;
    if current.contains(&Role::AccountAdmin)
        && account_admins(&mut tx, actor.user.organization_id).await? <= 1
    {
        return Err(AppError::field("roles", Problem::LastAccountAdmin));
    }
    delete_account(&mut tx, user_id, now).await?;
    audit::record(
        &mut tx,
        actor,
        now,
        AuditAction::UserRemoved,
        &email,
        &role_keys(&current),
    )
    .await?;
    let data = serde_json::json!({ "user_id": user_id, "email": email, "roles": keys(&current) });
    let audience = Audience::Organization(actor.user.organization_id);
    events::emit(&mut tx, audience, now, EventType::UserRemoved, data).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes an account (its sessions, roles and tokens go with it) and
/// revokes the invitations it sent that nobody accepted yet: a removed
/// inviter grants nothing.
pub(crate) async fn delete_account(
    tx: &mut AnyConnection,
    user_id: i64,
    now: i64,
) -> Result<(), AppError> {
    let sent: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM invitations WHERE invited_by = $1 AND status = 'pending'")
            .bind(user_id)
            .fetch_all(&mut *tx)
            .await?;
    for (invitation_id,) in sent {
        invitations::finish_pending(tx, invitation_id, Ending::Revoked, now).await?;
    }
    sqlx::query(
        "UPDATE invitations SET invited_by = NULL WHERE invited_by = $1 AND status <> 'pending'",
    )
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Role keys, for an event.
fn keys(roles: &[Role]) -> Vec<&'static str> {
    roles.iter().map(|role| role.key()).collect()
}
