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

/// The signed-in user as an actor of the audit log.
#[cfg(feature = "ssr")]
async fn acting() -> Result<
    (
        crate::server::AppState,
        crate::server::accounts::CurrentUser,
        String,
    ),
    AppError,
> {
    use crate::server::http;
    let state = http::state()?;
    let (user, _) = http::current_user(&state).await?;
    Ok((state, user, http::client_ip()))
}

/// One page of Manage users: open invitations and accounts matching
/// `search`, accounts after the email `after`.
#[server(endpoint = "list_people")]
pub async fn list_people(search: String, after: String) -> Result<PeoplePage, AppError> {
    use crate::server::{http, users};
    http::respond(
        async {
            let (state, user, _) = acting().await?;
            users::list(&state.db, &user, state.clock.now(), &search, &after).await
        }
        .await,
    )
}

/// Sends an invitation again with a new link; `email`, when not empty,
/// corrects the address first.
#[server(endpoint = "resend_invitation")]
pub async fn resend_invitation(invitation_id: i64, email: String) -> Result<String, AppError> {
    use crate::domain::Email;
    use crate::server::{http, users};
    http::respond(
        async {
            let (state, user, address) = acting().await?;
            let corrected = match email.trim() {
                "" => None,
                typed => {
                    Some(Email::parse(typed).map_err(|problem| AppError::field("email", problem))?)
                }
            };
            let actor = users::Actor {
                user: &user,
                client_address: &address,
            };
            let sent = users::resend_invitation(
                &state.db,
                &state.settings,
                state.clock.now(),
                &actor,
                invitation_id,
                corrected.as_ref(),
            )
            .await?;
            state.mail_ready.notify_one();
            Ok(sent.to_string())
        }
        .await,
    )
}

#[server(endpoint = "revoke_invitation")]
pub async fn revoke_invitation(invitation_id: i64) -> Result<(), AppError> {
    use crate::server::{http, users};
    http::respond(
        async {
            let (state, user, address) = acting().await?;
            let actor = users::Actor {
                user: &user,
                client_address: &address,
            };
            users::revoke_invitation(&state.db, state.clock.now(), &actor, invitation_id).await
        }
        .await,
    )
}

/// Replaces a user's roles (their keys), within the grant rules.
#[server(endpoint = "change_roles")]
pub async fn change_roles(user_id: i64, roles: Vec<String>) -> Result<(), AppError> {
    use crate::server::{http, users};
    http::respond(
        async {
            let (state, user, address) = acting().await?;
            let roles =
                Role::parse_list(&roles).map_err(|problem| AppError::field("roles", problem))?;
            let actor = users::Actor {
                user: &user,
                client_address: &address,
            };
            users::change_roles(&state.db, state.clock.now(), &actor, user_id, &roles).await
        }
        .await,
    )
}

#[server(endpoint = "remove_user")]
pub async fn remove_user(user_id: i64) -> Result<(), AppError> {
    use crate::server::{http, users};
    http::respond(
        async {
            let (state, user, address) = acting().await?;
            let actor = users::Actor {
                user: &user,
                client_address: &address,
            };
            users::remove_user(&state.db, state.clock.now(), &actor, user_id).await
        }
        .await,
    )
}

/// The most rows one bulk call takes; the page sends a file in chunks.
pub const BULK_CHUNK: usize = 50;

/// Invites each row on its own: a bad row gets its reason and never stops
/// the others.
#[server(endpoint = "bulk_invite", input = server_fn::codec::Json)]
pub async fn bulk_invite(
    rows: Vec<crate::domain::csv::CsvInvite>,
) -> Result<Vec<RowResult>, AppError> {
    use crate::domain::Problem;
    use crate::server::{http, users};
    http::respond(
        async {
            let (state, user, address) = acting().await?;
            if rows.len() > BULK_CHUNK {
                return Err(AppError::Request(format!(
                    "at most {BULK_CHUNK} rows per call"
                )));
            }
            if !Role::any_allows(&user.roles, crate::domain::Capability::InviteUsers) {
                return Err(AppError::Forbidden);
            }
            let actor = users::Actor {
                user: &user,
                client_address: &address,
            };
            let lang = user.lang;
            let mut results = Vec::with_capacity(rows.len());
            for row in rows {
                let input = users::InviteInput {
                    email: row.email.clone(),
                    first_name: row.first_name,
                    last_name: row.last_name,
                    language: row.language,
                    country: row.country,
                    // "Account Viewer" reads as account_viewer.
                    roles: row
                        .roles
                        .iter()
                        .map(|role| role.trim().to_lowercase().replace([' ', '-'], "_"))
                        .collect(),
                };
                let outcome = match input.parse() {
                    Err(error) => Err(error),
                    Ok(invitee) => {
                        users::invite(
                            &state.db,
                            &state.settings,
                            state.clock.now(),
                            &actor,
                            &invitee,
                        )
                        .await
                    }
                };
                let outcome = match outcome {
                    Ok(InviteOutcome::Invited) => RowOutcome::Invited,
                    Ok(InviteOutcome::Resent) => RowOutcome::Resent,
                    Err(error) if error.problem_with("email") == Some(Problem::EmailTaken) => {
                        RowOutcome::AlreadyUser
                    }
                    Err(AppError::Invalid(problems)) => RowOutcome::Refused(
                        problems
                            .iter()
                            .map(|problem| {
                                format!("{}: {}", problem.field, problem.problem.text(lang))
                            })
                            .collect(),
                    ),
                    Err(AppError::Internal(reference)) => {
                        return Err(AppError::Internal(reference))
                    }
                    Err(other) => RowOutcome::Refused(vec![other.summary(lang)]),
                };
                results.push(RowResult {
                    line: row.line,
                    email: row.email,
                    outcome,
                });
            }
            state.mail_ready.notify_one();
            Ok(results)
        }
        .await,
    )
}

/// The organization's audit log, newest first, 100 entries before `before`.
#[server(endpoint = "get_audit_log")]
pub async fn get_audit_log(
    before: Option<i64>,
) -> Result<(AccessView, Vec<(i64, AuditEntry)>), AppError> {
    use crate::server::{http, users};
    http::respond(
        async {
            let (state, user, _) = acting().await?;
            let entries = users::audit_log(&state.db, &user, before).await?;
            Ok((
                AccessView {
                    grantable: Role::grantable_by(&user.roles),
                    user: user.summary(),
                },
                entries,
            ))
        }
        .await,
    )
}
