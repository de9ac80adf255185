//! Inviting colleagues, within what the inviter's roles may grant.

use tracing::instrument;

use sqlx::AnyConnection;

use super::accounts::CurrentUser;
use super::audit;
pub use super::audit::{log as audit_log, Actor};
pub use super::bulk_invite::bulk_invite;
use super::invitations::{self, NewInvitation};
use super::mail::Outbox;
use super::{Db, Settings};
use crate::domain::wire::{InvitationState, InviteOutcome, PeoplePage, PersonKind, PersonRow};
use crate::domain::{AuditAction, Capability, Country, Email, Lang, PersonName, Problem, Role};
use crate::error::{AppError, FormErrors};

/// The invite form as typed.
#[derive(Debug, Clone, Default)]
pub struct InviteInput {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub language: String,
    pub country: String,
    pub roles: Vec<String>,
}

/// A checked invitation request.
#[derive(Debug, Clone)]
pub struct Invitee {
    pub email: Email,
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub lang: Lang,
    pub country: Country,
    pub roles: Vec<Role>,
}

impl InviteInput {
    /// Checks every field, reporting all problems at once.
    pub fn parse(&self) -> Result<Invitee, AppError> {
        let mut errors = FormErrors::default();
        let email = errors.check("email", Email::parse(&self.email));
        let first_name = errors.check("first_name", PersonName::parse(&self.first_name));
        let last_name = errors.check("last_name", PersonName::parse(&self.last_name));
        let lang = errors.check("language", Lang::parse(&self.language));
        let country = errors.check("country", Country::parse(&self.country));
        let roles = errors.check("roles", Role::parse_list(&self.roles));
        let parsed = (|| {
            Some(Invitee {
                email: email?,
                first_name: first_name?,
                last_name: last_name?,
                lang: lang?,
                country: country?,
                roles: roles?,
            })
        })();
        errors.finish(parsed)
    }
}

/// Whether `inviter` may invite anyone at all, and give `roles`.
pub fn check_grant(inviter: &CurrentUser, roles: &[Role]) -> Result<(), AppError> {
    if Role::any_allows(&inviter.roles, Capability::InviteUsers)
        && Role::may_grant_all(&inviter.roles, roles)
    {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Invites `invitee` into the inviter's organization. Inviting an address
/// that already has a pending invitation sends a fresh one instead (the
/// old link dies); an address that already has an account is refused.
#[instrument(skip_all, fields(inviter = inviter.user.id))]
pub async fn invite(
    db: &Db,
    settings: &Settings,
    outbox: &Outbox,
    now: i64,
    inviter: &Actor,
    invitee: &Invitee,
) -> Result<InviteOutcome, AppError> {
    let mut tx = super::db::begin_write(db).await?;
    let outcome = invite_in(&mut tx, settings, now, inviter, invitee).await?;
    outbox.commit(tx).await?;
    Ok(outcome)
}

/// [`invite`] inside the caller's transaction.
#[instrument(skip_all, fields(user = actor.user.id))]
pub async fn invite_in(
    tx: &mut AnyConnection,
    settings: &Settings,
    now: i64,
    actor: &Actor,
    invitee: &Invitee,
) -> Result<InviteOutcome, AppError> {
    let inviter = &actor.user;
    check_grant(inviter, &invitee.roles)?;
    let member: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(invitee.email.as_str())
        .fetch_optional(&mut *tx)
        .await?;
    if member.is_some() {
        return Err(AppError::field("email", Problem::EmailTaken));
    }
    let pending: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM invitations WHERE organization_id = $1 AND email = $2 AND status = 'pending'",
    )
    .bind(inviter.organization_id)
    .bind(invitee.email.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    let (organization,): (String,) = sqlx::query_as("SELECT name FROM organizations WHERE id = $1")
        .bind(inviter.organization_id)
        .fetch_one(&mut *tx)
        .await?;
    let inviter_name = format!("{} {}", inviter.first_name, inviter.last_name);
    invitations::issue(
        &mut *tx,
        settings,
        now,
        &NewInvitation {
            organization_id: inviter.organization_id,
            organization_name: &organization,
            purchasing_account_id: None,
            agreement_number: None,
            email: &invitee.email,
            first_name: invitee.first_name.as_str(),
            last_name: invitee.last_name.as_str(),
            lang: invitee.lang,
            country: invitee.country.code,
            roles: &invitee.roles,
            invited_by: Some((inviter.id, &inviter_name)),
        },
    )
    .await?;
    let outcome = if pending.is_some() {
        InviteOutcome::Resent
    } else {
        InviteOutcome::Invited
    };
    let action = match outcome {
        InviteOutcome::Invited => AuditAction::InvitationSent,
        InviteOutcome::Resent => AuditAction::InvitationResent,
    };
    audit::record(
        tx,
        actor,
        now,
        action,
        invitee.email.as_str(),
        &role_keys(&invitee.roles),
    )
    .await?;
    Ok(outcome)
}

fn role_keys(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|role| role.key())
        .collect::<Vec<_>>()
        .join(",")
}

/// How many accounts a page of the list shows.
pub const PAGE_SIZE: i64 = 50;

/// The Manage users list: the organization's open invitations and one
/// page of its accounts, both narrowed by `search` (name or email).
/// Accounts are paged by email after `after`, so that a page costs the
/// same however many accounts come before it.
#[instrument(skip_all, fields(organization = viewer.organization_id))]
pub async fn list(
    db: &Db,
    viewer: &CurrentUser,
    now: i64,
    search: &str,
    after: &str,
) -> Result<PeoplePage, AppError> {
    if !Role::any_allows(&viewer.roles, Capability::InviteUsers) {
        return Err(AppError::Forbidden);
    }
    let pattern = format!("%{}%", search.trim().to_lowercase().replace(['%', '_'], ""));
    #[derive(sqlx::FromRow)]
    struct UserRow {
        id: i64,
        email: String,
        first_name: String,
        last_name: String,
    }
    let mut rows: Vec<UserRow> = sqlx::query_as(
        "SELECT id, email, first_name, last_name FROM users \
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
        let placeholders: Vec<String> = (1..=rows.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT user_id, role FROM user_roles WHERE user_id IN ({})",
            placeholders.join(", ")
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
            }
        })
        .collect();
    Ok(PeoplePage {
        invitations,
        users,
        next_after,
    })
}

#[derive(sqlx::FromRow)]
struct OpenInvitation {
    id: i64,
    email: String,
    first_name: String,
    last_name: String,
    language: String,
    country: String,
    roles: String,
    status: String,
}

/// An invitation of the actor's organization that the actor may manage:
/// one whose roles they could have granted themselves.
async fn managed_invitation(
    conn: &mut AnyConnection,
    actor: &CurrentUser,
    invitation_id: i64,
) -> Result<(OpenInvitation, Vec<Role>), AppError> {
    let found: Option<OpenInvitation> = sqlx::query_as(
        "SELECT id, email, first_name, last_name, language, country, roles, status \
         FROM invitations WHERE id = $1 AND organization_id = $2",
    )
    .bind(invitation_id)
    .bind(actor.organization_id)
    .fetch_optional(conn)
    .await?;
    let invitation = found.ok_or(AppError::NotFound)?;
    let roles: Vec<Role> = invitation
        .roles
        .split(',')
        .filter_map(Role::from_key)
        .collect();
    check_grant(actor, &roles)?;
    Ok((invitation, roles))
}

/// Sends a pending, expired or revoked invitation again with a new link
/// (the old one dies and the 60 days start over), optionally to a
/// corrected address.
#[instrument(skip_all, fields(invitation = invitation_id))]
pub async fn resend_invitation(
    db: &Db,
    settings: &Settings,
    outbox: &Outbox,
    now: i64,
    actor: &Actor,
    invitation_id: i64,
    corrected_email: Option<&Email>,
) -> Result<Email, AppError> {
    let mut tx = super::db::begin_write(db).await?;
    let (old, roles) = managed_invitation(&mut tx, &actor.user, invitation_id).await?;
    if !matches!(old.status.as_str(), "pending" | "revoked") {
        return Err(AppError::NotFound);
    }
    let email = match corrected_email {
        Some(email) => email.clone(),
        None => Email::parse(&old.email).map_err(|_| AppError::NotFound)?,
    };
    let invitee = Invitee {
        first_name: PersonName::parse(&old.first_name)
            .map_err(|problem| AppError::field("first_name", problem))?,
        last_name: PersonName::parse(&old.last_name)
            .map_err(|problem| AppError::field("last_name", problem))?,
        lang: Lang::parse(&old.language).unwrap_or_default(),
        country: Country::parse(&old.country)
            .map_err(|problem| AppError::field("country", problem))?,
        roles,
        email,
    };
    // Same address: issuing supersedes the pending one and logs a resend.
    invite_in(&mut tx, settings, now, actor, &invitee).await?;
    // A corrected address or a revoked invitation: the old link dies too.
    sqlx::query(
        "UPDATE invitations SET status = 'superseded', finished_at = $1 WHERE id = $2 \
         AND status IN ('pending', 'revoked')",
    )
    .bind(now)
    .bind(old.id)
    .execute(&mut *tx)
    .await?;
    if invitee.email.as_str() != old.email {
        audit::record(
            &mut tx,
            actor,
            now,
            AuditAction::InvitationAddressFixed,
            &old.email,
            invitee.email.as_str(),
        )
        .await?;
    }
    outbox.commit(tx).await?;
    Ok(invitee.email)
}

/// Withdraws a pending invitation: its link shows the revoked page.
#[instrument(skip_all, fields(invitation = invitation_id))]
pub async fn revoke_invitation(
    db: &Db,
    now: i64,
    actor: &Actor,
    invitation_id: i64,
) -> Result<(), AppError> {
    let mut tx = super::db::begin_write(db).await?;
    let (invitation, _) = managed_invitation(&mut tx, &actor.user, invitation_id).await?;
    let revoked = sqlx::query(
        "UPDATE invitations SET status = 'revoked', finished_at = $1 \
         WHERE id = $2 AND status = 'pending'",
    )
    .bind(now)
    .bind(invitation.id)
    .execute(&mut *tx)
    .await?;
    if revoked.rows_affected() != 1 {
        return Err(AppError::NotFound);
    }
    audit::record(
        &mut tx,
        actor,
        now,
        AuditAction::InvitationRevoked,
        &invitation.email,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

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

async fn account_admins(conn: &mut AnyConnection, organization_id: i64) -> Result<i64, AppError> {
    let (count,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM user_roles r JOIN users u ON u.id = r.user_id \
         WHERE u.organization_id = $1 AND r.role = 'account_admin'",
    )
    .bind(organization_id)
    .fetch_one(conn)
    .await?;
    Ok(count)
}

/// Whether `actor` may change someone holding `current` to `wanted`: they
/// must manage users and be able to grant every role involved.
fn check_change(actor: &CurrentUser, current: &[Role], wanted: &[Role]) -> Result<(), AppError> {
    let involved: Vec<Role> = current.iter().chain(wanted).copied().collect();
    if Role::any_allows(&actor.roles, Capability::ManageUsers)
        && Role::may_grant_all(&actor.roles, &involved)
    {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Replaces a member's roles. The last Account Admin keeps that role.
#[instrument(skip_all, fields(user = user_id))]
pub async fn change_roles(
    db: &Db,
    now: i64,
    actor: &Actor,
    user_id: i64,
    roles: &[Role],
) -> Result<(), AppError> {
    if roles.is_empty() {
        return Err(AppError::field("roles", Problem::RoleRequired));
    }
    let mut tx = super::db::begin_write(db).await?;
    super::db::lock_organization(&mut tx, actor.user.organization_id).await?;
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
    for role in roles {
        sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
            .bind(user_id)
            .bind(role.key())
            .execute(&mut *tx)
            .await?;
    }
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
    tx.commit().await?;
    Ok(())
}

/// Removes a member: their account, sessions and roles go; invitations
/// they sent and nobody accepted yet are revoked, since a removed inviter
/// grants nothing. The last Account Admin cannot be removed.
#[instrument(skip_all, fields(user = user_id))]
pub async fn remove_user(db: &Db, now: i64, actor: &Actor, user_id: i64) -> Result<(), AppError> {
    let mut tx = super::db::begin_write(db).await?;
    super::db::lock_organization(&mut tx, actor.user.organization_id).await?;
    let (email, current) = member(&mut tx, &actor.user, user_id).await?;
    check_change(&actor.user, &current, &[])?;
    if current.contains(&Role::AccountAdmin)
        && account_admins(&mut tx, actor.user.organization_id).await? <= 1
    {
        return Err(AppError::field("roles", Problem::LastAccountAdmin));
    }
    sqlx::query(
        "UPDATE invitations SET status = 'revoked', finished_at = $1 \
         WHERE invited_by = $2 AND status = 'pending'",
    )
    .bind(now)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
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
    audit::record(
        &mut tx,
        actor,
        now,
        AuditAction::UserRemoved,
        &email,
        &role_keys(&current),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
