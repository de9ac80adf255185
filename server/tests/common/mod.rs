//! A real router over a fresh database, driven request by request.
#![allow(dead_code)]

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use app::domain::Role;
use app::services::current_user::{self, CurrentUser};
use app::services::testing::{self, TestDb};
use app::services::{sessions, two_step, AppState, Clock, Settings};
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub use app::services::testing::NOW;
/// What a browser says of a request from the Center's own pages.
pub const SAME_ORIGIN: (&str, &str) = ("sec-fetch-site", "same-origin");
#[allow(unused_imports)] // not every test file signs in
pub use app::services::testing::PASSWORD;

pub struct TestApp {
    pub t: TestDb,
    pub state: AppState,
    pub now: Arc<AtomicI64>,
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
        let now = Arc::new(AtomicI64::new(NOW));
        let clock_now = now.clone();
        let mut settings = testing::settings();
        configure(&mut settings);
        let clock = Clock::from_fn(move || clock_now.load(Ordering::SeqCst));
        let state = testing::state(&t.db, settings, clock);
        TestApp { t, state, now }
    }

    pub fn advance(&self, seconds: i64) {
        self.now.fetch_add(seconds, Ordering::SeqCst);
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

    /// Registers Contoso and returns the invitation link's token.
    pub async fn invite_contoso(&self) -> String {
        testing::invite_contoso(&self.state.db, &self.state.settings, self.state.clock.now()).await
    }

    /// The user `id`, as the server sees them once signed in.
    pub async fn user(&self, id: i64) -> CurrentUser {
        current_user::load(&self.state.db, id)
            .await
            .expect("load")
            .expect("the user exists")
    }

    /// A session cookie for user `id`, as if they had signed in.
    pub async fn cookie_for(&self, id: i64) -> String {
        let secret = sessions::create(&self.state.db, id, self.state.clock.now())
            .await
            .expect("session");
        format!("bc_session={secret}")
    }

    /// A member of Contoso holding `roles`, invited by `by`, signed up and
    /// signed in: the user and their cookie.
    pub async fn member(
        &self,
        by: &CurrentUser,
        email: &str,
        roles: &[Role],
    ) -> (CurrentUser, String) {
        let state = &self.state;
        let user = testing::member(
            &state.db,
            &state.settings,
            &state.hasher,
            state.clock.now(),
            by,
            email,
            roles,
        )
        .await;
        let cookie = self.cookie_for(user.id).await;
        (user, cookie)
    }

    /// Contoso with Harry signed up; returns his user id.
    pub async fn harry(&self) -> i64 {
        testing::sign_up_harry(
            &self.state.db,
            &self.state.settings,
            &self.state.hasher,
            self.state.clock.now(),
        )
        .await
    }

    /// Turns on two-step verification for `user` as the Two-step page
    /// does (start, then the first code); returns the authenticator key.
    pub async fn turn_on_two_step(&self, user: &CurrentUser) -> String {
        two_step::start(&self.state.db, user).await.expect("start");
        let key = two_step::view(&self.state.db, user)
            .await
            .expect("view")
            .setup
            .expect("a key to set up")
            .secret
            .replace(' ', "");
        let code = two_step::totp::code_at(&key, self.state.clock.now()).expect("code");
        two_step::confirm(&self.state, &testing::actor(user), &code)
            .await
            .expect("turned on");
        key
    }

    pub async fn close(self) {
        let _ = std::fs::remove_dir_all(&self.state.settings.downloads_dir);
        self.t.close().await;
    }
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
