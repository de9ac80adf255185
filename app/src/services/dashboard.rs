//! The dashboard: the organization, its agreements and purchasing
//! accounts, a count for each area the user's roles open, and license
//! usage at a glance.

use tracing::instrument;

use super::audit::Actor;
use super::current_user::CurrentUser;
use super::{orders, products, reports, AppState, Db};
use crate::domain::wire::{AgreementSummary, Dashboard, PurchasingAccountSummary};
use crate::domain::{Capability, Role};
use crate::error::AppError;

/// An agreement with one of its purchasing accounts, if it has any.
#[derive(sqlx::FromRow)]
struct AgreementRow {
    number: String,
    kind: String,
    account: Option<String>,
    admin_first_name: Option<String>,
    admin_last_name: Option<String>,
    admin_email: Option<String>,
}

/// The home page: the organization, its agreements and purchasing accounts.
#[instrument(skip_all, fields(user = actor.user.id))]
pub async fn page(state: &AppState, actor: &Actor) -> Result<Dashboard, AppError> {
    let (db, user) = (&state.db, &actor.user);
    let (organization,): (String,) = sqlx::query_as("SELECT name FROM organizations WHERE id = $1")
        .bind(user.organization_id)
        .fetch_one(db)
        .await?;
    let rows: Vec<AgreementRow> = sqlx::query_as(
        "SELECT a.number, a.kind, p.number AS account, p.admin_first_name, p.admin_last_name, \
         p.admin_email FROM agreements a LEFT JOIN purchasing_accounts p ON p.agreement_id = a.id \
         WHERE a.organization_id = $1 ORDER BY a.number, p.number",
    )
    .bind(user.organization_id)
    .fetch_all(db)
    .await?;
    let mut agreements: Vec<AgreementSummary> = Vec::new();
    for row in rows {
        if agreements
            .last()
            .is_none_or(|last| last.number != row.number)
        {
            agreements.push(AgreementSummary {
                number: row.number.clone(),
                kind: row.kind,
                purchasing_accounts: Vec::new(),
            });
        }
        if let (Some(account), Some(agreement)) = (row.account, agreements.last_mut()) {
            agreement
                .purchasing_accounts
                .push(PurchasingAccountSummary {
                    number: account,
                    admin_name: format!(
                        "{} {}",
                        row.admin_first_name.unwrap_or_default(),
                        row.admin_last_name.unwrap_or_default()
                    ),
                    admin_email: row.admin_email.unwrap_or_default(),
                });
        }
    }
    let mut counts = Vec::new();
    for area in Capability::AREAS {
        if Role::any_allows(&user.roles, area) {
            counts.push((area, area_count(db, user, area).await?));
        }
    }
    let usage = if Role::any_allows(&user.roles, Capability::ViewLicenses) {
        orders::usage(state, actor).await?
    } else {
        Vec::new()
    };
    Ok(Dashboard {
        user: user.summary(),
        organization,
        agreements,
        counts,
        usage,
    })
}

/// How many things an area of the dashboard holds for the organization.
async fn area_count(db: &Db, user: &CurrentUser, area: Capability) -> Result<i64, AppError> {
    let sql: std::borrow::Cow<'static, str> = match area {
        Capability::ViewAgreements => {
            "SELECT COUNT(*) FROM agreements WHERE organization_id = $1".into()
        }
        Capability::ViewOrders => "SELECT COUNT(*) FROM orders WHERE organization_id = $1".into(),
        Capability::ViewLicenses => {
            "SELECT COUNT(*) FROM license_totals WHERE organization_id = $1".into()
        }
        Capability::ViewKeys => {
            "SELECT COUNT(*) FROM product_keys WHERE organization_id = $1".into()
        }
        Capability::DownloadSoftware => format!(
            "SELECT COUNT(DISTINCT pr.id) FROM products pr \
             JOIN product_files f ON f.product_id = pr.id \
             WHERE pr.kind = 'software' AND {}",
            products::ORDERED_BY_ORGANIZATION
        )
        .into(),
        Capability::ManageProvisioning => "SELECT COUNT(*) FROM license_totals t \
             JOIN products pr ON pr.id = t.product_id \
             WHERE t.organization_id = $1 AND pr.kind = 'online_service'"
            .into(),
        // Everyone Manage users lists as on their way in or in: accounts
        // and pending invitations (index `invitations_organization`).
        Capability::InviteUsers => {
            "SELECT (SELECT COUNT(*) FROM users WHERE organization_id = $1) \
             + (SELECT COUNT(*) FROM invitations WHERE organization_id = $1 AND status = 'pending')"
                .into()
        }
        Capability::ManageDomains => {
            "SELECT COUNT(*) FROM domains WHERE organization_id = $1 AND status = 'verified'".into()
        }
        Capability::ManageWebhooks => {
            "SELECT COUNT(*) FROM webhook_endpoints WHERE organization_id = $1".into()
        }
        Capability::ManageCustomers => "SELECT COUNT(DISTINCT a.organization_id) \
             FROM partner_links k JOIN agreements a ON a.id = k.agreement_id \
             WHERE k.partner_id = $1"
            .into(),
        Capability::ViewReports => return Ok(reports::available(user)?.len() as i64),
        Capability::ManageUsers
        | Capability::ModifyAgreements
        | Capability::ViewAuditLog
        | Capability::ManagePartnerVisibility
        | Capability::ManageSecurity => return Ok(0),
    };
    let (count,): (i64,) = sqlx::query_as(&sql)
        .bind(user.organization_id)
        .fetch_one(db)
        .await?;
    Ok(count)
}
