//! Reports: the license summary, the orders and the keys, exported as CSV
//! streamed from the database a chunk at a time, so that an export of any
//! size costs the server the same small memory.

use sqlx::any::AnyRow;
use tokio::sync::mpsc;
use tracing::instrument;

use super::audit::{self, Actor};
use super::csv_file;
use super::current_user::CurrentUser;
use super::{internal, keys, orders, AppState, Db};
use crate::domain::wire::LicenseRow;
use crate::domain::{AuditAction, Capability, Report};
use crate::error::AppError;
use crate::i18n::iso_date;

/// Rows are sent on in chunks of about this many bytes.
const CHUNK_BYTES: usize = 64 * 1024;

/// The reports the viewer may export.
pub fn available(viewer: &CurrentUser) -> Result<Vec<Report>, AppError> {
    viewer.require(Capability::ViewReports)?;
    Ok(Report::ALL
        .into_iter()
        .filter(|report| report.allowed_for(&viewer.roles))
        .collect())
}

/// A CSV export under way: its chunks arrive on `chunks`; an error ends it.
pub struct Export {
    pub file_name: String,
    pub chunks: mpsc::Receiver<Result<String, AppError>>,
}

/// Every order line, newest order first, in the columns of an orders
/// import file plus the line's amount.
const ORDER_LINES: &str =
    "SELECT a.number AS agreement, p.number AS account, o.number, o.ordered_at, \
     pr.name AS product, pr.version, l.quantity, l.unit_price_cents, l.currency FROM orders o \
     JOIN purchasing_accounts p ON p.id = o.purchasing_account_id \
     JOIN agreements a ON a.id = p.agreement_id \
     JOIN order_lines l ON l.order_id = o.id JOIN products pr ON pr.id = l.product_id \
     WHERE o.organization_id = $1 ORDER BY o.ordered_at DESC, o.id DESC, l.id";

/// A row of [`ORDER_LINES`].
#[derive(sqlx::FromRow)]
struct OrderLine {
    agreement: String,
    account: String,
    number: String,
    ordered_at: i64,
    product: String,
    version: String,
    quantity: i64,
    unit_price_cents: i64,
    currency: String,
}

fn money(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// Starts exporting `report` for the actor's organization, after checking
/// their roles. Exporting keys shows them whole, so it is audited.
#[instrument(skip_all, fields(user = actor.user.id))]
pub async fn export(state: &AppState, actor: &Actor, report: Report) -> Result<Export, AppError> {
    let (db, now, viewer) = (&state.db, state.clock.now(), &actor.user);
    if !report.allowed_for(&viewer.roles) {
        return Err(AppError::Forbidden);
    }
    let organization = viewer.organization_id;
    let chunks = match report {
        Report::LicenseSummary => stream(
            db.clone(),
            orders::LICENSES_SQL,
            organization,
            &[
                "product",
                "version",
                "purchasing_account",
                "quantity",
                "orders",
            ],
            |row: LicenseRow| {
                vec![
                    row.product,
                    row.version,
                    row.purchasing_account,
                    row.quantity.to_string(),
                    row.orders.to_string(),
                ]
            },
        ),
        Report::Orders => stream(
            db.clone(),
            ORDER_LINES,
            organization,
            // The columns of an orders file, so an export imports again;
            // the partner column aside, and the line's amount after them.
            &orders::COLUMNS[..orders::COLUMNS.len() - 1]
                .iter()
                .chain(&["amount"])
                .copied()
                .collect::<Vec<_>>(),
            |line: OrderLine| {
                vec![
                    line.agreement,
                    line.account,
                    line.number,
                    iso_date(line.ordered_at),
                    line.product,
                    line.version,
                    line.quantity.to_string(),
                    money(line.unit_price_cents),
                    line.currency,
                    money(line.unit_price_cents * line.quantity),
                ]
            },
        ),
        Report::Keys => {
            let mut conn = db.acquire().await?;
            audit::record(
                &mut conn,
                actor,
                now,
                AuditAction::KeysExported,
                "keys report",
                "",
            )
            .await?;
            stream(
                db.clone(),
                keys::LIST_SQL,
                organization,
                &["product", "version", "purchasing_account", "key"],
                |key: keys::WholeKey| {
                    vec![
                        key.product,
                        key.version,
                        key.purchasing_account,
                        key.key_text,
                    ]
                },
            )
        }
    };
    Ok(Export {
        file_name: format!("{}-{}.csv", report.slug(), iso_date(now)),
        chunks,
    })
}

/// Rows read per query: a batch is read, its connection goes back to the
/// pool, and only then is the text sent on.
const BATCH_ROWS: u16 = 500;

/// How long a client may leave a chunk unread before the export stops.
const CLIENT_PATIENCE: std::time::Duration = std::time::Duration::from_secs(60);

/// Runs `sql` for `organization` on its own task, batch by batch
/// (`LIMIT`/`OFFSET` over its `ORDER BY`), turning each row into a CSV
/// record and sending the text on in chunks. No database connection is
/// held while a chunk waits for the client, so slow downloads cannot
/// drain the pool; the channel holds few chunks, so they cannot fill
/// memory either; a client that stops reading for a minute is dropped.
/// Rows changed while the export runs may show in their old or new place.
fn stream<R>(
    db: Db,
    sql: &'static str,
    organization: i64,
    header: &[&str],
    cells: fn(R) -> Vec<String>,
) -> mpsc::Receiver<Result<String, AppError>>
where
    R: for<'r> sqlx::FromRow<'r, AnyRow> + Send + Unpin + 'static,
{
    let (sender, receiver) = mpsc::channel(4);
    let header = csv_file::record(header);
    tokio::spawn(async move {
        let send = async |chunk: Result<String, AppError>| {
            matches!(
                tokio::time::timeout(CLIENT_PATIENCE, sender.send(chunk)).await,
                Ok(Ok(()))
            )
        };
        // A byte-order mark, so that spreadsheets read UTF-8 as such.
        let mut chunk = String::from("\u{feff}");
        chunk.push_str(&header);
        let batch_sql = format!("{sql} LIMIT $2 OFFSET $3");
        let mut offset: i64 = 0;
        loop {
            let batch = sqlx::query_as::<_, R>(&batch_sql)
                .bind(organization)
                .bind(i64::from(BATCH_ROWS))
                .bind(offset)
                .fetch_all(&db)
                .await;
            let rows = match batch {
                Ok(rows) => rows,
                Err(error) => {
                    send(Err(internal(error))).await;
                    return;
                }
            };
            let last = rows.len() < usize::from(BATCH_ROWS);
            offset += i64::from(BATCH_ROWS);
            for row in rows {
                chunk.push_str(&csv_file::record(&cells(row)));
                if chunk.len() >= CHUNK_BYTES && !send(Ok(std::mem::take(&mut chunk))).await {
                    // The client went away or stopped reading.
                    return;
                }
            }
            if last {
                break;
            }
        }
        send(Ok(chunk)).await;
    });
    receiver
}
