//! The site's own files: `/pkg` (the app's JavaScript, WebAssembly and
//! stylesheet) and the public folder's (the favicon). The release build
//! precompresses them (`cargo leptos build --release --precompress`), and
//! a browser that accepts brotli or gzip gets the `.br` or `.gz` file as
//! it is, with no work per request. With `hash-files`, `/pkg` names carry
//! a hash of their content, so a browser keeps them for a year without
//! asking again: a new build has new names.

use std::convert::Infallible;

use axum::extract::Request;
use axum::http::header::{HeaderValue, CACHE_CONTROL};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use leptos::prelude::LeptosOptions;
use tower::util::BoxCloneSyncService;
use tower::{Service, ServiceBuilder};
use tower_http::services::ServeDir;

/// What files whose names carry their content's hash may be kept for.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Files that keep their name from build to build: kept a day.
const RENAMED_NEVER: &str = "public, max-age=86400";
/// `/pkg` without hashed names (a development build): ask every time.
const REVALIDATE: &str = "no-cache";

/// The site's files under `options.site_root`, precompressed when the
/// browser takes it; `not_found` answers for any other path.
pub fn site_files<F>(
    options: &LeptosOptions,
    not_found: F,
) -> BoxCloneSyncService<Request, Response, Infallible>
where
    F: Service<Request, Response = Response, Error = Infallible> + Clone + Send + Sync + 'static,
    F::Future: Send + 'static,
{
    let files = ServeDir::new(options.site_root.as_ref())
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false)
        // A form posted to an unknown path gets the 404 page, not a 405.
        .call_fallback_on_method_not_allowed(true)
        .fallback(not_found);
    let hashed = options.hash_files;
    let service = ServiceBuilder::new()
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            cache_control(hashed, request, next)
        }))
        .service(files);
    BoxCloneSyncService::new(service)
}

/// Sets how long a browser may keep a file that was found; pages (the
/// 404) keep the guards' `no-store`.
async fn cache_control(hashed: bool, request: Request, next: Next) -> Response {
    let in_pkg = request.uri().path().starts_with("/pkg/");
    let mut response = next.run(request).await;
    let found = matches!(
        response.status(),
        StatusCode::OK | StatusCode::PARTIAL_CONTENT | StatusCode::NOT_MODIFIED
    );
    if found && !response.headers().contains_key(CACHE_CONTROL) {
        let policy = match (in_pkg, hashed) {
            (true, true) => IMMUTABLE,
            (true, false) => REVALIDATE,
            (false, _) => RENAMED_NEVER,
        };
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}
