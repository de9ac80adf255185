//! Product keys: imported by the operator, listed masked to the roles
//! that may see keys, each full view written to the audit log.

use super::audit::{self, Actor};
use super::catalog::{self, ImportResults};
use super::{AppState, Db};
use crate::domain::wire::KeyRow;
use crate::domain::{
    product_label, AgreementNumber, AuditAction, Capability, PurchasingAccountNumber,
};
use crate::error::AppError;
use tracing::instrument;

fn mask(key: &str) -> String {
    let last = key.rsplit('-').next().unwrap_or_default();
    let hidden = key.split('-').count().saturating_sub(1).max(1);
    format!("{}{last}", "XXXXX-".repeat(hidden))
}

/// The organization's keys, whole, by product.
pub const LIST_SQL: &str = "SELECT k.id, pr.name AS product, pr.version, \
     p.number AS purchasing_account, k.key_text \
     FROM product_keys k JOIN products pr ON pr.id = k.product_id \
     JOIN purchasing_accounts p ON p.id = k.purchasing_account_id \
     WHERE k.organization_id = $1 ORDER BY pr.name, pr.version, k.id";

/// A row of [`LIST_SQL`].
#[derive(sqlx::FromRow)]
pub struct WholeKey {
    pub id: i64,
    pub product: String,
    pub version: String,
    pub purchasing_account: String,
    pub key_text: String,
}

#[instrument(skip_all, fields(user = actor.user.id))]
pub async fn list(state: &AppState, actor: &Actor) -> Result<Vec<KeyRow>, AppError> {
    let (db, viewer) = (&state.db, &actor.user);
    viewer.require(Capability::ViewKeys)?;
    let rows: Vec<WholeKey> = sqlx::query_as(LIST_SQL)
        .bind(viewer.organization_id)
        .fetch_all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| KeyRow {
            id: row.id,
            masked: mask(&row.key_text),
            product: row.product,
            version: row.version,
            purchasing_account: row.purchasing_account,
        })
        .collect())
}

/// One whole key of the viewer's organization, audited.
#[instrument(skip_all, fields(user = actor.user.id))]
pub async fn reveal(state: &AppState, actor: &Actor, key_id: i64) -> Result<String, AppError> {
    actor.user.require(Capability::ViewKeys)?;
    let now = state.clock.now();
    let mut tx = super::db::begin_write(&state.db).await?;
    let found: Option<(String, String, String)> = sqlx::query_as(
        "SELECT k.key_text, pr.name, pr.version FROM product_keys k \
         JOIN products pr ON pr.id = k.product_id WHERE k.id = $1 AND k.organization_id = $2",
    )
    .bind(key_id)
    .bind(actor.user.organization_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (key, product, version) = found.ok_or(AppError::NotFound)?;
    audit::record(
        &mut tx,
        actor,
        now,
        AuditAction::KeyViewed,
        &product_label(&product, &version),
        &mask(&key),
    )
    .await?;
    tx.commit().await?;
    Ok(key)
}

/// The columns of a keys file, found by name on its first line (in this
/// order when it has no header).
pub const COLUMNS: [&str; 5] = [
    "agreement_number",
    "purchasing_account",
    "product",
    "version",
    "key",
];

/// Imports product keys from CSV text, with a result per line.
#[instrument(skip_all)]
pub async fn import(state: &AppState, text: &str) -> Result<ImportResults, AppError> {
    let (db, now) = (&state.db, state.clock.now());
    Ok(
        catalog::import_each(text, &COLUMNS, &[], |cells| async move {
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
    let (product, version, key) = (cell(2), cell(3), cell(4).to_ascii_uppercase());
    catalog::check_product(product, version)?;
    let well_formed = key.len() <= 64
        && key.contains('-')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !well_formed {
        return Err("key: groups of letters and digits separated by -".to_owned());
    }
    let internal = |error: sqlx::Error| format!("database: {error}");
    let mut tx = super::db::begin_write(db).await.map_err(internal)?;
    let found = catalog::purchasing_account(&mut tx, &agreement, &account)
        .await
        .map_err(internal)?;
    let (account_id, organization_id) =
        found.ok_or("purchasing_account: no such purchasing account on this agreement")?;
    let product_id = catalog::product_id(&mut tx, product, version, now)
        .await
        .map_err(internal)?;
    let inserted = sqlx::query(
        "INSERT INTO product_keys (organization_id, purchasing_account_id, product_id, key_text, \
         created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(organization_id)
    .bind(account_id)
    .bind(product_id)
    .bind(&key)
    .bind(now)
    .execute(&mut *tx)
    .await;
    match inserted {
        Ok(_) => {}
        Err(error) if super::is_unique_violation(&error) => {
            return Err("key: already imported".to_owned())
        }
        Err(error) => return Err(internal(error)),
    }
    tx.commit().await.map_err(internal)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_masked_but_for_their_last_group() {
        assert_eq!(
            mask("ABCDE-FGHIJ-KLMNO-PQRST-UVWXY"),
            "XXXXX-XXXXX-XXXXX-XXXXX-UVWXY"
        );
        assert_eq!(mask("AB-CD"), "XXXXX-CD");
    }
}
