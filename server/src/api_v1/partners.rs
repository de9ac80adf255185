//! For partners: their customers' purchasing accounts, and the rescues of
//! the Customers page (send the designated administrator's invitation
//! again, change the administrator, correct their address).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{json_body, schemas, ApiCaller, ApiError, ProblemDocument, PROBLEM};
use app::domain::wire::AdminState;
use app::domain::Email;
use app::error::AppError;
use app::i18n::dates::rfc3339;
use app::services::partners::{self as rescue, AdminChange, PersonInput};
use app::services::AppState;

#[derive(Serialize, ToSchema)]
pub(super) struct CustomerAccount {
    /// The purchasing account's id, which the rescues take.
    id: i64,
    customer: String,
    agreement_number: String,
    purchasing_account: String,
    admin_email: String,
    admin_first_name: String,
    admin_last_name: String,
    /// `invited`, `expired`, `delivery_failed`, `registered` or
    /// `not_invited`.
    admin_state: &'static str,
    /// While invited: when the link stops working.
    #[serde(skip_serializing_if = "Option::is_none")]
    invitation_expires_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct Customers {
    customers: Vec<CustomerAccount>,
}

/// The purchasing accounts of every agreement the partner is partner of
/// record for, with where each designated administrator stands.
#[utoipa::path(
    get,
    path = "/api/v1/customers",
    tag = "partners",
    security(("token" = [])),
    responses(
        (status = 200, body = Customers),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn list_customers(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Customers>, ApiError> {
    let actor = caller.person()?;
    let rows = rescue::customers(&state, &actor).await?;
    Ok(Json(Customers {
        customers: rows
            .into_iter()
            .map(|row| {
                let (admin_state, expires) = match row.state {
                    AdminState::Invited { expires_at } => ("invited", Some(expires_at)),
                    AdminState::Expired => ("expired", None),
                    AdminState::DeliveryFailed => ("delivery_failed", None),
                    AdminState::Registered => ("registered", None),
                    AdminState::NotInvited => ("not_invited", None),
                };
                CustomerAccount {
                    id: row.purchasing_account_id,
                    customer: row.customer,
                    agreement_number: row.agreement_number,
                    purchasing_account: row.purchasing_account,
                    admin_email: row.admin_email,
                    admin_first_name: row.admin_first_name,
                    admin_last_name: row.admin_last_name,
                    admin_state,
                    invitation_expires_at: expires.map(rfc3339),
                }
            })
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub(super) struct Rescued {
    /// `resent`, `changed`, or `requested` (the administrator had
    /// registered: the customer's Account Admins decide).
    outcome: &'static str,
    /// Where the invitation went (not for `requested`).
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
}

/// Sends the designated administrator a new invitation (the old link
/// dies, 60 days again).
#[utoipa::path(
    post,
    path = "/api/v1/customers/{id}/resend",
    tag = "partners",
    security(("token" = [])),
    params(("id" = i64, Path, description = "The purchasing account's id")),
    responses(
        (status = 200, body = Rescued),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 404, body = ProblemDocument, content_type = PROBLEM),
        (status = 422, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn resend(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Rescued>, ApiError> {
    let actor = caller.person()?;
    let email = rescue::resend(&state, &actor, id).await?;
    Ok(Json(Rescued {
        outcome: "resent",
        email: Some(email.to_string()),
    }))
}

#[derive(Deserialize, ToSchema)]
pub(super) struct NewAdministrator {
    #[schema(schema_with = schemas::email)]
    email: String,
    #[schema(schema_with = schemas::person_name)]
    first_name: String,
    #[schema(schema_with = schemas::person_name)]
    last_name: String,
    #[serde(default = "super::people::english")]
    #[schema(schema_with = schemas::language)]
    language: String,
    #[serde(default = "super::people::united_states")]
    #[schema(schema_with = schemas::country)]
    country: String,
}

/// Makes someone else the designated administrator. While the current
/// one has not registered, at once; once they have, as a request the
/// customer's Account Admins approve or decline.
#[utoipa::path(
    put,
    path = "/api/v1/customers/{id}/administrator",
    tag = "partners",
    security(("token" = [])),
    params(("id" = i64, Path, description = "The purchasing account's id")),
    request_body = NewAdministrator,
    responses(
        (status = 200, body = Rescued),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 404, body = ProblemDocument, content_type = PROBLEM),
        (status = 409, body = ProblemDocument, content_type = PROBLEM),
        (status = 422, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn change_administrator(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<Rescued>, ApiError> {
    let actor = caller.person()?;
    let body: NewAdministrator = json_body(&body)?;
    let admin = PersonInput {
        email: body.email,
        first_name: body.first_name,
        last_name: body.last_name,
        language: body.language,
        country: body.country,
    }
    .parse()?;
    let answer = match rescue::change_admin(&state, &actor, id, &admin).await? {
        AdminChange::Changed => Rescued {
            outcome: "changed",
            email: Some(admin.email.to_string()),
        },
        AdminChange::Requested => Rescued {
            outcome: "requested",
            email: None,
        },
    };
    Ok(Json(answer))
}

#[derive(Deserialize, ToSchema)]
pub(super) struct AdministratorEmail {
    #[schema(schema_with = schemas::email)]
    email: String,
}

/// Corrects the address of a designated administrator who has not yet
/// registered: the invitation goes again, to it.
#[utoipa::path(
    put,
    path = "/api/v1/customers/{id}/administrator/email",
    tag = "partners",
    security(("token" = [])),
    params(("id" = i64, Path, description = "The purchasing account's id")),
    request_body = AdministratorEmail,
    responses(
        (status = 200, body = Rescued),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 404, body = ProblemDocument, content_type = PROBLEM),
        (status = 409, body = ProblemDocument, content_type = PROBLEM),
        (status = 422, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn change_administrator_email(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<Rescued>, ApiError> {
    let actor = caller.person()?;
    let body: AdministratorEmail = json_body(&body)?;
    let email = Email::parse(&body.email).map_err(|problem| AppError::field("email", problem))?;
    rescue::change_admin_email(&state, &actor, id, &email).await?;
    Ok(Json(Rescued {
        outcome: "resent",
        email: Some(email.to_string()),
    }))
}
