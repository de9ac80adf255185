//! SCIM 2.0 at `/scim/v2` (RFC 7643/7644) for the organization's
//! directory (Entra ID, Okta, Google): the service provider's own
//! description, and the frame every answer shares — a SCIM token in
//! `Authorization: Bearer`, `application/scim+json`, SCIM error bodies.
//! The people and groups are in `resources`; the rules in
//! `app::services::scim`.

mod patch;
mod resources;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::{json, Value};

use app::domain::Problem;
use app::error::AppError;
use app::http::client::ClientAddress;
use app::services::scim::{self, Directory};
use app::services::AppState;

pub const BASE: &str = "/scim/v2";
pub const CONTENT_TYPE: &str = "application/scim+json";
const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
const LIST: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";

/// A SCIM answer: JSON in SCIM's content type.
pub fn scim(status: StatusCode, body: Value) -> Response {
    let mut response = (status, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    response
}

/// An error as RFC 7644 §3.12 writes it.
#[derive(Debug)]
pub struct ScimError {
    pub status: StatusCode,
    pub scim_type: Option<&'static str>,
    pub detail: String,
}

impl ScimError {
    pub fn new(
        status: StatusCode,
        scim_type: Option<&'static str>,
        detail: impl Into<String>,
    ) -> Self {
        ScimError {
            status,
            scim_type,
            detail: detail.into(),
        }
    }

    pub fn bad(scim_type: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some(scim_type), detail)
    }
}

impl IntoResponse for ScimError {
    fn into_response(self) -> Response {
        let mut body = json!({
            "schemas": [ERROR],
            "status": self.status.as_u16().to_string(),
            "detail": self.detail,
        });
        if let Some(scim_type) = self.scim_type {
            body["scimType"] = json!(scim_type);
        }
        let mut response = scim(self.status, body);
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"scim\""),
            );
        }
        response
    }
}

impl From<AppError> for ScimError {
    fn from(error: AppError) -> Self {
        let problem = |p: Problem| {
            ["userName", "emails", "email", "roles"]
                .iter()
                .any(|field| error.problem_with(field) == Some(p))
        };
        if problem(Problem::EmailTaken) || problem(Problem::AlreadyMember) {
            return Self::new(
                StatusCode::CONFLICT,
                Some("uniqueness"),
                "a user with this userName or email exists",
            );
        }
        if problem(Problem::LastAccountAdmin) {
            return Self::new(
                StatusCode::CONFLICT,
                Some("mutability"),
                "the organization's last Account Admin stays one",
            );
        }
        match &error {
            AppError::Invalid(fields) => Self::bad(
                "invalidValue",
                fields
                    .iter()
                    .map(|f| format!("{}: {}", f.field, f.problem))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            AppError::NotFound => Self::new(StatusCode::NOT_FOUND, None, "no such resource"),
            AppError::Forbidden => Self::new(
                StatusCode::FORBIDDEN,
                None,
                "the token's maker may not give or take these roles",
            ),
            AppError::Unauthenticated | AppError::BadCredentials => {
                Self::new(StatusCode::UNAUTHORIZED, None, "a SCIM token is required")
            }
            AppError::RateLimited { retry_after_secs } => Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                None,
                format!("too many requests; try again in {retry_after_secs} s"),
            ),
            AppError::Busy => Self::new(StatusCode::SERVICE_UNAVAILABLE, None, "busy"),
            _ => Self::new(StatusCode::INTERNAL_SERVER_ERROR, None, error.to_string()),
        }
    }
}

/// The directory behind the bearer token, for the handlers.
async fn authenticate(
    State(state): State<AppState>,
    client: Option<Extension<ClientAddress>>,
    mut request: Request,
    next: Next,
) -> Response {
    let secret = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    let client = client
        .map(|Extension(ClientAddress(address))| address.to_string())
        .unwrap_or_default();
    match scim::authenticate(&state, &secret, &client).await {
        Ok(Some(directory)) => {
            request.extensions_mut().insert(directory);
            next.run(request).await
        }
        Ok(None) => ScimError::new(StatusCode::UNAUTHORIZED, None, "a SCIM token is required")
            .into_response(),
        Err(error) => ScimError::from(error).into_response(),
    }
}

pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route(
            &format!("{BASE}/ServiceProviderConfig"),
            get(service_provider_config),
        )
        .route(&format!("{BASE}/ResourceTypes"), get(resource_types))
        .route(
            &format!("{BASE}/ResourceTypes/{{name}}"),
            get(resource_type),
        )
        .route(&format!("{BASE}/Schemas"), get(schemas))
        .route(&format!("{BASE}/Schemas/{{urn}}"), get(schema))
        .merge(resources::router())
        .route(
            &format!("{BASE}/{{*rest}}"),
            axum::routing::any(no_such_path),
        )
        .route_layer(middleware::from_fn_with_state(state, authenticate))
}

/// A path SCIM does not have: a SCIM 404, not the site's page.
async fn no_such_path() -> Response {
    ScimError::new(StatusCode::NOT_FOUND, None, "no such path").into_response()
}

/// Where a resource lives, absolute, from `PUBLIC_URL`.
pub fn location(state: &AppState, kind: &str, id: &str) -> String {
    state.settings.link(&format!("{BASE}/{kind}/{id}"))
}

async fn service_provider_config(State(state): State<AppState>) -> Response {
    scim(
        StatusCode::OK,
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "documentationUri": state.settings.link("/api/docs"),
            "patch": { "supported": true },
            "bulk": { "supported": false, "maxOperations": 0, "maxPayloadSize": 0 },
            "filter": { "supported": true, "maxResults": app::services::scim::users::MAX_PAGE },
            "changePassword": { "supported": false },
            "sort": { "supported": false },
            "etag": { "supported": false },
            "authenticationSchemes": [{
                "type": "oauthbearertoken",
                "name": "SCIM token",
                "description": "A SCIM token made under Account → Single sign-on → Provisioning, or with business-center token create --scim",
                "primary": true,
            }],
            "meta": {
                "resourceType": "ServiceProviderConfig",
                "location": state.settings.link(&format!("{BASE}/ServiceProviderConfig")),
            },
        }),
    )
}

fn user_type(state: &AppState) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": "User",
        "name": "User",
        "endpoint": "/Users",
        "description": "A person of the organization",
        "schema": USER,
        "meta": { "resourceType": "ResourceType", "location": state.settings.link(&format!("{BASE}/ResourceTypes/User")) },
    })
}

fn group_type(state: &AppState) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": "Group",
        "name": "Group",
        "endpoint": "/Groups",
        "description": "A role of the Business Center: its members hold it",
        "schema": GROUP,
        "meta": { "resourceType": "ResourceType", "location": state.settings.link(&format!("{BASE}/ResourceTypes/Group")) },
    })
}

/// A ListResponse: `resources` from the `start`th (1-based) of `total`.
pub fn list_response(total: usize, start: i64, resources: Vec<Value>) -> Value {
    json!({
        "schemas": [LIST],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    })
}

fn list_of(items: Vec<Value>) -> Value {
    list_response(items.len(), 1, items)
}

async fn resource_types(State(state): State<AppState>) -> Response {
    scim(
        StatusCode::OK,
        list_of(vec![user_type(&state), group_type(&state)]),
    )
}

async fn resource_type(
    State(state): State<AppState>,
    axum::extract::Path(name): axum::extract::Path<String>,
) -> Response {
    match name.as_str() {
        "User" => scim(StatusCode::OK, user_type(&state)),
        "Group" => scim(StatusCode::OK, group_type(&state)),
        _ => ScimError::new(StatusCode::NOT_FOUND, None, "no such resource type").into_response(),
    }
}

fn attribute(name: &str, kind: &str, required: bool, mutability: &str, uniqueness: &str) -> Value {
    json!({
        "name": name,
        "type": kind,
        "multiValued": false,
        "required": required,
        "caseExact": false,
        "mutability": mutability,
        "returned": "default",
        "uniqueness": uniqueness,
    })
}

/// `$ref`: where the resource a value names lives.
fn reference(kind: &str) -> Value {
    let mut reference = attribute("$ref", "reference", false, "readOnly", "none");
    reference["referenceTypes"] = json!([kind]);
    reference
}

fn user_schema(state: &AppState) -> Value {
    let mut name = attribute("name", "complex", false, "readWrite", "none");
    name["subAttributes"] = json!([
        attribute("givenName", "string", false, "readWrite", "none"),
        attribute("familyName", "string", false, "readWrite", "none"),
    ]);
    // The work address is the account's: required, one per person.
    let mut emails = attribute("emails", "complex", true, "readWrite", "server");
    emails["multiValued"] = json!(true);
    emails["subAttributes"] = json!([
        attribute("value", "string", true, "readWrite", "server"),
        attribute("type", "string", false, "readWrite", "none"),
        attribute("primary", "boolean", false, "readWrite", "none"),
    ]);
    let mut groups = attribute("groups", "complex", false, "readOnly", "none");
    groups["multiValued"] = json!(true);
    groups["subAttributes"] = json!([
        attribute("value", "string", false, "readOnly", "none"),
        reference("Group"),
        attribute("display", "string", false, "readOnly", "none"),
    ]);
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": USER,
        "name": "User",
        "description": "A person of the organization; userName is their work address",
        "attributes": [
            attribute("userName", "string", true, "readWrite", "server"),
            name,
            attribute("displayName", "string", false, "readOnly", "none"),
            emails,
            // Always answered (a directory that leaves it out gets
            // true), so never absent after a remove.
            attribute("active", "boolean", true, "readWrite", "none"),
            groups,
        ],
        "meta": { "resourceType": "Schema", "location": state.settings.link(&format!("{BASE}/Schemas/{USER}")) },
    })
}

fn group_schema(state: &AppState) -> Value {
    let mut members = attribute("members", "complex", false, "readWrite", "none");
    members["multiValued"] = json!(true);
    members["subAttributes"] = json!([
        attribute("value", "string", false, "immutable", "none"),
        reference("User"),
        attribute("display", "string", false, "readOnly", "none"),
    ]);
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": GROUP,
        "name": "Group",
        "description": "A role of the Business Center",
        "attributes": [
            attribute("displayName", "string", true, "readOnly", "server"),
            members,
        ],
        "meta": { "resourceType": "Schema", "location": state.settings.link(&format!("{BASE}/Schemas/{GROUP}")) },
    })
}

async fn schemas(State(state): State<AppState>) -> Response {
    scim(
        StatusCode::OK,
        list_of(vec![user_schema(&state), group_schema(&state)]),
    )
}

async fn schema(
    State(state): State<AppState>,
    axum::extract::Path(urn): axum::extract::Path<String>,
) -> Response {
    match urn.as_str() {
        USER => scim(StatusCode::OK, user_schema(&state)),
        GROUP => scim(StatusCode::OK, group_schema(&state)),
        _ => ScimError::new(StatusCode::NOT_FOUND, None, "no such schema").into_response(),
    }
}

/// The directory a handler acts for.
pub type Caller = Extension<Directory>;
