//! The HTTP surface: pages and server functions from the app crate, the
//! language switch, the development mailbox (demo only), and the guards
//! (see `guards`) every request passes.

use app::services::outbox;
use std::convert::Infallible;
use std::sync::LazyLock;

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use leptos::prelude::{provide_context, use_context};
use leptos_axum::{
    generate_route_list, render_app_to_stream_in_order_with_context, AxumRouteListing, LeptosRoutes,
};
use serde::Deserialize;
use tracing::Instrument;

use app::domain::Lang;
use app::http::client::CspNonce;
use app::http::cookies::Cookie;
use app::services::{accounts, sessions, templates, AppState};

use crate::guards;

/// The app's pages, listed once per process. Listing renders the whole
/// app with resource loading suppressed through a process-wide flag
/// (leptos#4773), so listing them again while another router renders a
/// page in the same process makes that page's resources wait forever.
static ROUTES: LazyLock<Vec<AxumRouteListing>> = LazyLock::new(|| generate_route_list(app::App));

/// The address pattern of every page of the app, as the router serves
/// them (`/invitation/{token}`).
pub fn page_paths() -> impl Iterator<Item = &'static str> {
    ROUTES.iter().map(AxumRouteListing::path)
}

pub fn router(state: AppState) -> Router {
    let routes = ROUTES.clone();
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            // The nonce the guard put in this response's CSP, for the
            // hydration scripts (Leptos would otherwise make its own).
            let nonce = use_context::<axum::http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<CspNonce>().cloned());
            if let Some(CspNonce(nonce)) = nonce {
                provide_context(leptos::nonce::Nonce::from_value(nonce));
            }
        }
    };
    let shell = {
        let options = state.leptos_options.clone();
        move || app::shell(options.clone())
    };
    // Files whose fetching writes the audit log: another site must not
    // be able to make a signed-in browser fetch them (an <img src>).
    let files = Router::new()
        .route("/downloads/{file}", get(crate::files::download))
        .route("/reports/{file}", get(crate::files::export_report))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            guards::same_origin_only,
        ));
    let mut router = Router::new()
        .route("/language", post(set_language))
        .route("/health", get(health))
        .route(
            app::services::sso::flow::CALLBACK_PATH,
            get(crate::sso::callback),
        )
        .merge(files)
        .merge(crate::api_v1::router())
        .merge(crate::scim::router(state.clone()));
    if state.settings.dev_mailbox {
        router = router.route("/dev/mailbox", get(dev_mailbox));
    }
    // Anything else is a file of the site, or else the app's 404 page,
    // rendered without looking for the file a second time.
    let render = render_app_to_stream_in_order_with_context(context.clone(), shell.clone());
    let not_found = tower::service_fn(move |request: Request| {
        let render = render.clone();
        async move {
            let mut response = render(request).await;
            // A redirect the page asked for (a 302) stays one.
            if response.status() == StatusCode::OK {
                *response.status_mut() = StatusCode::NOT_FOUND;
            }
            Ok::<_, Infallible>(response)
        }
    });
    router
        .leptos_routes_with_context(&state, routes, context, shell)
        .fallback_service(crate::assets::site_files(&state.leptos_options, not_found))
        .layer(middleware::from_fn(guards::server_fn_error_status))
        .layer(middleware::from_fn(guards::file_uploads_have_a_boundary))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guards::refuse_cross_site,
        ))
        .layer(middleware::from_fn(guards::limit_body))
        .layer(guards::timeouts())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guards::client_address,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guards::security_headers,
        ))
        .layer(middleware::from_fn(guards::allowed_methods))
        // Pages, server function answers and exports, on the fly; the
        // site's files come precompressed and pass through as they are.
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(middleware::from_fn(log_request))
        .with_state(state)
}

async fn health(State(state): State<AppState>) -> Response {
    match sqlx::query("SELECT 1").execute(&state.db).await {
        Ok(_) => (StatusCode::OK, "ok").into_response(),
        Err(error) => {
            tracing::error!(%error, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

#[derive(Deserialize)]
struct LanguageChoice {
    lang: String,
    #[serde(default)]
    next: String,
}

/// The language switch: a cookie for everyone, and the preference of a
/// signed-in user so that their emails follow too.
async fn set_language(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Form(choice): Form<LanguageChoice>,
) -> Response {
    let Ok(lang) = Lang::parse(&choice.lang) else {
        return (StatusCode::BAD_REQUEST, "Unknown language.").into_response();
    };
    if let Some(secret) = Cookie::Session.read(&state.settings, &headers) {
        let signed_in = sessions::user_of(&state, &secret).await;
        if let Ok(Some(user_id)) = signed_in {
            if let Err(error) = accounts::set_language(&state, user_id, lang).await {
                tracing::warn!(?error, "could not save the preferred language");
            }
        }
    }
    let mut response = Redirect::to(local_path(&choice.next)).into_response();
    if let Ok(cookie) = HeaderValue::from_str(&Cookie::Lang.set(&state.settings, lang.code())) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// `next` if it is a path on this site, else the home page: the switch
/// must not become an open redirect.
fn local_path(next: &str) -> &str {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    if local {
        next
    } else {
        "/"
    }
}

/// The development mailbox: what the Center would have sent, newest first.
async fn dev_mailbox(State(state): State<AppState>) -> Response {
    let page = outbox::recent(&state, 50).await.and_then(|entries| {
        let public = state.settings.link("/");
        let mails: Vec<templates::MailboxMail> = entries
            .into_iter()
            .map(|entry| templates::MailboxMail {
                subject: entry.subject,
                to: entry.to_email,
                status: entry.status,
                when: Lang::En.format_date(entry.created_at),
                body: templates::body_parts(&entry.body_text, &public),
            })
            .collect();
        templates::dev_mailbox(&mails)
    });
    match page {
        Ok(page) => Html(page).into_response(),
        Err(error) => (
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            error.to_string(),
        )
            .into_response(),
    }
}

/// One line per request at info level: method, route (the pattern, so an
/// invitation's token never reaches the log), status and latency, under a
/// request id that the response carries in `X-Request-Id` and that an
/// internal error's reference repeats.
async fn log_request(request: Request, next: Next) -> Response {
    let id = app::services::new_reference();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|path| path.as_str().to_owned())
        .unwrap_or_else(|| request.uri().path().to_owned());
    let started = std::time::Instant::now();
    // `user` is filled in once the session is read (`http::Ctx`).
    let span = tracing::info_span!("request", id = %id, user = tracing::field::Empty);
    let mut response = app::services::REQUEST_ID
        .scope(id.clone(), next.run(request).instrument(span.clone()))
        .await;
    let status = response.status().as_u16();
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| {
        tracing::info!(%method, %route, status, latency_ms = format!("{latency_ms:.1}"), "request");
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .insert(HeaderName::from_static("x-request-id"), value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path("/dashboard"), "/dashboard");
        assert_eq!(local_path("/invitation/abc"), "/invitation/abc");
        assert_eq!(local_path("//evil.example"), "/");
        assert_eq!(local_path("https://evil.example"), "/");
        assert_eq!(local_path("/\\evil.example"), "/");
        assert_eq!(local_path(""), "/");
    }
}
