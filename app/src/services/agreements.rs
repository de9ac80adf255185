//! Signed agreements: registering one (which invites its designated
//! Purchasing Account Administrator), listing them, editing their details.

use tracing::instrument;

use super::audit::{self, Actor};
use super::current_user::CurrentUser;
use super::invitations::{self, NewInvitation};
use super::outbox::Outbox;
use super::{is_unique_violation, Db, Settings};
use crate::domain::wire::AgreementDetail;
use crate::domain::wire::PurchasingAccountSummary;
use crate::domain::{
    AgreementNumber, AuditAction, Capability, Country, Email, InvitationToken, Lang,
    OrganizationName, PersonName, Problem, PurchasingAccountNumber, Role,
};
use crate::error::{AppError, FormErrors};

/// How long an MPSA runs from its registration: three years.
pub const AGREEMENT_TERM_SECS: i64 = 3 * 365 * 24 * 60 * 60;

/// An agreement as the vendor operator types it in.
#[derive(Debug, Clone, Default)]
pub struct AgreementInput {
    pub agreement_number: String,
    pub organization: String,
    /// The existing organization the agreement belongs to; `None`: a new
    /// organization called `organization`.
    pub organization_id: Option<i64>,
    pub purchasing_account: String,
    pub admin_email: String,
    pub admin_first_name: String,
    pub admin_last_name: String,
    pub language: String,
    pub country: String,
}

/// A validated agreement, ready to register.
#[derive(Debug, Clone)]
pub struct NewAgreement {
    pub number: AgreementNumber,
    pub organization: OrganizationName,
    pub organization_id: Option<i64>,
    pub purchasing_account: PurchasingAccountNumber,
    pub admin_email: Email,
    pub admin_first_name: PersonName,
    pub admin_last_name: PersonName,
    pub language: Lang,
    pub country: Country,
}

impl AgreementInput {
    /// Checks every field, reporting all problems at once.
    pub fn parse(&self) -> Result<NewAgreement, AppError> {
        let mut errors = FormErrors::default();
        let number = errors.check(
            "agreement_number",
            AgreementNumber::parse(&self.agreement_number),
        );
        let organization =
            errors.check("organization", OrganizationName::parse(&self.organization));
        let purchasing_account = errors.check(
            "purchasing_account",
            PurchasingAccountNumber::parse(&self.purchasing_account),
        );
        let admin_email = errors.check("admin_email", Email::parse(&self.admin_email));
        let admin_first_name = errors.check(
            "admin_first_name",
            PersonName::parse(&self.admin_first_name),
        );
        let admin_last_name =
            errors.check("admin_last_name", PersonName::parse(&self.admin_last_name));
        let language = errors.check("language", Lang::parse(&self.language));
        let country = errors.check("country", Country::parse(&self.country));
        let parsed = (|| {
            Some(NewAgreement {
                number: number?,
                organization: organization?,
                organization_id: self.organization_id,
                purchasing_account: purchasing_account?,
                admin_email: admin_email?,
                admin_first_name: admin_first_name?,
                admin_last_name: admin_last_name?,
                language: language?,
                country: country?,
            })
        })();
        errors.finish(parsed)
    }
}

/// What registering produced.
#[derive(Debug)]
pub struct RegisteredAgreement {
    pub organization_id: i64,
    pub agreement_id: i64,
    pub purchasing_account_id: i64,
    /// The invitation sent to the designated administrator; `None` when
    /// that person already has an account in the organization.
    pub invitation: Option<InvitationToken>,
}

/// Registers `agreement` for its organization and queues the invitation
/// email, all in one transaction. The organization is the one whose id
/// the operator gave, or a new one: never one that merely has the same
/// name, which would hand another customer's agreement to its admins.
#[instrument(skip_all, fields(agreement = %agreement.number))]
pub async fn register(
    db: &Db,
    settings: &Settings,
    outbox: &Outbox,
    now: i64,
    agreement: &NewAgreement,
) -> Result<RegisteredAgreement, AppError> {
    let mut tx = super::db::begin_write(db).await?;
    let taken: Option<(i64,)> = sqlx::query_as("SELECT id FROM agreements WHERE number = $1")
        .bind(agreement.number.as_str())
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Err(AppError::field(
            "agreement_number",
            Problem::AgreementExists,
        ));
    }
    let (organization_id, organization_name) = match agreement.organization_id {
        Some(id) => sqlx::query_as("SELECT id, name FROM organizations WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| AppError::field("organization_id", Problem::OrganizationUnknown))?,
        None => {
            if organization_named(&mut tx, agreement.organization.as_str())
                .await?
                .is_some()
            {
                return Err(AppError::field("organization", Problem::OrganizationExists));
            }
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO organizations (name, created_at) VALUES ($1, $2) RETURNING id",
            )
            .bind(agreement.organization.as_str())
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            (id, agreement.organization.to_string())
        }
    };

    let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO agreements (organization_id, number, kind, created_at, start_date, end_date) \
         VALUES ($1, $2, 'MPSA', $3, $3, $4) RETURNING id",
    )
    .bind(organization_id)
    .bind(agreement.number.as_str())
    .bind(now)
    .bind(now + AGREEMENT_TERM_SECS)
    .fetch_one(&mut *tx)
    .await;
    let agreement_id = match inserted {
        Ok((id,)) => id,
        Err(error) if is_unique_violation(&error) => {
            return Err(AppError::field(
                "agreement_number",
                Problem::AgreementExists,
            ))
        }
        Err(error) => return Err(error.into()),
    };

    let (purchasing_account_id,): (i64,) = sqlx::query_as(
        "INSERT INTO purchasing_accounts (agreement_id, number, admin_email, admin_first_name, \
         admin_last_name, admin_language, admin_country, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(agreement_id)
    .bind(agreement.purchasing_account.as_str())
    .bind(agreement.admin_email.as_str())
    .bind(agreement.admin_first_name.as_str())
    .bind(agreement.admin_last_name.as_str())
    .bind(agreement.language.code())
    .bind(agreement.country.code)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;

    let account_holder: Option<(i64,)> =
        sqlx::query_as("SELECT organization_id FROM users WHERE email = $1")
            .bind(agreement.admin_email.as_str())
            .fetch_optional(&mut *tx)
            .await?;
    let invitation = match account_holder {
        // Already in the Center for this organization: nothing to accept.
        Some((holder_org,)) if holder_org == organization_id => None,
        Some(_) => return Err(AppError::field("admin_email", Problem::EmailTaken)),
        None => {
            let (_, token) = invitations::issue(
                &mut tx,
                settings,
                now,
                &NewInvitation {
                    organization_id,
                    organization_name: &organization_name,
                    purchasing_account_id: Some(purchasing_account_id),
                    agreement_number: Some(agreement.number.as_str()),
                    email: &agreement.admin_email,
                    first_name: agreement.admin_first_name.as_str(),
                    last_name: agreement.admin_last_name.as_str(),
                    lang: agreement.language,
                    country: agreement.country.code,
                    roles: &[Role::AccountAdmin],
                    invited_by: None,
                },
            )
            .await?;
            Some(token)
        }
    };
    outbox.commit(tx).await?;
    Ok(RegisteredAgreement {
        organization_id,
        agreement_id,
        purchasing_account_id,
        invitation,
    })
}

/// The id of the organization called `name` (in any case), if one is.
pub async fn organization_named(
    conn: &mut sqlx::AnyConnection,
    name: &str,
) -> Result<Option<i64>, AppError> {
    let found: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM organizations WHERE lower(name) = lower($1)")
            .bind(name)
            .fetch_optional(conn)
            .await?;
    Ok(found.map(|(id,)| id))
}

/// The organization's agreements, for roles that may view them.
#[instrument(skip_all, fields(user = viewer.id))]
pub async fn list(
    db: &Db,
    viewer: &CurrentUser,
    now: i64,
) -> Result<Vec<AgreementDetail>, AppError> {
    if !Role::any_allows(&viewer.roles, Capability::ViewAgreements) {
        return Err(AppError::Forbidden);
    }
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        number: String,
        kind: String,
        start_date: i64,
        end_date: i64,
        purchase_order: String,
        contact_name: String,
        contact_email: String,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, number, kind, start_date, end_date, purchase_order, contact_name, contact_email \
         FROM agreements WHERE organization_id = $1 ORDER BY number",
    )
    .bind(viewer.organization_id)
    .fetch_all(db)
    .await?;
    #[derive(sqlx::FromRow)]
    struct Account {
        agreement_id: i64,
        number: String,
        admin_first_name: String,
        admin_last_name: String,
        admin_email: String,
    }
    let accounts: Vec<Account> = sqlx::query_as(
        "SELECT p.agreement_id, p.number, p.admin_first_name, p.admin_last_name, p.admin_email \
         FROM purchasing_accounts p JOIN agreements a ON a.id = p.agreement_id \
         WHERE a.organization_id = $1 ORDER BY p.number",
    )
    .bind(viewer.organization_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| AgreementDetail {
            active: row.start_date <= now && now < row.end_date,
            purchasing_accounts: accounts
                .iter()
                .filter(|account| account.agreement_id == row.id)
                .map(|account| PurchasingAccountSummary {
                    number: account.number.clone(),
                    admin_name: format!("{} {}", account.admin_first_name, account.admin_last_name),
                    admin_email: account.admin_email.clone(),
                })
                .collect(),
            number: row.number,
            kind: row.kind,
            start_date: row.start_date,
            end_date: row.end_date,
            purchase_order: row.purchase_order,
            contact_name: row.contact_name,
            contact_email: row.contact_email,
        })
        .collect())
}

/// The details of an agreement that the customer keeps up to date.
#[derive(Debug, Clone, Default)]
pub struct AgreementEdit {
    pub purchase_order: String,
    pub contact_name: String,
    pub contact_email: String,
}

fn purchase_order(text: &str) -> Result<String, Problem> {
    let text = text.trim();
    let allowed = |c: char| c.is_alphanumeric() || matches!(c, ' ' | '-' | '/' | '.' | '_');
    if text.chars().count() > 50 || !text.chars().all(allowed) {
        return Err(Problem::PurchaseOrderInvalid);
    }
    Ok(text.to_owned())
}

/// Changes an active agreement's editable details, for roles that may
/// modify agreements, and records the change in the audit log.
#[instrument(skip_all, fields(agreement = number))]
pub async fn update(
    db: &Db,
    now: i64,
    actor: &Actor,
    number: &str,
    edit: &AgreementEdit,
) -> Result<(), AppError> {
    if !Role::any_allows(&actor.user.roles, Capability::ModifyAgreements) {
        return Err(AppError::Forbidden);
    }
    let mut errors = FormErrors::default();
    let purchase_order = errors.check("purchase_order", purchase_order(&edit.purchase_order));
    let contact_name = match edit.contact_name.trim() {
        "" => Some(String::new()),
        name => errors
            .check("contact_name", PersonName::parse(name))
            .map(|name| name.to_string()),
    };
    let contact_email = match edit.contact_email.trim() {
        "" => Some(String::new()),
        email => errors
            .check("contact_email", Email::parse(email))
            .map(|email| email.to_string()),
    };
    let (purchase_order, contact_name, contact_email) = errors.finish(
        purchase_order
            .zip(contact_name)
            .zip(contact_email)
            .map(|((order, name), email)| (order, name, email)),
    )?;

    let mut tx = super::db::begin_write(db).await?;
    #[derive(sqlx::FromRow)]
    struct Found {
        id: i64,
        start_date: i64,
        end_date: i64,
        purchase_order: String,
        contact_name: String,
        contact_email: String,
    }
    let found: Option<Found> = sqlx::query_as(
        "SELECT id, start_date, end_date, purchase_order, contact_name, contact_email \
         FROM agreements WHERE number = $1 AND organization_id = $2",
    )
    .bind(number)
    .bind(actor.user.organization_id)
    .fetch_optional(&mut *tx)
    .await?;
    let found = found.ok_or(AppError::NotFound)?;
    if !(found.start_date <= now && now < found.end_date) {
        return Err(AppError::field("agreement", Problem::AgreementNotActive));
    }
    sqlx::query(
        "UPDATE agreements SET purchase_order = $1, contact_name = $2, contact_email = $3 \
         WHERE id = $4",
    )
    .bind(&purchase_order)
    .bind(&contact_name)
    .bind(&contact_email)
    .bind(found.id)
    .execute(&mut *tx)
    .await?;
    let changes: Vec<String> = [
        ("purchase order", found.purchase_order, &purchase_order),
        ("contact", found.contact_name, &contact_name),
        ("contact email", found.contact_email, &contact_email),
    ]
    .into_iter()
    .filter(|(_, old, new)| old != *new)
    .map(|(what, old, new)| format!("{what}: {old:?} -> {new:?}"))
    .collect();
    audit::record(
        &mut tx,
        actor,
        now,
        AuditAction::AgreementModified,
        &format!("agreement {number}"),
        &changes.join("; "),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
