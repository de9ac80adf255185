//! An OpenID provider served in-process on loopback for the single
//! sign-on tests: discovery, keys and a token endpoint that hands out the
//! ID token each test makes by hand; and the steps of a sign-in through it.

use std::sync::{Arc, Mutex};

use app::domain::Role;
use app::services::audit::Actor;
use app::services::sso::{self, ConnectionInput, Switch};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use openidconnect::core::{
    CoreGenderClaim, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreRsaPrivateSigningKey,
};
use openidconnect::{
    Audience, EndUserEmail, IdToken, IdTokenClaims, IssuerUrl, JsonWebKeyId, JsonWebKeySet, Nonce,
    PrivateSigningKey, StandardClaims, SubjectIdentifier,
};
use serde_json::json;

use super::{Reply, TestApp};
use app::services::sso::flow::ExtraClaims;

pub const KEY_A: &str = include_str!("../fixtures/sso-key-a.pem");
pub const KEY_B: &str = include_str!("../fixtures/sso-key-b.pem");
pub const CLIENT_ID: &str = "business-center";

/// A key the provider signs with, under its `kid`.
pub fn key(pem: &str, kid: &str) -> CoreRsaPrivateSigningKey {
    CoreRsaPrivateSigningKey::from_pem(pem, Some(JsonWebKeyId::new(kid.to_owned())))
        .expect("a test key")
}

/// What the provider answers, changed by the tests as they go.
pub struct Provider {
    pub issuer: String,
    /// The issuer its discovery document announces (Entra's template).
    pub announced: String,
    pub keys: Vec<CoreJsonWebKey>,
    pub next_token: Option<String>,
}

pub type Shared = Arc<Mutex<Provider>>;

async fn serve(State(provider): State<Shared>, request: axum::extract::Request) -> Response {
    let path = request.uri().path().to_owned();
    let provider = provider.lock().expect("provider").clone_view();
    if path.ends_with("/.well-known/openid-configuration") {
        let base = provider.issuer.clone();
        return Json(json!({
            "issuer": provider.announced,
            "authorization_endpoint": format!("{base}/authorize"),
            "token_endpoint": format!("{base}/token"),
            "jwks_uri": format!("{base}/jwks"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }))
        .into_response();
    }
    if path.ends_with("/jwks") {
        return Json(JsonWebKeySet::new(provider.keys)).into_response();
    }
    if path.ends_with("/token") {
        return Json(json!({
            "access_token": "access",
            "token_type": "Bearer",
            "expires_in": 3600,
            "id_token": provider.next_token.unwrap_or_default(),
        }))
        .into_response();
    }
    axum::http::StatusCode::NOT_FOUND.into_response()
}

impl Provider {
    fn clone_view(&self) -> Provider {
        Provider {
            issuer: self.issuer.clone(),
            announced: self.announced.clone(),
            keys: self.keys.clone(),
            next_token: self.next_token.clone(),
        }
    }
}

/// Starts a provider on loopback whose issuer is `http://127.0.0.1:<port>`
/// followed by `path` (empty, or Entra's `/organizations/v2.0`), with
/// key A; `announced` replaces the issuer its document names.
pub async fn start_provider(path: &str, announced: Option<&str>) -> Shared {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let issuer = format!("{base}{path}");
    let provider = Arc::new(Mutex::new(Provider {
        announced: announced.map_or(issuer.clone(), |a| format!("{base}{a}")),
        issuer,
        keys: vec![key(KEY_A, "a").as_verification_key()],
        next_token: None,
    }));
    let router = axum::Router::new()
        .fallback(serve)
        .with_state(provider.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    provider
}

/// The claims of one hand-made ID token.
#[derive(Clone)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub email: String,
    pub verified: Option<bool>,
    pub issued: i64,
    pub expires: i64,
    pub nonce: String,
    pub extra: ExtraClaims,
}

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).expect("a time")
}

pub fn sign(claims: &Claims, key: &CoreRsaPrivateSigningKey) -> String {
    let standard = StandardClaims::new(SubjectIdentifier::new(claims.sub.clone()))
        .set_email(Some(EndUserEmail::new(claims.email.clone())))
        .set_email_verified(claims.verified);
    let claims = IdTokenClaims::<ExtraClaims, CoreGenderClaim>::new(
        IssuerUrl::new(claims.iss.clone()).expect("issuer"),
        vec![Audience::new(claims.aud.clone())],
        at(claims.expires),
        at(claims.issued),
        standard,
        claims.extra.clone(),
    )
    .set_nonce(Some(Nonce::new(claims.nonce.clone())));
    IdToken::<
        ExtraClaims,
        CoreGenderClaim,
        CoreJweContentEncryptionAlgorithm,
        CoreJwsSigningAlgorithm,
    >::new(
        claims,
        key,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        None,
        None,
    )
    .expect("signed")
    .to_string()
}

/// Contoso's provider connected to contoso.com (verified) and turned on
/// by Harry, its Account Admin.
pub async fn connect(app: &TestApp, issuer: &str, create_accounts: bool) -> Actor {
    let harry = app.harry().await;
    app.verified_domain(harry.user.organization_id, "contoso.com")
        .await;
    let input = ConnectionInput {
        issuer: issuer.to_owned(),
        client_id: CLIENT_ID.to_owned(),
        client_secret: "client-secret".to_owned(),
        domains: vec!["contoso.com".to_owned()],
        create_accounts,
        create_roles: vec![Role::ReportViewer.key().to_owned()],
    };
    sso::save(&app.state, &harry, input).await.expect("saved");
    sso::switch(&app.state, &harry, Switch::Enabled(true))
        .await
        .expect("on");
    harry
}

/// A sign-in sent to the provider: the state cookie, and the state and
/// nonce the provider would see.
pub struct SentAway {
    pub cookie: String,
    pub state: String,
    pub nonce: String,
}

pub async fn send_away(app: &TestApp, email: &str) -> SentAway {
    // Posted without script, the form is sent on to the provider.
    let reply = app.sign_in(email, "", &[("accept", "text/html")]).await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let location = url::Url::parse(reply.header("location").expect("to the provider"))
        .expect("an absolute address");
    let param = |name: &str| {
        location
            .query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
            .unwrap_or_else(|| panic!("{name} in {location}"))
    };
    assert_eq!(param("login_hint"), email);
    assert_eq!(param("code_challenge_method"), "S256");
    let name = "__Host-bc_sso";
    SentAway {
        cookie: format!("{name}={}", reply.cookie(name).expect("state cookie")),
        state: param("state"),
        nonce: param("nonce"),
    }
}

/// The provider sends the browser back with `token` waiting at its token
/// endpoint; answers where the Center sends the browser then.
pub async fn come_back(app: &TestApp, provider: &Shared, away: &SentAway, token: String) -> Reply {
    provider.lock().expect("provider").next_token = Some(token);
    let path = format!("/sso/callback?code=the-code&state={}", away.state);
    app.get(&path, Some(&away.cookie)).await
}

/// Good claims for `email` at `provider`, answering `away`.
pub fn claims(app: &TestApp, provider: &Shared, away: &SentAway, sub: &str, email: &str) -> Claims {
    let now = app.time();
    Claims {
        iss: provider.lock().expect("provider").issuer.clone(),
        aud: CLIENT_ID.to_owned(),
        sub: sub.to_owned(),
        email: email.to_owned(),
        verified: Some(true),
        issued: now,
        expires: now + 300,
        nonce: away.nonce.clone(),
        extra: ExtraClaims::default(),
    }
}

pub async fn audited(app: &TestApp, action: &str) -> Vec<String> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT subject_email, detail FROM audit_log WHERE action = $1 ORDER BY id")
            .bind(action)
            .fetch_all(app.db())
            .await
            .expect("audit");
    rows.into_iter()
        .map(|(who, detail)| format!("{who}: {detail}"))
        .collect()
}
