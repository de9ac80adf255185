//! The directory's people: created (an account at an SSO domain, an
//! invitation elsewhere), read, listed, changed, deactivated, deleted;
//! and the groups that give them roles.

use sqlx::AnyConnection;

use super::super::access::invite::{count_invitation, invite_in, Invitee};
use super::super::access::members::account_admins;
use super::super::audit::{self, Entry};
use super::super::invitations::{self, Ending};
use super::super::{current_user, db, sso, AppState};
use super::{joined, parsed, Directory};
use crate::domain::{AuditAction, Country, Email, Lang, PersonName, Problem, Role};
use crate::error::AppError;

/// A person as the directory describes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The directory's name for them (Entra's UPN, Okta's login).
    pub user_name: String,
    /// Their work address: the account's.
    pub email: Email,
    /// The `emails` the directory sent (JSON), to answer back as sent.
    pub emails_sent: Option<String>,
    pub external_id: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub active: bool,
}

/// A person as the Center keeps them for the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub id: String,
    pub user_name: String,
    pub email: String,
    pub emails_sent: Option<String>,
    pub external_id: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub active: bool,
    pub roles: Vec<Role>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What a list may be narrowed to (RFC 7644 §3.4.2.2: the filters
/// directories send to find someone before creating them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    All,
    UserName(String),
    Email(String),
    ExternalId(String),
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    user_name: String,
    email: String,
    emails: Option<String>,
    external_id: Option<String>,
    given_name: String,
    family_name: String,
    active: i64,
    roles: String,
    created_at: i64,
    updated_at: i64,
    user_id: Option<i64>,
}

const SELECT: &str = "SELECT s.id, s.user_name, s.email, s.emails, s.external_id, s.given_name, \
    s.family_name, s.active, s.roles, s.created_at, s.updated_at, u.id AS user_id \
    FROM scim_users s \
    LEFT JOIN users u ON u.email = s.email AND u.organization_id = s.organization_id";

async fn record_of(conn: &mut AnyConnection, row: Row) -> Result<Record, AppError> {
    // An account's roles are its own; a person still invited has the
    // roles their invitation will give.
    let roles = match row.user_id {
        Some(user_id) => {
            let held: Vec<(String,)> =
                sqlx::query_as("SELECT role FROM user_roles WHERE user_id = $1")
                    .bind(user_id)
                    .fetch_all(&mut *conn)
                    .await?;
            let mut roles: Vec<Role> = held
                .iter()
                .filter_map(|(key,)| Role::from_key(key))
                .collect();
            // In the order of the role list, as pages show them.
            roles.sort_by_key(|role| Role::CUSTOMER.iter().position(|r| r == role));
            roles
        }
        None => parsed(&row.roles),
    };
    Ok(Record {
        id: row.id,
        user_name: row.user_name,
        email: row.email,
        emails_sent: row.emails,
        external_id: row.external_id,
        given_name: row.given_name,
        family_name: row.family_name,
        active: row.active != 0,
        roles,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

async fn find(
    conn: &mut AnyConnection,
    directory: &Directory,
    id: &str,
) -> Result<(Record, Option<i64>), AppError> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "{SELECT} WHERE s.id = $1 AND s.organization_id = $2"
    ))
    .bind(id)
    .bind(directory.organization_id())
    .fetch_optional(&mut *conn)
    .await?;
    let row = row.ok_or(AppError::NotFound)?;
    let user_id = row.user_id;
    Ok((record_of(conn, row).await?, user_id))
}

/// One person.
pub async fn get(state: &AppState, directory: &Directory, id: &str) -> Result<Record, AppError> {
    let mut conn = state.db.acquire().await?;
    Ok(find(&mut conn, directory, id).await?.0)
}

/// The people `filter` selects, `count` from the `start`th (1-based), and
/// how many it selects in all.
pub async fn list(
    state: &AppState,
    directory: &Directory,
    filter: &Filter,
    start: i64,
    count: i64,
) -> Result<(i64, Vec<Record>), AppError> {
    let (condition, value) = match filter {
        Filter::All => ("", String::new()),
        Filter::UserName(name) => (" AND lower(s.user_name) = $2", name.trim().to_lowercase()),
        Filter::Email(email) => (" AND s.email = $2", email.trim().to_lowercase()),
        Filter::ExternalId(id) => (" AND s.external_id = $2", id.clone()),
    };
    let mut conn = state.db.acquire().await?;
    let count_sql =
        format!("SELECT COUNT(*) FROM scim_users s WHERE s.organization_id = $1{condition}");
    let mut total = sqlx::query_as::<_, (i64,)>(&count_sql).bind(directory.organization_id());
    if !condition.is_empty() {
        total = total.bind(value.clone());
    }
    let (total,) = total.fetch_one(&mut *conn).await?;
    let placeholders = if condition.is_empty() { (2, 3) } else { (3, 4) };
    let rows_sql = format!(
        "{SELECT} WHERE s.organization_id = $1{condition} ORDER BY s.user_name \
         LIMIT ${} OFFSET ${}",
        placeholders.0, placeholders.1
    );
    let mut rows = sqlx::query_as::<_, Row>(&rows_sql).bind(directory.organization_id());
    if !condition.is_empty() {
        rows = rows.bind(value);
    }
    let rows = rows
        .bind(count.clamp(0, MAX_PAGE))
        .bind((start.max(1) - 1).min(i64::from(u32::MAX)))
        .fetch_all(&mut *conn)
        .await?;
    let mut records = Vec::with_capacity(rows.len());
    for row in rows {
        records.push(record_of(&mut conn, row).await?);
    }
    Ok((total, records))
}

/// The most people one page lists.
pub const MAX_PAGE: i64 = 200;

/// The roles a new person starts with, until the directory puts them in
/// groups: the least any role sees.
const STARTING_ROLES: [Role; 1] = [Role::AccountViewer];

/// A name as the Center keeps names, or `fallback` when the directory's
/// is not one (empty, say).
fn name(text: &str, fallback: &str, field: &str) -> Result<PersonName, AppError> {
    PersonName::parse(text)
        .or_else(|_| PersonName::parse(fallback))
        .map_err(|problem| AppError::field(field, problem))
}

/// Provisions a person: an account at once at a domain with single
/// sign-on (no password: they sign in at their provider), otherwise the
/// usual invitation email, whose link proves the address. Counts against
/// the invitation quotas either way.
pub async fn create(
    state: &AppState,
    directory: &Directory,
    person: &Person,
) -> Result<Record, AppError> {
    directory.may_grant(&STARTING_ROLES)?;
    let now = state.clock.now();
    let organization_id = directory.organization_id();
    let email = person.email.as_str();
    let connection = sso::route(state, &person.email).await?;
    let mut tx = db::begin_write(&state.db).await?;
    db::lock_organization(&mut tx, organization_id).await?;
    let taken: Option<(String,)> = sqlx::query_as(
        "SELECT id FROM scim_users WHERE organization_id = $1 \
         AND (lower(user_name) = $2 OR email = $3)",
    )
    .bind(organization_id)
    .bind(person.user_name.to_lowercase())
    .bind(email)
    .fetch_optional(&mut *tx)
    .await?;
    if taken.is_some() {
        return Err(AppError::field("userName", Problem::EmailTaken));
    }
    let member: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM users WHERE email = $1 AND organization_id = $2")
            .bind(email)
            .bind(organization_id)
            .fetch_optional(&mut *tx)
            .await?;
    let routed = connection.is_some_and(|c| c.organization_id == organization_id);
    let how = match member {
        // Someone already here: the directory takes them over.
        Some(_) => "existing account",
        None if routed => {
            count_invitation(&mut tx, &directory.actor.user, now).await?;
            let (user_id,): (i64,) = sqlx::query_as(
                "INSERT INTO users (organization_id, email, first_name, last_name, language, \
                 country, password_hash, created_at) VALUES ($1, $2, $3, $4, 'en', 'US', '', $5) \
                 RETURNING id",
            )
            .bind(organization_id)
            .bind(email)
            .bind(name(&person.given_name, "-", "name.givenName")?.as_str())
            .bind(name(&person.family_name, "-", "name.familyName")?.as_str())
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            current_user::add_roles(&mut tx, user_id, &STARTING_ROLES).await?;
            "account (single sign-on)"
        }
        None => {
            let invitee = Invitee {
                email: person.email.clone(),
                first_name: name(&person.given_name, "-", "name.givenName")?,
                last_name: name(&person.family_name, "-", "name.familyName")?,
                lang: Lang::En,
                country: Country::parse("US").map_err(|_| AppError::BadRequest)?,
                roles: STARTING_ROLES.to_vec(),
            };
            invite_in(&mut tx, &state.settings, now, &directory.actor, &invitee).await?;
            "invitation"
        }
    };
    let id = super::super::hex(&rand_bytes());
    sqlx::query(
        "INSERT INTO scim_users (id, organization_id, user_name, email, emails, external_id, \
         given_name, family_name, active, roles, created_at, updated_at) \
         VALUES ($1, $2, $3, $9, $10, $4, $5, $6, 1, $7, $8, $8)",
    )
    .bind(&id)
    .bind(organization_id)
    .bind(&person.user_name)
    .bind(person.external_id.as_deref())
    .bind(&person.given_name)
    .bind(&person.family_name)
    .bind(joined(&STARTING_ROLES))
    .bind(now)
    .bind(email)
    .bind(person.emails_sent.as_deref())
    .execute(&mut *tx)
    .await?;
    record(
        &mut tx,
        directory,
        now,
        AuditAction::ScimProvisioned,
        email,
        how,
    )
    .await?;
    if !person.active {
        let (found, user_id) = find(&mut tx, directory, &id).await?;
        deactivate(&mut tx, directory, &found, user_id, now).await?;
    }
    let (created, _) = find(&mut tx, directory, &id).await?;
    state.outbox.commit(tx).await?;
    Ok(created)
}

fn rand_bytes() -> [u8; 16] {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
}

/// What a replace or a PATCH changes; `None` leaves it as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub user_name: Option<String>,
    pub email: Option<Email>,
    /// `Some(None)`: answer the address alone, as the work one.
    pub emails_sent: Option<Option<String>>,
    pub external_id: Option<Option<String>>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub active: Option<bool>,
}

/// Changes a person; turning them inactive deprovisions them.
pub async fn update(
    state: &AppState,
    directory: &Directory,
    id: &str,
    changes: &Changes,
) -> Result<Record, AppError> {
    let now = state.clock.now();
    let mut tx = db::begin_write(&state.db).await?;
    db::lock_organization(&mut tx, directory.organization_id()).await?;
    let (current, user_id) = find(&mut tx, directory, id).await?;
    directory.may_grant(&current.roles)?;
    let user_name = match &changes.user_name {
        Some(name) if name.trim().is_empty() => {
            return Err(AppError::field("userName", Problem::Required))
        }
        Some(name) => name.trim().to_owned(),
        None => current.user_name.clone(),
    };
    if user_name.to_lowercase() != current.user_name.to_lowercase() {
        let taken: Option<(String,)> = sqlx::query_as(
            "SELECT id FROM scim_users WHERE organization_id = $1 AND lower(user_name) = $2",
        )
        .bind(directory.organization_id())
        .bind(user_name.to_lowercase())
        .fetch_optional(&mut *tx)
        .await?;
        if taken.is_some() {
            return Err(AppError::field("userName", Problem::EmailTaken));
        }
    }
    sqlx::query(
        "UPDATE scim_users SET external_id = $1, given_name = $2, family_name = $3, \
         updated_at = $4, user_name = $6 WHERE id = $5",
    )
    .bind(match &changes.external_id {
        Some(value) => value.clone(),
        None => current.external_id.clone(),
    })
    .bind(changes.given_name.as_ref().unwrap_or(&current.given_name))
    .bind(changes.family_name.as_ref().unwrap_or(&current.family_name))
    .bind(now)
    .bind(id)
    .bind(&user_name)
    .execute(&mut *tx)
    .await?;
    if let Some(email) = changes
        .email
        .as_ref()
        .filter(|e| e.as_str() != current.email)
    {
        change_email(&mut tx, state, directory, &current, user_id, email, now).await?;
    }
    if let Some(sent) = &changes.emails_sent {
        sqlx::query("UPDATE scim_users SET emails = $1 WHERE id = $2")
            .bind(sent.as_deref())
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    match changes.active {
        Some(false) if current.active => {
            deactivate(&mut tx, directory, &current, user_id, now).await?
        }
        Some(true) if !current.active => {
            reactivate(&mut tx, directory, &current, user_id, now).await?
        }
        _ => {}
    }
    let (updated, _) = find(&mut tx, directory, id).await?;
    tx.commit().await?;
    Ok(updated)
}

/// The directory changed the person's work address (a new name, say):
/// their account's address changes with it (the directory is the
/// organization's authority), or, while they are only invited, the
/// invitation is sent again to the new address.
async fn change_email(
    tx: &mut AnyConnection,
    state: &AppState,
    directory: &Directory,
    person: &Record,
    user_id: Option<i64>,
    email: &Email,
    now: i64,
) -> Result<(), AppError> {
    let taken: Option<(String,)> =
        sqlx::query_as("SELECT id FROM scim_users WHERE organization_id = $1 AND email = $2")
            .bind(directory.organization_id())
            .bind(email.as_str())
            .fetch_optional(&mut *tx)
            .await?;
    if taken.is_some() {
        return Err(AppError::field("emails", Problem::EmailTaken));
    }
    sqlx::query("UPDATE scim_users SET email = $1 WHERE id = $2")
        .bind(email.as_str())
        .bind(&person.id)
        .execute(&mut *tx)
        .await?;
    match user_id {
        Some(user_id) => {
            let changed = sqlx::query("UPDATE users SET email = $1 WHERE id = $2")
                .bind(email.as_str())
                .bind(user_id)
                .execute(&mut *tx)
                .await;
            match changed {
                Ok(_) => {}
                Err(error) if super::super::is_unique_violation(&error) => {
                    return Err(AppError::field("emails", Problem::EmailTaken))
                }
                Err(error) => return Err(error.into()),
            }
        }
        None => {
            end_access(tx, directory, &person.email, None, now).await?;
            let invitee = Invitee {
                email: email.clone(),
                first_name: name(&person.given_name, "-", "name.givenName")?,
                last_name: name(&person.family_name, "-", "name.familyName")?,
                lang: Lang::En,
                country: Country::parse("US").map_err(|_| AppError::BadRequest)?,
                roles: person.roles.clone(),
            };
            invite_in(tx, &state.settings, now, &directory.actor, &invitee).await?;
        }
    }
    let detail = format!("{} -> {}", person.email, email.as_str());
    record(
        tx,
        directory,
        now,
        AuditAction::ScimAddressChanged,
        email.as_str(),
        &detail,
    )
    .await
}

/// The last Account Admin who can sign in stays one.
async fn keep_an_admin(
    tx: &mut AnyConnection,
    directory: &Directory,
    person: &Record,
) -> Result<(), AppError> {
    if person.active
        && person.roles.contains(&Role::AccountAdmin)
        && account_admins(tx, directory.organization_id()).await? <= 1
    {
        return Err(AppError::field("roles", Problem::LastAccountAdmin));
    }
    Ok(())
}

/// Ends everything a person could get in with, at once: their sessions,
/// their API tokens and the invitations to them or from them.
async fn deactivate(
    tx: &mut AnyConnection,
    directory: &Directory,
    person: &Record,
    user_id: Option<i64>,
    now: i64,
) -> Result<(), AppError> {
    keep_an_admin(tx, directory, person).await?;
    sqlx::query("UPDATE scim_users SET active = 0, updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(&person.id)
        .execute(&mut *tx)
        .await?;
    end_access(tx, directory, &person.email, user_id, now).await?;
    if let Some(user_id) = user_id {
        sqlx::query("UPDATE users SET deactivated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    record(
        tx,
        directory,
        now,
        AuditAction::ScimDeactivated,
        &person.email,
        "sessions, API tokens and invitations ended",
    )
    .await
}

async fn end_access(
    tx: &mut AnyConnection,
    directory: &Directory,
    email: &str,
    user_id: Option<i64>,
    now: i64,
) -> Result<(), AppError> {
    let mut ended: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM invitations WHERE organization_id = $1 AND email = $2 \
         AND status = 'pending'",
    )
    .bind(directory.organization_id())
    .bind(email)
    .fetch_all(&mut *tx)
    .await?;
    if let Some(user_id) = user_id {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        let sent: Vec<(i64,)> = sqlx::query_as(
            "SELECT id FROM invitations WHERE invited_by = $1 AND status = 'pending'",
        )
        .bind(user_id)
        .fetch_all(&mut *tx)
        .await?;
        ended.extend(sent);
    }
    for (invitation_id,) in ended {
        invitations::finish_pending(tx, invitation_id, Ending::Revoked, now).await?;
    }
    Ok(())
}

async fn reactivate(
    tx: &mut AnyConnection,
    directory: &Directory,
    person: &Record,
    user_id: Option<i64>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE scim_users SET active = 1, updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(&person.id)
        .execute(&mut *tx)
        .await?;
    if let Some(user_id) = user_id {
        sqlx::query("UPDATE users SET deactivated_at = NULL WHERE id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    record(
        tx,
        directory,
        now,
        AuditAction::ScimReactivated,
        &person.email,
        "",
    )
    .await
}

/// Deprovisions and forgets a person: their account goes, with its
/// sessions and tokens, and every invitation to or from them ends.
pub async fn delete(state: &AppState, directory: &Directory, id: &str) -> Result<(), AppError> {
    let now = state.clock.now();
    let mut tx = db::begin_write(&state.db).await?;
    db::lock_organization(&mut tx, directory.organization_id()).await?;
    let (person, user_id) = find(&mut tx, directory, id).await?;
    directory.may_grant(&person.roles)?;
    keep_an_admin(&mut tx, directory, &person).await?;
    end_access(&mut tx, directory, &person.email, user_id, now).await?;
    if let Some(user_id) = user_id {
        crate::services::access::members::delete_account(&mut tx, user_id, now).await?;
    }
    sqlx::query("DELETE FROM scim_users WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let detail = crate::services::access::invite::role_keys(&person.roles);
    record(
        &mut tx,
        directory,
        now,
        AuditAction::ScimDeleted,
        &person.email,
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The people of the group of `role`.
pub async fn members(
    state: &AppState,
    directory: &Directory,
    role: Role,
) -> Result<Vec<Record>, AppError> {
    let mut conn = state.db.acquire().await?;
    // An account's roles are in user_roles; a person still invited has
    // the roles their invitation will give.
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} WHERE s.organization_id = $1 AND CASE WHEN u.id IS NULL \
         THEN ',' || s.roles || ',' LIKE $3 \
         ELSE EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = $2) END \
         ORDER BY s.user_name"
    ))
    .bind(directory.organization_id())
    .bind(role.key())
    .bind(format!("%,{},%", role.key()))
    .fetch_all(&mut *conn)
    .await?;
    let mut members = Vec::with_capacity(rows.len());
    for row in rows {
        members.push(record_of(&mut conn, row).await?);
    }
    Ok(members)
}

/// Puts people in the group of `role` and takes others out of it, within
/// the grant matrix; the last Account Admin stays one (`LastAccountAdmin`).
pub async fn change_group(
    state: &AppState,
    directory: &Directory,
    role: Role,
    add: &[String],
    remove: &[String],
) -> Result<(), AppError> {
    directory.may_grant(&[role])?;
    let now = state.clock.now();
    let mut tx = db::begin_write(&state.db).await?;
    db::lock_organization(&mut tx, directory.organization_id()).await?;
    let changes = add
        .iter()
        .map(|id| (id, true))
        .chain(remove.iter().map(|id| (id, false)));
    for (id, joining) in changes {
        let (person, user_id) = find(&mut tx, directory, id).await?;
        let mut roles = person.roles.clone();
        if joining == roles.contains(&role) {
            continue;
        }
        if joining {
            roles.push(role);
        } else {
            if role == Role::AccountAdmin {
                keep_an_admin(&mut tx, directory, &person).await?;
            }
            roles.retain(|held| *held != role);
        }
        set_roles(&mut tx, directory, &person, user_id, &roles, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn set_roles(
    tx: &mut AnyConnection,
    directory: &Directory,
    person: &Record,
    user_id: Option<i64>,
    roles: &[Role],
    now: i64,
) -> Result<(), AppError> {
    let keys = joined(roles);
    sqlx::query("UPDATE scim_users SET roles = $1, updated_at = $2 WHERE id = $3")
        .bind(&keys)
        .bind(now)
        .bind(&person.id)
        .execute(&mut *tx)
        .await?;
    match user_id {
        Some(user_id) => {
            sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            current_user::add_roles(tx, user_id, roles).await?;
        }
        // Still invited: the invitation will give these roles.
        None => {
            sqlx::query(
                "UPDATE invitations SET roles = $1 WHERE organization_id = $2 AND email = $3 \
                 AND status = 'pending'",
            )
            .bind(&keys)
            .bind(directory.organization_id())
            .bind(&person.email)
            .execute(&mut *tx)
            .await?;
        }
    }
    let detail = format!(
        "{} -> {}",
        joined(&person.roles),
        if keys.is_empty() { "none" } else { &keys }
    );
    record(
        tx,
        directory,
        now,
        AuditAction::UserRolesChanged,
        &person.email,
        &detail,
    )
    .await
}

/// One line of the organization's log, naming the SCIM token.
async fn record(
    tx: &mut AnyConnection,
    directory: &Directory,
    now: i64,
    action: AuditAction,
    subject: &str,
    detail: &str,
) -> Result<(), AppError> {
    let detail = if detail.is_empty() {
        directory.named()
    } else {
        format!("{detail} (by {})", directory.named())
    };
    let entry = Entry {
        action,
        subject,
        detail: &detail,
    };
    audit::record_as(
        tx,
        directory.organization_id(),
        &directory.actor.user.email,
        &directory.actor.client_address,
        now,
        &entry,
    )
    .await
}
