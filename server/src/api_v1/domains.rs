//! `/api/v1/domains`: an organization's domains, proved by a DNS record,
//! as on Account → Domains.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{idempotent, json_body, ApiCaller, ApiError, ProblemDocument, PROBLEM};
use app::domain::wire::{DomainCheck, DomainRow, DomainStatus};
use app::i18n::dates::rfc3339;
use app::services::{domains, AppState};

#[derive(Serialize, ToSchema)]
pub(super) struct Domain {
    id: i64,
    name: String,
    purchasing_account: String,
    /// `pending`, `verified`, `expired` or `lapsed`.
    status: &'static str,
    /// Pending: when the proof must be found by; verified: since when.
    #[serde(skip_serializing_if = "Option::is_none")]
    since_or_until: Option<String>,
    /// The TXT record to publish, at `record_name`.
    record_name: String,
    record_value: String,
}

impl From<DomainRow> for Domain {
    fn from(row: DomainRow) -> Self {
        let (status, when) = match row.status {
            DomainStatus::Pending { expires_at } => ("pending", Some(expires_at)),
            DomainStatus::Verified { verified_at } => ("verified", Some(verified_at)),
            DomainStatus::Expired => ("expired", None),
            DomainStatus::Lapsed => ("lapsed", None),
        };
        Domain {
            id: row.id,
            name: row.name,
            purchasing_account: row.purchasing_account,
            status,
            since_or_until: when.map(rfc3339),
            record_name: row.record_name,
            record_value: row.record_value,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub(super) struct Domains {
    domains: Vec<Domain>,
}

/// The organization's domains.
#[utoipa::path(
    get,
    path = "/api/v1/domains",
    tag = "domains",
    security(("token" = [])),
    responses(
        (status = 200, body = Domains),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn list_domains(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Domains>, ApiError> {
    let actor = caller.person()?;
    let rows = domains::list(&state, &actor).await?;
    Ok(Json(Domains {
        domains: rows.into_iter().map(Domain::from).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub(super) struct NewDomain {
    /// Such as `contoso.com`.
    #[schema(max_length = 253)]
    domain: String,
    /// The purchasing account it is proved for.
    #[schema(max_length = 20)]
    purchasing_account: String,
}

/// Adds a domain: it stays pending (7 days) until its TXT record is found
/// by `POST /api/v1/domains/{id}/verify`.
#[utoipa::path(
    post,
    path = "/api/v1/domains",
    tag = "domains",
    security(("token" = [])),
    request_body = NewDomain,
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255,
        pattern = "^[!-~]+$", description = "As on every POST")),
    responses(
        (status = 201, body = Domain),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 422, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn add_domain(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (actor, token_id) = caller.person_and_token()?;
    idempotent(&state, token_id, &headers, &body, || async {
        let body: NewDomain = json_body(&body)?;
        let row = domains::add(&state, &actor, &body.domain, &body.purchasing_account).await?;
        Ok((StatusCode::CREATED, Json(Domain::from(row))).into_response())
    })
    .await
}

#[derive(Serialize, ToSchema)]
pub(super) struct Check {
    /// `verified`, `no_record`, `wrong_value`, `dns_error` or `expired`.
    result: &'static str,
    /// With `wrong_value`: the TXT values found instead.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    found: Vec<String>,
    /// With `dns_error`: what the DNS server said.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// Looks the domain's TXT record up now; verified once it holds the
/// expected value.
#[utoipa::path(
    post,
    path = "/api/v1/domains/{id}/verify",
    tag = "domains",
    security(("token" = [])),
    params(("id" = i64, Path, description = "The domain's id")),
    responses(
        (status = 200, body = Check),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 404, body = ProblemDocument, content_type = PROBLEM),
        (status = 422, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn verify_domain(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Check>, ApiError> {
    let actor = caller.person()?;
    let check = match domains::verify(&state, &actor, id).await? {
        DomainCheck::Verified => Check {
            result: "verified",
            found: Vec::new(),
            error: None,
        },
        DomainCheck::NoRecord => Check {
            result: "no_record",
            found: Vec::new(),
            error: None,
        },
        DomainCheck::WrongValue(found) => Check {
            result: "wrong_value",
            found,
            error: None,
        },
        DomainCheck::DnsError(error) => Check {
            result: "dns_error",
            found: Vec::new(),
            error: Some(error),
        },
        DomainCheck::Expired => Check {
            result: "expired",
            found: Vec::new(),
            error: None,
        },
    };
    Ok(Json(check))
}
