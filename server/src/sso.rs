//! Where an organization's OpenID Connect provider sends the browser back
//! (`/sso/callback`): the sign-in waiting for it is taken (once, and only
//! by the browser that started it), the provider's answer checked
//! (`app::services::sso::flow`), and the person signed in, or the admin's
//! test recorded, or the reason shown on a page that names it.

use axum::extract::{Query, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;

use app::api::auth::session_cookies;
use app::http::client::ClientAddress;
use app::http::cookies::Cookie;
use app::services::audit;
use app::services::sso::flow::{self, Callback, Purpose, Refusal};
use app::services::sso::link::{self, Outcome};
use app::services::AppState;

/// The page a finished sign-in through the provider lands on, with the
/// cookies it sets.
pub async fn callback(
    State(state): State<AppState>,
    client: Option<Extension<ClientAddress>>,
    headers: HeaderMap,
    Query(callback): Query<Callback>,
) -> Response {
    let client = client.map(|Extension(ClientAddress(address))| address);
    let mut cookies = vec![Cookie::SsoState.expire(&state.settings)];
    let cookie = Cookie::SsoState.read(&state.settings, &headers);
    let target = match finish(&state, client, &headers, &callback, cookie.as_deref()).await {
        Ok((target, session)) => {
            cookies.extend(session);
            target
        }
        Err(error) => {
            tracing::error!(?error, "single sign-on callback failed");
            "/sign-in?sso=failed".to_owned()
        }
    };
    let mut response = Redirect::to(&target).into_response();
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// Where to send the browser, and the session's cookies if one started.
async fn finish(
    state: &AppState,
    client: Option<std::net::IpAddr>,
    headers: &HeaderMap,
    callback: &Callback,
    cookie: Option<&str>,
) -> Result<(String, Vec<String>), app::error::AppError> {
    let Some(pending) = flow::take(state, callback.state.as_deref(), cookie).await? else {
        tracing::info!("single sign-on callback without a sign-in waiting for it");
        return Ok((failure_page(&Refusal::UnknownState), Vec::new()));
    };
    let outcome = match flow::verify(state, &pending, callback).await {
        Ok(identity) => link::complete(state, &pending, &identity, client).await?,
        Err(refusal) => link::refuse(state, &pending, refusal, client).await?,
    };
    let test = matches!(pending.purpose, Purpose::Test { .. });
    Ok(match outcome {
        Outcome::SignedIn(user_id) => {
            let address = audit::describe_client(client);
            let set = session_cookies(state, user_id, headers, &address).await?;
            ("/dashboard".to_owned(), set)
        }
        Outcome::Tested => ("/single-sign-on?test=passed".to_owned(), Vec::new()),
        Outcome::Refused(refusal) if test => (
            format!("/single-sign-on?test={}", refusal.key()),
            Vec::new(),
        ),
        Outcome::Refused(refusal) => (failure_page(&refusal), Vec::new()),
    })
}

/// The sign-in page, saying what went wrong (and naming the provider
/// that did not answer).
fn failure_page(refusal: &Refusal) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("sso", refusal.key());
    if let Refusal::Unreachable(host) = refusal {
        query.append_pair("provider", host);
    }
    format!("/sign-in?{}", query.finish())
}
