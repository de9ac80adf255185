//! The OpenID Connect authorization code flow with PKCE, `state` and
//! `nonce`, through `openidconnect`, and every check of the ID token:
//! signature against the provider's keys (fetched fresh at each callback,
//! so a rotated `kid` is found), `iss` (Entra ID's `{tenantid}` template
//! against the token's `tid`), `aud`, `exp`/`iat` with a minute of
//! leeway, `nonce`, and a proof of the address: `email_verified`, Google's
//! `hd`, or Entra's tenant bound to the connection.

use std::sync::OnceLock;
use std::time::Duration;

use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm, CoreProviderMetadata,
};
use openidconnect::{
    AdditionalClaims, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret,
    CsrfToken, IdToken, IdTokenVerifier, IssuerUrl, JsonWebKeySet, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, SignatureVerificationError, TokenResponse,
};
use serde::{Deserialize, Serialize};

use super::super::secrets::Purpose as SecretPurpose;
use super::super::{outbound, random_secret, sha256_hex, AppState, Settings};
use super::Connection;
use crate::domain::{Email, Problem};
use crate::error::AppError;

/// Where providers send people back; registered at the provider.
pub const CALLBACK_PATH: &str = "/sso/callback";
/// How long a sign-in may stay at the provider.
pub const LOGIN_SECS: i64 = 10 * 60;
/// How far the provider's clock may be from ours.
const LEEWAY_SECS: i64 = 60;
/// The longest the Center waits for a provider's answer.
const TIMEOUT_SECS: u64 = 10;
/// The most a discovery document or key set may weigh.
const MAX_DOCUMENT: usize = 256 * 1024;
/// Entra ID's multi-tenant issuer template.
const TENANT_TEMPLATE: &str = "{tenantid}";

/// The redirect URI to register at the provider.
pub fn redirect_uri(settings: &Settings) -> String {
    settings.link(CALLBACK_PATH)
}

/// The claims beyond the standard ones that prove who someone is.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ExtraClaims {
    /// Entra ID: the tenant, and the user's stable id within it.
    pub tid: Option<String>,
    pub oid: Option<String>,
    /// Google Workspace: the domain the account belongs to.
    pub hd: Option<String>,
}

impl AdditionalClaims for ExtraClaims {}

type Token = IdToken<
    ExtraClaims,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

/// Why a sign-in through the provider did not sign anyone in; each is
/// audited under its own key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The provider did not answer (or not as a provider): its host.
    Unreachable(String),
    /// The provider said no (`error=` in the callback): its code.
    ProviderError(String),
    /// No sign-in waits under this state in this browser: expired, used,
    /// or started elsewhere.
    UnknownState,
    /// RFC 9207: the `iss` of the response is not the provider's.
    ResponseIssuer,
    Signature,
    UnknownKey,
    Issuer,
    Audience,
    Expired,
    Nonce,
    /// Neither `email_verified` nor the provider's own proof of the domain.
    EmailUnverified,
    /// The address is not at one of the connection's domains.
    DomainNotServed,
    /// Entra ID: a token of another tenant than the connection's.
    OtherTenant,
    /// Nobody here with this identity, address or invitation, and no
    /// accounts are made at first sign-in.
    NoAccount,
    /// The account was deactivated.
    Deactivated,
    /// The account is linked to another identity at this provider.
    LinkedElsewhere,
    /// The token could not be read at all.
    Malformed,
}

impl Refusal {
    /// Its key in the audit log.
    pub fn key(&self) -> &'static str {
        match self {
            Refusal::Unreachable(_) => "provider_unreachable",
            Refusal::ProviderError(_) => "provider_error",
            Refusal::UnknownState => "unknown_state",
            Refusal::ResponseIssuer => "response_issuer",
            Refusal::Signature => "signature",
            Refusal::UnknownKey => "unknown_key",
            Refusal::Issuer => "issuer",
            Refusal::Audience => "audience",
            Refusal::Expired => "expired",
            Refusal::Nonce => "nonce",
            Refusal::EmailUnverified => "email_unverified",
            Refusal::DomainNotServed => "domain_not_served",
            Refusal::OtherTenant => "other_tenant",
            Refusal::NoAccount => "no_account",
            Refusal::Deactivated => "deactivated",
            Refusal::LinkedElsewhere => "linked_elsewhere",
            Refusal::Malformed => "malformed",
        }
    }
}

/// An issuer URL as an admin may give it: https (or, where the operator
/// allows private providers, http), no query or fragment.
pub fn parse_issuer(text: &str, allow_private: bool) -> Result<IssuerUrl, Problem> {
    let text = text.trim().trim_end_matches('/');
    let url = url::Url::parse(text).map_err(|_| Problem::SsoIssuerInvalid)?;
    let scheme_ok = url.scheme() == "https" || (allow_private && url.scheme() == "http");
    if !scheme_ok || url.host().is_none() || url.query().is_some() || url.fragment().is_some() {
        return Err(Problem::SsoIssuerInvalid);
    }
    IssuerUrl::new(text.to_owned()).map_err(|_| Problem::SsoIssuerInvalid)
}

fn http(settings: &Settings) -> Result<&'static reqwest::Client, AppError> {
    static PUBLIC: OnceLock<Result<reqwest::Client, String>> = OnceLock::new();
    static ANY: OnceLock<Result<reqwest::Client, String>> = OnceLock::new();
    let allow = settings.sso_allow_private;
    let cell = if allow { &ANY } else { &PUBLIC };
    cell.get_or_init(|| {
        outbound::client(
            "Business-Center-SSO",
            Duration::from_secs(TIMEOUT_SECS),
            allow,
        )
    })
    .as_ref()
    .map_err(super::super::internal)
}

/// A provider as discovered: its metadata with its current keys, and
/// whether its issuer is Entra ID's multi-tenant template.
pub struct Provider {
    metadata: CoreProviderMetadata,
    template: bool,
}

fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|url| url.host_str().map(str::to_owned))
        .unwrap_or_else(|| url.to_owned())
}

async fn get_json<T: serde::de::DeserializeOwned>(
    client: &reqwest::Client,
    url: &str,
) -> Result<T, String> {
    let response = client
        .get(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|error| outbound::describe(&error, TIMEOUT_SECS))?;
    if !response.status().is_success() {
        return Err(format!("{url} answered {}", response.status()));
    }
    let body = response.bytes().await.map_err(|error| error.to_string())?;
    if body.len() > MAX_DOCUMENT {
        return Err(format!("{url}: document too large"));
    }
    serde_json::from_slice(&body).map_err(|error| format!("{url}: {error}"))
}

/// Looks the provider up (its discovery document, then its keys); the
/// error names the provider's host.
pub async fn discover(state: &AppState, issuer: &IssuerUrl) -> Result<Provider, Refusal> {
    let host = host_of(issuer.as_str());
    let client = http(&state.settings).map_err(|_| Refusal::Unreachable(host.clone()))?;
    let unreachable = |error: String| {
        tracing::warn!(provider = %issuer.as_str(), %error, "single sign-on provider unreachable");
        Refusal::Unreachable(host.clone())
    };
    let document = format!(
        "{}/.well-known/openid-configuration",
        issuer.as_str().trim_end_matches('/')
    );
    let metadata: CoreProviderMetadata = get_json(client, &document).await.map_err(unreachable)?;
    let announced = metadata.issuer().as_str().trim_end_matches('/');
    let template = announced.contains(TENANT_TEMPLATE);
    if !template && announced != issuer.as_str().trim_end_matches('/') {
        return Err(unreachable(format!(
            "the document names another issuer: {announced}"
        )));
    }
    let keys: JsonWebKeySet<CoreJsonWebKey> = get_json(client, metadata.jwks_uri().as_str())
        .await
        .map_err(unreachable)?;
    Ok(Provider {
        metadata: metadata.set_jwks(keys),
        template,
    })
}

/// Why a sign-in is sent to the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    SignIn,
    /// An Account Admin's test connection: signs nobody in, changes
    /// nothing but the connection's "tested".
    Test {
        user_id: i64,
    },
    /// An invitation accepted by signing in with the provider.
    Invitation {
        invitation_id: i64,
    },
}

impl Purpose {
    fn stored(self) -> (&'static str, Option<i64>, Option<i64>) {
        match self {
            Purpose::SignIn => ("sign_in", None, None),
            Purpose::Test { user_id } => ("test", Some(user_id), None),
            Purpose::Invitation { invitation_id } => ("invitation", None, Some(invitation_id)),
        }
    }
}

/// A sign-in sent to the provider: where to send the browser, and the
/// state it keeps in a cookie until it comes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Started {
    pub url: String,
    pub state: String,
}

/// Sends `email` to `connection`'s provider; `AppError::ProviderUnreachable`
/// naming it when it does not answer.
pub async fn start(
    state: &AppState,
    connection: &Connection,
    purpose: Purpose,
    email: &Email,
) -> Result<Started, AppError> {
    let issuer = IssuerUrl::new(connection.issuer.clone()).map_err(super::super::internal)?;
    let provider = discover(state, &issuer)
        .await
        .map_err(|refusal| match refusal {
            Refusal::Unreachable(host) => AppError::ProviderUnreachable(host),
            other => super::super::internal(other.key()),
        })?;
    let client = CoreClient::from_provider_metadata(
        provider.metadata,
        ClientId::new(connection.client_id.clone()),
        None,
    )
    .set_redirect_uri(
        RedirectUrl::new(redirect_uri(&state.settings)).map_err(super::super::internal)?,
    );
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let csrf = random_secret();
    let nonce = random_secret();
    let (url, _, _) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            {
                let csrf = csrf.clone();
                move || CsrfToken::new(csrf)
            },
            {
                let nonce = nonce.clone();
                move || Nonce::new(nonce)
            },
        )
        .add_scope(Scope::new("email".to_owned()))
        .add_scope(Scope::new("profile".to_owned()))
        .add_extra_param("login_hint", email.as_str())
        .set_pkce_challenge(challenge)
        .url();
    let (kind, user_id, invitation_id) = purpose.stored();
    let now = state.clock.now();
    sqlx::query("DELETE FROM sso_logins WHERE expires_at <= $1")
        .bind(now)
        .execute(&state.db)
        .await?;
    sqlx::query(
        "INSERT INTO sso_logins (state_hash, connection_id, purpose, email, user_id, \
         invitation_id, nonce, pkce_verifier, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(sha256_hex(csrf.as_bytes()))
    .bind(connection.id)
    .bind(kind)
    .bind(email.as_str())
    .bind(user_id)
    .bind(invitation_id)
    .bind(&nonce)
    .bind(verifier.secret())
    .bind(now + LOGIN_SECS)
    .execute(&state.db)
    .await?;
    Ok(Started {
        url: url.to_string(),
        state: csrf,
    })
}

/// What the provider sent the browser back with.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    /// RFC 9207.
    pub iss: Option<String>,
    pub error: Option<String>,
}

/// A sign-in that was waiting for the provider.
#[derive(Debug, Clone)]
pub struct Pending {
    pub connection: Connection,
    pub purpose: Purpose,
    pub email: String,
    nonce: String,
    verifier: String,
}

#[derive(sqlx::FromRow)]
struct PendingRow {
    connection_id: i64,
    purpose: String,
    email: String,
    user_id: Option<i64>,
    invitation_id: Option<i64>,
    nonce: String,
    pkce_verifier: String,
}

/// Takes the sign-in waiting under `state` (once: a replayed callback
/// finds nothing), if this browser started it (`cookie`).
pub async fn take(
    state: &AppState,
    callback_state: Option<&str>,
    cookie: Option<&str>,
) -> Result<Option<Pending>, AppError> {
    let (Some(callback_state), Some(cookie)) = (callback_state, cookie) else {
        return Ok(None);
    };
    if sha256_hex(callback_state.as_bytes()) != sha256_hex(cookie.as_bytes()) {
        return Ok(None);
    }
    let mut conn = state.db.acquire().await?;
    let row: Option<PendingRow> = sqlx::query_as(
        "DELETE FROM sso_logins WHERE state_hash = $1 AND expires_at > $2 \
         RETURNING connection_id, purpose, email, user_id, invitation_id, nonce, pkce_verifier",
    )
    .bind(sha256_hex(callback_state.as_bytes()))
    .bind(state.clock.now())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let Some(connection) = super::by_id(&mut conn, row.connection_id).await? else {
        return Ok(None);
    };
    let purpose = match (row.purpose.as_str(), row.user_id, row.invitation_id) {
        ("test", Some(user_id), _) => Purpose::Test { user_id },
        ("invitation", _, Some(invitation_id)) => Purpose::Invitation { invitation_id },
        _ => Purpose::SignIn,
    };
    Ok(Some(Pending {
        connection,
        purpose,
        email: row.email,
        nonce: row.nonce,
        verifier: row.pkce_verifier,
    }))
}

/// Who the provider says signed in, once every check passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The token's issuer (Entra's template filled in with the tenant).
    pub issuer: String,
    /// The provider's stable id: Entra's `oid`, otherwise `sub`.
    pub subject: String,
    pub email: Email,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// Entra ID's tenant, when the token names one.
    pub tenant: Option<String>,
}

/// Exchanges the callback's code and checks the ID token it brings.
pub async fn verify(
    state: &AppState,
    pending: &Pending,
    callback: &Callback,
) -> Result<Identity, Refusal> {
    if let Some(error) = &callback.error {
        let code: String = error
            .chars()
            .filter(char::is_ascii_graphic)
            .take(64)
            .collect();
        return Err(Refusal::ProviderError(code));
    }
    let code = callback.code.clone().ok_or(Refusal::Malformed)?;
    let connection = &pending.connection;
    let issuer = IssuerUrl::new(connection.issuer.clone()).map_err(|_| Refusal::Malformed)?;
    let provider = discover(state, &issuer).await?;
    let host = host_of(issuer.as_str());
    // RFC 9207: when the provider names itself in the response, it must
    // be the one this sign-in was sent to (a mix-up attack otherwise).
    if let Some(iss) = &callback.iss {
        let announced = provider.metadata.issuer().as_str().trim_end_matches('/');
        if !provider.template && iss.trim_end_matches('/') != announced {
            return Err(Refusal::ResponseIssuer);
        }
    }
    let secret = state
        .settings
        .secrets_key
        .open(SecretPurpose::SsoClientSecret, &connection.client_secret)
        .map_err(|_| Refusal::Unreachable(host.clone()))?;
    let keys = provider.metadata.jwks().clone();
    let announced_issuer = provider.metadata.issuer().clone();
    let client = CoreClient::from_provider_metadata(
        provider.metadata,
        ClientId::new(connection.client_id.clone()),
        Some(ClientSecret::new(secret)),
    )
    .set_redirect_uri(
        RedirectUrl::new(redirect_uri(&state.settings)).map_err(|_| Refusal::Malformed)?,
    );
    let http = http(&state.settings).map_err(|_| Refusal::Unreachable(host.clone()))?;
    let request = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|_| Refusal::Unreachable(host.clone()))?
        .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier.clone()));
    let response = request.request_async(http).await.map_err(|error| {
        tracing::warn!(provider = %host, %error, "single sign-on code exchange failed");
        Refusal::Unreachable(host.clone())
    })?;
    let raw = response.id_token().ok_or(Refusal::Malformed)?.to_string();
    let token: Token = raw.parse().map_err(|_| Refusal::Malformed)?;
    check(
        state,
        connection,
        &announced_issuer,
        provider.template,
        matches!(pending.purpose, Purpose::Test { .. }),
        keys,
        &token,
        &pending.nonce,
    )
}

/// Every check of the ID token. `binding`: an admin's test connection,
/// which may bind Entra's tenant to a connection that has none yet.
#[allow(clippy::too_many_arguments)]
fn check(
    state: &AppState,
    connection: &Connection,
    announced_issuer: &IssuerUrl,
    template: bool,
    binding: bool,
    keys: JsonWebKeySet<CoreJsonWebKey>,
    token: &Token,
    nonce: &str,
) -> Result<Identity, Refusal> {
    let now = state.clock.now();
    let time = move || chrono::DateTime::from_timestamp(now - LEEWAY_SECS, 0).unwrap_or_default();
    let verifier: IdTokenVerifier<CoreJsonWebKey> = IdTokenVerifier::new_public_client(
        ClientId::new(connection.client_id.clone()),
        announced_issuer.clone(),
        keys,
    )
    // Entra's template is checked below, against the token's tenant.
    .require_issuer_match(!template)
    .set_allowed_algs([
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512,
        CoreJwsSigningAlgorithm::RsaSsaPssSha256,
        CoreJwsSigningAlgorithm::EcdsaP256Sha256,
        CoreJwsSigningAlgorithm::EcdsaP384Sha384,
        CoreJwsSigningAlgorithm::EdDsa,
    ])
    .set_time_fn(time)
    .set_issue_time_verifier_fn(move |issued| {
        if issued.timestamp() > now + LEEWAY_SECS {
            Err("issued in the future".to_owned())
        } else {
            Ok(())
        }
    });
    let nonce = Nonce::new(nonce.to_owned());
    let claims = token.claims(&verifier, &nonce).map_err(|error| {
        let refusal = refusal_of(&error);
        tracing::info!(%error, reason = refusal.key(), "ID token refused");
        refusal
    })?;
    let extra = claims.additional_claims();
    let tenant = extra.tid.clone();
    let issuer = claims.issuer().as_str().to_owned();
    match (template, &connection.tenant_id, &tenant) {
        (true, bound, Some(tid)) => {
            let expected = announced_issuer.as_str().replace(TENANT_TEMPLATE, tid);
            if issuer.trim_end_matches('/') != expected.trim_end_matches('/') {
                return Err(Refusal::Issuer);
            }
            // Any tenant can sign a token for the template: only the one
            // the admin's test bound is accepted.
            match bound {
                Some(bound) if bound != tid => return Err(Refusal::OtherTenant),
                None if !binding => return Err(Refusal::OtherTenant),
                _ => {}
            }
        }
        (true, _, None) => return Err(Refusal::Issuer),
        (false, Some(bound), Some(tid)) if bound != tid => return Err(Refusal::OtherTenant),
        _ => {}
    }
    let email = claims
        .email()
        .map(|email| email.as_str().to_owned())
        .or_else(|| {
            // Entra ID leaves `email` out for some accounts; its sign-in
            // name is the address, proven by the tenant.
            tenant
                .as_ref()
                .and(claims.preferred_username())
                .map(|name| name.as_str().to_owned())
        })
        .ok_or(Refusal::EmailUnverified)?;
    let email = Email::parse(&email).map_err(|_| Refusal::EmailUnverified)?;
    let proven = claims.email_verified() == Some(true)
        || extra
            .hd
            .as_deref()
            .is_some_and(|hd| hd.eq_ignore_ascii_case(email.domain()))
        // Entra ID: the tenant is the organization's own (checked above).
        || tenant.is_some();
    if !proven {
        return Err(Refusal::EmailUnverified);
    }
    let subject = match (&tenant, &extra.oid) {
        (Some(_), Some(oid)) => oid.clone(),
        _ => claims.subject().as_str().to_owned(),
    };
    let name = |claim: Option<&openidconnect::LocalizedClaim<openidconnect::EndUserGivenName>>| {
        claim
            .and_then(|c| c.get(None))
            .map(|n| n.as_str().to_owned())
    };
    Ok(Identity {
        issuer,
        subject,
        email,
        first_name: name(claims.given_name()),
        last_name: claims
            .family_name()
            .and_then(|c| c.get(None))
            .map(|n| n.as_str().to_owned()),
        tenant,
    })
}

fn refusal_of(error: &ClaimsVerificationError) -> Refusal {
    match error {
        ClaimsVerificationError::InvalidIssuer(_) => Refusal::Issuer,
        ClaimsVerificationError::InvalidAudience(_) => Refusal::Audience,
        ClaimsVerificationError::Expired(_) => Refusal::Expired,
        ClaimsVerificationError::InvalidNonce(_) => Refusal::Nonce,
        ClaimsVerificationError::SignatureVerification(
            SignatureVerificationError::NoMatchingKey
            | SignatureVerificationError::AmbiguousKeyId(_),
        ) => Refusal::UnknownKey,
        ClaimsVerificationError::SignatureVerification(_) => Refusal::Signature,
        _ => Refusal::Malformed,
    }
}
