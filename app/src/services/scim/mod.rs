//! SCIM 2.0 provisioning (RFC 7643/7644) by the organization's directory:
//! the people it creates, changes and deprovisions, and the groups (one
//! per customer role) it puts them in. The protocol's JSON is the
//! server's (`server/src/scim/`); here are the rules.
//!
//! The directory acts with a SCIM token an Account Admin made: it can
//! never grant more than its maker may grant now (the grant matrix),
//! checked at each call, and what it sends counts against the invitation
//! quotas. A person at a domain with single sign-on gets an account at
//! once, with no password (they sign in at their provider); anyone else
//! gets the usual invitation email. Deprovisioning ends their sessions,
//! API tokens and pending invitations in one transaction.

pub mod users;

use super::audit::Actor;
use super::tokens;
use super::AppState;
use crate::domain::{Capability, Role};
use crate::error::AppError;

/// Who calls: a SCIM token, acting for its maker with the roles the token
/// carries that the maker still holds.
#[derive(Debug, Clone)]
pub struct Directory {
    pub token_id: i64,
    pub token_name: String,
    pub actor: Actor,
}

impl Directory {
    pub fn organization_id(&self) -> i64 {
        self.actor.user.organization_id
    }

    /// How the audit log names the caller.
    pub fn named(&self) -> String {
        format!("SCIM token \"{}\"", self.token_name)
    }

    /// `Forbidden` unless the token's maker may still manage people and
    /// give every role of `roles`.
    pub fn may_grant(&self, roles: &[Role]) -> Result<(), AppError> {
        self.actor.user.require(Capability::InviteUsers)?;
        self.actor.user.require(Capability::ManageUsers)?;
        if Role::may_grant_all(&self.actor.user.roles, roles) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// The SCIM token behind `secret`, or `None` (an API token, a revoked or
/// expired one, or none at all).
pub async fn authenticate(
    state: &AppState,
    secret: &str,
    client_address: &str,
) -> Result<Option<Directory>, AppError> {
    let Some((token_id, token_name, actor)) =
        tokens::authenticate_scim(state, secret, client_address).await?
    else {
        return Ok(None);
    };
    Ok(Some(Directory {
        token_id,
        token_name,
        actor,
    }))
}

/// The six groups: one per customer role, named by its key.
pub fn groups() -> &'static [Role] {
    &Role::CUSTOMER
}

/// Role keys, comma-separated, as stored.
fn joined(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|role| role.key())
        .collect::<Vec<_>>()
        .join(",")
}

fn parsed(roles: &str) -> Vec<Role> {
    roles.split(',').filter_map(Role::from_key).collect()
}
