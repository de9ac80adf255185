//! The answer a form gets: a form posted without script is sent on to a
//! page (`303 See Other`); the app's own call gets data, and an address
//! its router follows without loading a document.

use axum::http::header::{ACCEPT, LOCATION};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

/// Whether this call is a form the browser posted without script, to be
/// answered with a page rather than with data.
pub fn is_plain_form() -> bool {
    use_context::<Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(ACCEPT)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.contains("text/html"))
    })
}

/// Sends the person on to `path`, the page that shows the answer: a form
/// posted without script gets a `303 See Other` there; the app's own call
/// gets its data, and the header on which Leptos' router goes to `path`
/// in the browser, without loading a document. A script calling the
/// server function may ignore both.
pub fn answer_at(path: &str) {
    let Some(response) = use_context::<ResponseOptions>() else {
        return;
    };
    let Ok(location) = HeaderValue::from_str(path) else {
        return;
    };
    response.insert_header(LOCATION, location);
    if is_plain_form() {
        response.set_status(StatusCode::SEE_OTHER);
    } else {
        response.insert_header(
            HeaderName::from_static(leptos::server_fn::redirect::REDIRECT_HEADER),
            HeaderValue::from_static(""),
        );
    }
}
