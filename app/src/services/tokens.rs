//! API tokens: what a script presents as `Authorization: Bearer …` to the
//! JSON API under `/api/v1`. A person's token carries a subset of their
//! roles, and never more than they hold now: each use intersects its
//! roles with the owner's current ones, and removing the owner deletes
//! the token. A vendor operator's token (made on the server's command
//! line) belongs to no organization.
//!
//! The secret is `bc_` and 64 hexadecimal digits, then `_` and a 6-digit
//! checksum, so that a secret pasted into a chat or a repository is
//! recognisable to secret scanners and a mistyped one is refused without
//! a look-up. Only its SHA-256 is stored.

use tracing::instrument;

use super::audit::{self, Actor};
use super::current_user::{self, CurrentUser};
use super::ratelimit::{self, Limit};
use super::sso::{self, PasswordPath};
use super::{hex, sha256_hex, AppState};
use crate::domain::wire::ApiTokenRow;
use crate::domain::{AuditAction, Capability, Problem, Role};
use crate::error::{AppError, FormErrors};

/// The longest a token may live.
pub const MAX_DAYS: i64 = 365;

const DAY_SECS: i64 = 24 * 60 * 60;

/// Calls one token may make: counted in the database, so every server
/// agrees; the answer past it is 429 with when to come back.
pub const PER_TOKEN: Limit = Limit {
    max: 600,
    window_secs: 60,
};

/// How stale `last_used_at` may get before a use writes it again.
const TOUCH_EVERY_SECS: i64 = 60;

const PREFIX: &str = "bc_";

fn checksum(body: &str) -> String {
    sha256_hex(format!("{PREFIX}{body}").as_bytes())[..6].to_owned()
}

/// A new secret: shown once, then only its hash is kept.
fn new_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let body = hex(&bytes);
    format!("{PREFIX}{body}_{}", checksum(&body))
}

/// Whether `secret` has a token's shape and checksum.
pub fn well_formed(secret: &str) -> bool {
    let Some((body, sum)) = secret
        .strip_prefix(PREFIX)
        .and_then(|rest| rest.split_once('_'))
    else {
        return false;
    };
    body.len() == 64 && body.bytes().all(|byte| byte.is_ascii_hexdigit()) && sum == checksum(body)
}

/// A token just made: its row, and the secret, shown this once.
pub struct NewToken {
    pub row: ApiTokenRow,
    pub secret: String,
}

/// Never the secret.
impl std::fmt::Debug for NewToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewToken")
            .field("row", &self.row)
            .finish_non_exhaustive()
    }
}

/// What a person asks for: a name, how many days (1 to [`MAX_DAYS`]), and
/// roles among their own.
#[derive(Debug, Clone)]
pub struct TokenRequest<'a> {
    pub name: &'a str,
    pub expires_days: i64,
    pub roles: &'a [Role],
}

fn check(request: &TokenRequest<'_>, held: &[Role]) -> Result<(), AppError> {
    let mut errors = FormErrors::default();
    let name = request.name.trim();
    if name.is_empty() {
        errors.add("name", Problem::Required);
    } else if name.chars().count() > 100 {
        errors.add("name", Problem::NameTooLong);
    }
    if !(1..=MAX_DAYS).contains(&request.expires_days) {
        errors.add("expires_days", Problem::TokenLifetime);
    }
    if request.roles.is_empty() {
        errors.add("roles", Problem::RoleRequired);
    } else if !request.roles.iter().all(|role| held.contains(role)) {
        errors.add("roles", Problem::TokenRolesNotHeld);
    }
    errors.finish(Some(()))
}

/// Makes a token for the actor with some of their roles; audited.
#[instrument(skip_all, fields(user = actor.user.id))]
pub async fn create(
    state: &AppState,
    actor: &Actor,
    request: &TokenRequest<'_>,
) -> Result<NewToken, AppError> {
    check(request, &actor.user.roles)?;
    // A token would outlive single sign-on's checks: where it is
    // required, scripts use the operator's tokens or the break-glass
    // account's.
    sso::check_password_path(state, &actor.user.email, PasswordPath::ApiToken, "name").await?;
    let now = state.clock.now();
    let mut tx = super::db::begin_write(&state.db).await?;
    let token = insert(&mut tx, &actor.user, request, false, now).await?;
    let detail = format!("{} ({})", token.row.name, keys(request.roles));
    audit::record(
        &mut tx,
        actor,
        now,
        AuditAction::ApiTokenCreated,
        &actor.user.email,
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// The operator's way in for automation set-up: a token for the first
/// Account Admin (or, for a partner, Partner Admin) of
/// `organization_id`, with `roles`, which that person must hold.
pub async fn create_for_organization(
    state: &AppState,
    organization_id: i64,
    request: &TokenRequest<'_>,
) -> Result<NewToken, AppError> {
    let actor = first_admin(state, organization_id).await?;
    create(state, &actor, request).await
}

/// The organization's first Account Admin (a partner's first Partner
/// Admin), acting from the command line.
async fn first_admin(state: &AppState, organization_id: i64) -> Result<Actor, AppError> {
    let first: Option<(i64,)> = sqlx::query_as(
        "SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id \
         WHERE u.organization_id = $1 AND r.role IN ('account_admin', 'partner_admin') \
         ORDER BY u.id LIMIT 1",
    )
    .bind(organization_id)
    .fetch_optional(&state.db)
    .await?;
    let (user_id,) = first.ok_or(AppError::field(
        "organization_id",
        Problem::OrganizationHasNoAdmin,
    ))?;
    let user = current_user::load(state, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Actor {
        user,
        client_address: "command line".to_owned(),
        user_agent: String::new(),
    })
}

/// A vendor operator's token: the operator's own API calls (registering
/// agreements, importing orders), for no organization.
pub async fn create_for_operator(
    state: &AppState,
    name: &str,
    expires_days: i64,
) -> Result<NewToken, AppError> {
    let request = TokenRequest {
        name,
        expires_days,
        roles: &[],
    };
    let mut errors = FormErrors::default();
    if name.trim().is_empty() {
        errors.add("name", Problem::Required);
    }
    if !(1..=MAX_DAYS).contains(&expires_days) {
        errors.add("expires_days", Problem::TokenLifetime);
    }
    errors.finish(Some(()))?;
    let now = state.clock.now();
    let secret = new_secret();
    let expires_at = now + request.expires_days * DAY_SECS;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO api_tokens (organization_id, user_id, operator, name, roles, token_hash, \
         prefix, created_at, expires_at) VALUES (NULL, NULL, 1, $1, '', $2, $3, $4, $5) \
         RETURNING id",
    )
    .bind(name.trim())
    .bind(sha256_hex(secret.as_bytes()))
    .bind(&secret[..10])
    .bind(now)
    .bind(expires_at)
    .fetch_one(&state.db)
    .await?;
    tracing::info!(token = id, "operator API token created");
    Ok(NewToken {
        row: ApiTokenRow {
            id,
            name: name.trim().to_owned(),
            owner: String::new(),
            prefix: secret[..10].to_owned(),
            roles: Vec::new(),
            created_at: now,
            last_used_at: None,
            expires_at,
        },
        secret,
    })
}

async fn insert(
    conn: &mut sqlx::AnyConnection,
    owner: &CurrentUser,
    request: &TokenRequest<'_>,
    scim: bool,
    now: i64,
) -> Result<NewToken, AppError> {
    let secret = new_secret();
    let expires_at = now + request.expires_days * DAY_SECS;
    let name = request.name.trim();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO api_tokens (organization_id, user_id, operator, scim, name, roles, \
         token_hash, prefix, created_at, expires_at) \
         VALUES ($1, $2, 0, $9, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(owner.organization_id)
    .bind(owner.id)
    .bind(name)
    .bind(keys(request.roles))
    .bind(sha256_hex(secret.as_bytes()))
    .bind(&secret[..10])
    .bind(now)
    .bind(expires_at)
    .bind(i64::from(scim))
    .fetch_one(conn)
    .await?;
    let mut roles = request.roles.to_vec();
    roles.sort();
    Ok(NewToken {
        row: ApiTokenRow {
            id,
            name: name.to_owned(),
            owner: owner.email.clone(),
            prefix: secret[..10].to_owned(),
            roles,
            created_at: now,
            last_used_at: None,
            expires_at,
        },
        secret,
    })
}

fn keys(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|role| role.key())
        .collect::<Vec<_>>()
        .join(",")
}

fn roles_of(keys: &str) -> Vec<Role> {
    let mut roles: Vec<Role> = keys.split(',').filter_map(Role::from_key).collect();
    roles.sort();
    roles
}

/// Who a presented token acts for.
#[derive(Debug, Clone)]
pub enum Caller {
    /// A person's token: the owner, with the roles both the token and the
    /// owner hold now.
    User { actor: Actor, token_id: i64 },
    /// A vendor operator's token.
    Operator { token_id: i64 },
}

/// The caller behind `secret`, or `None` for a secret that is malformed,
/// unknown, expired or revoked, or whose owner is gone; `RateLimited`
/// past [`PER_TOKEN`]. The first use of a person's token is audited.
#[instrument(skip_all)]
pub async fn authenticate(
    state: &AppState,
    secret: &str,
    client_address: &str,
) -> Result<Option<Caller>, AppError> {
    if !well_formed(secret) {
        return Ok(None);
    }
    let now = state.clock.now();
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        user_id: Option<i64>,
        operator: i64,
        name: String,
        roles: String,
        last_used_at: Option<i64>,
    }
    let row: Option<Row> = sqlx::query_as(
        "SELECT id, user_id, operator, name, roles, last_used_at FROM api_tokens \
         WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2 AND scim = 0",
    )
    .bind(sha256_hex(secret.as_bytes()))
    .bind(now)
    .fetch_optional(&state.db)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    ratelimit::hit(&state.db, &format!("api:token:{}", row.id), now, PER_TOKEN).await?;
    let first_use = row.last_used_at.is_none();
    if row
        .last_used_at
        .is_none_or(|at| now - at >= TOUCH_EVERY_SECS)
    {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(row.id)
            .execute(&state.db)
            .await?;
    }
    if row.operator == 1 {
        return Ok(Some(Caller::Operator { token_id: row.id }));
    }
    let Some(user_id) = row.user_id else {
        return Ok(None);
    };
    let Some(mut user) = current_user::load(state, user_id).await? else {
        return Ok(None);
    };
    let granted = roles_of(&row.roles);
    user.roles.retain(|role| granted.contains(role));
    let actor = Actor {
        user,
        client_address: client_address.to_owned(),
        user_agent: String::new(),
    };
    if first_use {
        let mut conn = state.db.acquire().await?;
        let (action, subject) = (AuditAction::ApiTokenFirstUsed, &actor.user.email);
        audit::record(&mut conn, &actor, now, action, subject, &row.name).await?;
    }
    Ok(Some(Caller::User {
        actor,
        token_id: row.id,
    }))
}

/// A token for the organization's directory (SCIM provisioning at
/// `/scim/v2`, nothing else), carrying all of its maker's roles: it acts
/// for them, never granting more than they may grant when it is used.
/// Made by whoever may invite and manage people; audited.
pub async fn create_scim(
    state: &AppState,
    actor: &Actor,
    name: &str,
) -> Result<NewToken, AppError> {
    actor.user.require(Capability::InviteUsers)?;
    actor.user.require(Capability::ManageUsers)?;
    let request = TokenRequest {
        name,
        expires_days: MAX_DAYS,
        roles: &actor.user.roles,
    };
    check(&request, &actor.user.roles)?;
    let now = state.clock.now();
    let mut tx = super::db::begin_write(&state.db).await?;
    let token = insert(&mut tx, &actor.user, &request, true, now).await?;
    let detail = format!("{} (SCIM provisioning)", token.row.name);
    let action = AuditAction::ApiTokenCreated;
    audit::record(&mut tx, actor, now, action, &actor.user.email, &detail).await?;
    tx.commit().await?;
    Ok(token)
}

/// [`create_scim`] for the organization's first Account Admin, from the
/// server's command line.
pub async fn create_scim_for_organization(
    state: &AppState,
    organization_id: i64,
    name: &str,
) -> Result<NewToken, AppError> {
    let actor = first_admin(state, organization_id).await?;
    create_scim(state, &actor, name).await
}

/// The SCIM token behind `secret`: its id, its name and the maker it acts
/// for, with the roles both hold now; `None` as for [`authenticate`] (an
/// API token is none).
pub async fn authenticate_scim(
    state: &AppState,
    secret: &str,
    client_address: &str,
) -> Result<Option<(i64, String, Actor)>, AppError> {
    if !well_formed(secret) {
        return Ok(None);
    }
    let now = state.clock.now();
    let row: Option<(i64, Option<i64>, String, String)> = sqlx::query_as(
        "SELECT id, user_id, name, roles FROM api_tokens \
         WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2 AND scim = 1",
    )
    .bind(sha256_hex(secret.as_bytes()))
    .bind(now)
    .fetch_optional(&state.db)
    .await?;
    let Some((id, Some(user_id), name, roles)) = row else {
        return Ok(None);
    };
    ratelimit::hit(&state.db, &format!("api:token:{id}"), now, PER_TOKEN).await?;
    sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)")
        .bind(now)
        .bind(id)
        .bind(now - TOUCH_EVERY_SECS)
        .execute(&state.db)
        .await?;
    let Some(mut user) = current_user::load(state, user_id).await? else {
        return Ok(None);
    };
    let granted = roles_of(&roles);
    user.roles.retain(|role| granted.contains(role));
    let actor = Actor {
        user,
        client_address: client_address.to_owned(),
        user_agent: String::new(),
    };
    Ok(Some((id, name, actor)))
}

/// The actor's own tokens, or, for whoever manages the organization's
/// security (Account Admin, Partner Admin), every token of it; newest
/// first, revoked and expired ones left out.
pub async fn list(state: &AppState, actor: &Actor) -> Result<Vec<ApiTokenRow>, AppError> {
    let everyone = Role::any_allows(&actor.user.roles, Capability::ManageSecurity);
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        name: String,
        email: String,
        prefix: String,
        roles: String,
        created_at: i64,
        last_used_at: Option<i64>,
        expires_at: i64,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT t.id, t.name, u.email, t.prefix, t.roles, t.created_at, t.last_used_at, \
         t.expires_at FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.organization_id = $1 AND (t.user_id = $2 OR $3 = 1) \
         AND t.revoked_at IS NULL AND t.expires_at > $4 ORDER BY t.created_at DESC, t.id DESC",
    )
    .bind(actor.user.organization_id)
    .bind(actor.user.id)
    .bind(i64::from(everyone))
    .bind(state.clock.now())
    .fetch_all(&state.db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| ApiTokenRow {
            id: row.id,
            name: row.name,
            owner: row.email,
            prefix: row.prefix,
            roles: roles_of(&row.roles),
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            expires_at: row.expires_at,
        })
        .collect())
}

/// Revokes one of the actor's tokens, or any of the organization's for
/// whoever manages its security; audited. Another organization's id, or
/// a colleague's for anyone else, is `NotFound`.
pub async fn revoke(state: &AppState, actor: &Actor, token_id: i64) -> Result<(), AppError> {
    let everyone = Role::any_allows(&actor.user.roles, Capability::ManageSecurity);
    let now = state.clock.now();
    let mut tx = super::db::begin_write(&state.db).await?;
    let found: Option<(String, String)> = sqlx::query_as(
        "SELECT t.name, u.email FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.id = $1 AND t.organization_id = $2 AND (t.user_id = $3 OR $4 = 1) \
         AND t.revoked_at IS NULL",
    )
    .bind(token_id)
    .bind(actor.user.organization_id)
    .bind(actor.user.id)
    .bind(i64::from(everyone))
    .fetch_optional(&mut *tx)
    .await?;
    let (name, owner) = found.ok_or(AppError::NotFound)?;
    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2")
        .bind(now)
        .bind(token_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        actor,
        now,
        AuditAction::ApiTokenRevoked,
        &owner,
        &name,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_recognisable_and_checked_before_any_look_up() {
        let secret = new_secret();
        assert!(secret.starts_with("bc_") && secret.len() == 3 + 64 + 1 + 6);
        assert!(well_formed(&secret));
        let mut typo = secret.clone().into_bytes();
        typo[10] = if typo[10] == b'a' { b'b' } else { b'a' };
        let typo = String::from_utf8(typo).expect("ascii");
        assert!(!well_formed(&typo), "one digit off");
        assert!(!well_formed("bc_"));
        assert!(!well_formed(&secret.replace("bc_", "gh_")));
        assert_ne!(new_secret(), secret);
    }
}
