//! The Manage users list: open invitations and one page of accounts.

use tracing::instrument;

use crate::domain::wire::{InvitationState, PeoplePage, PersonKind, PersonRow};
use crate::domain::{Capability, Role};
use crate::error::AppError;
use crate::services::audit::Actor;
use crate::services::AppState;

/// How many accounts a page of the list shows.
pub const PAGE_SIZE: i64 = 50;

/// The Manage users list: the organization's open invitations and one
/// page of its accounts, both narrowed by `search` (name or email).
/// Accounts are paged by email after `after`, so that a page costs the
/// same however many accounts come before it.
#[instrument(skip_all, fields(organization = actor.user.organization_id))]
pub async fn list(
    state: &AppState,
    actor: &Actor,
    search: &str,
    after: &str,
) -> Result<PeoplePage, AppError> {
    let (db, now, viewer) = (&state.db, state.clock.now(), &actor.user);
    viewer.require(Capability::InviteUsers)?;
    let pattern = format!("%{}%", search.trim().to_lowercase().replace(['%', '_'], ""));
    #[derive(sqlx::FromRow)]
    struct UserRow {
        id: i64,
        email: String,
        first_name: String,
        last_name: String,
        two_step_since: Option<i64>,
        deactivated_at: Option<i64>,
    }
    let mut rows: Vec<UserRow> = sqlx::query_as(
        "SELECT id, email, first_name, last_name, two_step_since, deactivated_at FROM users \
         WHERE organization_id = $1 AND email > $2 \
         AND (email LIKE $3 OR lower(first_name || ' ' || last_name) LIKE $3) \
         ORDER BY email LIMIT $4",
    )
    .bind(viewer.organization_id)
    .bind(after)
    .bind(&pattern)
    .bind(PAGE_SIZE + 1)
    .fetch_all(db)
    .await?;
    let next_after = if rows.len() as i64 > PAGE_SIZE {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|row| row.email.clone())
    } else {
        None
    };
    let mut roles_of: std::collections::HashMap<i64, Vec<Role>> = Default::default();
    if !rows.is_empty() {
        let sql = format!(
            "SELECT user_id, role FROM user_roles WHERE user_id IN ({})",
            crate::services::db::placeholders(1, rows.len())
        );
        let mut query = sqlx::query_as::<_, (i64, String)>(&sql);
        for row in &rows {
            query = query.bind(row.id);
        }
        for (user_id, key) in query.fetch_all(db).await? {
            if let Some(role) = Role::from_key(&key) {
                roles_of.entry(user_id).or_default().push(role);
            }
        }
    }
    let users = rows
        .into_iter()
        .map(|row| {
            let mut roles = roles_of.remove(&row.id).unwrap_or_default();
            roles.sort();
            PersonRow {
                id: row.id,
                kind: PersonKind::User,
                email: row.email,
                first_name: row.first_name,
                last_name: row.last_name,
                roles,
                two_step_on: row.two_step_since.is_some(),
                deactivated: row.deactivated_at.is_some(),
            }
        })
        .collect();

    #[derive(sqlx::FromRow)]
    struct InvitationRow {
        id: i64,
        email: String,
        first_name: String,
        last_name: String,
        roles: String,
        status: String,
        expires_at: i64,
        delivery: Option<String>,
    }
    let open: Vec<InvitationRow> = sqlx::query_as(
        "SELECT i.id, i.email, i.first_name, i.last_name, i.roles, i.status, i.expires_at, \
         (SELECT o.status FROM outbox o WHERE o.invitation_id = i.id ORDER BY o.id DESC LIMIT 1) \
         AS delivery FROM invitations i \
         WHERE i.organization_id = $1 AND i.status IN ('pending', 'revoked') \
         AND (i.email LIKE $2 OR lower(i.first_name || ' ' || i.last_name) LIKE $2) \
         ORDER BY i.id DESC LIMIT 200",
    )
    .bind(viewer.organization_id)
    .bind(&pattern)
    .fetch_all(db)
    .await?;
    let invitations = open
        .into_iter()
        .map(|row| {
            let state = match (row.status.as_str(), row.delivery.as_deref()) {
                ("revoked", _) => InvitationState::Revoked,
                (_, Some("failed")) => InvitationState::DeliveryFailed,
                _ if now >= row.expires_at => InvitationState::Expired,
                _ => InvitationState::Invited,
            };
            let mut roles: Vec<Role> = row.roles.split(',').filter_map(Role::from_key).collect();
            roles.sort();
            PersonRow {
                id: row.id,
                kind: PersonKind::Invitation {
                    state,
                    expires_at: row.expires_at,
                },
                email: row.email,
                first_name: row.first_name,
                last_name: row.last_name,
                roles,
                two_step_on: false,
                deactivated: false,
            }
        })
        .collect();
    Ok(PeoplePage {
        invitations,
        users,
        next_after,
    })
}
