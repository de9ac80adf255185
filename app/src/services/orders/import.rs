//! The operator's orders import: one order line per row, each row
//! checked and written on its own, license totals kept up to date.

use tracing::instrument;

use crate::domain::{AgreementNumber, EventType, PurchasingAccountNumber};
use crate::error::AppError;
use crate::i18n::parse_iso_date;
use crate::services::catalog::{self, ImportResults};
use crate::services::events::{self, Audience};
use crate::services::{db, AppState, Db};

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
pub async fn import(state: &AppState, text: &str) -> Result<ImportResults, AppError> {
    let (db, now) = (&state.db, state.clock.now());
    Ok(
        catalog::import_each(text, &COLUMNS, &["partner"], |cells| async move {
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
    let mut tx = db::begin_write(db).await.map_err(internal)?;
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
    // One event per line imported, so a receiver sees each as it lands.
    let data = serde_json::json!({
        "order_id": order_id,
        "order_number": number,
        "agreement_number": agreement.as_str(),
        "purchasing_account_number": account.as_str(),
        "product": product,
        "version": version,
        "quantity": quantity,
    });
    let audience = Audience::Organization(organization_id);
    events::emit(&mut tx, audience, now, EventType::OrderImported, data)
        .await
        .map_err(|error| format!("database: {error}"))?;
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
}
