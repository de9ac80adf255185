//! The public JSON API under `/api/v1`, for scripts: `Authorization:
//! Bearer <token>` only (the session cookie is never read here, so another
//! site's page cannot reach it), the same services and roles module as the
//! pages, and errors as `application/problem+json` (RFC 9457) with a
//! stable `type`, the fields in error and a message a person can act on.

use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::header::{self, HeaderValue};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use app::domain::wire::{InvitationState, InviteOutcome, PersonKind};
use app::domain::{Lang, Problem, Role};
use app::error::AppError;
use app::http::client;
use app::services::access::invite::{self, InviteInput};
use app::services::access::{members, people};
use app::services::audit::{self, Actor};
use app::services::idempotency;
use app::services::tokens::{self, Caller};
use app::services::AppState;

mod account;
mod domains;
mod invitations;
mod operator;
mod partners;
mod schemas;
mod webhooks;

/// The document's frame: what the handlers' own annotations do not say.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Business Center API",
        description = "The organization's users, invitations, webhooks and events, for scripts. \
            Send `Authorization: Bearer <token>` (My profile → API tokens, or \
            `business-center token create`). Errors are `application/problem+json`."
    ),
    modifiers(&BearerTokens)
)]
struct ApiDoc;

/// Every operation takes a bearer token.
struct BearerTokens;

impl Modify for BearerTokens {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some(
                "An API token: bc_, 64 hexadecimal digits, _ and a checksum",
            ))
            .build();
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("token", SecurityScheme::Http(scheme));
    }
}

/// What any operation may answer besides its own (applied once the
/// routes are in the document): a request it cannot
/// read (400, a path id beyond 64 bits included), no live token (401), a
/// body over its limit (413), too many calls (429); all problem+json.
struct CommonErrors;

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let problem = |description: &str| {
            let content = ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ProblemDocument")))
                .build();
            ResponseBuilder::new()
                .description(description)
                .content(PROBLEM, content)
                .build()
        };
        let common = [
            ("400", "The request could not be read"),
            ("401", "No token, or not a live one"),
            ("413", "The body is over its limit"),
            ("429", "Too many calls: see Retry-After"),
        ];
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                for (status, description) in common {
                    operation
                        .responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| problem(description).into());
                }
            }
        }
    }
}

pub fn router() -> Router<AppState> {
    let (router, document) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(me))
        .routes(routes!(users))
        .routes(routes!(list_invitations, create_invitation))
        .routes(routes!(resend_invitation))
        .routes(routes!(revoke_invitation))
        .routes(routes!(change_roles))
        .routes(routes!(remove_user))
        .routes(routes!(invitations::invite_many))
        .routes(routes!(invitations::fix_email))
        .routes(routes!(
            account::list_agreements,
            operator::register_agreement
        ))
        .routes(routes!(account::list_orders))
        .routes(routes!(account::list_licenses))
        .routes(routes!(account::list_keys))
        .routes(routes!(account::reveal_key))
        .routes(routes!(account::list_downloads))
        .routes(routes!(account::audit_log))
        .routes(routes!(account::provisioning))
        .routes(routes!(account::assign))
        .routes(routes!(domains::list_domains, domains::add_domain))
        .routes(routes!(domains::verify_domain))
        .routes(routes!(partners::list_customers))
        .routes(routes!(partners::resend))
        .routes(routes!(partners::change_administrator))
        .routes(routes!(partners::change_administrator_email))
        .routes(routes!(operator::register_partner))
        .routes(routes!(operator::link_partner, operator::unlink_partner))
        .routes(routes!(operator::import))
        .routes(routes!(operator::find_organizations))
        .routes(routes!(webhooks::list_webhooks, webhooks::create_webhook))
        .routes(routes!(webhooks::delete_webhook))
        .routes(routes!(webhooks::pause_webhook))
        .routes(routes!(webhooks::rotate_secret))
        .routes(routes!(webhooks::test_webhook))
        .routes(routes!(webhooks::list_deliveries))
        .routes(routes!(webhooks::redeliver))
        .routes(routes!(webhooks::list_events))
        .split_for_parts();
    let mut document = document;
    CommonErrors.modify(&mut document);
    let document = std::sync::Arc::new(document);
    router
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let document = document.clone();
                async move { Json(document.as_ref().clone()) }
            }),
        )
        .route("/api/v1/{*rest}", axum::routing::any(no_such_path))
        .layer(axum::middleware::map_response(problems_only))
        .route("/api/docs", get(docs_page))
}

/// `/api/docs`: the OpenAPI document in the vendored Swagger UI
/// (`public/api-docs/`), every file from this server.
async fn docs_page() -> axum::response::Html<&'static str> {
    axum::response::Html(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Business Center API</title>\n\
         <link rel=\"stylesheet\" href=\"/api-docs/swagger-ui.css\">\n</head>\n<body>\n\
         <div id=\"swagger-ui\"></div>\n\
         <script src=\"/api-docs/swagger-ui-bundle.js\"></script>\n\
         <script src=\"/api-docs/init.js\"></script>\n</body>\n</html>\n",
    )
}

/// Every error of the API is problem+json, also those axum answers
/// before a handler runs (a method the path does not take: 405).
async fn problems_only(response: Response) -> Response {
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|kind| kind.as_bytes().starts_with(b"application/problem+json"));
    if is_problem || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let kind = match status {
        StatusCode::METHOD_NOT_ALLOWED => "method-not-allowed",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported-media-type",
        StatusCode::NOT_FOUND => "not-found",
        _ if status.is_server_error() => "internal",
        _ => "bad-request",
    };
    let detail = status
        .canonical_reason()
        .unwrap_or("The request was refused.")
        .to_owned();
    let mut answer = problem(status, kind, detail, Vec::new());
    // An Allow header says what the path does take.
    if let Some(allow) = response.headers().get(header::ALLOW) {
        answer.headers_mut().insert(header::ALLOW, allow.clone());
    }
    answer
}

/// An error as the API answers it.
pub struct ApiError(AppError);

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        ApiError(error)
    }
}

#[derive(Serialize, ToSchema)]
struct FieldProblem {
    field: String,
    /// The problem's stable name (`Required`, `EmailInvalid`, …).
    #[schema(value_type = String)]
    problem: Problem,
    message: String,
}

/// An error (RFC 9457), sent as `application/problem+json`.
#[derive(Serialize, ToSchema)]
struct ProblemDocument {
    #[serde(rename = "type")]
    kind: String,
    title: String,
    status: u16,
    detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<FieldProblem>,
}

/// Each field in error, with its problem's stable name and message.
fn field_problems(error: &AppError) -> Vec<FieldProblem> {
    match error {
        AppError::Invalid(problems) => problems
            .iter()
            .map(|problem| FieldProblem {
                field: problem.field.clone(),
                problem: problem.problem,
                message: problem.problem.text(Lang::En).to_owned(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A conflict with what is stored rather than a bad field: 409.
fn is_conflict(problem: Problem) -> bool {
    matches!(
        problem,
        Problem::AlreadyMember
            | Problem::LastAccountAdmin
            | Problem::IdempotencyKeyInProgress
            | Problem::AgreementExists
            | Problem::OrganizationExists
    )
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let error = self.0;
        let conflict = match &error {
            AppError::Invalid(problems) => problems.iter().any(|p| is_conflict(p.problem)),
            _ => false,
        };
        let (status, kind) = match &error {
            _ if conflict => (409, "conflict"),
            AppError::Invalid(_) => (422, "invalid"),
            AppError::Unauthenticated | AppError::BadCredentials => (401, "unauthenticated"),
            AppError::Forbidden | AppError::TwoStepSetupRequired => (403, "forbidden"),
            AppError::NotFound => (404, "not-found"),
            AppError::RateLimited { .. } => (429, "rate-limited"),
            AppError::Busy => (503, "busy"),
            AppError::BadRequest | AppError::Request(_) => (400, "bad-request"),
            AppError::Internal(_) => (500, "internal"),
        };
        let errors = field_problems(&error);
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = problem(status, kind, error.summary(Lang::En), errors);
        if let AppError::RateLimited { retry_after_secs } = error {
            let limit = tokens::PER_TOKEN.max;
            let wait = retry_after_secs.max(1);
            let headers = response.headers_mut();
            if let Ok(value) = HeaderValue::from_str(&wait.to_string()) {
                headers.insert(header::RETRY_AFTER, value);
            }
            // The IETF RateLimit fields: the policy, and none left until
            // the window resets.
            let fields = [
                (
                    "ratelimit-policy",
                    format!("{limit};w={}", tokens::PER_TOKEN.window_secs),
                ),
                (
                    "ratelimit",
                    format!("limit={limit}, remaining=0, reset={wait}"),
                ),
            ];
            for (name, value) in fields {
                if let Ok(value) = HeaderValue::from_str(&value) {
                    headers.insert(name, value);
                }
            }
        }
        response
    }
}

/// An `application/problem+json` answer.
fn problem(status: StatusCode, kind: &str, detail: String, errors: Vec<FieldProblem>) -> Response {
    let document = ProblemDocument {
        kind: format!("/api/v1/problems/{kind}"),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail,
        errors,
    };
    let mut response = (status, Json(document)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

/// The answer to a body over `limit` bytes: 413, as problem+json.
pub fn too_large(limit: usize) -> Response {
    let detail = format!(
        "The request's body is over {} KiB: send less in one request.",
        limit / 1024
    );
    problem(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too-large",
        detail,
        Vec::new(),
    )
}

/// What `/api/v1` answers for a path it does not have: 404, as
/// problem+json like every other answer of the API.
pub async fn no_such_path() -> Response {
    let detail = "There is no such path in this API: see /api/v1/openapi.json.".to_owned();
    problem(StatusCode::NOT_FOUND, "not-found", detail, Vec::new())
}

/// Whoever the request's bearer token acts for; 401 without a live one.
pub struct ApiCaller(pub Caller);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let secret = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(ApiError(AppError::Unauthenticated))?;
        let address = audit::describe_client(client::of_extensions(&parts.extensions));
        match tokens::authenticate(state, secret, &address).await? {
            Some(caller) => {
                if let Caller::User { actor, .. } = &caller {
                    tracing::Span::current().record("user", actor.user.id);
                }
                Ok(ApiCaller(caller))
            }
            None => Err(ApiError(AppError::Unauthenticated)),
        }
    }
}

impl ApiCaller {
    /// The person the token acts for; an operator's token is not one.
    fn person(self) -> Result<Actor, ApiError> {
        self.person_and_token().map(|(actor, _)| actor)
    }

    /// The person, and the token's id (which idempotency keys belong to).
    fn person_and_token(self) -> Result<(Actor, i64), ApiError> {
        match self.0 {
            Caller::User { actor, token_id } => Ok((actor, token_id)),
            Caller::Operator { .. } => Err(ApiError(AppError::Forbidden)),
        }
    }
}

#[derive(Serialize, ToSchema)]
struct Me {
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
struct Operator {
    operator: bool,
}

/// Who a token acts for: a person, or the vendor operator.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
enum Whom {
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
        (status = 401, body = ProblemDocument, content_type = "application/problem+json"),
        (status = 429, body = ProblemDocument, content_type = "application/problem+json"),
    )
)]
async fn me(caller: ApiCaller) -> Json<Whom> {
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
struct UsersQuery {
    /// Part of a name or an email address.
    #[serde(default)]
    q: String,
    /// The cursor: the `next_after` of the page before.
    #[serde(default)]
    after: String,
}

#[derive(Serialize, ToSchema)]
struct User {
    id: i64,
    email: String,
    first_name: String,
    last_name: String,
    #[schema(value_type = Vec<String>)]
    roles: Vec<Role>,
    two_step: bool,
}

#[derive(Serialize, ToSchema)]
struct UsersPage {
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
        (status = 400, body = ProblemDocument, content_type = "application/problem+json"),
        (status = 401, body = ProblemDocument, content_type = "application/problem+json"),
        (status = 403, body = ProblemDocument, content_type = "application/problem+json"),
        (status = 429, body = ProblemDocument, content_type = "application/problem+json"),
    )
)]
async fn users(
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
struct NewInvitation {
    #[schema(schema_with = schemas::email)]
    email: String,
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
    fn input(self) -> InviteInput {
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

fn english() -> String {
    "en".to_owned()
}

fn united_states() -> String {
    "US".to_owned()
}

#[derive(Serialize, ToSchema)]
struct Invitation {
    id: i64,
    email: String,
    status: &'static str,
    /// `invited`, or `resent` when a pending invitation to this address
    /// was replaced (its link no longer works).
    outcome: &'static str,
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
        (status = 400, body = ProblemDocument, content_type = "application/problem+json"),
        (status = 401, body = ProblemDocument, content_type = "application/problem+json"),
        (status = 403, body = ProblemDocument, content_type = "application/problem+json"),
        (status = 409, body = ProblemDocument, content_type = "application/problem+json"),
        (status = 422, body = ProblemDocument, content_type = "application/problem+json"),
        (status = 429, body = ProblemDocument, content_type = "application/problem+json"),
    )
)]
async fn create_invitation(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (actor, token_id) = caller.person_and_token()?;
    idempotent(&state, token_id, &headers, &body, || async {
        let body: NewInvitation = serde_json::from_slice(&body).map_err(|error| {
            tracing::debug!(%error, "API body refused");
            ApiError(AppError::BadRequest)
        })?;
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

/// Runs `work` once per `Idempotency-Key` (when the request has one): the
/// same key and body again within a day gets the first answer, marked
/// `Idempotent-Replayed`; the key with another body is 422, and while the
/// first is still being answered, 409. An answer that failed on our side
/// (5xx) or was rate-limited is not kept, so a retry does the work.
async fn idempotent<F, Fut>(
    state: &AppState,
    token_id: i64,
    headers: &HeaderMap,
    body: &[u8],
    work: F,
) -> Result<Response, ApiError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<Response, ApiError>>,
{
    let field = |problem| ApiError(AppError::field("idempotency_key", problem));
    let key = match headers.get("idempotency-key") {
        None => return work().await.or_else(|error| Ok(error.into_response())),
        Some(value) => value
            .to_str()
            .ok()
            .filter(|key| (1..=idempotency::MAX_KEY_LEN).contains(&key.len()))
            .ok_or(ApiError(AppError::BadRequest))?
            .to_owned(),
    };
    match idempotency::begin(state, token_id, &key, body).await? {
        idempotency::Begin::New => {}
        idempotency::Begin::Replay { status, body } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let kind = if status.is_success() {
                "application/json"
            } else {
                "application/problem+json"
            };
            let mut response = (status, body).into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
            headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
            return Ok(response);
        }
        idempotency::Begin::OtherRequest => return Err(field(Problem::IdempotencyKeyReused)),
        idempotency::Begin::InProgress => return Err(field(Problem::IdempotencyKeyInProgress)),
    }
    let response = work().await.unwrap_or_else(IntoResponse::into_response);
    let status = response.status();
    if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
        idempotency::abandon(state, token_id, &key).await?;
        return Ok(response);
    }
    let (parts, answer) = response.into_parts();
    let answer = axum::body::to_bytes(answer, 1024 * 1024)
        .await
        .map_err(|_| ApiError(app::services::internal("API answer unreadable")))?;
    let text = String::from_utf8_lossy(&answer);
    idempotency::finish(state, token_id, &key, status.as_u16(), &text).await?;
    Ok(Response::from_parts(parts, axum::body::Body::from(answer)))
}

const PROBLEM: &str = "application/problem+json";

#[derive(Serialize, ToSchema)]
struct OpenInvitation {
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
struct Invitations {
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
        (status = 401, body = ProblemDocument, content_type = PROBLEM),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 429, body = ProblemDocument, content_type = PROBLEM),
    )
)]
async fn list_invitations(
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
        (status = 401, body = ProblemDocument, content_type = PROBLEM),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 404, body = ProblemDocument, content_type = PROBLEM),
        (status = 429, body = ProblemDocument, content_type = PROBLEM),
    )
)]
async fn resend_invitation(
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
        (status = 401, body = ProblemDocument, content_type = PROBLEM),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 404, body = ProblemDocument, content_type = PROBLEM),
        (status = 429, body = ProblemDocument, content_type = PROBLEM),
    )
)]
async fn revoke_invitation(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    let actor = caller.person()?;
    invite::revoke_invitation(&state, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
struct NewRoles {
    /// Role keys: `account_viewer`, …
    #[schema(schema_with = schemas::roles)]
    roles: Vec<String>,
}

#[derive(Serialize, ToSchema)]
struct UserRoles {
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
        (status = 400, body = ProblemDocument, content_type = PROBLEM),
        (status = 401, body = ProblemDocument, content_type = PROBLEM),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 404, body = ProblemDocument, content_type = PROBLEM),
        (status = 409, body = ProblemDocument, content_type = PROBLEM),
        (status = 422, body = ProblemDocument, content_type = PROBLEM),
        (status = 429, body = ProblemDocument, content_type = PROBLEM),
    )
)]
async fn change_roles(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<UserRoles>, ApiError> {
    let actor = caller.person()?;
    let body: NewRoles =
        serde_json::from_slice(&body).map_err(|_| ApiError(AppError::BadRequest))?;
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
        (status = 401, body = ProblemDocument, content_type = PROBLEM),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 404, body = ProblemDocument, content_type = PROBLEM),
        (status = 409, body = ProblemDocument, content_type = PROBLEM),
        (status = 429, body = ProblemDocument, content_type = PROBLEM),
    )
)]
async fn remove_user(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    let actor = caller.person()?;
    members::remove_user(&state, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
