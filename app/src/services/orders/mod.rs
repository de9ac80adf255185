//! Orders: imported by the operator, listed per organization with filters
//! and pages whose cost does not grow with the table, summed into license
//! details.

mod import;

pub use import::{import, COLUMNS};

use std::collections::HashMap;

use tracing::instrument;

use super::audit::Actor;
use super::current_user::CurrentUser;
use super::partners::{self, PartnerScope};
use super::products::ORDERED_BY_ORGANIZATION;
use super::{db, AppState, Db};
use crate::domain::wire::{
    LicenseRow, OrderFilter, OrderLineView, OrderView, OrdersPage, ProductChoice, ProductUsage,
};
use crate::domain::{product_label, Capability, Problem};
use crate::error::{AppError, FormErrors};
use crate::i18n::parse_iso_date;

/// Orders on one page of the Orders screen.
pub const PAGE_SIZE: i64 = 25;

enum Param {
    Int(i64),
    Text(String),
}

fn cursor(ordered_at: i64, id: i64) -> String {
    format!("{ordered_at}.{id}")
}

fn parse_cursor(text: &str) -> Option<(i64, i64)> {
    let (at, id) = text.split_once('.')?;
    Some((at.parse().ok()?, id.parse().ok()?))
}

/// One page of the organization's orders, newest first, narrowed by
/// `filter`, starting after the cursor `after` ("" for the first page).
#[instrument(skip_all, fields(organization = actor.user.organization_id))]
pub async fn page(
    state: &AppState,
    actor: &Actor,
    filter: &OrderFilter,
    after: &str,
) -> Result<OrdersPage, AppError> {
    let (db, viewer) = (&state.db, &actor.user);
    viewer.require(Capability::ViewOrders)?;
    page_in(db, viewer, None, filter, after).await
}

/// [`page`] for a partner: the orders of the customer's agreement
/// numbered `agreement` that the customer lets it see.
#[instrument(skip_all, fields(organization = actor.user.organization_id))]
pub async fn partner_page(
    state: &AppState,
    actor: &Actor,
    agreement: &str,
    filter: &OrderFilter,
    after: &str,
) -> Result<OrdersPage, AppError> {
    let (scope, _) = partners::scope(state, actor, agreement).await?;
    let (db, viewer) = (&state.db, &actor.user);
    page_in(db, viewer, Some(scope), filter, after).await
}

/// The conditions on `orders o` joined with `purchasing_accounts p` that
/// keep a partner to what it may see, numbered from `$first` (by hand:
/// sqlx#3000, see `db::placeholders`).
fn partner_condition(scope: &PartnerScope, first: usize) -> (String, Vec<i64>) {
    let mut sql = format!(" AND p.agreement_id = ${first}");
    let mut params = vec![scope.agreement_id];
    if !scope.sees_other_partners {
        sql.push_str(&format!(" AND o.partner_id = ${}", first + 1));
        params.push(scope.partner_id);
    }
    (sql, params)
}

async fn page_in(
    db: &Db,
    viewer: &CurrentUser,
    partner: Option<PartnerScope>,
    filter: &OrderFilter,
    after: &str,
) -> Result<OrdersPage, AppError> {
    let organization_id = partner.map_or(viewer.organization_id, |scope| scope.customer_id);
    let mut errors = FormErrors::default();
    let date = |text: &str| match text.trim() {
        "" => Ok(None),
        text => parse_iso_date(text).map(Some).ok_or(Problem::DateInvalid),
    };
    let from = errors.check("from", date(&filter.from));
    let to = errors.check("to", date(&filter.to));
    let (from, to) = errors.finish(from.zip(to))?;

    let mut sql = String::from(
        "SELECT o.id, o.number, o.ordered_at, p.number AS purchasing_account, pa.name AS partner \
         FROM orders o JOIN purchasing_accounts p ON p.id = o.purchasing_account_id \
         LEFT JOIN organizations pa ON pa.id = o.partner_id WHERE o.organization_id = $1",
    );
    let mut params = vec![Param::Int(organization_id)];
    if let Some(scope) = &partner {
        let (condition, values) = partner_condition(scope, 2);
        sql.push_str(&condition);
        params.extend(values.into_iter().map(Param::Int));
    }
    // Each clause's `?` becomes the next `$N` (sqlx#3000).
    let mut add = |clause: &str, value: Param, sql: &mut String| {
        params.push(value);
        sql.push_str(&clause.replace('?', &format!("${}", params.len())));
    };
    if let Some(from) = from {
        add(" AND o.ordered_at >= ?", Param::Int(from), &mut sql);
    }
    if let Some(to) = to {
        add(" AND o.ordered_at < ?", Param::Int(to + 86_400), &mut sql);
    }
    if let Ok(product) = filter.product.trim().parse::<i64>() {
        add(
            " AND EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.product_id = ?)",
            Param::Int(product),
            &mut sql,
        );
    }
    if !filter.purchasing_account.trim().is_empty() {
        add(
            " AND p.number = ?",
            Param::Text(filter.purchasing_account.trim().to_owned()),
            &mut sql,
        );
    }
    if let Some((at, id)) = parse_cursor(after) {
        // A row-value comparison: one index range on both engines.
        add(" AND (o.ordered_at, o.id) < (?", Param::Int(at), &mut sql);
        add(", ?)", Param::Int(id), &mut sql);
    }
    add(
        " ORDER BY o.ordered_at DESC, o.id DESC LIMIT ?",
        Param::Int(PAGE_SIZE + 1),
        &mut sql,
    );

    #[derive(sqlx::FromRow)]
    struct OrderRow {
        id: i64,
        number: String,
        ordered_at: i64,
        purchasing_account: String,
        partner: Option<String>,
    }
    let mut query = sqlx::query_as::<_, OrderRow>(&sql);
    for param in params {
        query = match param {
            Param::Int(value) => query.bind(value),
            Param::Text(value) => query.bind(value),
        };
    }
    let mut rows = query.fetch_all(db).await?;
    let next = if rows.len() as i64 > PAGE_SIZE {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|row| cursor(row.ordered_at, row.id))
    } else {
        None
    };

    let mut lines: HashMap<i64, Vec<OrderLineView>> = HashMap::new();
    if !rows.is_empty() {
        let sql = format!(
            "SELECT l.order_id, p.name, p.version, l.quantity, l.unit_price_cents, l.currency \
             FROM order_lines l JOIN products p ON p.id = l.product_id \
             WHERE l.order_id IN ({}) ORDER BY l.id",
            db::placeholders(1, rows.len())
        );
        #[derive(sqlx::FromRow)]
        struct LineRow {
            order_id: i64,
            name: String,
            version: String,
            quantity: i64,
            unit_price_cents: i64,
            currency: String,
        }
        let mut query = sqlx::query_as::<_, LineRow>(&sql);
        for row in &rows {
            query = query.bind(row.id);
        }
        for line in query.fetch_all(db).await? {
            lines.entry(line.order_id).or_default().push(OrderLineView {
                product: line.name,
                version: line.version,
                quantity: line.quantity,
                amount_cents: line.quantity * line.unit_price_cents,
                currency: line.currency,
            });
        }
    }
    let orders = rows
        .into_iter()
        .map(|row| OrderView {
            number: row.number,
            ordered_at: row.ordered_at,
            purchasing_account: row.purchasing_account,
            partner: row.partner,
            lines: lines.remove(&row.id).unwrap_or_default(),
        })
        .collect();

    let (products, accounts) = match &partner {
        None => {
            let products: Vec<(i64, String, String)> = sqlx::query_as(
                // Per product, one probe of its lines: not a scan of every order.
                &format!(
                    "SELECT pr.id, pr.name, pr.version FROM products pr \
                     WHERE {ORDERED_BY_ORGANIZATION} ORDER BY pr.name, pr.version"
                ),
            )
            .bind(organization_id)
            .fetch_all(db)
            .await?;
            let accounts: Vec<(String,)> = sqlx::query_as(
                "SELECT p.number FROM purchasing_accounts p \
                 JOIN agreements a ON a.id = p.agreement_id \
                 WHERE a.organization_id = $1 ORDER BY p.number",
            )
            .bind(organization_id)
            .fetch_all(db)
            .await?;
            (products, accounts)
        }
        Some(scope) => {
            // Only the products of the orders the partner may see.
            let (condition, values) = partner_condition(scope, 2);
            let sql = format!(
                "SELECT DISTINCT pr.id, pr.name, pr.version FROM products pr \
                 JOIN order_lines l ON l.product_id = pr.id JOIN orders o ON o.id = l.order_id \
                 JOIN purchasing_accounts p ON p.id = o.purchasing_account_id \
                 WHERE o.organization_id = $1{condition} ORDER BY pr.name, pr.version"
            );
            let mut query = sqlx::query_as(&sql).bind(organization_id);
            for value in values {
                query = query.bind(value);
            }
            let products: Vec<(i64, String, String)> = query.fetch_all(db).await?;
            let accounts: Vec<(String,)> = sqlx::query_as(
                "SELECT number FROM purchasing_accounts WHERE agreement_id = $1 ORDER BY number",
            )
            .bind(scope.agreement_id)
            .fetch_all(db)
            .await?;
            (products, accounts)
        }
    };
    Ok(OrdersPage {
        user: viewer.summary(),
        orders,
        next,
        products: products
            .into_iter()
            .map(|(id, name, version)| ProductChoice {
                id,
                label: product_label(&name, &version),
            })
            .collect(),
        purchasing_accounts: accounts.into_iter().map(|(number,)| number).collect(),
    })
}

/// Owned quantities per product version and purchasing account, as the
/// import keeps them.
pub const LICENSES_SQL: &str = "SELECT pr.id AS product_id, pr.name AS product, pr.version, \
     p.number AS purchasing_account, t.quantity, t.orders \
     FROM license_totals t JOIN products pr ON pr.id = t.product_id \
     JOIN purchasing_accounts p ON p.id = t.purchasing_account_id \
     WHERE t.organization_id = $1 ORDER BY pr.name, pr.version, p.number";

/// Owned quantities per product version and purchasing account.
#[instrument(skip_all, fields(user = actor.user.id))]
pub async fn licenses(state: &AppState, actor: &Actor) -> Result<Vec<LicenseRow>, AppError> {
    let (db, viewer) = (&state.db, &actor.user);
    viewer.require(Capability::ViewLicenses)?;
    Ok(sqlx::query_as(LICENSES_SQL)
        .bind(viewer.organization_id)
        .fetch_all(db)
        .await?)
}

/// What the organization owns of each product, summed over its purchasing
/// accounts, and for online services what is assigned of it: the
/// dashboard's license usage, most owned first. Both read a row per
/// product and purchasing account (`license_totals`, `subscriptions`
/// by their organization's index), never the orders.
#[instrument(skip_all, fields(user = actor.user.id))]
pub async fn usage(state: &AppState, actor: &Actor) -> Result<Vec<ProductUsage>, AppError> {
    let (db, viewer) = (&state.db, &actor.user);
    viewer.require(Capability::ViewLicenses)?;
    #[derive(sqlx::FromRow)]
    struct Owned {
        id: i64,
        name: String,
        version: String,
        kind: String,
        owned: i64,
    }
    // PostgreSQL sums BIGINTs into NUMERIC, which the Any driver cannot read.
    let owned: Vec<Owned> = sqlx::query_as(
        "SELECT pr.id, pr.name, pr.version, pr.kind, CAST(SUM(t.quantity) AS BIGINT) AS owned \
         FROM license_totals t JOIN products pr ON pr.id = t.product_id \
         WHERE t.organization_id = $1 GROUP BY pr.id, pr.name, pr.version, pr.kind",
    )
    .bind(viewer.organization_id)
    .fetch_all(db)
    .await?;
    let assigned: HashMap<i64, i64> = sqlx::query_as::<_, (i64, i64)>(
        "SELECT product_id, CAST(SUM(quantity) AS BIGINT) FROM subscriptions \
         WHERE organization_id = $1 GROUP BY product_id",
    )
    .bind(viewer.organization_id)
    .fetch_all(db)
    .await?
    .into_iter()
    .collect();
    let mut usage: Vec<ProductUsage> = owned
        .into_iter()
        .map(|row| ProductUsage {
            product_id: row.id,
            product: product_label(&row.name, &row.version),
            owned: row.owned,
            assigned: (row.kind == "online_service")
                .then(|| assigned.get(&row.id).copied().unwrap_or(0)),
        })
        .collect();
    usage.sort_by(|a, b| {
        b.owned
            .cmp(&a.owned)
            .then_with(|| a.product.cmp(&b.product))
    });
    Ok(usage)
}

/// [`licenses`] for a partner: what the orders it may see of the
/// customer's agreement numbered `agreement` add up to.
#[instrument(skip_all, fields(user = actor.user.id))]
pub async fn partner_licenses(
    state: &AppState,
    actor: &Actor,
    agreement: &str,
) -> Result<Vec<LicenseRow>, AppError> {
    let (scope, _) = partners::scope(state, actor, agreement).await?;
    let (condition, values) = partner_condition(&scope, 2);
    let sql = format!(
        // PostgreSQL sums BIGINTs into NUMERIC, which the Any driver cannot read.
        "SELECT pr.id AS product_id, pr.name AS product, pr.version, \
         p.number AS purchasing_account, CAST(SUM(l.quantity) AS BIGINT) AS quantity, \
         COUNT(DISTINCT o.id) AS orders \
         FROM order_lines l JOIN orders o ON o.id = l.order_id \
         JOIN purchasing_accounts p ON p.id = o.purchasing_account_id \
         JOIN products pr ON pr.id = l.product_id WHERE o.organization_id = $1{condition} \
         GROUP BY pr.id, pr.name, pr.version, p.number ORDER BY pr.name, pr.version, p.number"
    );
    let mut query = sqlx::query_as(&sql).bind(scope.customer_id);
    for value in values {
        query = query.bind(value);
    }
    Ok(query.fetch_all(&state.db).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_ignored() {
        assert_eq!(
            parse_cursor(&cursor(1_700_000_000, 42)),
            Some((1_700_000_000, 42))
        );
        assert_eq!(parse_cursor("nonsense"), None);
    }
}
