//! For the vendor operator (an operator token): register agreements and
//! partners, link partners to agreements, import orders, keys and
//! products with a result per row, and find an organization. The same
//! services and rules as the command line.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{idempotent, json_body, schemas, ApiCaller, ApiError, ProblemDocument, PROBLEM};
use app::domain::{AgreementNumber, OrganizationName, Problem};
use app::error::AppError;
use app::services::agreements::{self, AgreementInput};
use app::services::catalog::{ImportOutcome, ImportResults};
use app::services::partners::{self, PersonInput};
use app::services::tokens::Caller;
use app::services::{keys, orders, organizations, products, AppState};

impl ApiCaller {
    /// The vendor operator's token id; a person's token may not.
    fn operator(&self) -> Result<i64, ApiError> {
        match &self.0 {
            Caller::Operator { token_id } => Ok(*token_id),
            Caller::User { .. } => Err(ApiError(AppError::Forbidden)),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub(super) struct NewAgreement {
    /// 10 digits.
    #[schema(pattern = r"^\d{10}$")]
    agreement_number: String,
    /// A new organization's name; ignored with `organization_id`.
    #[serde(default)]
    #[schema(max_length = 200)]
    organization: String,
    /// An existing organization (a second agreement of one customer).
    #[serde(default, deserialize_with = "schemas::maybe_whole")]
    organization_id: Option<i64>,
    #[schema(pattern = r"^\d{1,20}$")]
    purchasing_account: String,
    #[schema(schema_with = schemas::email)]
    admin_email: String,
    #[schema(schema_with = schemas::person_name)]
    admin_first_name: String,
    #[schema(schema_with = schemas::person_name)]
    admin_last_name: String,
    #[serde(default = "super::people::english")]
    #[schema(schema_with = schemas::language)]
    language: String,
    #[serde(default = "super::people::united_states")]
    #[schema(schema_with = schemas::country)]
    country: String,
}

#[derive(Serialize, ToSchema)]
pub(super) struct RegisteredAgreement {
    organization_id: i64,
    agreement_id: i64,
    purchasing_account_id: i64,
    /// Whether the designated administrator was invited (not when they
    /// already have an account in the organization).
    invited: bool,
}

/// Registers a signed agreement, as `business-center agreement create`:
/// the designated administrator is invited (60 days).
#[utoipa::path(
    post,
    path = "/api/v1/agreements",
    tag = "operator",
    security(("token" = [])),
    request_body = NewAgreement,
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255,
        pattern = "^[!-~]+$", description = "As on every POST")),
    responses(
        (status = 201, body = RegisteredAgreement),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 409, body = ProblemDocument, content_type = PROBLEM),
        (status = 422, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn register_agreement(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let token_id = caller.operator()?;
    idempotent(&state, token_id, &headers, &body, || async {
        let body: NewAgreement = json_body(&body)?;
        let agreement = AgreementInput {
            agreement_number: body.agreement_number,
            organization: body.organization,
            organization_id: body.organization_id,
            purchasing_account: body.purchasing_account,
            admin_email: body.admin_email,
            admin_first_name: body.admin_first_name,
            admin_last_name: body.admin_last_name,
            language: body.language,
            country: body.country,
        }
        .parse()?;
        let registered = agreements::register(&state, &agreement).await?;
        let answer = RegisteredAgreement {
            organization_id: registered.organization_id,
            agreement_id: registered.agreement_id,
            purchasing_account_id: registered.purchasing_account_id,
            invited: registered.invitation.is_some(),
        };
        Ok((StatusCode::CREATED, Json(answer)).into_response())
    })
    .await
}

#[derive(Deserialize, ToSchema)]
pub(super) struct NewPartner {
    #[schema(schema_with = schemas::organization_name)]
    name: String,
    #[schema(schema_with = schemas::email)]
    admin_email: String,
    #[schema(schema_with = schemas::person_name)]
    admin_first_name: String,
    #[schema(schema_with = schemas::person_name)]
    admin_last_name: String,
    #[serde(default = "super::people::english")]
    #[schema(schema_with = schemas::language)]
    language: String,
    #[serde(default = "super::people::united_states")]
    #[schema(schema_with = schemas::country)]
    country: String,
}

#[derive(Serialize, ToSchema)]
pub(super) struct RegisteredPartner {
    organization_id: i64,
}

/// Registers a partner organization and invites its first administrator
/// as Partner Admin, as `business-center partner create`.
#[utoipa::path(
    post,
    path = "/api/v1/partners",
    tag = "operator",
    security(("token" = [])),
    request_body = NewPartner,
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255,
        pattern = "^[!-~]+$", description = "As on every POST")),
    responses(
        (status = 201, body = RegisteredPartner),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 409, body = ProblemDocument, content_type = PROBLEM),
        (status = 422, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn register_partner(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let token_id = caller.operator()?;
    idempotent(&state, token_id, &headers, &body, || async {
        let body: NewPartner = json_body(&body)?;
        let name = OrganizationName::parse(&body.name)
            .map_err(|problem| AppError::field("name", problem))?;
        let admin = PersonInput {
            email: body.admin_email,
            first_name: body.admin_first_name,
            last_name: body.admin_last_name,
            language: body.language,
            country: body.country,
        }
        .parse()?;
        let registered = partners::create(&state, &name, &admin).await?;
        let answer = RegisteredPartner {
            organization_id: registered.organization_id,
        };
        Ok((StatusCode::CREATED, Json(answer)).into_response())
    })
    .await
}

fn link_of(
    partner: &str,
    agreement: &str,
) -> Result<(OrganizationName, AgreementNumber), ApiError> {
    let partner =
        OrganizationName::parse(partner).map_err(|problem| AppError::field("partner", problem))?;
    let agreement = AgreementNumber::parse(agreement)
        .map_err(|problem| AppError::field("agreement_number", problem))?;
    Ok((partner, agreement))
}

/// Makes the partner (by name) partner of record for the agreement;
/// linking twice changes nothing.
#[utoipa::path(
    put,
    path = "/api/v1/partners/{partner}/agreements/{agreement_number}",
    tag = "operator",
    security(("token" = [])),
    params(
        ("partner" = String, Path, min_length = 1, max_length = 200,
            pattern = r"^[^<>\u0000-\u001f\u007f-\u009f]*[^\s<>\u0000-\u001f\u007f-\u009f][^<>\u0000-\u001f\u007f-\u009f]*$",
            description = "The partner organization's name"),
        ("agreement_number" = String, Path, pattern = r"^\d{10}$", description = "10 digits"),
    ),
    responses(
        (status = 204, description = "Linked"),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 404, body = ProblemDocument, content_type = PROBLEM),
        (status = 422, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn link_partner(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((partner, agreement)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    caller.operator()?;
    let (partner, agreement) = link_of(&partner, &agreement)?;
    partners::link(&state, &partner, &agreement).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends the partner's standing on the agreement.
#[utoipa::path(
    delete,
    path = "/api/v1/partners/{partner}/agreements/{agreement_number}",
    tag = "operator",
    security(("token" = [])),
    params(
        ("partner" = String, Path, min_length = 1, max_length = 200,
            pattern = r"^[^<>\u0000-\u001f\u007f-\u009f]*[^\s<>\u0000-\u001f\u007f-\u009f][^<>\u0000-\u001f\u007f-\u009f]*$",
            description = "The partner organization's name"),
        ("agreement_number" = String, Path, pattern = r"^\d{10}$", description = "10 digits"),
    ),
    responses(
        (status = 204, description = "Unlinked"),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 404, body = ProblemDocument, content_type = PROBLEM),
        (status = 422, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn unlink_partner(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((partner, agreement)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    caller.operator()?;
    let (partner, agreement) = link_of(&partner, &agreement)?;
    partners::unlink(&state, &partner, &agreement).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub(super) struct ImportRows {
    /// Records with the CSV file's columns as keys (see the README).
    #[schema(value_type = Vec<Object>, min_items = 1, max_items = 10000)]
    rows: Vec<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct RowResult {
    /// The record's place, from 0 (a CSV file's header excluded).
    row: usize,
    /// `imported` or `refused`.
    outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct ImportResult {
    imported: usize,
    refused: usize,
    results: Vec<RowResult>,
}

/// Quotes a CSV cell.
fn cell(value: &serde_json::Value) -> String {
    let text = match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// JSON records as the CSV text the importers read: the columns in the
/// order the first record names them, then any others.
fn as_csv(rows: &[serde_json::Map<String, serde_json::Value>]) -> String {
    let mut columns: Vec<&String> = Vec::new();
    for row in rows {
        for key in row.keys() {
            if !columns.contains(&key) {
                columns.push(key);
            }
        }
    }
    let mut text = columns
        .iter()
        .map(|column| cell(&serde_json::Value::String((*column).clone())))
        .collect::<Vec<_>>()
        .join(",");
    text.push('\n');
    for row in rows {
        let line: Vec<String> = columns
            .iter()
            .map(|column| cell(row.get(*column).unwrap_or(&serde_json::Value::Null)))
            .collect();
        text.push_str(&line.join(","));
        text.push('\n');
    }
    text
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub(super) struct ImportKind {
    /// `orders`, `keys` or `products`.
    #[param(pattern = "^(orders|keys|products)$")]
    kind: String,
}

/// Imports orders, product keys or products, as the command line does:
/// the body is the CSV file (`text/csv`) or its records as JSON
/// (`{"rows": [{"agreement_number": …}, …]}`). Every good record is
/// imported and each gets its result. A products import through the API
/// takes no software files (the command line copies them).
#[utoipa::path(
    post,
    path = "/api/v1/imports/{kind}",
    tag = "operator",
    security(("token" = [])),
    params(ImportKind),
    request_body(content((ImportRows = "application/json"), (String = "text/csv"))),
    responses(
        (status = 200, body = ImportResult),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 404, body = ProblemDocument, content_type = PROBLEM),
        (status = 415, body = ProblemDocument, content_type = PROBLEM),
        (status = 422, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn import(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(ImportKind { kind }): Path<ImportKind>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ImportResult>, ApiError> {
    caller.operator()?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let text = if content_type.starts_with("text/csv") {
        String::from_utf8(body.to_vec()).map_err(|_| ApiError(AppError::BadRequest))?
    } else if content_type.starts_with("application/json") {
        let rows: ImportRows = json_body(&body)?;
        if rows.rows.is_empty() {
            return Err(ApiError(AppError::field("rows", Problem::Required)));
        }
        as_csv(&rows.rows)
    } else {
        return Err(ApiError(AppError::BadRequest));
    };
    let results: ImportResults = match kind.as_str() {
        "orders" => orders::import(&state, &text).await?,
        "keys" => keys::import(&state, &text).await?,
        // No folder of files: a record naming a file is refused.
        "products" => {
            let none = std::env::temp_dir().join("business-center-api-no-files");
            products::import(&state, &none, &text).await?
        }
        _ => return Err(ApiError(AppError::NotFound)),
    };
    // A file whose header lacks a column the import needs is refused on
    // its header line: the request, not a record, is wrong.
    if let [(1, ImportOutcome::Refused(_))] = results.as_slice() {
        return Err(ApiError(AppError::field(
            "file",
            Problem::ImportColumnsMissing,
        )));
    }
    let results: Vec<RowResult> = results
        .into_iter()
        .map(|(line, outcome)| RowResult {
            row: line.saturating_sub(2),
            outcome: match outcome {
                ImportOutcome::Imported => "imported",
                ImportOutcome::Refused(_) => "refused",
            },
            reason: outcome.refusal().map(str::to_owned),
        })
        .collect();
    let imported = results
        .iter()
        .filter(|row| row.outcome == "imported")
        .count();
    Ok(Json(ImportResult {
        imported,
        refused: results.len() - imported,
        results,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct FindQuery {
    /// Part of a name, an agreement's number, or an administrator's or
    /// member's address.
    #[param(min_length = 1, max_length = 254)]
    q: String,
}

#[derive(Serialize, ToSchema)]
pub(super) struct Organization {
    id: i64,
    name: String,
    /// `customer` or `partner`.
    kind: String,
    agreements: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct Organizations {
    organizations: Vec<Organization>,
}

/// Finds organizations, at most 20, by name.
#[utoipa::path(
    get,
    path = "/api/v1/organizations",
    tag = "operator",
    security(("token" = [])),
    params(FindQuery),
    responses(
        (status = 200, body = Organizations),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 422, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn find_organizations(
    State(state): State<AppState>,
    caller: ApiCaller,
    query: Result<Query<FindQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Organizations>, ApiError> {
    caller.operator()?;
    let Query(query) = query.map_err(|_| ApiError(AppError::BadRequest))?;
    if query.q.trim().is_empty() {
        return Err(ApiError(AppError::field("q", Problem::Required)));
    }
    if query.q.chars().count() > 254 {
        return Err(ApiError(AppError::field("q", Problem::NameTooLong)));
    }
    let found = organizations::find(&state, &query.q).await?;
    Ok(Json(Organizations {
        organizations: found
            .into_iter()
            .map(|found| Organization {
                id: found.id,
                name: found.name,
                kind: found.kind,
                agreements: found.agreements,
            })
            .collect(),
    }))
}
