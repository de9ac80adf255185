//! Inviting colleagues, within what the inviter's roles may grant.

use tracing::instrument;

use super::accounts::CurrentUser;
use super::invitations::{self, NewInvitation};
use super::{Db, Settings};
use crate::api::access::InviteOutcome;
use crate::domain::{Capability, Country, Email, Lang, PersonName, Problem, Role};
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
#[instrument(skip_all, fields(inviter = inviter.id))]
pub async fn invite(
    db: &Db,
    settings: &Settings,
    now: i64,
    inviter: &CurrentUser,
    invitee: &Invitee,
) -> Result<InviteOutcome, AppError> {
    check_grant(inviter, &invitee.roles)?;
    let mut tx = db.begin().await?;
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
        &mut tx,
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
    tx.commit().await?;
    Ok(if pending.is_some() {
        InviteOutcome::Resent
    } else {
        InviteOutcome::Invited
    })
}
