//! What the operator's imports share: reading their lines by column name, saying what
//! became of each, finding a purchasing account by its agreement, and the
//! product catalog that grows as orders and keys arrive.

use sqlx::AnyConnection;
use tracing::instrument;

use crate::domain::{AgreementNumber, PurchasingAccountNumber};

/// What importing one line of a file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    Imported,
    Refused(String),
}

impl ImportOutcome {
    /// Why the line was refused, if it was.
    pub fn refusal(&self) -> Option<&str> {
        match self {
            ImportOutcome::Imported => None,
            ImportOutcome::Refused(reason) => Some(reason),
        }
    }
}

impl From<Result<(), String>> for ImportOutcome {
    fn from(result: Result<(), String>) -> Self {
        match result {
            Ok(()) => ImportOutcome::Imported,
            Err(reason) => ImportOutcome::Refused(reason),
        }
    }
}

/// What importing a file did, line by line.
pub type ImportResults = Vec<(usize, ImportOutcome)>;

/// Imports each record of an import file (see
/// [`super::csv_file::read`]) with `row`, and says what became of each
/// line; a file whose header lacks a column is refused on its first line.
///
/// `row` returns a plain future rather than being an async closure: the
/// future of an async closure is not known to be `Send`, which a request
/// handler's must be (the JSON API imports too).
pub async fn import_each<F, Fut>(
    text: &str,
    columns: &[&str],
    optional: &[&str],
    row: F,
) -> ImportResults
where
    F: Fn(Vec<String>) -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let rows = match super::csv_file::read(text, columns, optional) {
        Ok(rows) => rows,
        Err(reason) => return vec![(1, ImportOutcome::Refused(reason))],
    };
    let mut results = Vec::with_capacity(rows.len());
    for (line, cells) in rows {
        results.push((line, row(cells).await.into()));
    }
    results
}

/// Cell `index` of a record; empty when the line is shorter.
pub fn cell(cells: &[String], index: usize) -> &str {
    cells.get(index).map(String::as_str).unwrap_or_default()
}

/// The id of purchasing account `account` on agreement `agreement`, with
/// the id of the organization that holds the agreement.
#[instrument(skip_all)]
pub async fn purchasing_account(
    conn: &mut AnyConnection,
    agreement: &AgreementNumber,
    account: &PurchasingAccountNumber,
) -> Result<Option<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.id, a.organization_id FROM purchasing_accounts p \
         JOIN agreements a ON a.id = p.agreement_id WHERE a.number = $1 AND p.number = $2",
    )
    .bind(agreement.as_str())
    .bind(account.as_str())
    .fetch_optional(conn)
    .await
}

/// Checks an import line's product name and version.
pub fn check_product(name: &str, version: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 200 || version.len() > 50 {
        return Err("product: a name (up to 200 characters) and a version".to_owned());
    }
    Ok(())
}

/// The id of product `name` `version`, added to the catalog on first use.
#[instrument(skip_all)]
pub async fn product_id(
    conn: &mut AnyConnection,
    name: &str,
    version: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let found: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM products WHERE name = $1 AND version = $2")
            .bind(name)
            .bind(version)
            .fetch_optional(&mut *conn)
            .await?;
    if let Some((id,)) = found {
        return Ok(id);
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO products (name, version, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(name)
    .bind(version)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}
