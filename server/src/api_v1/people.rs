//! `/api/v1/me`, the organization's users and its invitations: the same
//! services as Manage access.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{idempotent, json_body, schemas, ApiCaller, ApiError, ProblemDocument, PROBLEM};
use app::domain::wire::{InvitationState, InviteOutcome, PersonKind};
use app::domain::Role;
use app::error::AppError;
use app::services::access::invite::{self, InviteInput};
use app::services::access::{members, people};
use app::services::tokens::Caller;
use app::services::AppState;

#[derive(Serialize, ToSchema)]
pub(super) struct Me {
    id: i64,
    email: String,
    first_name: String,
    last_name: String,
    organization_id: i64,
    /// What this token may do: the roles it carries that its owner holds.
    #[schema(value_type = Vec<String>, example = json!(["account_admin"]))]
    roles: Vec<Role>,
}

/// A vendor operator's token, which acts for no person.
#[derive(Serialize, ToSchema)]
pub(super) struct Operator {
    operator: bool,
}

/// Who a token acts for: a person, or the vendor operator.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub(super) enum Whom {
    Person(Me),
    Operator(Operator),
}

/// Who the token acts for, with the roles it carries that its owner holds
/// now (a vendor operator's token answers `{"operator": true}`).
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "me",
    security(("token" = [])),
    responses(
        (status = 200, body = Whom),
    )
)]
pub(super) async fn me(caller: ApiCaller) -> Json<Whom> {
    Json(match caller.0 {
        Caller::User { actor, .. } => Whom::Person(Me {
            id: actor.user.id,
            email: actor.user.email,
            first_name: actor.user.first_name,
            last_name: actor.user.last_name,
            organization_id: actor.user.organization_id,
            roles: actor.user.roles,
        }),
        Caller::Operator { .. } => Whom::Operator(Operator { operator: true }),
    })
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct UsersQuery {
    /// Part of a name or an email address.
    #[serde(default)]
    q: String,
    /// The cursor: the `next_after` of the page before.
    #[serde(default)]
    after: String,
}

#[derive(Serialize, ToSchema)]
pub(super) struct User {
    id: i64,
    email: String,
    first_name: String,
    last_name: String,
    #[schema(value_type = Vec<String>)]
    roles: Vec<Role>,
    two_step: bool,
}

#[derive(Serialize, ToSchema)]
pub(super) struct UsersPage {
    users: Vec<User>,
    /// Pass as `after` for the next page; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    next_after: Option<String>,
}

/// The organization's users with their roles, 50 a page in email order.
#[utoipa::path(
    get,
    path = "/api/v1/users",
    tag = "users",
    security(("token" = [])),
    params(UsersQuery),
    responses(
        (status = 200, body = UsersPage),
        (status = 403, body = ProblemDocument, content_type = "application/problem+json"),
    )
)]
pub(super) async fn users(
    State(state): State<AppState>,
    caller: ApiCaller,
    query: Result<Query<UsersQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<UsersPage>, ApiError> {
    let actor = caller.person()?;
    let Query(query) = query.map_err(|_| ApiError(AppError::BadRequest))?;
    let page = people::list(&state, &actor, &query.q, &query.after).await?;
    Ok(Json(UsersPage {
        users: page
            .users
            .into_iter()
            .map(|row| User {
                id: row.id,
                email: row.email,
                first_name: row.first_name,
                last_name: row.last_name,
                roles: row.roles,
                two_step: row.two_step_on,
            })
            .collect(),
        next_after: page.next_after,
    }))
}

#[derive(Deserialize, ToSchema)]
pub(super) struct NewInvitation {
    #[schema(schema_with = schemas::email)]
    pub(super) email: String,
    #[schema(schema_with = schemas::person_name)]
    first_name: String,
    #[schema(schema_with = schemas::person_name)]
    last_name: String,
    #[serde(default = "english")]
    #[schema(schema_with = schemas::language)]
    language: String,
    /// ISO 3166 code.
    #[serde(default = "united_states")]
    #[schema(schema_with = schemas::country)]
    country: String,
    /// Role keys, as in the CSV invitation: `account_viewer`, …
    #[schema(schema_with = schemas::roles)]
    roles: Vec<String>,
}

impl NewInvitation {
    pub(super) fn input(self) -> InviteInput {
        InviteInput {
            email: self.email,
            first_name: self.first_name,
            last_name: self.last_name,
            language: self.language,
            country: self.country,
            roles: self.roles,
        }
    }
}

pub(super) fn english() -> String {
    "en".to_owned()
}

pub(super) fn united_states() -> String {
    "US".to_owned()
}

#[derive(Serialize, ToSchema)]
pub(super) struct Invitation {
    pub(super) id: i64,
    pub(super) email: String,
    pub(super) status: &'static str,
    /// `invited`, or `resent` when a pending invitation to this address
    /// was replaced (its link no longer works).
    pub(super) outcome: &'static str,
}

/// Invites one person, as INVITE USER does, within the roles the token
/// may grant.
#[utoipa::path(
    post,
    path = "/api/v1/invitations",
    tag = "invitations",
    security(("token" = [])),
    request_body = NewInvitation,
    params(
        ("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]+$",
            description = "Up to 255 characters: the same key and body within 24 hours returns the first answer and invites nobody twice"),
    ),
    responses(
        (status = 201, body = Invitation),
        (status = 403, body = ProblemDocument, content_type = "application/problem+json"),
        (status = 409, body = ProblemDocument, content_type = "application/problem+json"),
        (status = 422, body = ProblemDocument, content_type = "application/problem+json"),
    )
)]
pub(super) async fn create_invitation(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (actor, token_id) = caller.person_and_token()?;
    idempotent(&state, token_id, &headers, &body, || async {
        let body: NewInvitation = json_body(&body)?;
        let invitee = body.input().parse()?;
        let sent = invite::invite(&state, &actor, &invitee).await?;
        let invitation = Invitation {
            id: sent.invitation_id,
            email: invitee.email.to_string(),
            status: "pending",
            outcome: match sent.outcome {
                InviteOutcome::Invited => "invited",
                InviteOutcome::Resent => "resent",
            },
        };
        Ok((StatusCode::CREATED, Json(invitation)).into_response())
    })
    .await
}

#[derive(Serialize, ToSchema)]
pub(super) struct OpenInvitation {
    id: i64,
    email: String,
    first_name: String,
    last_name: String,
    #[schema(value_type = Vec<String>)]
    roles: Vec<Role>,
    /// `invited`, `expired`, `revoked` or `delivery_failed`.
    status: &'static str,
    expires_at: i64,
}

#[derive(Serialize, ToSchema)]
pub(super) struct Invitations {
    invitations: Vec<OpenInvitation>,
}

/// The organization's invitations not yet accepted, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/invitations",
    tag = "invitations",
    security(("token" = [])),
    responses(
        (status = 200, body = Invitations),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn list_invitations(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Invitations>, ApiError> {
    let actor = caller.person()?;
    let page = people::list(&state, &actor, "", "").await?;
    let invitations = page
        .invitations
        .into_iter()
        .filter_map(|row| match row.kind {
            PersonKind::Invitation { state, expires_at } => Some(OpenInvitation {
                id: row.id,
                email: row.email,
                first_name: row.first_name,
                last_name: row.last_name,
                roles: row.roles,
                status: match state {
                    InvitationState::Invited => "invited",
                    InvitationState::Expired => "expired",
                    InvitationState::Revoked => "revoked",
                    InvitationState::DeliveryFailed => "delivery_failed",
                },
                expires_at,
            }),
            PersonKind::User => None,
        })
        .collect();
    Ok(Json(Invitations { invitations }))
}

/// Sends an invitation again: a new link, 60 days again, the old link
/// dead. Answers the new invitation.
#[utoipa::path(
    post,
    path = "/api/v1/invitations/{id}/resend",
    tag = "invitations",
    security(("token" = [])),
    params(("id" = i64, Path, description = "The invitation's id")),
    responses(
        (status = 200, body = Invitation),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 404, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn resend_invitation(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Invitation>, ApiError> {
    let actor = caller.person()?;
    let sent = invite::resend_invitation(&state, &actor, id, None).await?;
    let email = invite::sent_to(&state, &actor, sent.invitation_id)
        .await?
        .unwrap_or_default();
    Ok(Json(Invitation {
        id: sent.invitation_id,
        email,
        status: "pending",
        outcome: "resent",
    }))
}

/// Revokes an invitation: its link stops working.
#[utoipa::path(
    delete,
    path = "/api/v1/invitations/{id}",
    tag = "invitations",
    security(("token" = [])),
    params(("id" = i64, Path, description = "The invitation's id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 404, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn revoke_invitation(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    let actor = caller.person()?;
    invite::revoke_invitation(&state, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub(super) struct NewRoles {
    /// Role keys: `account_viewer`, …
    #[schema(schema_with = schemas::roles)]
    roles: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct UserRoles {
    id: i64,
    #[schema(value_type = Vec<String>)]
    roles: Vec<Role>,
}

/// Replaces a user's roles, within what the token may grant; the last
/// Account Admin keeps that role (409), and nobody changes their own.
#[utoipa::path(
    put,
    path = "/api/v1/users/{id}/roles",
    tag = "users",
    security(("token" = [])),
    params(("id" = i64, Path, description = "The user's id")),
    request_body = NewRoles,
    responses(
        (status = 200, body = UserRoles),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 404, body = ProblemDocument, content_type = PROBLEM),
        (status = 409, body = ProblemDocument, content_type = PROBLEM),
        (status = 422, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn change_roles(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<UserRoles>, ApiError> {
    let actor = caller.person()?;
    let body: NewRoles = json_body(&body)?;
    let roles =
        Role::parse_list(&body.roles).map_err(|problem| AppError::field("roles", problem))?;
    members::change_roles(&state, &actor, id, &roles).await?;
    Ok(Json(UserRoles { id, roles }))
}

/// Removes a user: their account, sessions, tokens and roles go.
#[utoipa::path(
    delete,
    path = "/api/v1/users/{id}",
    tag = "users",
    security(("token" = [])),
    params(("id" = i64, Path, description = "The user's id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 404, body = ProblemDocument, content_type = PROBLEM),
        (status = 409, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn remove_user(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    let actor = caller.person()?;
    members::remove_user(&state, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
