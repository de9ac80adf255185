//! Registering a signed agreement, which invites its designated Purchasing
//! Account Administrator.

use tracing::instrument;

use crate::domain::{
    AgreementNumber, Country, Email, EventType, InvitationToken, Lang, OrganizationName,
    PersonName, Problem, PurchasingAccountNumber, Role,
};
use crate::error::{AppError, FormErrors};
use crate::services::events::{self, Audience};
use crate::services::invitations::{self, NewInvitation};
use crate::services::{is_unique_violation, AppState};

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
    state: &AppState,
    agreement: &NewAgreement,
) -> Result<RegisteredAgreement, AppError> {
    let (settings, now) = (&state.settings, state.clock.now());
    let mut tx = crate::services::db::begin_write(&state.db).await?;
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
    let data = serde_json::json!({
        "agreement_id": agreement_id,
        "agreement_number": agreement.number.as_str(),
        "organization_id": organization_id,
        "organization": organization_name,
        "purchasing_account_number": agreement.purchasing_account.as_str(),
        "admin_email": agreement.admin_email.as_str(),
    });
    let kind = EventType::AgreementCreated;
    events::emit(&mut tx, Audience::Operator, now, kind, data).await?;
    state.outbox.commit(tx).await?;
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
