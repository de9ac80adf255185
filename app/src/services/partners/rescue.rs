//! A partner acting for its customers: the three rescues (resend, change
//! the administrator, correct their address), for linked agreements only,
//! and only while the designated administrator's invitation is pending,
//! as on the public resend form: a partner never brings back an
//! administrator the customer removed or revoked. Past that, changing the
//! administrator becomes a request the customer approves
//! ([`super::requests`]). The customer's Account Admins hear of every
//! rescue.

use sqlx::AnyConnection;
use tracing::instrument;

use super::customers::{linked_account, registered, LinkedAccount};
use super::AdminPerson;
use crate::domain::{AuditAction, Capability, Country, Email, Lang, PersonName, Problem, Role};
use crate::error::AppError;
use crate::services::access::invite;
use crate::services::accounts;
use crate::services::audit::{self, Actor, Entry};
use crate::services::invitations::{self, NewInvitation};
use crate::services::mail::AdminChangedMail;
use crate::services::outbox;
use crate::services::{db, AppState, Db, Settings};

/// The partner acting, checked: its organization's name, for both audit
/// logs. Every rescue mails an invitation, so each counts against the
/// same daily quotas as a customer's invitations.
async fn acting_partner(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: i64,
) -> Result<String, AppError> {
    actor.user.require(Capability::ManageCustomers)?;
    invite::count_invitation(&mut *conn, &actor.user, now).await?;
    let (name,): (String,) = sqlx::query_as("SELECT name FROM organizations WHERE id = $1")
        .bind(actor.user.organization_id)
        .fetch_one(conn)
        .await?;
    Ok(name)
}

/// What every rescue starts from: its transaction, the acting partner's
/// name, and the customer's account it acts on.
pub(super) struct Rescue {
    pub(super) tx: sqlx::Transaction<'static, sqlx::Any>,
    pub(super) partner: String,
    pub(super) account: LinkedAccount,
}

/// Opens a rescue of `purchasing_account_id`, after checking the actor's
/// role, the partner's link to that account and the invitation quotas.
async fn begin_rescue(
    db: &Db,
    actor: &Actor,
    now: i64,
    purchasing_account_id: i64,
) -> Result<Rescue, AppError> {
    let mut tx = db::begin_write(db).await?;
    let partner = acting_partner(&mut tx, actor, now).await?;
    let account =
        linked_account(&mut tx, actor.user.organization_id, purchasing_account_id).await?;
    Ok(Rescue {
        tx,
        partner,
        account,
    })
}

/// Writes a partner's action to the customer's log, naming the partner,
/// and to the partner's own log, naming the customer.
pub(super) async fn audit_both(
    conn: &mut AnyConnection,
    actor: &Actor,
    partner: &str,
    account: &LinkedAccount,
    now: i64,
    entry: Entry<'_>,
) -> Result<(), AppError> {
    audit::record_in(conn, account.customer_id, actor, partner, now, &entry).await?;
    let detail = format!(
        "{} (agreement {}, purchasing account {}) {}",
        account.customer, account.agreement_number, account.purchasing_account, entry.detail
    );
    let own = Entry {
        detail: detail.trim_end(),
        ..entry
    };
    audit::record_in(conn, actor.user.organization_id, actor, "", now, &own).await
}

fn invitation_of<'a>(
    account: &'a LinkedAccount,
    admin: &'a AdminPerson,
    lang: Lang,
    invited_by: Option<(i64, &'a str)>,
) -> NewInvitation<'a> {
    NewInvitation {
        organization_id: account.customer_id,
        organization_name: &account.customer,
        purchasing_account_id: Some(account.purchasing_account_id),
        agreement_number: Some(&account.agreement_number),
        email: &admin.email,
        first_name: admin.first_name.as_str(),
        last_name: admin.last_name.as_str(),
        lang,
        country: admin.country.code,
        roles: &[Role::AccountAdmin],
        invited_by,
    }
}

pub(super) fn current_admin(account: &LinkedAccount) -> Result<AdminPerson, AppError> {
    let field = |problem| AppError::field("purchasing_account", problem);
    Ok(AdminPerson {
        email: Email::parse(&account.admin_email).map_err(field)?,
        first_name: PersonName::parse(&account.admin_first_name).map_err(field)?,
        last_name: PersonName::parse(&account.admin_last_name).map_err(field)?,
        lang: Lang::parse(&account.admin_language).unwrap_or_default(),
        country: Country::parse(&account.admin_country).map_err(field)?,
    })
}

/// Sends the designated administrator of a customer's purchasing account
/// a fresh invitation (the old link dies, 60 days again). Returns the
/// address it went to.
#[instrument(skip_all, fields(user = actor.user.id, account = purchasing_account_id))]
pub async fn resend(
    state: &AppState,
    actor: &Actor,
    purchasing_account_id: i64,
) -> Result<Email, AppError> {
    let (settings, now) = (&*state.settings, state.clock.now());
    let mut rescue = begin_rescue(&state.db, actor, now, purchasing_account_id).await?;
    still_pending(&mut rescue.tx, &rescue.account, "purchasing_account").await?;
    let admin = current_admin(&rescue.account)?;
    invitations::issue(
        &mut rescue.tx,
        settings,
        now,
        &invitation_of(&rescue.account, &admin, admin.lang, None),
    )
    .await?;
    let entry = Entry {
        action: AuditAction::DesignatedAdminInvitationResent,
        subject: admin.email.as_str(),
        detail: "",
    };
    finish(state, actor, rescue, now, entry, &admin, true).await?;
    Ok(admin.email)
}

/// Makes `admin` the designated administrator of a customer's purchasing
/// account, in place of one who has not registered, and invites them as
/// Account Admin; the previous administrator's invitation is revoked. In
/// place of one who has, it asks the customer's Account Admins instead.
#[instrument(skip_all, fields(user = actor.user.id, account = purchasing_account_id))]
pub async fn change_admin(
    state: &AppState,
    actor: &Actor,
    purchasing_account_id: i64,
    admin: &AdminPerson,
) -> Result<AdminChange, AppError> {
    let (settings, now) = (&*state.settings, state.clock.now());
    let mut rescue = begin_rescue(&state.db, actor, now, purchasing_account_id).await?;
    if !is_pending(&mut rescue.tx, &rescue.account).await? {
        super::requests::file(state, actor, rescue, admin).await?;
        return Ok(AdminChange::Requested);
    }
    redesignate(&mut rescue.tx, settings, now, &rescue.account, admin, None).await?;
    let detail = format!("{} -> {}", rescue.account.admin_email, admin.email);
    let entry = Entry {
        action: AuditAction::DesignatedAdminChanged,
        subject: admin.email.as_str(),
        detail: &detail,
    };
    finish(state, actor, rescue, now, entry, admin, false).await?;
    Ok(AdminChange::Changed)
}

/// What a partner's change of administrator did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminChange {
    /// Done: the new administrator is invited.
    Changed,
    /// The administrator had registered: the customer's Account Admins
    /// were asked to approve.
    Requested,
}

/// Corrects the address of a designated administrator who has not yet
/// registered: the pending link dies and the invitation goes to `email`.
#[instrument(skip_all, fields(user = actor.user.id, account = purchasing_account_id))]
pub async fn change_admin_email(
    state: &AppState,
    actor: &Actor,
    purchasing_account_id: i64,
    email: &Email,
) -> Result<(), AppError> {
    let (settings, now) = (&*state.settings, state.clock.now());
    let mut rescue = begin_rescue(&state.db, actor, now, purchasing_account_id).await?;
    still_pending(&mut rescue.tx, &rescue.account, "email").await?;
    let admin = AdminPerson {
        email: email.clone(),
        ..current_admin(&rescue.account)?
    };
    redesignate(&mut rescue.tx, settings, now, &rescue.account, &admin, None).await?;
    let detail = format!("{} -> {}", rescue.account.admin_email, admin.email);
    let entry = Entry {
        action: AuditAction::DesignatedAdminEmailChanged,
        subject: admin.email.as_str(),
        detail: &detail,
    };
    finish(state, actor, rescue, now, entry, &admin, false).await?;
    Ok(())
}

/// Records `admin` as the account's designated administrator, revokes
/// the previous one's pending invitation and invites the new one (from
/// `invited_by`, the customer's admin who approved it, if one did).
pub(super) async fn redesignate(
    tx: &mut AnyConnection,
    settings: &Settings,
    now: i64,
    account: &LinkedAccount,
    admin: &AdminPerson,
    invited_by: Option<(i64, &str)>,
) -> Result<(), AppError> {
    // A user of the customer is given roles by its own administrators, not
    // through a partner. An account elsewhere is not the partner's to know
    // of: that address is invited like any other (accepting tells its
    // owner alone).
    if registered(tx, account.customer_id, admin.email.as_str()).await? {
        return Err(AppError::field("email", Problem::AlreadyMember));
    }
    sqlx::query(
        "UPDATE invitations SET status = 'revoked', finished_at = $1 \
         WHERE organization_id = $2 AND email = $3 AND status = 'pending'",
    )
    .bind(now)
    .bind(account.customer_id)
    .bind(&account.admin_email)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE purchasing_accounts SET admin_email = $1, admin_first_name = $2, \
         admin_last_name = $3, admin_language = $4, admin_country = $5 WHERE id = $6",
    )
    .bind(admin.email.as_str())
    .bind(admin.first_name.as_str())
    .bind(admin.last_name.as_str())
    .bind(admin.lang.code())
    .bind(admin.country.code)
    .bind(account.purchasing_account_id)
    .execute(&mut *tx)
    .await?;
    invitations::issue(
        tx,
        settings,
        now,
        &invitation_of(account, admin, admin.lang, invited_by),
    )
    .await?;
    Ok(())
}

/// Ends a rescue: audits it on both sides, tells the customer's Account
/// Admins (`admin` is the designated administrator after it; `resent`, the
/// same one invited again), and commits, waking the mail worker.
async fn finish(
    state: &AppState,
    actor: &Actor,
    rescue: Rescue,
    now: i64,
    entry: Entry<'_>,
    admin: &AdminPerson,
    resent: bool,
) -> Result<(), AppError> {
    let Rescue {
        mut tx,
        partner,
        account,
    } = rescue;
    audit_both(&mut tx, actor, &partner, &account, now, entry).await?;
    let settings = &state.settings;
    tell_account_admins(&mut tx, settings, now, &partner, &account, admin, resent).await?;
    state.outbox.commit(tx).await
}

/// Emails the customer's Account Admins (if it has any yet) what the
/// partner did, so that a rescue they did not ask for does not go
/// unnoticed.
async fn tell_account_admins(
    tx: &mut AnyConnection,
    settings: &Settings,
    now: i64,
    partner: &str,
    account: &LinkedAccount,
    admin: &AdminPerson,
    resent: bool,
) -> Result<(), AppError> {
    let admins = accounts::account_admins(tx, account.customer_id).await?;
    let old_admin = super::requests::named(
        &account.admin_first_name,
        &account.admin_last_name,
        &account.admin_email,
    );
    let new_admin = format!("{} ({})", admin.full_name(), admin.email);
    for (to, lang) in admins {
        let message = AdminChangedMail {
            lang,
            to: &to,
            partner,
            organization: &account.customer,
            agreement_number: &account.agreement_number,
            purchasing_account: &account.purchasing_account,
            old_admin: &old_admin,
            new_admin: &new_admin,
            resent,
        }
        .render(settings)?;
        outbox::enqueue(tx, &message, None, now).await?;
    }
    Ok(())
}

/// `AdminInvitationClosed` (on `field`) unless the account's designated
/// administrator still has an Account Admin invitation pending (expired by
/// time is fine): registered since, revoked by the customer, or accepted by
/// someone the customer removed, it is the customer's to decide.
async fn still_pending(
    conn: &mut AnyConnection,
    account: &LinkedAccount,
    field: &'static str,
) -> Result<(), AppError> {
    if !is_pending(conn, account).await? {
        return Err(AppError::field(field, Problem::AdminInvitationClosed));
    }
    Ok(())
}

/// Whether the account's designated administrator still has an invitation
/// pending.
async fn is_pending(conn: &mut AnyConnection, account: &LinkedAccount) -> Result<bool, AppError> {
    let pending: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM invitations WHERE purchasing_account_id = $1 AND email = $2 \
         AND status = 'pending'",
    )
    .bind(account.purchasing_account_id)
    .bind(&account.admin_email)
    .fetch_optional(conn)
    .await?;
    Ok(pending.is_some())
}
