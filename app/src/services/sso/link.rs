//! Who an identity the provider vouched for is here. Found by issuer and
//! subject; the first time only, by the address the provider proved, and
//! only among the connection's own organization: an existing account, a
//! pending invitation, or (if the admin chose) a new account.

use std::net::IpAddr;

use sqlx::AnyConnection;

use super::super::audit::{self, Entry};
use super::super::{current_user, invitations, AppState};
use super::flow::{Identity, Pending, Purpose, Refusal};
use crate::domain::AuditAction;
use crate::error::AppError;

/// Where a verified identity leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Start a session for this user.
    SignedIn(i64),
    /// An admin's test connection succeeded; nobody signs in.
    Tested,
    Refused(Refusal),
}

/// Decides who `identity` is and records it; every refusal is audited
/// with its reason.
pub async fn complete(
    state: &AppState,
    pending: &Pending,
    identity: &Identity,
    client: Option<IpAddr>,
) -> Result<Outcome, AppError> {
    let now = state.clock.now();
    let connection = &pending.connection;
    let mut tx = super::super::db::begin_write(&state.db).await?;
    let served: Option<(String,)> =
        sqlx::query_as("SELECT name FROM sso_domains WHERE name = $1 AND connection_id = $2")
            .bind(identity.email.domain())
            .bind(connection.id)
            .fetch_optional(&mut *tx)
            .await?;
    if served.is_none() {
        drop(tx);
        return refuse(state, pending, Refusal::DomainNotServed, client).await;
    }
    let (outcome, detail) = match pending.purpose {
        Purpose::Test { .. } => {
            // The first test of Entra's multi-tenant issuer binds the
            // tenant: from then on only its tokens are accepted.
            sqlx::query(
                "UPDATE sso_connections SET tested_at = $1, \
                 tenant_id = COALESCE(tenant_id, $2) WHERE id = $3",
            )
            .bind(now)
            .bind(identity.tenant.as_deref())
            .bind(connection.id)
            .execute(&mut *tx)
            .await?;
            (Outcome::Tested, "test connection")
        }
        Purpose::SignIn | Purpose::Invitation { .. } => {
            match find_or_make(&mut tx, pending, identity, now).await? {
                Ok((user_id, how)) => (Outcome::SignedIn(user_id), how),
                Err(refusal) => {
                    drop(tx);
                    return refuse(state, pending, refusal, client).await;
                }
            }
        }
    };
    let action = match outcome {
        Outcome::Tested => AuditAction::SsoTested,
        _ => AuditAction::SsoSignedIn,
    };
    let entry = Entry {
        action,
        subject: identity.email.as_str(),
        detail,
    };
    audit::record_as(
        &mut tx,
        connection.organization_id,
        identity.email.as_str(),
        &audit::describe_client(client),
        now,
        &entry,
    )
    .await?;
    tx.commit().await?;
    Ok(outcome)
}

/// The user `identity` is, linking it the first time: `Err` with the
/// reason when nobody here may come in with it.
async fn find_or_make(
    tx: &mut AnyConnection,
    pending: &Pending,
    identity: &Identity,
    now: i64,
) -> Result<Result<(i64, &'static str), Refusal>, AppError> {
    let connection = &pending.connection;
    let linked: Option<(i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT u.id, u.organization_id, u.deactivated_at FROM sso_identities s \
         JOIN users u ON u.id = s.user_id WHERE s.issuer = $1 AND s.subject = $2",
    )
    .bind(&identity.issuer)
    .bind(&identity.subject)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((user_id, organization_id, deactivated)) = linked {
        if organization_id != connection.organization_id {
            return Ok(Err(Refusal::LinkedElsewhere));
        }
        if deactivated.is_some() {
            return Ok(Err(Refusal::Deactivated));
        }
        return Ok(Ok((user_id, "")));
    }
    let existing: Option<(i64, i64, Option<i64>)> =
        sqlx::query_as("SELECT id, organization_id, deactivated_at FROM users WHERE email = $1")
            .bind(identity.email.as_str())
            .fetch_optional(&mut *tx)
            .await?;
    let (user_id, how) = match existing {
        Some((_, organization_id, _)) if organization_id != connection.organization_id => {
            return Ok(Err(Refusal::NoAccount));
        }
        Some((_, _, Some(_))) => return Ok(Err(Refusal::Deactivated)),
        Some((user_id, _, None)) => {
            let other: Option<(String,)> = sqlx::query_as(
                "SELECT subject FROM sso_identities WHERE user_id = $1 AND issuer = $2",
            )
            .bind(user_id)
            .bind(&identity.issuer)
            .fetch_optional(&mut *tx)
            .await?;
            if other.is_some() {
                return Ok(Err(Refusal::LinkedElsewhere));
            }
            (user_id, "first sign-in: linked to the existing account")
        }
        None => {
            let names = (
                identity.first_name.as_deref(),
                identity.last_name.as_deref(),
            );
            let accepted = invitations::accept_signed_in(
                tx,
                connection.organization_id,
                identity.email.as_str(),
                names,
                now,
            )
            .await?;
            match accepted {
                Some(user_id) => (user_id, "invitation accepted"),
                None if connection.create_accounts => {
                    let user_id = create_account(tx, pending, identity, now).await?;
                    (user_id, "account created at first sign-in")
                }
                None => return Ok(Err(Refusal::NoAccount)),
            }
        }
    };
    sqlx::query(
        "INSERT INTO sso_identities (issuer, subject, user_id, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&identity.issuer)
    .bind(&identity.subject)
    .bind(user_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(Ok((user_id, how)))
}

/// An account for someone of the connection's domains, with the roles
/// the admin chose, and no password.
async fn create_account(
    tx: &mut AnyConnection,
    pending: &Pending,
    identity: &Identity,
    now: i64,
) -> Result<i64, AppError> {
    let local = identity
        .email
        .as_str()
        .split('@')
        .next()
        .unwrap_or_default();
    let first_name = identity
        .first_name
        .clone()
        .unwrap_or_else(|| local.to_owned());
    let last_name = identity.last_name.clone().unwrap_or_default();
    let (user_id,): (i64,) = sqlx::query_as(
        "INSERT INTO users (organization_id, email, first_name, last_name, language, country, \
         password_hash, created_at) VALUES ($1, $2, $3, $4, 'en', 'US', '', $5) RETURNING id",
    )
    .bind(pending.connection.organization_id)
    .bind(identity.email.as_str())
    .bind(first_name.chars().take(100).collect::<String>())
    .bind(last_name.chars().take(100).collect::<String>())
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let roles = pending.connection.roles_for_new_accounts();
    current_user::add_roles(&mut *tx, user_id, &roles).await?;
    Ok(user_id)
}

/// Audits a refusal in the connection's organization, under the address
/// the sign-in was started with.
pub async fn refuse(
    state: &AppState,
    pending: &Pending,
    refusal: Refusal,
    client: Option<IpAddr>,
) -> Result<Outcome, AppError> {
    let mut conn = state.db.acquire().await?;
    let detail = match &refusal {
        Refusal::Unreachable(host) => format!("{}: {host}", refusal.key()),
        Refusal::ProviderError(code) => format!("{}: {code}", refusal.key()),
        other => other.key().to_owned(),
    };
    let entry = Entry {
        action: AuditAction::SsoRefused,
        subject: &pending.email,
        detail: &detail,
    };
    audit::record_as(
        &mut conn,
        pending.connection.organization_id,
        &pending.email,
        &audit::describe_client(client),
        state.clock.now(),
        &entry,
    )
    .await?;
    Ok(Outcome::Refused(refusal))
}
