//! Where each designated administrator of a partner's customers stands:
//! the purchasing accounts of the agreements it is partner of record for.

use sqlx::AnyConnection;
use tracing::instrument;

use crate::domain::wire::{AdminState, CustomerAccount};
use crate::domain::{Capability, Lang};
use crate::error::AppError;
use crate::services::audit::Actor;
use crate::services::AppState;

#[derive(sqlx::FromRow)]
pub(super) struct LinkedAccount {
    pub(super) purchasing_account_id: i64,
    pub(super) purchasing_account: String,
    pub(super) agreement_number: String,
    pub(super) customer_id: i64,
    pub(super) customer: String,
    pub(super) admin_email: String,
    pub(super) admin_first_name: String,
    pub(super) admin_last_name: String,
    pub(super) admin_language: String,
    pub(super) admin_country: String,
}

const LINKED_ACCOUNTS: &str = "SELECT p.id AS purchasing_account_id, \
     p.number AS purchasing_account, a.number AS agreement_number, \
     a.organization_id AS customer_id, o.name AS customer, p.admin_email, p.admin_first_name, \
     p.admin_last_name, p.admin_language, p.admin_country \
     FROM partner_links k JOIN agreements a ON a.id = k.agreement_id \
     JOIN organizations o ON o.id = a.organization_id \
     JOIN purchasing_accounts p ON p.agreement_id = a.id WHERE k.partner_id = $1";

/// A purchasing account of an agreement the partner is partner of record
/// for; any other id, existing or not, is `NotFound` (as anything of
/// another organization is: the answer never tells whether it exists).
pub(super) async fn linked_account(
    conn: &mut AnyConnection,
    partner_id: i64,
    purchasing_account_id: i64,
) -> Result<LinkedAccount, AppError> {
    let found: Option<LinkedAccount> = sqlx::query_as(&format!("{LINKED_ACCOUNTS} AND p.id = $2"))
        .bind(partner_id)
        .bind(purchasing_account_id)
        .fetch_optional(conn)
        .await?;
    found.ok_or(AppError::NotFound)
}

/// Whether `email` has an account in `organization_id`.
pub(super) async fn registered(
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
#[instrument(skip_all, fields(user = actor.user.id))]
pub async fn customers(state: &AppState, actor: &Actor) -> Result<Vec<CustomerAccount>, AppError> {
    let (now, viewer) = (state.clock.now(), &actor.user);
    viewer.require(Capability::ManageCustomers)?;
    let mut conn = state.db.acquire().await?;
    let accounts: Vec<LinkedAccount> = sqlx::query_as(&format!(
        "{LINKED_ACCOUNTS} ORDER BY o.name, a.number, p.number"
    ))
    .bind(viewer.organization_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut rows = Vec::with_capacity(accounts.len());
    for account in accounts {
        let admin = admin_state(&mut conn, &account, now).await?;
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
            state: admin,
        });
    }
    Ok(rows)
}
