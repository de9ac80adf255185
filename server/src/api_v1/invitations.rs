//! Invitations beyond one at a time: many in one request with a result
//! for each, and fixing a mistyped address (a new invitation to it).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::people::Invitation;
use super::{
    field_problems, idempotent, json_body, schemas, ApiCaller, ApiError, FieldProblem,
    ProblemDocument, PROBLEM,
};
use app::domain::wire::InviteOutcome;
use app::domain::Email;
use app::error::AppError;
use app::services::access::invite::{self, InviteInput};
use app::services::AppState;

/// The most invitations one request may hold.
const MAX_BULK: usize = 100;

#[derive(Deserialize, ToSchema)]
pub(super) struct BulkInvitations {
    #[schema(min_items = 1, max_items = 100)]
    invitations: Vec<BulkItem>,
}

/// One person to invite, as `POST /api/v1/invitations` takes it; each is
/// checked on its own and its problems come back in its result, so the
/// document asks only for strings here.
#[derive(Deserialize, ToSchema)]
pub(super) struct BulkItem {
    email: String,
    first_name: String,
    last_name: String,
    #[serde(default = "super::people::english")]
    language: String,
    #[serde(default = "super::people::united_states")]
    country: String,
    roles: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct BulkResult {
    /// The item's place in the request, from 0.
    index: usize,
    email: String,
    /// `invited`, `resent`, `already_member` or `refused`.
    outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    invitation_id: Option<i64>,
    /// Why it was refused.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<FieldProblem>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct BulkResults {
    results: Vec<BulkResult>,
}

/// Invites up to 100 people, each as INVITE USER does; one refused does
/// not stop the others, and each gets its result.
#[utoipa::path(
    post,
    path = "/api/v1/invitations/bulk",
    tag = "invitations",
    security(("token" = [])),
    request_body = BulkInvitations,
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255,
        pattern = "^[!-~]+$", description = "As on every POST")),
    responses(
        (status = 200, body = BulkResults),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 422, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn invite_many(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (actor, token_id) = caller.person_and_token()?;
    idempotent(&state, token_id, &headers, &body, || async {
        let body: BulkInvitations = json_body(&body)?;
        if body.invitations.is_empty() || body.invitations.len() > MAX_BULK {
            return Err(ApiError(AppError::field(
                "invitations",
                app::domain::Problem::BulkFileTooLong,
            )));
        }
        let mut results = Vec::with_capacity(body.invitations.len());
        for (index, item) in body.invitations.into_iter().enumerate() {
            let email = item.email.clone();
            let input = InviteInput {
                email: item.email,
                first_name: item.first_name,
                last_name: item.last_name,
                language: item.language,
                country: item.country,
                roles: item.roles,
            };
            let sent = match input.parse() {
                Ok(invitee) => invite::invite(&state, &actor, &invitee).await,
                Err(error) => Err(error),
            };
            let (outcome, invitation_id, errors) = match sent {
                Ok(sent) => {
                    let outcome = match sent.outcome {
                        InviteOutcome::Invited => "invited",
                        InviteOutcome::Resent => "resent",
                    };
                    (outcome, Some(sent.invitation_id), Vec::new())
                }
                Err(AppError::Internal(reference)) => {
                    return Err(ApiError(AppError::Internal(reference)))
                }
                Err(error)
                    if error.problem_with("email") == Some(app::domain::Problem::AlreadyMember) =>
                {
                    ("already_member", None, field_problems(&error))
                }
                Err(error) => ("refused", None, field_problems(&error)),
            };
            results.push(BulkResult {
                index,
                email,
                outcome,
                invitation_id,
                errors,
            });
        }
        Ok(Json(BulkResults { results }).into_response())
    })
    .await
}

#[derive(Deserialize, ToSchema)]
pub(super) struct CorrectedEmail {
    #[schema(schema_with = schemas::email)]
    email: String,
}

/// Fixes a mistyped address: the invitation goes again, to the corrected
/// address, with a new link (the old one dies). Answers the new invitation.
#[utoipa::path(
    put,
    path = "/api/v1/invitations/{id}/email",
    tag = "invitations",
    security(("token" = [])),
    params(("id" = i64, Path, description = "The invitation's id")),
    request_body = CorrectedEmail,
    responses(
        (status = 200, body = Invitation),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 404, body = ProblemDocument, content_type = PROBLEM),
        (status = 409, body = ProblemDocument, content_type = PROBLEM),
        (status = 422, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn fix_email(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<Invitation>, ApiError> {
    let actor = caller.person()?;
    let body: CorrectedEmail = json_body(&body)?;
    let email = Email::parse(&body.email).map_err(|problem| AppError::field("email", problem))?;
    let sent = invite::resend_invitation(&state, &actor, id, Some(&email)).await?;
    Ok(Json(Invitation {
        id: sent.invitation_id,
        email: email.to_string(),
        status: "pending",
        outcome: "resent",
    }))
}
