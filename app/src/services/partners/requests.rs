//! A partner's request to replace a customer's designated administrator
//! who has already registered. The partner may no longer do it alone (that
//! person is the customer's now): the customer's Account Admins are
//! emailed, and approve or decline it under *Manage access → Manage
//! partner visibility* within [`REQUEST_DAYS`]. Each step is audited in
//! both organizations' logs.

use sqlx::AnyConnection;
use tracing::instrument;

use super::customers::{linked_account, registered, LinkedAccount};
use super::rescue::{audit_both, redesignate, Rescue};
use super::AdminPerson;
use crate::domain::wire::AdminChangeRequest;
use crate::domain::{AuditAction, Capability, Country, Email, Lang, PersonName, Problem};
use crate::error::AppError;
use crate::services::accounts;
use crate::services::audit::{self, Actor, Entry};
use crate::services::mail::AdminChangeRequestMail;
use crate::services::{db, outbox, AppState};

/// How long a request waits for the customer before it lapses.
pub const REQUEST_DAYS: i64 = 7;

const DAY_SECS: i64 = 24 * 60 * 60;

/// "First Last (email)", as requests and emails name a person.
pub(super) fn named(first_name: &str, last_name: &str, email: &str) -> String {
    format!("{first_name} {last_name} ({email})")
}

/// Files the partner's request to make `admin` the designated
/// administrator of the rescue's account, in place of one whose invitation
/// is no longer pending; a request already waiting for that account is
/// replaced by this one. Refused when the customer has no Account Admin to
/// decide, or when `admin` is already one of its users.
pub(super) async fn file(
    state: &AppState,
    actor: &Actor,
    rescue: Rescue,
    admin: &AdminPerson,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let Rescue {
        mut tx,
        partner,
        account,
    } = rescue;
    let deciders = accounts::account_admins(&mut tx, account.customer_id).await?;
    if deciders.is_empty() {
        return Err(AppError::field(
            "purchasing_account",
            Problem::AdminInvitationClosed,
        ));
    }
    if registered(&mut tx, account.customer_id, admin.email.as_str()).await? {
        return Err(AppError::field("email", Problem::AlreadyMember));
    }
    sqlx::query(
        "UPDATE admin_change_requests SET status = 'replaced', decided_at = $1 \
         WHERE purchasing_account_id = $2 AND status = 'pending'",
    )
    .bind(now)
    .bind(account.purchasing_account_id)
    .execute(&mut *tx)
    .await?;
    let expires_at = now + REQUEST_DAYS * DAY_SECS;
    sqlx::query(
        "INSERT INTO admin_change_requests (purchasing_account_id, customer_id, partner_id, \
         requested_by, email, first_name, last_name, language, country, status, created_at, \
         expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $11)",
    )
    .bind(account.purchasing_account_id)
    .bind(account.customer_id)
    .bind(actor.user.organization_id)
    .bind(&actor.user.email)
    .bind(admin.email.as_str())
    .bind(admin.first_name.as_str())
    .bind(admin.last_name.as_str())
    .bind(admin.lang.code())
    .bind(admin.country.code)
    .bind(now)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    let detail = format!("{} -> {}", account.admin_email, admin.email);
    let entry = Entry {
        action: AuditAction::AdminChangeRequested,
        subject: admin.email.as_str(),
        detail: &detail,
    };
    audit_both(&mut tx, actor, &partner, &account, now, entry).await?;
    let old_admin = named(
        &account.admin_first_name,
        &account.admin_last_name,
        &account.admin_email,
    );
    let new_admin = format!("{} ({})", admin.full_name(), admin.email);
    for (to, lang) in deciders {
        let message = AdminChangeRequestMail {
            lang,
            to: &to,
            partner: &partner,
            organization: &account.customer,
            agreement_number: &account.agreement_number,
            purchasing_account: &account.purchasing_account,
            old_admin: &old_admin,
            new_admin: &new_admin,
            expires: &lang.format_date(expires_at),
        }
        .render(&state.settings)?;
        outbox::enqueue(&mut tx, &message, None, now).await?;
    }
    state.outbox.commit(tx).await
}

/// The partners' requests waiting for the actor's organization, oldest
/// first; lapsed ones are gone.
#[instrument(skip_all, fields(organization = actor.user.organization_id))]
pub async fn pending_requests(
    state: &AppState,
    actor: &Actor,
) -> Result<Vec<AdminChangeRequest>, AppError> {
    actor.user.require(Capability::ManagePartnerVisibility)?;
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        partner: String,
        agreement_number: String,
        purchasing_account: String,
        admin_first_name: String,
        admin_last_name: String,
        admin_email: String,
        first_name: String,
        last_name: String,
        email: String,
        requested_by: String,
        created_at: i64,
        expires_at: i64,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT r.id, o.name AS partner, a.number AS agreement_number, \
         p.number AS purchasing_account, p.admin_first_name, p.admin_last_name, p.admin_email, \
         r.first_name, r.last_name, r.email, r.requested_by, r.created_at, r.expires_at \
         FROM admin_change_requests r JOIN organizations o ON o.id = r.partner_id \
         JOIN purchasing_accounts p ON p.id = r.purchasing_account_id \
         JOIN agreements a ON a.id = p.agreement_id \
         WHERE r.customer_id = $1 AND r.status = 'pending' AND r.expires_at > $2 \
         ORDER BY r.created_at, r.id",
    )
    .bind(actor.user.organization_id)
    .bind(state.clock.now())
    .fetch_all(&state.db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| AdminChangeRequest {
            id: row.id,
            partner: row.partner,
            agreement_number: row.agreement_number,
            purchasing_account: row.purchasing_account,
            current_admin: named(
                &row.admin_first_name,
                &row.admin_last_name,
                &row.admin_email,
            ),
            proposed_admin: named(&row.first_name, &row.last_name, &row.email),
            requested_by: row.requested_by,
            requested_at: row.created_at,
            expires_at: row.expires_at,
        })
        .collect())
}

/// A request as stored, with the person it proposes.
#[derive(sqlx::FromRow)]
struct Request {
    purchasing_account_id: i64,
    partner_id: i64,
    email: String,
    first_name: String,
    last_name: String,
    language: String,
    country: String,
    expires_at: i64,
}

impl Request {
    fn admin(&self) -> Result<AdminPerson, AppError> {
        let stored = |_| crate::services::internal("stored request invalid");
        Ok(AdminPerson {
            email: Email::parse(&self.email).map_err(stored)?,
            first_name: PersonName::parse(&self.first_name).map_err(stored)?,
            last_name: PersonName::parse(&self.last_name).map_err(stored)?,
            lang: Lang::parse(&self.language).unwrap_or_default(),
            country: Country::parse(&self.country).map_err(stored)?,
        })
    }
}

/// An Account Admin's answer to request `request_id`: approving makes the
/// proposed person the designated administrator and invites them as
/// Account Admin (from the approver, so that accepting checks the approver
/// still may); declining leaves everything as it was.
#[instrument(skip_all, fields(user = actor.user.id, request = request_id))]
pub async fn decide(
    state: &AppState,
    actor: &Actor,
    request_id: i64,
    approve: bool,
) -> Result<(), AppError> {
    actor.user.require(Capability::ManagePartnerVisibility)?;
    let now = state.clock.now();
    let mut tx = db::begin_write(&state.db).await?;
    db::lock_organization(&mut tx, actor.user.organization_id).await?;
    let request: Option<Request> = sqlx::query_as(
        "SELECT purchasing_account_id, partner_id, email, first_name, last_name, language, \
         country, expires_at FROM admin_change_requests \
         WHERE id = $1 AND customer_id = $2 AND status = 'pending'",
    )
    .bind(request_id)
    .bind(actor.user.organization_id)
    .fetch_optional(&mut *tx)
    .await?;
    let request = request.ok_or(AppError::NotFound)?;
    if request.expires_at <= now {
        return Err(AppError::field("request", Problem::RequestExpired));
    }
    // A partner no longer of record for the agreement asks nothing.
    let account = linked_account(&mut tx, request.partner_id, request.purchasing_account_id)
        .await
        .map_err(|_| AppError::field("request", Problem::PartnerNotLinked))?;
    let action = if approve {
        let admin = request.admin()?;
        let approver = actor.user.summary().full_name();
        let invited_by = Some((actor.user.id, approver.as_str()));
        redesignate(&mut tx, &state.settings, now, &account, &admin, invited_by).await?;
        AuditAction::AdminChangeApproved
    } else {
        AuditAction::AdminChangeDeclined
    };
    sqlx::query(
        "UPDATE admin_change_requests SET status = $1, decided_at = $2, decided_by = $3 \
         WHERE id = $4",
    )
    .bind(if approve { "approved" } else { "declined" })
    .bind(now)
    .bind(&actor.user.email)
    .bind(request_id)
    .execute(&mut *tx)
    .await?;
    record_decision(&mut tx, actor, &account, &request, action, now).await?;
    state.outbox.commit(tx).await
}

/// Writes a decision to the customer's log, and to the partner's under
/// the customer's name.
async fn record_decision(
    conn: &mut AnyConnection,
    actor: &Actor,
    account: &LinkedAccount,
    request: &Request,
    action: AuditAction,
    now: i64,
) -> Result<(), AppError> {
    let (partner,): (String,) = sqlx::query_as("SELECT name FROM organizations WHERE id = $1")
        .bind(request.partner_id)
        .fetch_one(&mut *conn)
        .await?;
    let change = format!("{} -> {}", account.admin_email, request.email);
    let own = format!("{change}, asked by {partner}");
    audit::record(conn, actor, now, action, &request.email, &own).await?;
    let theirs = format!(
        "{} (agreement {}, purchasing account {}) {change}",
        account.customer, account.agreement_number, account.purchasing_account
    );
    let entry = Entry {
        action,
        subject: &request.email,
        detail: &theirs,
    };
    audit::record_in(
        conn,
        request.partner_id,
        actor,
        &account.customer,
        now,
        &entry,
    )
    .await
}
