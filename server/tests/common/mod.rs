//! A real router over a fresh database, driven request by request.
#![allow(dead_code)]

pub mod oidc;

use app::domain::Role;
use app::services::current_user::CurrentUser;
use app::services::testing::{self, TestDb};
use app::services::{two_step, Settings};
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// What a browser says of a request from the Center's own pages.
pub const SAME_ORIGIN: (&str, &str) = ("sec-fetch-site", "same-origin");
#[allow(unused_imports)] // not every test file signs in
pub use app::services::testing::PASSWORD;

/// The service tests' [`testing::TestApp`] (state, clock, people), driven
/// through the real router.
pub struct TestApp(testing::TestApp);

impl std::ops::Deref for TestApp {
    type Target = testing::TestApp;
    fn deref(&self) -> &testing::TestApp {
        &self.0
    }
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .map(str::to_owned)
            .collect()
    }

    /// The value a `Set-Cookie` gives `name`.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies().iter().find_map(|cookie| {
            cookie
                .split(';')
                .next()
                .and_then(|pair| pair.split_once('='))
                .filter(|(key, _)| *key == name)
                .map(|(_, value)| value.to_owned())
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

impl TestApp {
    pub async fn new(t: TestDb, public_url: &str, dev_mailbox: bool) -> TestApp {
        Self::configured(t, |settings| {
            settings.public_url = url::Url::parse(public_url).expect("valid URL");
            settings.dev_mailbox = dev_mailbox;
        })
        .await
    }

    /// A router with the test settings as `configure` changes them.
    pub async fn configured(t: TestDb, configure: impl FnOnce(&mut Settings)) -> TestApp {
        TestApp(testing::TestApp::configured(t, configure))
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        // A hang must fail the test, not stall the whole run.
        let response = tokio::time::timeout(
            std::time::Duration::from_secs(60),
            server::router(self.state.clone()).oneshot(request),
        )
        .await
        .expect("the router answers within a minute")
        .expect("the router always answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("read the body")
            .to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        // As a browser navigates: it asks for HTML.
        let mut request = Request::builder()
            .method(Method::GET)
            .uri(path)
            .header("accept", "text/html,application/xhtml+xml");
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        self.send(request.body(Body::empty()).expect("request"))
            .await
    }

    /// A form post as the app's own pages send it.
    pub async fn post_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Reply {
        let body = form
            .iter()
            .map(|(key, value)| format!("{key}={}", encode(value)))
            .collect::<Vec<_>>()
            .join("&");
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header("content-type", "application/x-www-form-urlencoded");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Body::from(body)).expect("request"))
            .await
    }

    /// The sign-in form posted as the app's own page sends it, with
    /// `extra` headers.
    pub async fn sign_in(&self, email: &str, password: &str, extra: &[(&str, &str)]) -> Reply {
        let mut headers = vec![SAME_ORIGIN];
        headers.extend_from_slice(extra);
        self.post_form(
            "/api/sign_in",
            &[("email", email), ("password", password)],
            &headers,
        )
        .await
    }

    /// A server function called as the app's pages call it, by the
    /// holder of `cookie`.
    pub async fn call(&self, cookie: &str, endpoint: &str, form: &[(&str, &str)]) -> Reply {
        self.post_form(
            &format!("/api/{endpoint}"),
            form,
            &[SAME_ORIGIN, ("cookie", cookie)],
        )
        .await
    }

    /// The user `id`, as the server sees them once signed in.
    pub async fn user(&self, id: i64) -> CurrentUser {
        self.load(id).await
    }

    /// A session cookie for user `id`, as if they had signed in.
    pub async fn cookie_for(&self, id: i64) -> String {
        format!("bc_session={}", self.session_for(id).await)
    }

    /// A member of Contoso holding `roles`, invited by `by`, signed up and
    /// signed in: the user and their cookie.
    pub async fn signed_in_member(
        &self,
        by: &CurrentUser,
        email: &str,
        roles: &[Role],
    ) -> (CurrentUser, String) {
        let member = self.member(&testing::actor(by), email, roles).await;
        let cookie = self.cookie_for(member.user.id).await;
        (member.user, cookie)
    }

    /// Turns on two-step verification for `user` as the Two-step page
    /// does (start, then the first code); returns the authenticator key.
    pub async fn turn_on_two_step(&self, user: &CurrentUser) -> String {
        let actor = testing::actor(user);
        two_step::start(&self.state, &actor).await.expect("start");
        let key = two_step::view(&self.state, &actor)
            .await
            .expect("view")
            .setup
            .expect("a key to set up")
            .secret
            .replace(' ', "");
        let code = two_step::totp::code_at(&key, self.state.clock.now()).expect("code");
        two_step::confirm(&self.state, &actor, &code, PASSWORD)
            .await
            .expect("turned on");
        key
    }

    pub async fn close(self) {
        self.0.close().await;
    }
}

/// How many invitations were ever sent to `email`, whatever became of them.
pub async fn pending_for(app: &TestApp, email: &str) -> i64 {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM invitations WHERE email = $1")
        .bind(email)
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    count
}

pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}
