//! Partners (resellers): registered by the operator, linked as partner of
//! record to customers' agreements, and acting for those customers only:
//! resending the designated administrator's invitation, or naming another
//! designated administrator. What a partner sees of a customer's orders is
//! the customer's choice (see [`set_visibility`]).

mod customers;
mod requests;
mod rescue;
mod visibility;

pub use customers::customers;
pub use requests::{decide, pending_requests, REQUEST_DAYS};
pub use rescue::{change_admin, change_admin_email, resend, AdminChange};
pub use visibility::{of_customer, scope, set_visibility, PartnerScope};

use sqlx::AnyConnection;
use tracing::instrument;

use super::events::{self, Audience};
use super::invitations::{self, NewInvitation};
use super::{is_unique_violation, AppState};
use crate::domain::{
    AgreementNumber, Country, Email, EventType, InvitationToken, Lang, OrganizationName,
    PersonName, Problem, Role,
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
    state: &AppState,
    name: &OrganizationName,
    admin: &AdminPerson,
) -> Result<RegisteredPartner, AppError> {
    let (settings, now) = (&*state.settings, state.clock.now());
    let mut tx = super::db::begin_write(&state.db).await?;
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
    state.outbox.commit(tx).await?;
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
    state: &AppState,
    partner: &OrganizationName,
    agreement: &AgreementNumber,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let mut tx = super::db::begin_write(&state.db).await?;
    let (partner_id, agreement_id) = partner_and_agreement(&mut tx, partner, agreement).await?;
    let linked = sqlx::query(
        "INSERT INTO partner_links (partner_id, agreement_id, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (partner_id, agreement_id) DO NOTHING",
    )
    .bind(partner_id)
    .bind(agreement_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if linked.rows_affected() == 1 {
        let link = (partner_id, agreement_id, agreement);
        announce(&mut tx, now, EventType::PartnerLinked, link).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Tells both the partner and the customer that the partner's standing
/// on an agreement began or ended.
async fn announce(
    conn: &mut AnyConnection,
    now: i64,
    kind: EventType,
    (partner_id, agreement_id, agreement): (i64, i64, &AgreementNumber),
) -> Result<(), AppError> {
    let (customer_id,): (i64,) =
        sqlx::query_as("SELECT organization_id FROM agreements WHERE id = $1")
            .bind(agreement_id)
            .fetch_one(&mut *conn)
            .await?;
    let data = serde_json::json!({
        "partner_organization_id": partner_id,
        "customer_organization_id": customer_id,
        "agreement_number": agreement.as_str(),
    });
    for organization in [partner_id, customer_id] {
        let audience = Audience::Organization(organization);
        events::emit(conn, audience, now, kind, data.clone()).await?;
    }
    Ok(())
}

/// Ends a partner's standing on an agreement.
#[instrument(skip_all, fields(partner = %partner, agreement = %agreement))]
pub async fn unlink(
    state: &AppState,
    partner: &OrganizationName,
    agreement: &AgreementNumber,
) -> Result<(), AppError> {
    let mut tx = super::db::begin_write(&state.db).await?;
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
    let link = (partner_id, agreement_id, agreement);
    announce(&mut tx, state.clock.now(), EventType::PartnerUnlinked, link).await?;
    tx.commit().await?;
    Ok(())
}
