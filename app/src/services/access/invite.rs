//! Inviting colleagues, within what the inviter's roles may grant.

use tracing::instrument;

use sqlx::AnyConnection;

use crate::domain::wire::InviteOutcome;
use crate::domain::{AuditAction, Capability, Country, Email, Lang, PersonName, Problem, Role};
use crate::error::{AppError, FormErrors};
use crate::services::audit::{self, Actor};
use crate::services::current_user::CurrentUser;
use crate::services::invitations::{self, Ending, NewInvitation};
use crate::services::ratelimit::{self, Limit};
use crate::services::{AppState, Settings};

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
        self.parse_with(Role::parse_list(&self.roles))
    }

    /// Checks every field but the roles, which the caller has read already
    /// (the form sends them typed), reporting all problems at once.
    pub fn parse_with(&self, roles: Result<Vec<Role>, Problem>) -> Result<Invitee, AppError> {
        let mut errors = FormErrors::default();
        let email = errors.check("email", Email::parse(&self.email));
        let first_name = errors.check("first_name", PersonName::parse(&self.first_name));
        let last_name = errors.check("last_name", PersonName::parse(&self.last_name));
        let lang = errors.check("language", Lang::parse(&self.language));
        let country = errors.check("country", Country::parse(&self.country));
        let roles = errors.check("roles", roles);
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
    inviter.require(Capability::InviteUsers)?;
    if Role::may_grant_all(&inviter.roles, roles) {
        return Ok(());
    }
    tracing::warn!(
        user = inviter.id,
        roles = role_keys(roles),
        "refused: a grant beyond their roles"
    );
    Err(AppError::Forbidden)
}

/// Invites `invitee` into the inviter's organization. Inviting an address
/// that already has a pending invitation sends a fresh one instead (the
/// old link dies), if the inviter may grant what that one granted; a
/// member of the organization is refused. An address with an account in
/// another organization is invited like any other: the answer must not
/// tell the inviter who has an account elsewhere (accepting then tells
/// the address's owner alone).
#[instrument(skip_all, fields(inviter = inviter.user.id))]
pub async fn invite(
    state: &AppState,
    inviter: &Actor,
    invitee: &Invitee,
) -> Result<Sent, AppError> {
    let mut tx = crate::services::db::begin_write(&state.db).await?;
    let now = state.clock.now();
    let sent = invite_in(&mut tx, &state.settings, now, inviter, invitee).await?;
    state.outbox.commit(tx).await?;
    Ok(sent)
}

/// An invitation just sent: whether it replaced a pending one, and its id
/// (for the notice the page looks up).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    pub outcome: InviteOutcome,
    pub invitation_id: i64,
}

/// Invitations (new ones and resends) one person may send in a day: a
/// large team's bulk invitation fits.
pub const INVITES_PER_USER: Limit = Limit {
    max: 500,
    window_secs: 24 * 60 * 60,
};

/// Invitations one organization may send in a day, all its people together.
pub const INVITES_PER_ORGANIZATION: Limit = Limit {
    max: 2000,
    window_secs: 24 * 60 * 60,
};

/// Counts one invitation `sender` sends against their own and their
/// organization's daily quotas: the Center must not become a way to mail
/// arbitrary addresses. Inside a transaction, it counts only if that
/// transaction commits.
pub async fn count_invitation(
    conn: &mut AnyConnection,
    sender: &CurrentUser,
    now: i64,
) -> Result<(), AppError> {
    let user_key = format!("invite:user:{}", sender.id);
    ratelimit::hit(&mut *conn, &user_key, now, INVITES_PER_USER).await?;
    let organization_key = format!("invite:organization:{}", sender.organization_id);
    ratelimit::hit(&mut *conn, &organization_key, now, INVITES_PER_ORGANIZATION).await
}

/// [`invite`] inside the caller's transaction.
#[instrument(skip_all, fields(user = actor.user.id))]
pub async fn invite_in(
    tx: &mut AnyConnection,
    settings: &Settings,
    now: i64,
    actor: &Actor,
    invitee: &Invitee,
) -> Result<Sent, AppError> {
    let inviter = &actor.user;
    check_grant(inviter, &invitee.roles)?;
    count_invitation(&mut *tx, inviter, now).await?;
    let member: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM users WHERE email = $1 AND organization_id = $2")
            .bind(invitee.email.as_str())
            .bind(inviter.organization_id)
            .fetch_optional(&mut *tx)
            .await?;
    if member.is_some() {
        return Err(AppError::field("email", Problem::AlreadyMember));
    }
    let pending: Option<(String,)> = sqlx::query_as(
        "SELECT roles FROM invitations \
         WHERE organization_id = $1 AND email = $2 AND status = 'pending'",
    )
    .bind(inviter.organization_id)
    .bind(invitee.email.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    // Replacing an invitation revokes it: the same grant check applies.
    if let Some((roles,)) = &pending {
        check_grant(inviter, &roles_of(roles))?;
    }
    let (organization,): (String,) = sqlx::query_as("SELECT name FROM organizations WHERE id = $1")
        .bind(inviter.organization_id)
        .fetch_one(&mut *tx)
        .await?;
    let inviter_name = format!("{} {}", inviter.first_name, inviter.last_name);
    let (invitation_id, _) = invitations::issue(
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
    Ok(Sent {
        outcome,
        invitation_id,
    })
}

/// The roles an invitation's `roles` column lists.
fn roles_of(keys: &str) -> Vec<Role> {
    keys.split(',').filter_map(Role::from_key).collect()
}

pub(crate) fn role_keys(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|role| role.key())
        .collect::<Vec<_>>()
        .join(",")
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
    let roles = roles_of(&invitation.roles);
    check_grant(actor, &roles)?;
    Ok((invitation, roles))
}

/// Sends a pending, expired or revoked invitation again with a new link
/// (the old one dies and the 60 days start over), optionally to a
/// corrected address.
#[instrument(skip_all, fields(invitation = invitation_id))]
pub async fn resend_invitation(
    state: &AppState,
    actor: &Actor,
    invitation_id: i64,
    corrected_email: Option<&Email>,
) -> Result<Sent, AppError> {
    let now = state.clock.now();
    let mut tx = crate::services::db::begin_write(&state.db).await?;
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
    let sent = invite_in(&mut tx, &state.settings, now, actor, &invitee).await?;
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
    state.outbox.commit(tx).await?;
    Ok(sent)
}

/// The address of invitation `invitation_id` of the actor's organization,
/// for the notice that it was sent: the page names only what the server
/// finds, never what its address says.
pub async fn sent_to(
    state: &AppState,
    actor: &Actor,
    invitation_id: i64,
) -> Result<Option<String>, AppError> {
    actor.user.require(Capability::InviteUsers)?;
    let found: Option<(String,)> =
        sqlx::query_as("SELECT email FROM invitations WHERE id = $1 AND organization_id = $2")
            .bind(invitation_id)
            .bind(actor.user.organization_id)
            .fetch_optional(&state.db)
            .await?;
    Ok(found.map(|(email,)| email))
}

/// Withdraws a pending invitation: its link shows the revoked page.
#[instrument(skip_all, fields(invitation = invitation_id))]
pub async fn revoke_invitation(
    state: &AppState,
    actor: &Actor,
    invitation_id: i64,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let mut tx = crate::services::db::begin_write(&state.db).await?;
    let (invitation, _) = managed_invitation(&mut tx, &actor.user, invitation_id).await?;
    invitations::finish_pending(&mut tx, invitation.id, Ending::Revoked, now).await?;
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
