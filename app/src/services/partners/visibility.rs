//! What a customer lets each of its partners see: its own orders only,
//! or those placed through the customer's other partners too.

use tracing::instrument;

use crate::domain::wire::PartnerOfRecord;
use crate::domain::{AuditAction, Capability};
use crate::error::AppError;
use crate::services::audit::{self, Actor};
use crate::services::{db, AppState};

/// The customer's partners: which agreements each is partner of record
/// for, and whether it may see orders placed through other partners.
#[instrument(skip_all, fields(organization = actor.user.organization_id))]
pub async fn of_customer(
    state: &AppState,
    actor: &Actor,
) -> Result<Vec<PartnerOfRecord>, AppError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        partner_id: i64,
        name: String,
        agreement: String,
        sees_other_partners: Option<i64>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT o.id AS partner_id, o.name, a.number AS agreement, v.sees_other_partners \
         FROM partner_links k \
         JOIN agreements a ON a.id = k.agreement_id JOIN organizations o ON o.id = k.partner_id \
         LEFT JOIN partner_visibility v ON v.customer_id = a.organization_id \
         AND v.partner_id = o.id \
         WHERE a.organization_id = $1 ORDER BY o.name, o.id, a.number",
    )
    .bind(actor.user.organization_id)
    .fetch_all(&state.db)
    .await?;
    let mut partners: Vec<PartnerOfRecord> = Vec::new();
    for row in rows {
        match partners.last_mut() {
            Some(last) if last.partner_id == row.partner_id => last.agreements.push(row.agreement),
            _ => partners.push(PartnerOfRecord {
                partner_id: row.partner_id,
                name: row.name,
                agreements: vec![row.agreement],
                sees_other_partners: row.sees_other_partners == Some(1),
            }),
        }
    }
    Ok(partners)
}

/// Lets one of the customer's partners see, or stop seeing, the orders
/// and licenses placed through its other partners.
#[instrument(skip_all, fields(user = actor.user.id, partner = partner_id))]
pub async fn set_visibility(
    state: &AppState,
    actor: &Actor,
    partner_id: i64,
    sees_other_partners: bool,
) -> Result<(), AppError> {
    actor.user.require(Capability::ManagePartnerVisibility)?;
    let customer_id = actor.user.organization_id;
    let now = state.clock.now();
    let mut tx = db::begin_write(&state.db).await?;
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
#[instrument(skip_all, fields(user = actor.user.id))]
pub async fn scope(
    state: &AppState,
    actor: &Actor,
    agreement: &str,
) -> Result<(PartnerScope, String), AppError> {
    let (db, viewer) = (&state.db, &actor.user);
    viewer.require(Capability::ManageCustomers)?;
    #[derive(sqlx::FromRow)]
    struct Found {
        agreement_id: i64,
        customer_id: i64,
        customer: String,
        sees_other_partners: Option<i64>,
    }
    let found: Option<Found> = sqlx::query_as(
        "SELECT a.id AS agreement_id, a.organization_id AS customer_id, o.name AS customer, \
         v.sees_other_partners FROM partner_links k \
         JOIN agreements a ON a.id = k.agreement_id JOIN organizations o ON o.id = a.organization_id \
         LEFT JOIN partner_visibility v ON v.customer_id = a.organization_id \
         AND v.partner_id = k.partner_id WHERE k.partner_id = $1 AND a.number = $2",
    )
    .bind(viewer.organization_id)
    .bind(agreement)
    .fetch_optional(db)
    .await?;
    let found = found.ok_or(AppError::Forbidden)?;
    Ok((
        PartnerScope {
            partner_id: viewer.organization_id,
            customer_id: found.customer_id,
            agreement_id: found.agreement_id,
            sees_other_partners: found.sees_other_partners == Some(1),
        },
        found.customer,
    ))
}
