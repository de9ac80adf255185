//! The site's own files: `/pkg` (the app's JavaScript, WebAssembly and
//! stylesheet) and the public folder's (the favicon). The release build
//! precompresses them (`cargo leptos build --release --precompress`), and
//! a browser that accepts brotli or gzip gets the `.br` or `.gz` file as
//! it is, with no work per request. With `hash-files`, `/pkg` names carry
//! a hash of their content, so a browser keeps them for a year without
//! asking again: a new build has new names.
//!
//! With `hash-files` a name also never changes content while the server
//! runs, so the files are read once, at start, and served from memory:
//! no file is opened per request. A development build (names without
//! hashes, rewritten by `cargo leptos watch` while the server runs) is
//! served from the disk.

use std::collections::HashMap;
use std::convert::Infallible;
use std::path::Path;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::header::{self, HeaderValue, CACHE_CONTROL};
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use leptos::prelude::LeptosOptions;
use tower::util::BoxCloneSyncService;
use tower::{Service, ServiceBuilder, ServiceExt};
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
    let root = Path::new(options.site_root.as_ref());
    if options.hash_files {
        match HeldFiles::read(root) {
            Ok(files) => return held_files(Arc::new(files), not_found),
            Err(error) => tracing::warn!(
                "cannot read the site's files at {} into memory ({error}); serving them from the disk",
                root.display()
            ),
        }
    }
    let files = ServeDir::new(root)
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
        response.headers_mut().insert(
            CACHE_CONTROL,
            HeaderValue::from_static(policy(in_pkg, hashed)),
        );
    }
    response
}

fn policy(in_pkg: bool, hashed: bool) -> &'static str {
    match (in_pkg, hashed) {
        (true, true) => IMMUTABLE,
        (true, false) => REVALIDATE,
        (false, _) => RENAMED_NEVER,
    }
}

fn held_files<F>(
    files: Arc<HeldFiles>,
    not_found: F,
) -> BoxCloneSyncService<Request, Response, Infallible>
where
    F: Service<Request, Response = Response, Error = Infallible> + Clone + Send + Sync + 'static,
    F::Future: Send + 'static,
{
    BoxCloneSyncService::new(tower::service_fn(move |request: Request| {
        let files = files.clone();
        let not_found = not_found.clone();
        async move {
            match files.answer(&request) {
                Some(response) => Ok(response),
                None => not_found.oneshot(request).await,
            }
        }
    }))
}

/// Every file of the site, with its precompressed forms.
#[derive(Debug, Default)]
struct HeldFiles {
    by_path: HashMap<String, HeldFile>,
}

#[derive(Debug)]
struct HeldFile {
    content_type: HeaderValue,
    etag: HeaderValue,
    cache_control: &'static str,
    identity: Bytes,
    brotli: Option<Bytes>,
    gzip: Option<Bytes>,
}

impl HeldFiles {
    /// Reads every file under `root`; a `.br` or `.gz` beside a file is
    /// that file's compressed form, not a file of its own.
    fn read(root: &Path) -> std::io::Result<HeldFiles> {
        let mut paths = Vec::new();
        collect_files(root, &mut paths)?;
        let mut files = HeldFiles::default();
        for path in &paths {
            let name = path.to_string_lossy();
            if name.ends_with(".br") || name.ends_with(".gz") {
                continue;
            }
            let Ok(relative) = path.strip_prefix(root) else {
                continue;
            };
            let url = format!(
                "/{}",
                relative
                    .components()
                    .map(|part| part.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/")
            );
            let identity = Bytes::from(std::fs::read(path)?);
            let beside = |suffix: &str| {
                std::fs::read(format!("{name}.{suffix}"))
                    .ok()
                    .map(Bytes::from)
            };
            let etag = format!("\"{}\"", &app::services::sha256_hex(&identity)[..32]);
            let file = HeldFile {
                // The same guess ServeDir makes for a development build.
                content_type: HeaderValue::from_str(
                    mime_guess::from_path(&url).first_or_octet_stream().as_ref(),
                )
                .map_err(std::io::Error::other)?,
                etag: HeaderValue::from_str(&etag).map_err(std::io::Error::other)?,
                cache_control: policy(url.starts_with("/pkg/"), true),
                brotli: beside("br"),
                gzip: beside("gz"),
                identity,
            };
            files.by_path.insert(url, file);
        }
        Ok(files)
    }

    /// The answer for a request for one of these files; `None` for any
    /// other path or method.
    fn answer(&self, request: &Request) -> Option<Response> {
        let head = request.method() == Method::HEAD;
        if request.method() != Method::GET && !head {
            return None;
        }
        let file = self.by_path.get(request.uri().path())?;
        let headers = request.headers();
        let accepted = headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("");
        let (encoding, body) = match (&file.brotli, &file.gzip) {
            (Some(brotli), _) if accepts(accepted, "br") => (Some("br"), brotli),
            (_, Some(gzip)) if accepts(accepted, "gzip") => (Some("gzip"), gzip),
            _ => (None, &file.identity),
        };
        let unchanged = headers
            .get(header::IF_NONE_MATCH)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|tags| {
                tags.split(',')
                    .map(|tag| tag.trim().trim_start_matches("W/"))
                    .any(|tag| tag == "*" || file.etag == tag)
            });
        let mut response = Response::builder()
            .header(header::CONTENT_TYPE, file.content_type.clone())
            .header(header::ETAG, file.etag.clone())
            .header(CACHE_CONTROL, file.cache_control);
        if file.brotli.is_some() || file.gzip.is_some() {
            response = response.header(header::VARY, "accept-encoding");
        }
        if let Some(encoding) = encoding {
            response = response.header(header::CONTENT_ENCODING, encoding);
        }
        let response = if unchanged {
            response
                .status(StatusCode::NOT_MODIFIED)
                .body(Body::empty())
        } else {
            let response = response
                .status(StatusCode::OK)
                .header(header::CONTENT_LENGTH, body.len());
            if head {
                response.body(Body::empty())
            } else {
                response.body(Body::from(body.clone()))
            }
        };
        response.ok()
    }
}

fn collect_files(dir: &Path, into: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_files(&path, into)?;
        } else if path.is_file() {
            into.push(path);
        }
    }
    Ok(())
}

/// Whether an `Accept-Encoding` header takes `coding` (named, or `*`,
/// and not with `q=0`).
fn accepts(header: &str, coding: &str) -> bool {
    header.split(',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        let name = parts.next().unwrap_or("");
        let refused = parts.any(|param| {
            param
                .strip_prefix("q=")
                .and_then(|q| q.parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        (name.eq_ignore_ascii_case(coding) || name == "*") && !refused
    })
}

#[cfg(test)]
mod tests {
    use app::services::testing::TempDir;

    use super::*;

    /// A site folder as a release build leaves it.
    fn site() -> (TempDir, LeptosOptions) {
        let dir = TempDir::new("site");
        let pkg = dir.join("pkg");
        std::fs::create_dir_all(&pkg).expect("pkg");
        std::fs::write(pkg.join("app.abc123.js"), "console.log('identity');").expect("js");
        std::fs::write(pkg.join("app.abc123.js.br"), "brotli bytes").expect("br");
        std::fs::write(pkg.join("app.abc123.js.gz"), "gzip bytes").expect("gz");
        std::fs::write(dir.join("favicon.svg"), "<svg/>").expect("svg");
        let options = LeptosOptions::builder()
            .output_name("app")
            .site_root(dir.to_string_lossy().into_owned())
            .hash_files(true)
            .build();
        (dir, options)
    }

    fn service(options: &LeptosOptions) -> BoxCloneSyncService<Request, Response, Infallible> {
        let not_found = tower::service_fn(|_: Request| async {
            Ok::<_, Infallible>(
                Response::builder()
                    .status(StatusCode::NOT_FOUND)
                    .body(Body::from("the app's 404 page"))
                    .expect("response"),
            )
        });
        site_files(options, not_found)
    }

    async fn send(
        files: &BoxCloneSyncService<Request, Response, Infallible>,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        let mut request = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = files
            .clone()
            .oneshot(request.body(Body::empty()).expect("request"))
            .await
            .expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        (status, headers, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn a_hashed_build_is_served_from_memory_in_the_encoding_the_browser_takes() {
        let (dir, options) = site();
        let files = service(&options);
        let js = "/pkg/app.abc123.js";
        let (status, headers, body) =
            send(&files, Method::GET, js, &[("accept-encoding", "gzip, br")]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, "brotli bytes");
        assert_eq!(headers["content-encoding"], "br");
        assert_eq!(headers["content-type"], "text/javascript");
        assert_eq!(headers["cache-control"], IMMUTABLE);
        assert_eq!(headers["vary"], "accept-encoding");
        assert_eq!(headers["content-length"], "12");

        // Read at start: the disk is not asked again.
        std::fs::remove_dir_all(&*dir).expect("remove");
        let (_, headers, body) =
            send(&files, Method::GET, js, &[("accept-encoding", "gzip")]).await;
        assert_eq!(body, "gzip bytes", "the files were read before they went");
        assert_eq!(headers["content-encoding"], "gzip");
        for refused in ["", "identity", "br;q=0, gzip;q=0"] {
            let (_, headers, body) =
                send(&files, Method::GET, js, &[("accept-encoding", refused)]).await;
            assert_eq!(body, "console.log('identity');", "{refused:?}");
            assert!(!headers.contains_key("content-encoding"), "{refused:?}");
        }
    }

    #[tokio::test]
    async fn revalidation_head_and_unknown_paths() {
        let (_dir, options) = site();
        let files = service(&options);
        let (_, headers, _) = send(&files, Method::GET, "/favicon.svg", &[]).await;
        assert_eq!(headers["cache-control"], RENAMED_NEVER);
        assert_eq!(headers["content-type"], "image/svg+xml");
        assert!(!headers.contains_key("vary"), "nothing to choose from");
        let etag = headers["etag"].to_str().expect("etag").to_owned();
        let (status, headers, body) = send(
            &files,
            Method::GET,
            "/favicon.svg",
            &[("if-none-match", &etag)],
        )
        .await;
        assert_eq!(status, StatusCode::NOT_MODIFIED);
        assert_eq!(body, "");
        assert_eq!(headers["cache-control"], RENAMED_NEVER);

        let (status, headers, body) = send(&files, Method::HEAD, "/favicon.svg", &[]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers["content-length"], "6");
        assert_eq!(body, "");

        for (method, path) in [
            (Method::GET, "/pkg/app.000000.js"),
            (Method::GET, "/pkg/app.abc123.js.br"),
            (Method::GET, "/pkg/../favicon.svg"),
            (Method::POST, "/favicon.svg"),
        ] {
            let (status, _, body) = send(&files, method.clone(), path, &[]).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}");
            assert_eq!(body, "the app's 404 page", "{method} {path}");
        }
    }
}
