//! Single sign-on with an organization's own OpenID Connect provider, for
//! the domains it has proved (`domains`): the connection an Account Admin
//! sets up, which addresses it routes, and who must use it.
//!
//! `flow` speaks the protocol (authorization code with PKCE, the ID
//! token's checks); `link` decides who a verified identity is here.

pub mod flow;
pub mod link;

use sqlx::AnyConnection;

use super::audit::{self, Actor};
use super::secrets::Purpose;
use super::AppState;
use crate::domain::wire::SsoView;
use crate::domain::{AuditAction, Capability, Email, Problem, Role};
use crate::error::AppError;

/// An organization's provider, as stored (the client secret still sealed).
#[derive(Debug, Clone)]
pub struct Connection {
    pub id: i64,
    pub organization_id: i64,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    pub tenant_id: Option<String>,
    pub enabled: bool,
    pub required: bool,
    pub tested_at: Option<i64>,
    pub create_accounts: bool,
    pub create_roles: String,
}

impl Connection {
    /// The roles an account made at first sign-in gets.
    pub fn roles_for_new_accounts(&self) -> Vec<Role> {
        self.create_roles
            .split(',')
            .filter_map(Role::from_key)
            .collect()
    }
}

const COLUMNS: &str = "c.id, c.organization_id, c.issuer, c.client_id, c.client_secret, \
    c.tenant_id, c.enabled, c.required, c.tested_at, c.create_accounts, c.create_roles";

/// The switches are integers in both engines' tables.
#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    organization_id: i64,
    issuer: String,
    client_id: String,
    client_secret: String,
    tenant_id: Option<String>,
    enabled: i64,
    required: i64,
    tested_at: Option<i64>,
    create_accounts: i64,
    create_roles: String,
}

impl From<Row> for Connection {
    fn from(row: Row) -> Self {
        Connection {
            id: row.id,
            organization_id: row.organization_id,
            issuer: row.issuer,
            client_id: row.client_id,
            client_secret: row.client_secret,
            tenant_id: row.tenant_id,
            enabled: row.enabled != 0,
            required: row.required != 0,
            tested_at: row.tested_at,
            create_accounts: row.create_accounts != 0,
            create_roles: row.create_roles,
        }
    }
}

/// The organization's connection, enabled or not.
pub async fn of_organization(
    conn: &mut AnyConnection,
    organization_id: i64,
) -> Result<Option<Connection>, AppError> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM sso_connections c WHERE c.organization_id = $1"
    ))
    .bind(organization_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(Connection::from))
}

/// The connection `id`.
pub async fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<Connection>, AppError> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM sso_connections c WHERE c.id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(Connection::from))
}

/// The enabled connection that signs in addresses at `email`'s domain.
pub async fn route(state: &AppState, email: &Email) -> Result<Option<Connection>, AppError> {
    let mut conn = state.db.acquire().await?;
    route_in(&mut conn, email).await
}

async fn route_in(conn: &mut AnyConnection, email: &Email) -> Result<Option<Connection>, AppError> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM sso_connections c JOIN sso_domains d ON d.connection_id = c.id \
         JOIN domains v ON v.name = d.name AND v.organization_id = c.organization_id \
         WHERE d.name = $1 AND c.enabled <> 0 AND v.status = 'verified'"
    ))
    .bind(email.domain())
    .fetch_optional(conn)
    .await?;
    Ok(row.map(Connection::from))
}

/// Whether `email` is the designated Purchasing Account Administrator of
/// an agreement: the break-glass account, which keeps its password when
/// single sign-on is required.
pub async fn is_break_glass(conn: &mut AnyConnection, email: &str) -> Result<bool, AppError> {
    let found: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM purchasing_accounts WHERE admin_email = $1 LIMIT 1")
            .bind(email)
            .fetch_optional(conn)
            .await?;
    Ok(found.is_some())
}

/// The ways in that single sign-on, once required, closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordPath {
    SignIn,
    Invitation,
    PasswordChange,
    ApiToken,
}

impl PasswordPath {
    fn key(self) -> &'static str {
        match self {
            PasswordPath::SignIn => "password sign-in",
            PasswordPath::Invitation => "invitation accepted with a password",
            PasswordPath::PasswordChange => "password change",
            PasswordPath::ApiToken => "API token creation",
        }
    }
}

/// What a password path does for `email` while its domain requires single
/// sign-on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// Nothing required: as before.
    None,
    /// Required, but this is a designated administrator: allowed, and
    /// audited as the break-glass account's use.
    BreakGlass,
    /// Refused: the organization's sign-in must be used.
    Refused,
}

/// Whether `email` may take `path`, audited when it is refused or when
/// the break-glass account takes it; `Refused` as an error on `field`.
pub async fn check_password_path(
    state: &AppState,
    email: &str,
    path: PasswordPath,
    field: &str,
) -> Result<Requirement, AppError> {
    let Ok(email) = Email::parse(email) else {
        return Ok(Requirement::None);
    };
    let mut conn = state.db.acquire().await?;
    let Some(connection) = route_in(&mut conn, &email).await? else {
        return Ok(Requirement::None);
    };
    if !connection.required {
        return Ok(Requirement::None);
    }
    let (action, outcome) = if is_break_glass(&mut conn, email.as_str()).await? {
        (AuditAction::SsoBreakGlass, Requirement::BreakGlass)
    } else {
        (AuditAction::SsoPasswordRefused, Requirement::Refused)
    };
    let now = state.clock.now();
    let entry = audit::Entry {
        action,
        subject: email.as_str(),
        detail: path.key(),
    };
    audit::record_as(
        &mut conn,
        connection.organization_id,
        email.as_str(),
        "",
        now,
        &entry,
    )
    .await?;
    if outcome == Requirement::Refused {
        return Err(AppError::field(field, Problem::SsoRequired));
    }
    Ok(outcome)
}

/// What an Account Admin sets on *Account → Single sign-on*.
#[derive(Debug, Clone, Default)]
pub struct ConnectionInput {
    pub issuer: String,
    pub client_id: String,
    /// Empty: keep the one stored.
    pub client_secret: String,
    pub domains: Vec<String>,
    pub create_accounts: bool,
    pub create_roles: Vec<String>,
}

/// The page's view of the organization's connection.
pub async fn view(state: &AppState, actor: &Actor) -> Result<SsoView, AppError> {
    actor.user.require(Capability::ManageSecurity)?;
    let organization_id = actor.user.organization_id;
    let mut conn = state.db.acquire().await?;
    let connection = of_organization(&mut conn, organization_id).await?;
    let domains: Vec<(String,)> = match &connection {
        Some(connection) => {
            sqlx::query_as("SELECT name FROM sso_domains WHERE connection_id = $1 ORDER BY name")
                .bind(connection.id)
                .fetch_all(&mut *conn)
                .await?
        }
        None => Vec::new(),
    };
    drop(conn);
    let verified_domains = super::domains::verified_names(&state.db, organization_id).await?;
    Ok(SsoView {
        user: actor.user.summary(),
        redirect_uri: flow::redirect_uri(&state.settings),
        configured: connection.is_some(),
        issuer: connection
            .as_ref()
            .map(|c| c.issuer.clone())
            .unwrap_or_default(),
        client_id: connection
            .as_ref()
            .map(|c| c.client_id.clone())
            .unwrap_or_default(),
        domains: domains.into_iter().map(|(name,)| name).collect(),
        verified_domains,
        enabled: connection.as_ref().is_some_and(|c| c.enabled),
        required: connection.as_ref().is_some_and(|c| c.required),
        tested_at: connection.as_ref().and_then(|c| c.tested_at),
        create_accounts: connection.as_ref().is_some_and(|c| c.create_accounts),
        create_roles: connection
            .as_ref()
            .map(|c| c.create_roles.clone())
            .unwrap_or_else(|| Role::AccountViewer.key().to_owned()),
        scim_url: state.settings.link("/scim/v2"),
    })
}

/// Connects (or reconnects) the organization's provider. The issuer is
/// looked up (discovery) before anything is stored; a new issuer or
/// client must be tested again before single sign-on can be required.
pub async fn save(state: &AppState, actor: &Actor, input: ConnectionInput) -> Result<(), AppError> {
    actor.user.require(Capability::ManageSecurity)?;
    let organization_id = actor.user.organization_id;
    let issuer = flow::parse_issuer(&input.issuer, state.settings.sso_allow_private)
        .map_err(|problem| AppError::field("issuer", problem))?;
    let client_id = input.client_id.trim();
    if client_id.is_empty() || client_id.len() > 500 {
        return Err(AppError::field("client_id", Problem::Required));
    }
    let mut domains = Vec::new();
    for name in &input.domains {
        let name = name.trim().trim_end_matches('.').to_ascii_lowercase();
        if !name.is_empty() && !domains.contains(&name) {
            domains.push(name);
        }
    }
    if domains.is_empty() {
        return Err(AppError::field("domains", Problem::Required));
    }
    let mut roles = Vec::new();
    for key in &input.create_roles {
        let role =
            Role::from_key(key).ok_or(AppError::field("create_roles", Problem::RoleUnknown))?;
        roles.push(role);
    }
    if roles.is_empty() {
        roles.push(Role::AccountViewer);
    }
    // Accounts made at sign-in never get more than the admin may grant.
    if !Role::may_grant_all(&actor.user.roles, &roles) {
        return Err(AppError::field("create_roles", Problem::InviterLacksPower));
    }
    // The provider must answer as one before it is saved: a typo shows
    // here, not at everyone's next sign-in.
    flow::discover(state, &issuer)
        .await
        .map_err(|_| AppError::field("issuer", Problem::SsoIssuerUnreachable))?;

    let now = state.clock.now();
    let key = &state.settings.secrets_key;
    let mut tx = super::db::begin_write(&state.db).await?;
    for name in &domains {
        let verified: Option<(i64,)> = sqlx::query_as(
            "SELECT id FROM domains WHERE organization_id = $1 AND name = $2 \
             AND status = 'verified'",
        )
        .bind(organization_id)
        .bind(name)
        .fetch_optional(&mut *tx)
        .await?;
        if verified.is_none() {
            return Err(AppError::field("domains", Problem::SsoDomainNotVerified));
        }
    }
    let existing = of_organization(&mut tx, organization_id).await?;
    let secret = match (&existing, input.client_secret.trim()) {
        (_, secret) if !secret.is_empty() => key.seal(Purpose::SsoClientSecret, secret)?,
        (Some(existing), _) => existing.client_secret.clone(),
        (None, _) => return Err(AppError::field("client_secret", Problem::Required)),
    };
    let roles_text = roles.iter().map(|r| r.key()).collect::<Vec<_>>().join(",");
    let id = match &existing {
        Some(existing) => {
            // Another provider or client is untested: not required, and
            // any tenant bound to the old one is forgotten.
            let same = existing.issuer == issuer.as_str() && existing.client_id == client_id;
            sqlx::query(&format!(
                "UPDATE sso_connections SET issuer = $1, client_id = $2, client_secret = $3, \
                 create_accounts = $4, create_roles = $5, updated_at = $6{} WHERE id = $7",
                if same {
                    ""
                } else {
                    ", tested_at = NULL, required = 0, tenant_id = NULL"
                }
            ))
            .bind(issuer.as_str())
            .bind(client_id)
            .bind(&secret)
            .bind(i64::from(input.create_accounts))
            .bind(&roles_text)
            .bind(now)
            .bind(existing.id)
            .execute(&mut *tx)
            .await?;
            existing.id
        }
        None => {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO sso_connections (organization_id, issuer, client_id, client_secret, \
                 create_accounts, create_roles, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 RETURNING id",
            )
            .bind(organization_id)
            .bind(issuer.as_str())
            .bind(client_id)
            .bind(&secret)
            .bind(i64::from(input.create_accounts))
            .bind(&roles_text)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            id
        }
    };
    sqlx::query("DELETE FROM sso_domains WHERE connection_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for name in &domains {
        // A domain its organization no longer proves routes nowhere: its
        // new owner may take it.
        sqlx::query(
            "DELETE FROM sso_domains WHERE name = $1 AND connection_id NOT IN \
             (SELECT c.id FROM sso_connections c JOIN domains v \
              ON v.organization_id = c.organization_id AND v.name = $1 AND v.status = 'verified')",
        )
        .bind(name)
        .execute(&mut *tx)
        .await?;
        let added = sqlx::query("INSERT INTO sso_domains (name, connection_id) VALUES ($1, $2)")
            .bind(name)
            .bind(id)
            .execute(&mut *tx)
            .await;
        match added {
            Ok(_) => {}
            Err(error) if super::is_unique_violation(&error) => {
                return Err(AppError::field("domains", Problem::SsoDomainTaken))
            }
            Err(error) => return Err(error.into()),
        }
    }
    let detail = format!(
        "{} for {}; accounts at first sign-in: {}",
        issuer.as_str(),
        domains.join(", "),
        if input.create_accounts {
            roles_text.as_str()
        } else {
            "no"
        }
    );
    audit::record(&mut tx, actor, now, AuditAction::SsoChanged, "", &detail).await?;
    tx.commit().await?;
    Ok(())
}

/// What an Account Admin switches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switch {
    Enabled(bool),
    Required(bool),
}

/// Turns single sign-on on or off, or requires it (only once a test
/// connection has succeeded); audited.
pub async fn switch(state: &AppState, actor: &Actor, switch: Switch) -> Result<(), AppError> {
    actor.user.require(Capability::ManageSecurity)?;
    let now = state.clock.now();
    let mut tx = super::db::begin_write(&state.db).await?;
    let connection = of_organization(&mut tx, actor.user.organization_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (sql, detail) = match switch {
        Switch::Enabled(true) => ("enabled = 1", "turned on"),
        // Off, nothing can be required of anyone.
        Switch::Enabled(false) => ("enabled = 0, required = 0", "turned off"),
        Switch::Required(true) => {
            if connection.tested_at.is_none() {
                return Err(AppError::field("required", Problem::SsoNotTested));
            }
            ("required = 1, enabled = 1", "required")
        }
        Switch::Required(false) => ("required = 0", "no longer required"),
    };
    sqlx::query(&format!(
        "UPDATE sso_connections SET {sql}, updated_at = $1 WHERE id = $2"
    ))
    .bind(now)
    .bind(connection.id)
    .execute(&mut *tx)
    .await?;
    audit::record(&mut tx, actor, now, AuditAction::SsoChanged, "", detail).await?;
    tx.commit().await?;
    Ok(())
}
