//! What the Center serves as files rather than pages: software downloads
//! (streamed from disk, resumable with HTTP Range) and CSV report exports
//! (streamed from the database). Access is checked on every request.

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeFile;

use app::domain::Report;
use app::error::AppError;
use app::http::Ctx;
use app::services::{products, reports, AppState};

/// `GET /downloads/{file}`: one file of software the organization has
/// ordered, to a role that may download software.
pub async fn download(
    State(state): State<AppState>,
    Path(file): Path<String>,
    mut request: Request,
) -> Response {
    let Ok(file_id) = file.parse::<i64>() else {
        return refusal(AppError::NotFound);
    };
    let cx = match Ctx::of_request(state, request.headers(), request.extensions()).await {
        Ok(cx) => cx,
        Err(error) => return signed_out(&request, error),
    };
    let download = match products::file_for_download(cx.state(), cx.actor(), file_id).await {
        Ok(download) => download,
        Err(error) => return refusal(error),
    };
    // Files are named by their content, so the hash is a strong validator:
    // a resumed download continues only the very same content.
    let etag = format!("\"{}\"", download.sha256);
    let resumes_other_content = request
        .headers()
        .get(header::IF_RANGE)
        .is_some_and(|validator| validator.as_bytes() != etag.as_bytes());
    if resumes_other_content {
        request.headers_mut().remove(header::RANGE);
    }
    let Ok(response) = ServeFile::new(&download.path).oneshot(request).await;
    if response.status() == StatusCode::NOT_FOUND {
        return refusal(app::services::internal(format!(
            "download {file_id}: {} is missing from DOWNLOADS_DIR",
            download.path.display()
        )));
    }
    let mut response = response.map(Body::new);
    let headers = response.headers_mut();
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, etag);
    }
    headers.insert(header::CONTENT_DISPOSITION, attachment(&download.name));
    response
}

/// `GET /reports/{report}.csv`: a report of the organization, streamed.
pub async fn export_report(
    State(state): State<AppState>,
    Path(file): Path<String>,
    request: Request,
) -> Response {
    let Some(report) = file.strip_suffix(".csv").and_then(Report::from_slug) else {
        return refusal(AppError::NotFound);
    };
    let cx = match Ctx::of_request(state, request.headers(), request.extensions()).await {
        Ok(cx) => cx,
        Err(error) => return signed_out(&request, error),
    };
    let export = match reports::export(cx.state(), cx.actor(), report).await {
        Ok(export) => export,
        Err(error) => return refusal(error),
    };
    // A receiver may be polled again after it ended (a compressing body
    // does), which an `unfold` stream would panic on.
    let mut receiver = export.chunks;
    let chunks = futures::stream::poll_fn(move |cx| receiver.poll_recv(cx));
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (header::CONTENT_DISPOSITION, attachment(&export.file_name)),
        ],
        Body::from_stream(chunks),
    )
        .into_response()
}

/// A browser following a link after its session ended goes to sign in;
/// a script gets the status.
fn signed_out(request: &Request, error: AppError) -> Response {
    let browser = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if browser && error == AppError::Unauthenticated {
        return axum::response::Redirect::to("/sign-in").into_response();
    }
    refusal(error)
}

/// The error as a status and a sentence (these are files, not pages).
fn refusal(error: AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, error.summary(app::domain::Lang::En)).into_response()
}

/// `Content-Disposition: attachment` with the file's name: plain ASCII for
/// old clients, and the exact UTF-8 name for the others (RFC 6266).
fn attachment(name: &str) -> HeaderValue {
    let plain: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
                (byte as char).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect();
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{plain}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_survive_the_header() {
        assert_eq!(
            attachment("office 2024.iso"),
            "attachment; filename=\"office 2024.iso\"; filename*=UTF-8''office%202024.iso"
        );
        assert_eq!(
            attachment("rapport \"é\".csv"),
            "attachment; filename=\"rapport ___.csv\"; filename*=UTF-8''rapport%20%22%C3%A9%22.csv"
        );
    }
}
