//! Manage access: who may invite whom, and the invitations themselves.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::account::UserSummary;
use crate::domain::Role;
use crate::error::AppError;

/// What the Manage access page needs: who is looking, and which roles
/// they may give (the roles module decides; the dropdown only lists these).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessView {
    pub user: UserSummary,
    pub grantable: Vec<Role>,
}

/// What inviting did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InviteOutcome {
    /// A first invitation to this address.
    Invited,
    /// The address already had a pending invitation: a new link was sent
    /// and the old one stopped working.
    Resent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invited {
    pub email: String,
    pub outcome: InviteOutcome,
}

#[server(endpoint = "get_access")]
pub async fn get_access() -> Result<AccessView, AppError> {
    use crate::domain::Capability;
    use crate::server::http;
    http::respond(
        async {
            let state = http::state()?;
            let (user, _) = http::current_user(&state).await?;
            if !Role::any_allows(&user.roles, Capability::InviteUsers) {
                return Err(AppError::Forbidden);
            }
            Ok(AccessView {
                grantable: Role::grantable_by(&user.roles),
                user: user.summary(),
            })
        }
        .await,
    )
}

/// Invites a colleague with one or more roles (their keys, as in
/// `account_viewer`), within what the signed-in user may grant.
#[server(endpoint = "invite_user")]
pub async fn invite_user(
    email: String,
    first_name: String,
    last_name: String,
    language: String,
    country: String,
    roles: Vec<String>,
) -> Result<Invited, AppError> {
    use crate::server::{http, users};
    http::respond(
        async {
            let state = http::state()?;
            let (user, _) = http::current_user(&state).await?;
            let input = users::InviteInput {
                email,
                first_name,
                last_name,
                language,
                country,
                roles,
            };
            // A forged role is refused before anything else is said about
            // the form: the answer must not depend on the other fields.
            if let Ok(roles) = Role::parse_list(&input.roles) {
                users::check_grant(&user, &roles)?;
            }
            let invitee = input.parse()?;
            let outcome = users::invite(
                &state.db,
                &state.settings,
                state.clock.now(),
                &user,
                &invitee,
            )
            .await?;
            state.mail_ready.notify_one();
            Ok(Invited {
                email: invitee.email.to_string(),
                outcome,
            })
        }
        .await,
    )
}
