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
            let address = http::client_ip();
            let actor = users::Actor {
                user: &user,
                client_address: &address,
            };
            let outcome = users::invite(
                &state.db,
                &state.settings,
                state.clock.now(),
                &actor,
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

/// Where a person stands in the organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PersonStatus {
    Active,
    Invited,
    Expired,
    Revoked,
    DeliveryFailed,
}

impl PersonStatus {
    pub fn name(self, lang: crate::domain::Lang) -> &'static str {
        use crate::domain::Lang::{En, Fr};
        match (self, lang) {
            (PersonStatus::Active, En) => "Active",
            (PersonStatus::Active, Fr) => "Actif",
            (PersonStatus::Invited, En) => "Invited",
            (PersonStatus::Invited, Fr) => "Invité",
            (PersonStatus::Expired, En) => "Expired",
            (PersonStatus::Expired, Fr) => "Expirée",
            (PersonStatus::Revoked, En) => "Revoked",
            (PersonStatus::Revoked, Fr) => "Révoquée",
            (PersonStatus::DeliveryFailed, En) => "Delivery failed",
            (PersonStatus::DeliveryFailed, Fr) => "Échec de l'envoi",
        }
    }
}

/// One line of the Manage users list: an account or an invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRow {
    /// The user's id for an account, the invitation's id otherwise.
    pub id: i64,
    pub is_invitation: bool,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub roles: Vec<Role>,
    pub status: PersonStatus,
    /// For an invitation: when its link stops working.
    pub expires_at: Option<i64>,
}

/// A page of the Manage users list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeoplePage {
    /// Invitations not yet accepted (pending, expired, revoked), newest first.
    pub invitations: Vec<PersonRow>,
    /// Accounts, in email order, one page of them.
    pub users: Vec<PersonRow>,
    /// Where the next page of accounts starts, if there is one.
    pub next_after: Option<String>,
}

/// What inviting one line of a CSV file did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowOutcome {
    Invited,
    Resent,
    AlreadyUser,
    /// Refused, with the reasons in the reader's language.
    Refused(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowResult {
    /// The line number in the file (the header is line 1).
    pub line: usize,
    pub email: String,
    pub outcome: RowOutcome,
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: i64,
    pub actor_email: String,
    pub action: String,
    pub subject_email: String,
    pub detail: String,
    pub client_address: String,
}
