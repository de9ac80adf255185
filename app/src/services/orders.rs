//! Orders: imported by the operator, listed per organization with filters
//! and pages whose cost does not grow with the table, summed into license
//! details.

use std::collections::HashMap;

use tracing::instrument;

use super::accounts::CurrentUser;
use super::catalog::{self, ImportResults};
use super::partners::{self, PartnerScope};
use super::products::ORDERED_BY_ORGANIZATION;
use super::Db;
use crate::domain::wire::{
    LicenseRow, OrderFilter, OrderLineView, OrderView, OrdersPage, ProductChoice,
};
use crate::domain::{
    product_label, AgreementNumber, Capability, Problem, PurchasingAccountNumber, Role,
};
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
#[instrument(skip_all, fields(organization = viewer.organization_id))]
pub async fn page(
    db: &Db,
    viewer: &CurrentUser,
    filter: &OrderFilter,
    after: &str,
) -> Result<OrdersPage, AppError> {
    if !Role::any_allows(&viewer.roles, Capability::ViewOrders) {
        return Err(AppError::Forbidden);
    }
    page_in(db, viewer, None, filter, after).await
}

/// [`page`] for a partner: the orders of the customer's agreement
/// numbered `agreement` that the customer lets it see.
#[instrument(skip_all, fields(organization = viewer.organization_id))]
pub async fn partner_page(
    db: &Db,
    viewer: &CurrentUser,
    agreement: &str,
    filter: &OrderFilter,
    after: &str,
) -> Result<OrdersPage, AppError> {
    let (scope, _) = partners::scope(db, viewer, agreement).await?;
    page_in(db, viewer, Some(scope), filter, after).await
}

/// The conditions on `orders o` joined with `purchasing_accounts p` that
/// keep a partner to what it may see, numbered from `$first`.
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

    let mut query = sqlx::query_as::<_, (i64, String, i64, String, Option<String>)>(&sql);
    for param in params {
        query = match param {
            Param::Int(value) => query.bind(value),
            Param::Text(value) => query.bind(value),
        };
    }
    let mut rows = query.fetch_all(db).await?;
    let next = if rows.len() as i64 > PAGE_SIZE {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|(id, _, at, ..)| cursor(*at, *id))
    } else {
        None
    };

    let mut lines: HashMap<i64, Vec<OrderLineView>> = HashMap::new();
    if !rows.is_empty() {
        let placeholders: Vec<String> = (1..=rows.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT l.order_id, p.name, p.version, l.quantity, l.unit_price_cents, l.currency \
             FROM order_lines l JOIN products p ON p.id = l.product_id \
             WHERE l.order_id IN ({}) ORDER BY l.id",
            placeholders.join(", ")
        );
        let mut query = sqlx::query_as::<_, (i64, String, String, i64, i64, String)>(&sql);
        for (id, ..) in &rows {
            query = query.bind(*id);
        }
        for (order_id, product, version, quantity, unit_price, currency) in
            query.fetch_all(db).await?
        {
            lines.entry(order_id).or_default().push(OrderLineView {
                product,
                version,
                quantity,
                amount_cents: quantity * unit_price,
                currency,
            });
        }
    }
    let orders = rows
        .into_iter()
        .map(
            |(id, number, ordered_at, purchasing_account, partner)| OrderView {
                number,
                ordered_at,
                purchasing_account,
                partner,
                lines: lines.remove(&id).unwrap_or_default(),
            },
        )
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
pub const LICENSES_SQL: &str = "SELECT pr.id, pr.name, pr.version, p.number, t.quantity, t.orders \
     FROM license_totals t JOIN products pr ON pr.id = t.product_id \
     JOIN purchasing_accounts p ON p.id = t.purchasing_account_id \
     WHERE t.organization_id = $1 ORDER BY pr.name, pr.version, p.number";

/// Owned quantities per product version and purchasing account.
#[instrument(skip_all, fields(user = viewer.id))]
pub async fn licenses(db: &Db, viewer: &CurrentUser) -> Result<Vec<LicenseRow>, AppError> {
    if !Role::any_allows(&viewer.roles, Capability::ViewLicenses) {
        return Err(AppError::Forbidden);
    }
    let rows: Vec<(i64, String, String, String, i64, i64)> = sqlx::query_as(LICENSES_SQL)
        .bind(viewer.organization_id)
        .fetch_all(db)
        .await?;
    Ok(rows.into_iter().map(license_row).collect())
}

/// [`licenses`] for a partner: what the orders it may see of the
/// customer's agreement numbered `agreement` add up to.
#[instrument(skip_all, fields(user = viewer.id))]
pub async fn partner_licenses(
    db: &Db,
    viewer: &CurrentUser,
    agreement: &str,
) -> Result<Vec<LicenseRow>, AppError> {
    let (scope, _) = partners::scope(db, viewer, agreement).await?;
    let (condition, values) = partner_condition(&scope, 2);
    let sql = format!(
        // PostgreSQL sums BIGINTs into NUMERIC, which the Any driver cannot read.
        "SELECT pr.id, pr.name, pr.version, p.number, CAST(SUM(l.quantity) AS BIGINT), \
         COUNT(DISTINCT o.id) \
         FROM order_lines l JOIN orders o ON o.id = l.order_id \
         JOIN purchasing_accounts p ON p.id = o.purchasing_account_id \
         JOIN products pr ON pr.id = l.product_id WHERE o.organization_id = $1{condition} \
         GROUP BY pr.id, pr.name, pr.version, p.number ORDER BY pr.name, pr.version, p.number"
    );
    let mut query = sqlx::query_as(&sql).bind(scope.customer_id);
    for value in values {
        query = query.bind(value);
    }
    let rows: Vec<(i64, String, String, String, i64, i64)> = query.fetch_all(db).await?;
    Ok(rows.into_iter().map(license_row).collect())
}

fn license_row(
    (product_id, product, version, purchasing_account, quantity, orders): (
        i64,
        String,
        String,
        String,
        i64,
        i64,
    ),
) -> LicenseRow {
    LicenseRow {
        product_id,
        product,
        version,
        purchasing_account,
        quantity,
        orders,
    }
}

/// The columns of an orders file, found by name on its first line (in
/// this order when it has no header).
pub const COLUMNS: [&str; 10] = [
    "agreement_number",
    "purchasing_account",
    "order_number",
    "order_date",
    "product",
    "version",
    "quantity",
    "unit_price",
    "currency",
    "partner",
];

/// Imports orders from CSV text, one order line per row; rows with the
/// same order number add lines to that order. The `partner` column, which
/// may be missing or empty, names the partner the order was placed
/// through; it must be partner of record for the agreement. Each row is
/// checked and written on its own, so a bad row never stops the good ones.
#[instrument(skip_all)]
pub async fn import(db: &Db, now: i64, text: &str) -> Result<ImportResults, AppError> {
    Ok(
        catalog::import_each(text, &COLUMNS, &["partner"], async |cells| {
            import_row(db, now, &cells).await
        })
        .await,
    )
}

async fn import_row(db: &Db, now: i64, cells: &[String]) -> Result<(), String> {
    let cell = |index: usize| catalog::cell(cells, index);
    let agreement =
        AgreementNumber::parse(cell(0)).map_err(|p| format!("agreement_number: {p}"))?;
    let account =
        PurchasingAccountNumber::parse(cell(1)).map_err(|p| format!("purchasing_account: {p}"))?;
    let number = cell(2);
    if number.is_empty() || number.len() > 40 {
        return Err("order_number: 1 to 40 characters".to_owned());
    }
    let ordered_at = parse_iso_date(cell(3)).ok_or("order_date: enter a date as YYYY-MM-DD")?;
    let (product, version) = (cell(4), cell(5));
    catalog::check_product(product, version)?;
    let quantity: i64 = cell(6)
        .parse()
        .ok()
        .filter(|q| *q > 0)
        .ok_or("quantity: a whole number above 0")?;
    let unit_price_cents = parse_money(cell(7)).ok_or("unit_price: an amount such as 12.50")?;
    let currency = cell(8).to_ascii_uppercase();
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err("currency: a three-letter code such as USD".to_owned());
    }

    let internal = |error: sqlx::Error| format!("database: {error}");
    let mut tx = super::db::begin_write(db).await.map_err(internal)?;
    let found = catalog::purchasing_account(&mut tx, &agreement, &account)
        .await
        .map_err(internal)?;
    let (account_id, organization_id) =
        found.ok_or("purchasing_account: no such purchasing account on this agreement")?;
    let partner_id = match cell(9) {
        "" => None,
        name => {
            let linked: Option<(i64,)> = sqlx::query_as(
                "SELECT o.id FROM organizations o JOIN partner_links k ON k.partner_id = o.id \
                 JOIN agreements a ON a.id = k.agreement_id \
                 WHERE lower(o.name) = lower($1) AND a.number = $2",
            )
            .bind(name)
            .bind(agreement.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?;
            Some(
                linked
                    .ok_or("partner: no partner of record for this agreement has this name")?
                    .0,
            )
        }
    };
    let existing: Option<(i64, i64)> =
        sqlx::query_as("SELECT id, purchasing_account_id FROM orders WHERE number = $1")
            .bind(number)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?;
    let order_id = match existing {
        Some((_, other)) if other != account_id => {
            return Err("order_number: already used by another purchasing account".to_owned())
        }
        Some((id, _)) => id,
        None => {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO orders (organization_id, purchasing_account_id, number, ordered_at, \
                 created_at, partner_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(organization_id)
            .bind(account_id)
            .bind(number)
            .bind(ordered_at)
            .bind(now)
            .bind(partner_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(internal)?;
            id
        }
    };
    let product_id = catalog::product_id(&mut tx, product, version, now)
        .await
        .map_err(internal)?;
    let (earlier_lines,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM order_lines WHERE order_id = $1 AND product_id = $2")
            .bind(order_id)
            .bind(product_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(internal)?;
    sqlx::query(
        "INSERT INTO license_totals (organization_id, purchasing_account_id, product_id, \
         quantity, orders) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (organization_id, purchasing_account_id, product_id) DO UPDATE SET \
         quantity = license_totals.quantity + excluded.quantity, \
         orders = license_totals.orders + excluded.orders",
    )
    .bind(organization_id)
    .bind(account_id)
    .bind(product_id)
    .bind(quantity)
    // A second line of the same product in one order is not another order.
    .bind(i64::from(earlier_lines == 0))
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    sqlx::query(
        "INSERT INTO order_lines (order_id, organization_id, product_id, quantity, \
         unit_price_cents, currency) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(order_id)
    .bind(organization_id)
    .bind(product_id)
    .bind(quantity)
    .bind(unit_price_cents)
    .bind(&currency)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(())
}

/// "12.5" or "12.50" or "12" → cents.
fn parse_money(text: &str) -> Option<i64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() || fraction.len() > 2 || !whole.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let cents = format!("{fraction:0<2}");
    if !cents.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    whole
        .parse::<i64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(cents.parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_to_the_cent() {
        assert_eq!(parse_money("12.5"), Some(1250));
        assert_eq!(parse_money("12.05"), Some(1205));
        assert_eq!(parse_money("7"), Some(700));
        assert_eq!(parse_money("1.234"), None);
        assert_eq!(parse_money("-3"), None);
        assert_eq!(parse_money("abc"), None);
        assert_eq!(parse_money(""), None);
    }

    #[test]
    fn cursors_round_trip_and_garbage_is_ignored() {
        assert_eq!(
            parse_cursor(&cursor(1_700_000_000, 42)),
            Some((1_700_000_000, 42))
        );
        assert_eq!(parse_cursor("nonsense"), None);
    }
}
