//! Self-service provisioning: Account Managers and Account Admins assign
//! online-service subscriptions from a purchasing account to their
//! organization. What is assigned never exceeds what that account's
//! orders entitle, even with two people assigning at the same moment.

use std::collections::HashMap;
use tracing::instrument;

use super::audit::{self, Actor};
use super::AppState;
use crate::domain::wire::{ProvisioningPage, ServiceRow, SubscriptionRow};
use crate::domain::{
    product_label, AuditAction, Capability, DomainName, Problem, PurchasingAccountNumber,
};
use crate::error::{AppError, FormErrors};
use crate::i18n::{iso_date, parse_iso_date};

/// At most this many subscriptions can be assigned at once.
const MAX_QUANTITY: i64 = 1_000_000;

/// A checked request to assign subscriptions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub product_id: i64,
    pub purchasing_account: PurchasingAccountNumber,
    pub quantity: i64,
    pub starts_on: i64,
    /// The verified domain the service is provisioned to.
    pub domain: DomainName,
}

impl Assignment {
    /// Checks the form: `service` as [`ServiceRow::choice`] gives it, a
    /// whole quantity above 0, a start date as YYYY-MM-DD, a domain name
    /// (whether it is verified is for [`assign`] to say).
    pub fn parse(
        service: &str,
        quantity: &str,
        start_date: &str,
        domain: &str,
    ) -> Result<Self, AppError> {
        let mut errors = FormErrors::default();
        let service = service
            .trim()
            .split_once('/')
            .and_then(|(product, account)| {
                Some((
                    product.parse::<i64>().ok()?,
                    PurchasingAccountNumber::parse(account).ok()?,
                ))
            })
            .ok_or(Problem::ServiceUnknown);
        let service = errors.check("service", service);
        let quantity = quantity
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|quantity| (1..=MAX_QUANTITY).contains(quantity))
            .ok_or(Problem::QuantityInvalid);
        let quantity = errors.check("quantity", quantity);
        let starts_on = parse_iso_date(start_date.trim()).ok_or(Problem::DateInvalid);
        let starts_on = errors.check("start_date", starts_on);
        let domain = errors.check(
            "domain",
            DomainName::parse(domain).map_err(|_| Problem::DomainNotVerified),
        );
        let ((product_id, purchasing_account), quantity, starts_on, domain) = errors.finish(
            service
                .zip(quantity)
                .zip(starts_on)
                .zip(domain)
                .map(|(((s, q), d), n)| (s, q, d, n)),
        )?;
        Ok(Assignment {
            product_id,
            purchasing_account,
            quantity,
            starts_on,
            domain,
        })
    }
}

/// What each purchasing account's orders entitle: the quantity of each
/// online service ordered, as the orders import keeps it.
const ENTITLEMENTS: &str = "SELECT pr.id AS product_id, pr.name AS product, pr.version, \
     p.number AS purchasing_account, t.quantity AS ordered, t.purchasing_account_id \
     FROM license_totals t JOIN products pr ON pr.id = t.product_id \
     JOIN purchasing_accounts p ON p.id = t.purchasing_account_id \
     WHERE t.organization_id = $1 AND pr.kind = 'online_service'";

/// A row of [`ENTITLEMENTS`].
#[derive(sqlx::FromRow)]
struct Entitlement {
    product_id: i64,
    product: String,
    version: String,
    purchasing_account: String,
    ordered: i64,
    purchasing_account_id: i64,
}

/// The online services the organization may provision, and what it has.
#[instrument(skip_all, fields(user = actor.user.id))]
pub async fn overview(state: &AppState, actor: &Actor) -> Result<ProvisioningPage, AppError> {
    let (db, viewer) = (&state.db, &actor.user);
    viewer.require(Capability::ManageProvisioning)?;
    let ordered: Vec<Entitlement> = sqlx::query_as(&format!(
        "{ENTITLEMENTS} ORDER BY pr.name, pr.version, p.number"
    ))
    .bind(viewer.organization_id)
    .fetch_all(db)
    .await?;
    let assigned: HashMap<(i64, i64), i64> = sqlx::query_as::<_, (i64, i64, i64)>(
        "SELECT product_id, purchasing_account_id, CAST(SUM(quantity) AS BIGINT) \
         FROM subscriptions WHERE organization_id = $1 \
         GROUP BY product_id, purchasing_account_id",
    )
    .bind(viewer.organization_id)
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|(product, account, quantity)| ((product, account), quantity))
    .collect();
    let services = ordered
        .into_iter()
        .map(|row| ServiceRow {
            assigned: assigned
                .get(&(row.product_id, row.purchasing_account_id))
                .copied()
                .unwrap_or(0),
            product_id: row.product_id,
            product: row.product,
            version: row.version,
            purchasing_account: row.purchasing_account,
            ordered: row.ordered,
        })
        .collect();
    #[derive(sqlx::FromRow)]
    struct Assigned {
        product: String,
        version: String,
        purchasing_account: String,
        quantity: i64,
        starts_on: i64,
        assigned_by: String,
        created_at: i64,
        domain: String,
    }
    let subscriptions: Vec<Assigned> = sqlx::query_as(
        "SELECT pr.name AS product, pr.version, p.number AS purchasing_account, s.quantity, \
         s.starts_on, s.assigned_by, s.created_at, s.domain FROM subscriptions s \
         JOIN products pr ON pr.id = s.product_id JOIN purchasing_accounts p ON p.id = s.purchasing_account_id \
         WHERE s.organization_id = $1 ORDER BY s.created_at DESC, s.id DESC",
    )
    .bind(viewer.organization_id)
    .fetch_all(db)
    .await?;
    Ok(ProvisioningPage {
        user: viewer.summary(),
        services,
        domains: super::domains::verified_names(db, viewer.organization_id).await?,
        subscriptions: subscriptions
            .into_iter()
            .map(|row| SubscriptionRow {
                product: row.product,
                version: row.version,
                purchasing_account: row.purchasing_account,
                quantity: row.quantity,
                starts_on: row.starts_on,
                assigned_by: row.assigned_by,
                assigned_at: row.created_at,
                domain: row.domain,
            })
            .collect(),
    })
}

/// Assigns subscriptions if what remains of the entitlement allows it;
/// otherwise says how much remains.
#[instrument(skip_all, fields(user = actor.user.id))]
pub async fn assign(
    state: &AppState,
    actor: &Actor,
    assignment: &Assignment,
) -> Result<(), AppError> {
    actor.user.require(Capability::ManageProvisioning)?;
    let (organization_id, now) = (actor.user.organization_id, state.clock.now());
    let mut tx = super::db::begin_write(&state.db).await?;
    super::db::lock_organization(&mut tx, organization_id).await?;
    let entitlement: Option<Entitlement> =
        sqlx::query_as(&format!("{ENTITLEMENTS} AND pr.id = $2 AND p.number = $3"))
            .bind(organization_id)
            .bind(assignment.product_id)
            .bind(assignment.purchasing_account.as_str())
            .fetch_optional(&mut *tx)
            .await?;
    let Entitlement {
        product_id,
        product,
        version,
        purchasing_account: account,
        ordered,
        purchasing_account_id: account_id,
    } = entitlement.ok_or_else(|| AppError::field("service", Problem::ServiceUnknown))?;
    match super::domains::covering_verified(&mut tx, &assignment.domain).await? {
        Some((_, owner)) if owner == organization_id => {}
        _ => return Err(AppError::field("domain", Problem::DomainNotVerified)),
    }
    let (assigned,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM subscriptions \
         WHERE organization_id = $1 AND product_id = $2 AND purchasing_account_id = $3",
    )
    .bind(organization_id)
    .bind(product_id)
    .bind(account_id)
    .fetch_one(&mut *tx)
    .await?;
    if assigned + assignment.quantity > ordered {
        return Err(AppError::field(
            "quantity",
            Problem::ExceedsEntitlement { ordered, assigned },
        ));
    }
    sqlx::query(
        "INSERT INTO subscriptions (organization_id, purchasing_account_id, product_id, quantity, \
         starts_on, assigned_by, created_at, domain) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(organization_id)
    .bind(account_id)
    .bind(product_id)
    .bind(assignment.quantity)
    .bind(assignment.starts_on)
    .bind(&actor.user.email)
    .bind(now)
    .bind(assignment.domain.as_str())
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        now,
        AuditAction::SubscriptionAssigned,
        &product_label(&product, &version),
        &format!(
            "{} from {} on purchasing account {account} to {}",
            assignment.quantity,
            iso_date(assignment.starts_on),
            assignment.domain
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_assignment_form_explains_each_bad_field() {
        let parsed = Assignment::parse("nonsense", "0", "2026-02-30", "not a domain");
        let problem = |field| {
            parsed
                .as_ref()
                .err()
                .and_then(|error| error.problem_with(field))
        };
        assert_eq!(problem("domain"), Some(Problem::DomainNotVerified));
        assert_eq!(problem("service"), Some(Problem::ServiceUnknown));
        assert_eq!(problem("quantity"), Some(Problem::QuantityInvalid));
        assert_eq!(problem("start_date"), Some(Problem::DateInvalid));
        assert!(Assignment::parse("3/9876543210", "12", "2026-02-28", "contoso.com").is_ok());
    }
}
