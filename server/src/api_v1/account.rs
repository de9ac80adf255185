//! What an organization holds, for scripts: agreements and purchasing
//! accounts, orders, license totals, product keys (each one shown is
//! audited, as on the page), downloads' files and the audit log. The same
//! services and role checks as the pages.

use axum::extract::{Path, Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{json_body, ApiCaller, ApiError, ProblemDocument, PROBLEM};
use app::domain::wire::OrderFilter;
use app::error::AppError;
use app::i18n::dates::{iso_date, rfc3339};
use app::services::{agreements, audit, keys, orders, products, provisioning, AppState};

#[derive(Serialize, ToSchema)]
pub(super) struct PurchasingAccount {
    number: String,
    admin_name: String,
    admin_email: String,
}

#[derive(Serialize, ToSchema)]
pub(super) struct Agreement {
    number: String,
    kind: String,
    /// `YYYY-MM-DD`.
    start_date: String,
    end_date: String,
    active: bool,
    purchase_order: String,
    contact_name: String,
    contact_email: String,
    purchasing_accounts: Vec<PurchasingAccount>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct Agreements {
    agreements: Vec<Agreement>,
}

/// The organization's agreements with their purchasing accounts.
#[utoipa::path(
    get,
    path = "/api/v1/agreements",
    tag = "account",
    security(("token" = [])),
    responses(
        (status = 200, body = Agreements),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn list_agreements(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Agreements>, ApiError> {
    let actor = caller.person()?;
    let rows = agreements::list(&state, &actor).await?;
    Ok(Json(Agreements {
        agreements: rows
            .into_iter()
            .map(|row| Agreement {
                number: row.number,
                kind: row.kind,
                start_date: iso_date(row.start_date),
                end_date: iso_date(row.end_date),
                active: row.active,
                purchase_order: row.purchase_order,
                contact_name: row.contact_name,
                contact_email: row.contact_email,
                purchasing_accounts: row
                    .purchasing_accounts
                    .into_iter()
                    .map(|account| PurchasingAccount {
                        number: account.number,
                        admin_name: account.admin_name,
                        admin_email: account.admin_email,
                    })
                    .collect(),
            })
            .collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct OrdersQuery {
    /// Ordered on or after this day.
    #[param(format = Date)]
    from: Option<String>,
    /// Ordered on or before this day.
    #[param(format = Date)]
    to: Option<String>,
    /// A product's id (`product_id` of `/api/v1/licenses`).
    product: Option<i64>,
    /// A purchasing account's number.
    #[param(pattern = r"^\d{1,20}$")]
    purchasing_account: Option<String>,
    /// The cursor: the `next_after` of the page before.
    #[serde(default)]
    after: String,
}

/// A day as `YYYY-MM-DD`, or nothing; an empty one is a mistake, not "no
/// filter" (leave the parameter out for that).
fn day(field: &str, value: Option<String>) -> Result<String, ApiError> {
    match value {
        Some(text) if text.trim().is_empty() => Err(ApiError(AppError::field(
            field,
            app::domain::Problem::DateInvalid,
        ))),
        other => Ok(other.unwrap_or_default()),
    }
}

#[derive(Serialize, ToSchema)]
pub(super) struct OrderLine {
    product: String,
    version: String,
    quantity: i64,
    /// In cents of `currency`.
    amount_cents: i64,
    currency: String,
}

#[derive(Serialize, ToSchema)]
pub(super) struct Order {
    number: String,
    /// `YYYY-MM-DD`.
    ordered_on: String,
    purchasing_account: String,
    /// The partner it was placed through.
    #[serde(skip_serializing_if = "Option::is_none")]
    partner: Option<String>,
    lines: Vec<OrderLine>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct Orders {
    orders: Vec<Order>,
    /// Pass as `after` for the next page; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    next_after: Option<String>,
}

/// The organization's orders, newest first, a page at a time, narrowed
/// by dates, product and purchasing account.
#[utoipa::path(
    get,
    path = "/api/v1/orders",
    tag = "account",
    security(("token" = [])),
    params(OrdersQuery),
    responses(
        (status = 200, body = Orders),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 422, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn list_orders(
    State(state): State<AppState>,
    caller: ApiCaller,
    query: Result<Query<OrdersQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Orders>, ApiError> {
    let actor = caller.person()?;
    let Query(query) = query.map_err(|_| ApiError(AppError::BadRequest))?;
    let filter = OrderFilter {
        from: day("from", query.from)?,
        to: day("to", query.to)?,
        product: query.product.map(|id| id.to_string()).unwrap_or_default(),
        purchasing_account: match query.purchasing_account {
            Some(number) => app::domain::PurchasingAccountNumber::parse(&number)
                .map_err(|problem| AppError::field("purchasing_account", problem))?
                .as_str()
                .to_owned(),
            None => String::new(),
        },
    };
    let page = orders::page(&state, &actor, &filter, &query.after).await?;
    Ok(Json(Orders {
        orders: page
            .orders
            .into_iter()
            .map(|order| Order {
                number: order.number,
                ordered_on: iso_date(order.ordered_at),
                purchasing_account: order.purchasing_account,
                partner: order.partner,
                lines: order
                    .lines
                    .into_iter()
                    .map(|line| OrderLine {
                        product: line.product,
                        version: line.version,
                        quantity: line.quantity,
                        amount_cents: line.amount_cents,
                        currency: line.currency,
                    })
                    .collect(),
            })
            .collect(),
        next_after: page.next,
    }))
}

#[derive(Serialize, ToSchema)]
pub(super) struct License {
    product_id: i64,
    product: String,
    version: String,
    purchasing_account: String,
    /// Licenses ordered in all.
    quantity: i64,
    /// Orders they came in.
    orders: i64,
}

#[derive(Serialize, ToSchema)]
pub(super) struct Licenses {
    licenses: Vec<License>,
}

/// The license summary: what the organization ordered of each product,
/// per purchasing account.
#[utoipa::path(
    get,
    path = "/api/v1/licenses",
    tag = "account",
    security(("token" = [])),
    responses(
        (status = 200, body = Licenses),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn list_licenses(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Licenses>, ApiError> {
    let actor = caller.person()?;
    let rows = orders::licenses(&state, &actor).await?;
    Ok(Json(Licenses {
        licenses: rows
            .into_iter()
            .map(|row| License {
                product_id: row.product_id,
                product: row.product,
                version: row.version,
                purchasing_account: row.purchasing_account,
                quantity: row.quantity,
                orders: row.orders,
            })
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub(super) struct Key {
    id: i64,
    product: String,
    version: String,
    purchasing_account: String,
    /// The key with all but its last characters hidden.
    masked: String,
}

#[derive(Serialize, ToSchema)]
pub(super) struct Keys {
    keys: Vec<Key>,
}

/// The organization's product keys, masked.
#[utoipa::path(
    get,
    path = "/api/v1/keys",
    tag = "account",
    security(("token" = [])),
    responses(
        (status = 200, body = Keys),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn list_keys(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Keys>, ApiError> {
    let actor = caller.person()?;
    let rows = keys::list(&state, &actor).await?;
    Ok(Json(Keys {
        keys: rows
            .into_iter()
            .map(|row| Key {
                id: row.id,
                product: row.product,
                version: row.version,
                purchasing_account: row.purchasing_account,
                masked: row.masked,
            })
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub(super) struct RevealedKey {
    id: i64,
    key: String,
}

/// One product key in full; written to the audit log, as on the page.
#[utoipa::path(
    get,
    path = "/api/v1/keys/{id}",
    tag = "account",
    security(("token" = [])),
    params(("id" = i64, Path, description = "The key's id")),
    responses(
        (status = 200, body = RevealedKey),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 404, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn reveal_key(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<RevealedKey>, ApiError> {
    let actor = caller.person()?;
    let key = keys::reveal(&state, &actor, id).await?;
    Ok(Json(RevealedKey { id, key }))
}

#[derive(Serialize, ToSchema)]
pub(super) struct DownloadFile {
    id: i64,
    name: String,
    size_bytes: i64,
    sha256: String,
    /// Where a signed-in browser downloads it (the download is audited).
    href: String,
}

#[derive(Serialize, ToSchema)]
pub(super) struct Download {
    product: String,
    version: String,
    files: Vec<DownloadFile>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct Downloads {
    downloads: Vec<Download>,
}

/// The software the organization's orders include, with its files'
/// names, sizes and SHA-256 sums.
#[utoipa::path(
    get,
    path = "/api/v1/downloads",
    tag = "account",
    security(("token" = [])),
    responses(
        (status = 200, body = Downloads),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn list_downloads(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Downloads>, ApiError> {
    let actor = caller.person()?;
    let rows = products::downloads(&state, &actor).await?;
    Ok(Json(Downloads {
        downloads: rows
            .into_iter()
            .map(|row| Download {
                product: row.product,
                version: row.version,
                files: row
                    .files
                    .into_iter()
                    .map(|file| DownloadFile {
                        href: state.settings.link(&file.href()),
                        id: file.id,
                        name: file.name,
                        size_bytes: file.size_bytes,
                        sha256: file.sha256,
                    })
                    .collect(),
            })
            .collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct AuditQuery {
    /// The cursor: the `next_before` of the page before; absent, the
    /// newest entries.
    #[serde(default)]
    before: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct AuditLine {
    id: i64,
    at: String,
    actor_email: String,
    /// The partner organization the actor acted for, if any.
    #[serde(skip_serializing_if = "String::is_empty")]
    actor_organization: String,
    /// A stable key, such as `invitation.sent` or `key.viewed`.
    action: String,
    subject: String,
    detail: String,
    client_address: String,
}

#[derive(Serialize, ToSchema)]
pub(super) struct AuditLog {
    entries: Vec<AuditLine>,
    /// Pass as `before` for older entries; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    next_before: Option<i64>,
}

/// The organization's audit log, newest first, 100 a page.
#[utoipa::path(
    get,
    path = "/api/v1/audit-log",
    tag = "account",
    security(("token" = [])),
    params(AuditQuery),
    responses(
        (status = 200, body = AuditLog),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn audit_log(
    State(state): State<AppState>,
    caller: ApiCaller,
    query: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<AuditLog>, ApiError> {
    let actor = caller.person()?;
    let Query(query) = query.map_err(|_| ApiError(AppError::BadRequest))?;
    let rows = audit::log(&state, &actor, query.before).await?;
    let next_before = (rows.len() == audit::LOG_PAGE)
        .then(|| rows.last().map(|(id, _)| *id))
        .flatten();
    Ok(Json(AuditLog {
        entries: rows
            .into_iter()
            .map(|(id, entry)| AuditLine {
                id,
                at: rfc3339(entry.at),
                actor_email: entry.actor_email,
                actor_organization: entry.actor_organization,
                action: entry.action.key().to_owned(),
                subject: entry.subject_email,
                detail: entry.detail,
                client_address: entry.client_address,
            })
            .collect(),
        next_before,
    }))
}

#[derive(Serialize, ToSchema)]
pub(super) struct Service {
    product_id: i64,
    product: String,
    version: String,
    purchasing_account: String,
    ordered: i64,
    assigned: i64,
}

#[derive(Serialize, ToSchema)]
pub(super) struct Subscription {
    product: String,
    version: String,
    purchasing_account: String,
    quantity: i64,
    /// `YYYY-MM-DD`.
    starts_on: String,
    assigned_by: String,
    assigned_at: String,
    /// The verified domain it was provisioned to.
    domain: String,
}

#[derive(Serialize, ToSchema)]
pub(super) struct Provisioning {
    /// Online services ordered, per purchasing account, with what is
    /// already assigned.
    services: Vec<Service>,
    subscriptions: Vec<Subscription>,
    /// The verified domains services can be provisioned to.
    domains: Vec<String>,
}

/// Online services: what orders entitle the organization to, and the
/// subscriptions assigned.
#[utoipa::path(
    get,
    path = "/api/v1/provisioning",
    tag = "account",
    security(("token" = [])),
    responses(
        (status = 200, body = Provisioning),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn provisioning(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Provisioning>, ApiError> {
    let actor = caller.person()?;
    let page = provisioning::overview(&state, &actor).await?;
    Ok(Json(Provisioning {
        services: page
            .services
            .into_iter()
            .map(|row| Service {
                product_id: row.product_id,
                product: row.product,
                version: row.version,
                purchasing_account: row.purchasing_account,
                ordered: row.ordered,
                assigned: row.assigned,
            })
            .collect(),
        subscriptions: page
            .subscriptions
            .into_iter()
            .map(|row| Subscription {
                product: row.product,
                version: row.version,
                purchasing_account: row.purchasing_account,
                quantity: row.quantity,
                starts_on: iso_date(row.starts_on),
                assigned_by: row.assigned_by,
                assigned_at: rfc3339(row.assigned_at),
                domain: row.domain,
            })
            .collect(),
        domains: page.domains,
    }))
}

#[derive(Deserialize, ToSchema)]
pub(super) struct NewAssignment {
    #[serde(deserialize_with = "super::schemas::whole")]
    product_id: i64,
    purchasing_account: String,
    #[serde(deserialize_with = "super::schemas::whole")]
    #[schema(minimum = 1)]
    quantity: i64,
    #[schema(format = Date)]
    starts_on: String,
    /// One of the organization's verified domains.
    domain: String,
}

/// Assigns subscriptions of an online service, within what the orders
/// entitle (422 says how many remain).
#[utoipa::path(
    post,
    path = "/api/v1/provisioning/assignments",
    tag = "account",
    security(("token" = [])),
    request_body = NewAssignment,
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255,
        pattern = "^[!-~]+$", description = "As on every POST")),
    responses(
        (status = 201, description = "Assigned"),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 422, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn assign(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let (actor, token_id) = caller.person_and_token()?;
    super::idempotent(&state, token_id, &headers, &body, || async {
        let body: NewAssignment = json_body(&body)?;
        let service = format!("{}/{}", body.product_id, body.purchasing_account);
        let assignment = provisioning::Assignment::parse(
            &service,
            &body.quantity.to_string(),
            &body.starts_on,
            &body.domain,
        )?;
        provisioning::assign(&state, &actor, &assignment).await?;
        Ok(axum::http::StatusCode::CREATED.into_response())
    })
    .await
}
