//! Invitations: issued with a single-use link that works for 60 days,
//! superseded by a resend, consumed when the account is created.

use sqlx::AnyConnection;
use tracing::instrument;

use super::current_user;
use super::events::{self, Audience};
use super::mail::InvitationMail;
use super::outbox;
use super::sso::{self, PasswordPath};
use super::{is_unique_violation, AppState, Settings, INVITATION_LIFETIME_SECS};
use crate::domain::wire::{InvitationView, LinkState};
use crate::domain::{
    AgreementNumber, Country, Email, EventType, InvitationToken, Lang, PersonName, Problem,
    PurchasingAccountNumber, Role,
};
use crate::error::{AppError, FormErrors};
use crate::i18n::dates::rfc3339;

/// Who to invite, to what, and with which roles.
pub struct NewInvitation<'a> {
    pub organization_id: i64,
    pub organization_name: &'a str,
    /// Set when inviting a purchasing account's designated administrator.
    pub purchasing_account_id: Option<i64>,
    pub agreement_number: Option<&'a str>,
    pub email: &'a Email,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub lang: Lang,
    pub country: &'a str,
    pub roles: &'a [Role],
    /// The colleague who invited, with their name for the email.
    pub invited_by: Option<(i64, &'a str)>,
}

/// Issues an invitation inside the caller's transaction: any pending one
/// for the same person and organization stops working, and the email is
/// queued with the invitation so that neither exists without the other.
#[instrument(skip_all)]
pub async fn issue(
    conn: &mut AnyConnection,
    settings: &Settings,
    now: i64,
    new: &NewInvitation<'_>,
) -> Result<(i64, InvitationToken), AppError> {
    let superseded: Vec<(i64,)> = sqlx::query_as(
        "UPDATE invitations SET status = 'superseded', finished_at = $1 \
         WHERE organization_id = $2 AND email = $3 AND status = 'pending' RETURNING id",
    )
    .bind(now)
    .bind(new.organization_id)
    .bind(new.email.as_str())
    .fetch_all(&mut *conn)
    .await?;

    let token = InvitationToken::generate();
    let expires_at = now + INVITATION_LIFETIME_SECS;
    let roles: Vec<&str> = new.roles.iter().map(|role| role.key()).collect();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO invitations (organization_id, purchasing_account_id, email, first_name, \
         last_name, language, country, roles, invited_by, token_hash, status, sent_at, expires_at, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', $11, $12, $11) \
         RETURNING id",
    )
    .bind(new.organization_id)
    .bind(new.purchasing_account_id)
    .bind(new.email.as_str())
    .bind(new.first_name)
    .bind(new.last_name)
    .bind(new.lang.code())
    .bind(new.country)
    .bind(roles.join(","))
    .bind(new.invited_by.map(|(id, _)| id))
    .bind(token.hash())
    .bind(now)
    .bind(expires_at)
    .fetch_one(&mut *conn)
    .await?;

    let message = InvitationMail {
        lang: new.lang,
        to: new.email,
        organization: new.organization_name,
        agreement_number: new.agreement_number,
        inviter: new.invited_by.map(|(_, name)| name),
        token: &token,
        expires_at,
    }
    .render(settings)?;
    outbox::enqueue(conn, &message, Some(id), now).await?;
    let mut data = serde_json::json!({
        "invitation_id": id,
        "email": new.email.as_str(),
        "first_name": new.first_name,
        "last_name": new.last_name,
        "roles": roles,
        "expires_at": rfc3339(expires_at),
    });
    let kind = match superseded.first() {
        Some((previous,)) => {
            data["previous_invitation_id"] = (*previous).into();
            EventType::InvitationResent
        }
        None => EventType::InvitationCreated,
    };
    let audience = Audience::Organization(new.organization_id);
    events::emit(conn, audience, now, kind, data).await?;
    Ok((id, token))
}

#[derive(sqlx::FromRow)]
struct InvitationRow {
    id: i64,
    status: String,
    expires_at: i64,
    email: String,
    first_name: String,
    last_name: String,
    language: String,
    country: String,
    roles: String,
    organization_id: i64,
    organization: String,
    agreement_number: Option<String>,
    invited_by: Option<i64>,
}

async fn find_by_token(
    conn: &mut AnyConnection,
    token: &InvitationToken,
) -> Result<Option<InvitationRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT i.id, i.status, i.expires_at, i.email, i.first_name, i.last_name, i.language, \
         i.country, i.roles, i.organization_id, o.name AS organization, a.number AS agreement_number, \
         i.invited_by \
         FROM invitations i JOIN organizations o ON o.id = i.organization_id \
         LEFT JOIN purchasing_accounts p ON p.id = i.purchasing_account_id \
         LEFT JOIN agreements a ON a.id = p.agreement_id WHERE i.token_hash = $1",
    )
    .bind(token.hash())
    .fetch_optional(conn)
    .await?)
}

fn state_of(row: Option<InvitationRow>, now: i64) -> LinkState {
    let Some(row) = row else {
        return LinkState::Unknown;
    };
    match row.status.as_str() {
        "accepted" => LinkState::Used,
        "superseded" => LinkState::Superseded,
        "revoked" => LinkState::Revoked,
        "pending" if now >= row.expires_at => LinkState::Expired,
        "pending" => LinkState::Valid(InvitationView {
            email: row.email,
            first_name: row.first_name,
            last_name: row.last_name,
            country: row.country,
            organization: row.organization,
            agreement_number: row.agreement_number,
            expires_at: row.expires_at,
            sso: false,
        }),
        _ => LinkState::Unknown,
    }
}

/// What an invitation link leads to now.
#[instrument(skip_all)]
pub async fn look_up(state: &AppState, token: &str) -> Result<LinkState, AppError> {
    let Ok(token) = InvitationToken::parse(token) else {
        return Ok(LinkState::Unknown);
    };
    let mut conn = state.db.acquire().await?;
    let mut link = state_of(find_by_token(&mut conn, &token).await?, state.clock.now());
    drop(conn);
    if let LinkState::Valid(view) = &mut link {
        if let Ok(email) = Email::parse(&view.email) {
            view.sso = sso::route(state, &email).await?.is_some();
        }
    }
    Ok(link)
}

/// The pending invitation behind the link `token` and its address, for
/// accepting it by signing in with the organization's provider.
pub async fn pending(state: &AppState, token: &str) -> Result<(i64, Email), AppError> {
    let token = InvitationToken::parse(token).map_err(|_| AppError::NotFound)?;
    let mut conn = state.db.acquire().await?;
    let row = find_by_token(&mut conn, &token)
        .await?
        .filter(|row| row.status == "pending" && state.clock.now() < row.expires_at)
        .ok_or(AppError::NotFound)?;
    let email = Email::parse(&row.email).map_err(|_| AppError::NotFound)?;
    Ok((row.id, email))
}

/// Sends a fresh invitation to a purchasing account's designated
/// administrator, but only when the email, agreement number and purchasing
/// account number all match, that person has no account yet, and their
/// invitation is still pending (expired by time is fine; revoked, or
/// accepted by someone since removed, is not: the form must not let a
/// removed administrator mint a new Account Admin invitation). Returns
/// `None` otherwise; callers must not tell the two apart to the public.
#[instrument(skip_all)]
pub async fn resend_to_designated_admin(
    state: &AppState,
    email: &Email,
    agreement: &AgreementNumber,
    purchasing_account: &PurchasingAccountNumber,
) -> Result<Option<InvitationToken>, AppError> {
    #[derive(sqlx::FromRow)]
    struct Designated {
        purchasing_account_id: i64,
        admin_first_name: String,
        admin_last_name: String,
        admin_language: String,
        admin_country: String,
        organization_id: i64,
        organization: String,
    }
    let (settings, now) = (&*state.settings, state.clock.now());
    let mut tx = super::db::begin_write(&state.db).await?;
    let designated: Option<Designated> = sqlx::query_as(
        "SELECT p.id AS purchasing_account_id, p.admin_first_name, p.admin_last_name, \
         p.admin_language, p.admin_country, a.organization_id, o.name AS organization \
         FROM purchasing_accounts p JOIN agreements a ON a.id = p.agreement_id \
         JOIN organizations o ON o.id = a.organization_id \
         WHERE a.number = $1 AND p.number = $2 AND p.admin_email = $3 \
         AND EXISTS (SELECT 1 FROM invitations i WHERE i.purchasing_account_id = p.id \
                     AND i.email = p.admin_email AND i.status = 'pending')",
    )
    .bind(agreement.as_str())
    .bind(purchasing_account.as_str())
    .bind(email.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    let Some(designated) = designated else {
        return Ok(None);
    };
    let registered: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(email.as_str())
        .fetch_optional(&mut *tx)
        .await?;
    if registered.is_some() {
        return Ok(None);
    }
    let (_, token) = issue(
        &mut tx,
        settings,
        now,
        &NewInvitation {
            organization_id: designated.organization_id,
            organization_name: &designated.organization,
            purchasing_account_id: Some(designated.purchasing_account_id),
            agreement_number: Some(agreement.as_str()),
            email,
            first_name: &designated.admin_first_name,
            last_name: &designated.admin_last_name,
            lang: Lang::parse(&designated.admin_language).unwrap_or_default(),
            country: &designated.admin_country,
            roles: &[Role::AccountAdmin],
            invited_by: None,
        },
    )
    .await?;
    state.outbox.commit(tx).await?;
    Ok(Some(token))
}

/// What a person fills in to accept an invitation.
pub struct AcceptForm {
    pub first_name: String,
    pub last_name: String,
    pub country: String,
    pub password: String,
    pub confirm_password: String,
}

/// Creates the account an invitation offers and consumes the invitation.
/// Returns the new user's id.
#[instrument(skip_all)]
pub async fn accept(state: &AppState, token: &str, form: AcceptForm) -> Result<i64, AppError> {
    let (db, hasher, now) = (&state.db, &state.hasher, state.clock.now());
    let token = InvitationToken::parse(token).map_err(|_| AppError::NotFound)?;
    let mut errors = FormErrors::default();
    let first_name = errors.check("first_name", PersonName::parse(&form.first_name));
    let last_name = errors.check("last_name", PersonName::parse(&form.last_name));
    let country = errors.check("country", Country::parse(&form.country));
    let (password_problem, confirm_problem) =
        super::password::check_new(&form.password, &form.confirm_password);
    if let Some(problem) = password_problem {
        errors.add("password", problem);
    }
    if let Some(problem) = confirm_problem {
        errors.add("confirm_password", problem);
    }
    let (first_name, last_name, country) = errors.finish(
        first_name
            .zip(last_name)
            .zip(country)
            .map(|((first, last), country)| (first, last, country)),
    )?;

    // Refuse a dead link before spending a password hash on it.
    let invited = {
        let mut conn = db.acquire().await?;
        let row = find_by_token(&mut conn, &token).await?;
        let invited = row.as_ref().map(|row| row.email.clone());
        if !matches!(state_of(row, now), LinkState::Valid(_)) {
            return Err(AppError::NotFound);
        }
        invited.unwrap_or_default()
    };
    sso::check_password_path(state, &invited, PasswordPath::Invitation, "password").await?;
    let password_hash = hasher.hash(form.password).await?;

    let mut tx = super::db::begin_write(db).await?;
    let row = find_by_token(&mut tx, &token).await?;
    let Some(row) = row.filter(|row| row.status == "pending" && now < row.expires_at) else {
        return Err(AppError::NotFound);
    };
    let account = NewAccount {
        first_name: first_name.as_str(),
        last_name: last_name.as_str(),
        country: country.code,
        password_hash: &password_hash,
    };
    let user_id = open_account(&mut tx, &row, &account, now).await?;
    tx.commit().await?;
    Ok(user_id)
}

/// The account an invitation opens.
struct NewAccount<'a> {
    first_name: &'a str,
    last_name: &'a str,
    country: &'a str,
    /// Empty for someone who signs in only through their organization's
    /// provider: no password matches it.
    password_hash: &'a str,
}

/// Creates the account the pending invitation `row` offers, with its
/// roles, and ends the invitation.
async fn open_account(
    tx: &mut AnyConnection,
    row: &InvitationRow,
    account: &NewAccount<'_>,
    now: i64,
) -> Result<i64, AppError> {
    let roles: Vec<Role> = row.roles.split(',').filter_map(Role::from_key).collect();
    if let Some(inviter) = row.invited_by {
        // The inviter's power is what it is now, not what it was when
        // they sent the link: a demoted or removed inviter grants nothing.
        let held: Vec<(String,)> = sqlx::query_as(
            "SELECT r.role FROM user_roles r JOIN users u ON u.id = r.user_id \
             WHERE r.user_id = $1 AND u.organization_id = $2",
        )
        .bind(inviter)
        .bind(row.organization_id)
        .fetch_all(&mut *tx)
        .await?;
        let held: Vec<Role> = held
            .iter()
            .filter_map(|(key,)| Role::from_key(key))
            .collect();
        if !Role::may_grant_all(&held, &roles) {
            return Err(AppError::field("invitation", Problem::InviterLacksPower));
        }
    }
    let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO users (organization_id, email, first_name, last_name, language, country, \
         password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(row.organization_id)
    .bind(&row.email)
    .bind(account.first_name)
    .bind(account.last_name)
    .bind(&row.language)
    .bind(account.country)
    .bind(account.password_hash)
    .bind(now)
    .fetch_one(&mut *tx)
    .await;
    let user_id = match inserted {
        Ok((id,)) => id,
        Err(error) if is_unique_violation(&error) => {
            return Err(AppError::field("email", Problem::EmailTaken))
        }
        Err(error) => return Err(error.into()),
    };
    current_user::add_roles(&mut *tx, user_id, &roles).await?;
    finish_pending(&mut *tx, row.id, Ending::Accepted { user_id }, now).await?;
    Ok(user_id)
}

/// Accepts the pending invitation of `email` to `organization_id` for
/// someone their organization's provider just signed in: the account has
/// no password, and the names are the invitation's unless the provider
/// gave them. `None` when no such invitation waits.
pub async fn accept_signed_in(
    tx: &mut AnyConnection,
    organization_id: i64,
    email: &str,
    names: (Option<&str>, Option<&str>),
    now: i64,
) -> Result<Option<i64>, AppError> {
    let row: Option<InvitationRow> = sqlx::query_as(
        "SELECT i.id, i.status, i.expires_at, i.email, i.first_name, i.last_name, i.language, \
         i.country, i.roles, i.organization_id, o.name AS organization, CAST(NULL AS TEXT) AS agreement_number, \
         i.invited_by \
         FROM invitations i JOIN organizations o ON o.id = i.organization_id \
         WHERE i.email = $1 AND i.organization_id = $2 AND i.status = 'pending' \
         AND i.expires_at > $3 ORDER BY i.id DESC LIMIT 1",
    )
    .bind(email)
    .bind(organization_id)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let first_name = names.0.filter(|name| !name.trim().is_empty());
    let last_name = names.1.filter(|name| !name.trim().is_empty());
    let account = NewAccount {
        first_name: first_name.unwrap_or(&row.first_name),
        last_name: last_name.unwrap_or(&row.last_name),
        country: &row.country,
        password_hash: "",
    };
    Ok(Some(open_account(tx, &row, &account, now).await?))
}

/// How a pending invitation ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The account it offered was created.
    Accepted {
        user_id: i64,
    },
    Revoked,
}

/// Ends the pending invitation `id`, and announces it (`invitation.accepted`
/// or `invitation.revoked`); `NotFound` when it is no longer pending. The
/// status guard makes the second of two requests racing to end it (two
/// acceptances, a revocation and an acceptance) change nothing.
pub async fn finish_pending(
    conn: &mut AnyConnection,
    id: i64,
    ending: Ending,
    now: i64,
) -> Result<(), AppError> {
    let status = match ending {
        Ending::Accepted { .. } => "accepted",
        Ending::Revoked => "revoked",
    };
    let ended: Option<(i64, String, String)> = sqlx::query_as(
        "UPDATE invitations SET status = $1, finished_at = $2 WHERE id = $3 AND status = 'pending' \
         RETURNING organization_id, email, roles",
    )
    .bind(status)
    .bind(now)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let (organization_id, email, roles) = ended.ok_or(AppError::NotFound)?;
    let roles: Vec<&str> = roles.split(',').filter(|key| !key.is_empty()).collect();
    let (kind, data) = match ending {
        Ending::Accepted { user_id } => (
            EventType::InvitationAccepted,
            serde_json::json!({ "invitation_id": id, "user_id": user_id, "email": email, "roles": roles }),
        ),
        Ending::Revoked => (
            EventType::InvitationRevoked,
            serde_json::json!({ "invitation_id": id, "email": email }),
        ),
    };
    events::emit(
        conn,
        Audience::Organization(organization_id),
        now,
        kind,
        data,
    )
    .await?;
    Ok(())
}
