//! What every request passes before it reaches a page or a server
//! function: methods, the client's address, body and time limits, the
//! cross-site check, security headers, and server functions' statuses.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;

use app::api::access::{BulkInvite, BulkInviteFile};
use app::error::AppError;
use app::http::client::{self, ClientAddress, CspNonce};
use app::services::AppState;
use leptos::server_fn::ServerFn;

/// Every server function and form: a few kilobytes at most.
pub const BODY_LIMIT: usize = 64 * 1024;
/// The bulk invitation: rows in chunks of 50, or a whole CSV file of at
/// most 1000 people.
pub const BULK_BODY_LIMIT: usize = 1024 * 1024;
/// The longest a request may take to be answered (a streamed export's
/// body may take longer: this ends when its headers are sent).
const ANSWER_WITHIN: Duration = Duration::from_secs(30);
/// The longest a client may take to send a request's body.
const BODY_WITHIN: Duration = Duration::from_secs(15);

/// The Center answers GET, HEAD and POST; the JSON API under `/api/v1`
/// answers each path's own methods itself (PUT, DELETE), and a 405 as
/// problem+json. Anything else gets an empty 405 here, before any
/// handler: a CONNECT answered with a page made hyper log four errors per
/// request, an easy way to flood the log.
pub async fn allowed_methods(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let api = path.starts_with("/api/v1/") || path.starts_with("/scim/v2/");
    let allowed = match *request.method() {
        Method::GET | Method::HEAD | Method::POST => true,
        Method::CONNECT => false,
        _ => api,
    };
    if allowed {
        return next.run(request).await;
    }
    tracing::debug!(method = %request.method(), "method not allowed");
    let mut response = StatusCode::METHOD_NOT_ALLOWED.into_response();
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD, POST"));
    response
}

/// Works out who the client is (see `client`) once, for rate limits and
/// the audit log.
pub async fn client_address(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip());
    if let Some(peer) = peer {
        let forwarded = request
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok());
        let address = client::client_address(peer, forwarded, &state.settings.trusted_proxies);
        request.extensions_mut().insert(ClientAddress(address));
    }
    next.run(request).await
}

/// Refuses a body larger than the route takes before reading it, and
/// stops reading one that grows past it on the way.
pub async fn limit_body(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let limit = if path == BulkInvite::PATH || path == BulkInviteFile::PATH {
        BULK_BODY_LIMIT
    } else {
        BODY_LIMIT
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    let api = path.starts_with("/api/v1/");
    let too_large = move || {
        if api {
            crate::api_v1::too_large(limit)
        } else {
            (StatusCode::PAYLOAD_TOO_LARGE, "Request too large.").into_response()
        }
    };
    if declared.is_some_and(|length| length > limit as u64) {
        return too_large();
    }
    // A body sent without a length (chunked) is cut at the limit; the
    // handler then sees a broken body, and the answer is still 413.
    let cut = Arc::new(AtomicBool::new(false));
    let (parts, body) = request.into_parts();
    let body = {
        let cut = cut.clone();
        http_body_util::Limited::new(body, limit).map_err(move |error| {
            if error.is::<http_body_util::LengthLimitError>() {
                cut.store(true, Ordering::Relaxed);
            }
            error
        })
    };
    let response = next.run(Request::from_parts(parts, Body::new(body))).await;
    if cut.load(Ordering::Relaxed) {
        return too_large();
    }
    response
}

/// A request that takes too long to send or to answer ends with 408
/// rather than holding a connection and a database handle.
pub fn timeouts() -> tower::layer::util::Stack<
    tower_http::timeout::RequestBodyTimeoutLayer,
    tower_http::timeout::TimeoutLayer,
> {
    tower::layer::util::Stack::new(
        tower_http::timeout::RequestBodyTimeoutLayer::new(BODY_WITHIN),
        tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            ANSWER_WITHIN,
        ),
    )
}

/// Refuses a file upload that does not say where its parts end: the
/// multipart decoder of server functions would panic on it.
pub async fn file_uploads_have_a_boundary(request: Request, next: Next) -> Response {
    if request.uri().path() == BulkInviteFile::PATH {
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        if multer::parse_boundary(content_type).is_err() {
            return (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Send the file as multipart/form-data.",
            )
                .into_response();
        }
    }
    next.run(request).await
}

/// Gives a server function's error its own HTTP status (401, 403, 404,
/// 422, 429…): server functions answer every error with 500, and the
/// error, which says which it is, travels in the body.
pub async fn server_fn_error_status(request: Request, next: Next) -> Response {
    // The public API under /api/v1 answers its own statuses.
    let path = request.uri().path();
    let is_server_fn = path.starts_with("/api/") && !path.starts_with("/api/v1/");
    let response = next.run(request).await;
    if !is_server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // An error is a few hundred bytes; anything larger is not one of ours.
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        if let Ok(status) = StatusCode::from_u16(error.status()) {
            parts.status = status;
        }
        if let AppError::RateLimited { retry_after_secs } = error {
            parts
                .headers
                .insert(header::RETRY_AFTER, retry_after_secs.max(1).into());
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Refuses a state-changing request that a browser says comes from another
/// site, so a hostile page cannot act with a signed-in user's cookie.
/// Scripts and the command line send neither header and pass.
pub async fn refuse_cross_site(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && is_cross_site(&request, &state.settings.public_url) {
        tracing::warn!(path = %request.uri().path(), "cross-site request refused");
        return (
            StatusCode::FORBIDDEN,
            "Cross-site requests are not accepted.",
        )
            .into_response();
    }
    next.run(request).await
}

/// Refuses any request, even a GET, that a browser says another site
/// made: for routes whose mere fetching is recorded.
pub async fn same_origin_only(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if is_cross_site(&request, &state.settings.public_url) {
        tracing::warn!(path = %request.uri().path(), "cross-site file request refused");
        return (
            StatusCode::FORBIDDEN,
            "Open this from the Business Center itself.",
        )
            .into_response();
    }
    next.run(request).await
}

fn is_cross_site(request: &Request<Body>, public_url: &url::Url) -> bool {
    let headers = request.headers();
    if let Some(site) = headers
        .get("sec-fetch-site")
        .and_then(|value| value.to_str().ok())
    {
        // "none" is the user typing an address or using a bookmark.
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let Ok(origin) = origin.to_str() else {
        return true;
    };
    let public_origin = public_url.origin().ascii_serialization();
    if origin == public_origin {
        return false;
    }
    // Reached directly (not through PUBLIC_URL): same site when the
    // origin names the host the request was sent to.
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok());
    let origin_authority = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    !matches!((origin_authority, host), (Some(authority), Some(host)) if authority == host)
}

/// Headers every response carries. A referrer only within this site: an
/// invitation link holds a secret and must not leak to another site, but
/// a form posted without script needs its page named, for the server
/// function to send the person back to it (with the problem, if any). The policy
/// allows only this site's files and the inline hydration script that
/// carries this response's nonce: injected markup runs no script.
/// (`'self'` stays in `script-src` for the app's own modules, which that
/// script imports.) Behind HTTPS, browsers are told to stay on it.
pub async fn security_headers(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = app::services::random_secret();
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let fixed = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    if state.settings.secure_cookies() {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    // Pages show personal data: keep them out of shared caches. The
    // site's files say for themselves how long to keep them (`assets`).
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
