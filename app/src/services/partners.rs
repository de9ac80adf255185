//! Partners (resellers): registered by the operator, linked as partner of
//! record to customers' agreements, and acting for those customers only:
//! resending the designated administrator's invitation, or naming another
//! designated administrator. What a partner sees of a customer's orders is
//! the customer's choice (see [`set_visibility`]).

use sqlx::AnyConnection;
use tracing::instrument;

use super::accounts::CurrentUser;
use super::audit::{self, Actor, Entry};
use super::invitations::{self, NewInvitation};
use super::mail::{self, AdminChangedMail, Outbox};
use super::{is_unique_violation, Db, Settings};
use crate::domain::wire::{AdminState, CustomerAccount, PartnerOfRecord};
use crate::domain::{
    AgreementNumber, AuditAction, Capability, Country, Email, InvitationToken, Lang,
    OrganizationName, PersonName, Problem, Role,
};
use crate::error::{AppError, FormErrors};

/// A person as typed in: a partner's first administrator, or a customer's
/// new designated administrator.
#[derive(Debug, Clone, Default)]
pub struct PersonInput {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub language: String,
    pub country: String,
}

/// A checked person to invite as an organization's administrator.
#[derive(Debug, Clone)]
pub struct AdminPerson {
    pub email: Email,
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub lang: Lang,
    pub country: Country,
}

impl PersonInput {
    /// Checks every field, reporting all problems at once.
    pub fn parse(&self) -> Result<AdminPerson, AppError> {
        let mut errors = FormErrors::default();
        let parsed = self.check(&mut errors, "");
        errors.finish(parsed)
    }

    /// Checks every field into `errors`, naming the fields as the forms
    /// do (`email`, `first_name`, …) after `prefix` (the command line's
    /// `admin_`).
    pub fn check(&self, errors: &mut FormErrors, prefix: &str) -> Option<AdminPerson> {
        let field = |name: &str| format!("{prefix}{name}");
        let email = errors.check(&field("email"), Email::parse(&self.email));
        let first_name = errors.check(&field("first_name"), PersonName::parse(&self.first_name));
        let last_name = errors.check(&field("last_name"), PersonName::parse(&self.last_name));
        let lang = errors.check("language", Lang::parse(&self.language));
        let country = errors.check("country", Country::parse(&self.country));
        Some(AdminPerson {
            email: email?,
            first_name: first_name?,
            last_name: last_name?,
            lang: lang?,
            country: country?,
        })
    }
}

impl AdminPerson {
    fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// What registering a partner produced.
#[derive(Debug)]
pub struct RegisteredPartner {
    pub organization_id: i64,
    pub invitation: InvitationToken,
}

/// Registers a partner organization and invites its first administrator
/// as Partner Admin, exactly as a customer's designated administrator is
/// invited (same email, same page, same 60 days).
#[instrument(skip_all, fields(partner = %name))]
pub async fn create(
    db: &Db,
    settings: &Settings,
    outbox: &Outbox,
    now: i64,
    name: &OrganizationName,
    admin: &AdminPerson,
) -> Result<RegisteredPartner, AppError> {
    let mut tx = super::db::begin_write(db).await?;
    let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO organizations (name, kind, created_at) VALUES ($1, 'partner', $2) RETURNING id",
    )
    .bind(name.as_str())
    .bind(now)
    .fetch_one(&mut *tx)
    .await;
    let organization_id = match inserted {
        Ok((id,)) => id,
        Err(error) if is_unique_violation(&error) => {
            return Err(AppError::field("name", Problem::OrganizationExists))
        }
        Err(error) => return Err(error.into()),
    };
    let account: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(admin.email.as_str())
        .fetch_optional(&mut *tx)
        .await?;
    if account.is_some() {
        return Err(AppError::field("admin_email", Problem::EmailTaken));
    }
    let (_, invitation) = invitations::issue(
        &mut tx,
        settings,
        now,
        &NewInvitation {
            organization_id,
            organization_name: name.as_str(),
            purchasing_account_id: None,
            agreement_number: None,
            email: &admin.email,
            first_name: admin.first_name.as_str(),
            last_name: admin.last_name.as_str(),
            lang: admin.lang,
            country: admin.country.code,
            roles: &[Role::PartnerAdmin],
            invited_by: None,
        },
    )
    .await?;
    outbox.commit(tx).await?;
    Ok(RegisteredPartner {
        organization_id,
        invitation,
    })
}

/// The partner called `name` and the agreement numbered `agreement`.
async fn partner_and_agreement(
    conn: &mut AnyConnection,
    name: &OrganizationName,
    agreement: &AgreementNumber,
) -> Result<(i64, i64), AppError> {
    let partner: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM organizations WHERE lower(name) = lower($1) AND kind = 'partner'",
    )
    .bind(name.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM agreements WHERE number = $1")
        .bind(agreement.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    let mut errors = FormErrors::default();
    if partner.is_none() {
        errors.add("partner", Problem::PartnerUnknown);
    }
    if found.is_none() {
        errors.add("agreement_number", Problem::AgreementUnknown);
    }
    errors.finish(partner.zip(found).map(|((p,), (a,))| (p, a)))
}

/// Makes a partner the partner of record for an agreement. Linking twice
/// changes nothing.
#[instrument(skip_all, fields(partner = %partner, agreement = %agreement))]
pub async fn link(
    db: &Db,
    now: i64,
    partner: &OrganizationName,
    agreement: &AgreementNumber,
) -> Result<(), AppError> {
    let mut tx = super::db::begin_write(db).await?;
    let (partner_id, agreement_id) = partner_and_agreement(&mut tx, partner, agreement).await?;
    sqlx::query(
        "INSERT INTO partner_links (partner_id, agreement_id, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (partner_id, agreement_id) DO NOTHING",
    )
    .bind(partner_id)
    .bind(agreement_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Ends a partner's standing on an agreement.
#[instrument(skip_all, fields(partner = %partner, agreement = %agreement))]
pub async fn unlink(
    db: &Db,
    partner: &OrganizationName,
    agreement: &AgreementNumber,
) -> Result<(), AppError> {
    let mut tx = super::db::begin_write(db).await?;
    let (partner_id, agreement_id) = partner_and_agreement(&mut tx, partner, agreement).await?;
    let removed =
        sqlx::query("DELETE FROM partner_links WHERE partner_id = $1 AND agreement_id = $2")
            .bind(partner_id)
            .bind(agreement_id)
            .execute(&mut *tx)
            .await?;
    if removed.rows_affected() == 0 {
        return Err(AppError::field("partner", Problem::PartnerNotLinked));
    }
    tx.commit().await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct LinkedAccount {
    purchasing_account_id: i64,
    purchasing_account: String,
    agreement_number: String,
    customer_id: i64,
    customer: String,
    admin_email: String,
    admin_first_name: String,
    admin_last_name: String,
    admin_language: String,
    admin_country: String,
}

const LINKED_ACCOUNTS: &str = "SELECT p.id AS purchasing_account_id, \
     p.number AS purchasing_account, a.number AS agreement_number, \
     a.organization_id AS customer_id, o.name AS customer, p.admin_email, p.admin_first_name, \
     p.admin_last_name, p.admin_language, p.admin_country \
     FROM partner_links k JOIN agreements a ON a.id = k.agreement_id \
     JOIN organizations o ON o.id = a.organization_id \
     JOIN purchasing_accounts p ON p.agreement_id = a.id WHERE k.partner_id = $1";

/// A purchasing account of an agreement the partner is partner of record
/// for; any other id, existing or not, is `Forbidden`.
async fn linked_account(
    conn: &mut AnyConnection,
    partner_id: i64,
    purchasing_account_id: i64,
) -> Result<LinkedAccount, AppError> {
    let found: Option<LinkedAccount> = sqlx::query_as(&format!("{LINKED_ACCOUNTS} AND p.id = $2"))
        .bind(partner_id)
        .bind(purchasing_account_id)
        .fetch_optional(conn)
        .await?;
    found.ok_or(AppError::Forbidden)
}

/// Whether `email` has an account in `organization_id`.
async fn registered(
    conn: &mut AnyConnection,
    organization_id: i64,
    email: &str,
) -> Result<bool, AppError> {
    let found: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM users WHERE organization_id = $1 AND email = $2")
            .bind(organization_id)
            .bind(email)
            .fetch_optional(conn)
            .await?;
    Ok(found.is_some())
}

async fn admin_state(
    conn: &mut AnyConnection,
    account: &LinkedAccount,
    now: i64,
) -> Result<AdminState, AppError> {
    if registered(conn, account.customer_id, &account.admin_email).await? {
        return Ok(AdminState::Registered);
    }
    let latest: Option<(String, i64, Option<String>)> = sqlx::query_as(
        "SELECT i.status, i.expires_at, \
         (SELECT m.status FROM outbox m WHERE m.invitation_id = i.id ORDER BY m.id DESC LIMIT 1) \
         FROM invitations i WHERE i.organization_id = $1 AND i.email = $2 \
         ORDER BY i.id DESC LIMIT 1",
    )
    .bind(account.customer_id)
    .bind(&account.admin_email)
    .fetch_optional(conn)
    .await?;
    Ok(match latest {
        Some((status, _, Some(delivery))) if status == "pending" && delivery == "failed" => {
            AdminState::DeliveryFailed
        }
        Some((status, expires_at, _)) if status == "pending" && now >= expires_at => {
            AdminState::Expired
        }
        Some((status, expires_at, _)) if status == "pending" => AdminState::Invited { expires_at },
        _ => AdminState::NotInvited,
    })
}

/// The purchasing accounts of every agreement the viewer's partner
/// organization is partner of record for, with where each designated
/// administrator stands.
#[instrument(skip_all, fields(user = viewer.id))]
pub async fn customers(
    db: &Db,
    viewer: &CurrentUser,
    now: i64,
) -> Result<Vec<CustomerAccount>, AppError> {
    if !Role::any_allows(&viewer.roles, Capability::ManageCustomers) {
        return Err(AppError::Forbidden);
    }
    let mut conn = db.acquire().await?;
    let accounts: Vec<LinkedAccount> = sqlx::query_as(&format!(
        "{LINKED_ACCOUNTS} ORDER BY o.name, a.number, p.number"
    ))
    .bind(viewer.organization_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut rows = Vec::with_capacity(accounts.len());
    for account in accounts {
        let state = admin_state(&mut conn, &account, now).await?;
        rows.push(CustomerAccount {
            purchasing_account_id: account.purchasing_account_id,
            customer: account.customer,
            agreement_number: account.agreement_number,
            purchasing_account: account.purchasing_account,
            admin_email: account.admin_email,
            admin_first_name: account.admin_first_name,
            admin_last_name: account.admin_last_name,
            admin_lang: Lang::parse(&account.admin_language).unwrap_or_default(),
            admin_country: account.admin_country,
            state,
        });
    }
    Ok(rows)
}

/// The partner acting, checked: its organization's name, for both audit
/// logs.
async fn acting_partner(conn: &mut AnyConnection, actor: &Actor) -> Result<String, AppError> {
    if !Role::any_allows(&actor.user.roles, Capability::ManageCustomers) {
        return Err(AppError::Forbidden);
    }
    let (name,): (String,) = sqlx::query_as("SELECT name FROM organizations WHERE id = $1")
        .bind(actor.user.organization_id)
        .fetch_one(conn)
        .await?;
    Ok(name)
}

/// Writes a partner's action to the customer's log, naming the partner,
/// and to the partner's own log, naming the customer.
async fn audit_both(
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
        invited_by: None,
    }
}

fn current_admin(account: &LinkedAccount) -> Result<AdminPerson, AppError> {
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
    db: &Db,
    settings: &Settings,
    outbox: &Outbox,
    now: i64,
    actor: &Actor,
    purchasing_account_id: i64,
) -> Result<Email, AppError> {
    let mut tx = super::db::begin_write(db).await?;
    let partner = acting_partner(&mut tx, actor).await?;
    let account =
        linked_account(&mut tx, actor.user.organization_id, purchasing_account_id).await?;
    if registered(&mut tx, account.customer_id, &account.admin_email).await? {
        return Err(AppError::field(
            "purchasing_account",
            Problem::AdminRegistered,
        ));
    }
    let admin = current_admin(&account)?;
    invitations::issue(
        &mut tx,
        settings,
        now,
        &invitation_of(&account, &admin, admin.lang),
    )
    .await?;
    let entry = Entry {
        action: AuditAction::DesignatedAdminInvitationResent,
        subject: admin.email.as_str(),
        detail: "",
    };
    audit_both(&mut tx, actor, &partner, &account, now, entry).await?;
    outbox.commit(tx).await?;
    Ok(admin.email)
}

/// Makes `admin` the designated administrator of a customer's purchasing
/// account and invites them as Account Admin. The previous administrator's
/// pending invitation is revoked; if they had already registered they keep
/// their account, and the customer's Account Admins are told by email.
#[instrument(skip_all, fields(user = actor.user.id, account = purchasing_account_id))]
pub async fn change_admin(
    db: &Db,
    settings: &Settings,
    outbox: &Outbox,
    now: i64,
    actor: &Actor,
    purchasing_account_id: i64,
    admin: &AdminPerson,
) -> Result<(), AppError> {
    let mut tx = super::db::begin_write(db).await?;
    let partner = acting_partner(&mut tx, actor).await?;
    let account =
        linked_account(&mut tx, actor.user.organization_id, purchasing_account_id).await?;
    let was_registered = registered(&mut tx, account.customer_id, &account.admin_email).await?;
    redesignate(&mut tx, settings, now, &account, admin).await?;
    let detail = format!("{} -> {}", account.admin_email, admin.email);
    let entry = Entry {
        action: AuditAction::DesignatedAdminChanged,
        subject: admin.email.as_str(),
        detail: &detail,
    };
    audit_both(&mut tx, actor, &partner, &account, now, entry).await?;
    if was_registered && account.admin_email != admin.email.as_str() {
        tell_account_admins(&mut tx, settings, now, &partner, &account, admin).await?;
    }
    outbox.commit(tx).await?;
    Ok(())
}

/// Corrects the address of a designated administrator who has not yet
/// registered: the pending link dies and the invitation goes to `email`.
#[instrument(skip_all, fields(user = actor.user.id, account = purchasing_account_id))]
pub async fn change_admin_email(
    db: &Db,
    settings: &Settings,
    outbox: &Outbox,
    now: i64,
    actor: &Actor,
    purchasing_account_id: i64,
    email: &Email,
) -> Result<(), AppError> {
    let mut tx = super::db::begin_write(db).await?;
    let partner = acting_partner(&mut tx, actor).await?;
    let account =
        linked_account(&mut tx, actor.user.organization_id, purchasing_account_id).await?;
    if registered(&mut tx, account.customer_id, &account.admin_email).await? {
        return Err(AppError::field("email", Problem::AdminRegistered));
    }
    let admin = AdminPerson {
        email: email.clone(),
        ..current_admin(&account)?
    };
    redesignate(&mut tx, settings, now, &account, &admin).await?;
    let detail = format!("{} -> {}", account.admin_email, admin.email);
    let entry = Entry {
        action: AuditAction::DesignatedAdminEmailChanged,
        subject: admin.email.as_str(),
        detail: &detail,
    };
    audit_both(&mut tx, actor, &partner, &account, now, entry).await?;
    outbox.commit(tx).await?;
    Ok(())
}

/// Records `admin` as the account's designated administrator, revokes
/// the previous one's pending invitation and invites the new one.
async fn redesignate(
    tx: &mut AnyConnection,
    settings: &Settings,
    now: i64,
    account: &LinkedAccount,
    admin: &AdminPerson,
) -> Result<(), AppError> {
    let holder: Option<(i64,)> =
        sqlx::query_as("SELECT organization_id FROM users WHERE email = $1")
            .bind(admin.email.as_str())
            .fetch_optional(&mut *tx)
            .await?;
    if holder.is_some() {
        // Someone who already has an account is given roles by the
        // customer's own administrators, not through a partner.
        return Err(AppError::field("email", Problem::EmailTaken));
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
        &invitation_of(account, admin, admin.lang),
    )
    .await?;
    Ok(())
}

async fn tell_account_admins(
    tx: &mut AnyConnection,
    settings: &Settings,
    now: i64,
    partner: &str,
    account: &LinkedAccount,
    admin: &AdminPerson,
) -> Result<(), AppError> {
    let admins = super::accounts::account_admins(tx, account.customer_id).await?;
    let old_admin = format!(
        "{} {} ({})",
        account.admin_first_name, account.admin_last_name, account.admin_email
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
        }
        .render(settings)?;
        mail::enqueue(tx, &message, None, now).await?;
    }
    Ok(())
}

/// The customer's partners: which agreements each is partner of record
/// for, and whether it may see orders placed through other partners.
#[instrument(skip_all, fields(organization = customer_id))]
pub async fn of_customer(db: &Db, customer_id: i64) -> Result<Vec<PartnerOfRecord>, AppError> {
    let rows: Vec<(i64, String, String, Option<i64>)> = sqlx::query_as(
        "SELECT o.id, o.name, a.number, v.sees_other_partners FROM partner_links k \
         JOIN agreements a ON a.id = k.agreement_id JOIN organizations o ON o.id = k.partner_id \
         LEFT JOIN partner_visibility v ON v.customer_id = a.organization_id \
         AND v.partner_id = o.id \
         WHERE a.organization_id = $1 ORDER BY o.name, o.id, a.number",
    )
    .bind(customer_id)
    .fetch_all(db)
    .await?;
    let mut partners: Vec<PartnerOfRecord> = Vec::new();
    for (partner_id, name, agreement, sees) in rows {
        match partners.last_mut() {
            Some(last) if last.partner_id == partner_id => last.agreements.push(agreement),
            _ => partners.push(PartnerOfRecord {
                partner_id,
                name,
                agreements: vec![agreement],
                sees_other_partners: sees == Some(1),
            }),
        }
    }
    Ok(partners)
}

/// Lets one of the customer's partners see, or stop seeing, the orders
/// and licenses placed through its other partners.
#[instrument(skip_all, fields(user = actor.user.id, partner = partner_id))]
pub async fn set_visibility(
    db: &Db,
    now: i64,
    actor: &Actor,
    partner_id: i64,
    sees_other_partners: bool,
) -> Result<(), AppError> {
    if !Role::any_allows(&actor.user.roles, Capability::ManagePartnerVisibility) {
        return Err(AppError::Forbidden);
    }
    let customer_id = actor.user.organization_id;
    let mut tx = super::db::begin_write(db).await?;
    let partner: Option<(String,)> = sqlx::query_as(
        "SELECT o.name FROM organizations o WHERE o.id = $1 AND EXISTS (SELECT 1 \
         FROM partner_links k JOIN agreements a ON a.id = k.agreement_id \
         WHERE k.partner_id = o.id AND a.organization_id = $2)",
    )
    .bind(partner_id)
    .bind(customer_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (name,) = partner.ok_or(AppError::NotFound)?;
    sqlx::query(
        "INSERT INTO partner_visibility (customer_id, partner_id, sees_other_partners, changed_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (customer_id, partner_id) DO UPDATE SET \
         sees_other_partners = excluded.sees_other_partners, changed_at = excluded.changed_at",
    )
    .bind(customer_id)
    .bind(partner_id)
    .bind(i64::from(sees_other_partners))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let detail = if sees_other_partners {
        "sees orders placed through other partners"
    } else {
        "sees only orders placed through it"
    };
    audit::record(
        &mut tx,
        actor,
        now,
        AuditAction::PartnerVisibilityChanged,
        &name,
        detail,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What a partner may read of a customer's orders: those of the
/// agreement it is partner of record for, placed through it, or all of
/// them when the customer lets it see other partners' orders.
#[derive(Debug, Clone, Copy)]
pub struct PartnerScope {
    pub partner_id: i64,
    pub customer_id: i64,
    pub agreement_id: i64,
    pub sees_other_partners: bool,
}

/// The scope of the viewer's partner on the agreement numbered
/// `agreement`; `Forbidden` unless it is partner of record for it.
#[instrument(skip_all, fields(user = viewer.id))]
pub async fn scope(
    db: &Db,
    viewer: &CurrentUser,
    agreement: &str,
) -> Result<(PartnerScope, String), AppError> {
    if !Role::any_allows(&viewer.roles, Capability::ManageCustomers) {
        return Err(AppError::Forbidden);
    }
    let found: Option<(i64, i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT a.id, a.organization_id, o.name, v.sees_other_partners FROM partner_links k \
         JOIN agreements a ON a.id = k.agreement_id JOIN organizations o ON o.id = a.organization_id \
         LEFT JOIN partner_visibility v ON v.customer_id = a.organization_id \
         AND v.partner_id = k.partner_id WHERE k.partner_id = $1 AND a.number = $2",
    )
    .bind(viewer.organization_id)
    .bind(agreement)
    .fetch_optional(db)
    .await?;
    let (agreement_id, customer_id, customer, sees) = found.ok_or(AppError::Forbidden)?;
    Ok((
        PartnerScope {
            partner_id: viewer.organization_id,
            customer_id,
            agreement_id,
            sees_other_partners: sees == Some(1),
        },
        customer,
    ))
}
