//! The public JSON API under `/api/v1`, for scripts: `Authorization:
//! Bearer <token>` only (the session cookie is never read here, so another
//! site's page cannot reach it), the same services and roles module as the
//! pages, and errors as `application/problem+json` (RFC 9457) with a
//! stable `type`, the fields in error and a message a person can act on.

use axum::extract::FromRequestParts;
use axum::http::header::{self, HeaderValue};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use app::domain::{Lang, Problem};
use app::error::AppError;
use app::http::client;
use app::services::audit::{self, Actor};
use app::services::idempotency;
use app::services::tokens::{self, Caller};
use app::services::AppState;

mod account;
mod domains;
mod invitations;
mod operator;
mod partners;
mod people;
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
        .routes(routes!(people::me))
        .routes(routes!(people::users))
        .routes(routes!(people::list_invitations, people::create_invitation))
        .routes(routes!(people::resend_invitation))
        .routes(routes!(people::revoke_invitation))
        .routes(routes!(people::change_roles))
        .routes(routes!(people::remove_user))
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

/// What a path names and is not there: 404 (a partner or agreement of a
/// link, a link that does not exist).
fn is_missing(problem: Problem) -> bool {
    matches!(
        problem,
        Problem::PartnerUnknown | Problem::AgreementUnknown | Problem::PartnerNotLinked
    )
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
        let any = |test: fn(Problem) -> bool| match &error {
            AppError::Invalid(problems) => problems.iter().any(|p| test(p.problem)),
            _ => false,
        };
        let (conflict, missing) = (any(is_conflict), any(is_missing));
        let (status, kind) = match &error {
            _ if conflict => (409, "conflict"),
            _ if missing => (404, "not-found"),
            AppError::Invalid(_) => (422, "invalid"),
            AppError::Unauthenticated | AppError::BadCredentials => (401, "unauthenticated"),
            AppError::Forbidden | AppError::TwoStepSetupRequired => (403, "forbidden"),
            AppError::NotFound => (404, "not-found"),
            AppError::RateLimited { .. } => (429, "rate-limited"),
            AppError::Busy => (503, "busy"),
            AppError::ProviderUnreachable(_) => (502, "provider-unreachable"),
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

/// A request's JSON body as `T`; one that is not is 400 (the decoder's
/// words go to the debug log, not to the caller).
pub(super) fn json_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|error| {
        tracing::debug!(%error, "API body refused");
        ApiError(AppError::BadRequest)
    })
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
            // Visible ASCII, as the document says (`^[!-~]+$`).
            .filter(|key| key.bytes().all(|byte| (b'!'..=b'~').contains(&byte)))
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

pub(super) const PROBLEM: &str = "application/problem+json";
