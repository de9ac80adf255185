//! Signed agreements: registering one (`register`), listing them, editing
//! their details.

use tracing::instrument;

use super::audit::{self, Actor};
use super::AppState;
use crate::domain::wire::AgreementDetail;
use crate::domain::wire::PurchasingAccountSummary;
use crate::domain::{AuditAction, Capability, Email, PersonName, Problem};
use crate::error::{AppError, FormErrors};

mod register;

pub use register::{
    organization_named, register, AgreementInput, NewAgreement, RegisteredAgreement,
    AGREEMENT_TERM_SECS,
};

/// The organization's agreements, for roles that may view them.
#[instrument(skip_all, fields(user = actor.user.id))]
pub async fn list(state: &AppState, actor: &Actor) -> Result<Vec<AgreementDetail>, AppError> {
    let (db, now, viewer) = (&state.db, state.clock.now(), &actor.user);
    viewer.require(Capability::ViewAgreements)?;
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
    state: &AppState,
    actor: &Actor,
    number: &str,
    edit: &AgreementEdit,
) -> Result<(), AppError> {
    actor.user.require(Capability::ModifyAgreements)?;
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

    let now = state.clock.now();
    let mut tx = super::db::begin_write(&state.db).await?;
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
