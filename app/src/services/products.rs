//! The catalog as customers meet it: software with files to download,
//! online services to provision. The operator imports products and their
//! files; a file goes only to a role that may download software, of an
//! organization whose orders include that product.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use tracing::instrument;

use sha2::{Digest, Sha256};

use super::audit::{self, Actor};
use super::catalog::{self, ImportResults};
use super::{AppState, Db};
use crate::domain::wire::{DownloadFile, DownloadProduct};
use crate::domain::{product_label, AuditAction, Capability, ProductKind};
use crate::error::AppError;

/// Whether the organization `$1`'s orders include the product `pr`.
pub const ORDERED_BY_ORGANIZATION: &str = "EXISTS (SELECT 1 FROM order_lines l \
     WHERE l.organization_id = $1 AND l.product_id = pr.id)";

/// The software the viewer's organization has ordered, with its files.
#[instrument(skip_all, fields(user = actor.user.id))]
pub async fn downloads(state: &AppState, actor: &Actor) -> Result<Vec<DownloadProduct>, AppError> {
    let (db, viewer) = (&state.db, &actor.user);
    viewer.require(Capability::DownloadSoftware)?;
    #[derive(sqlx::FromRow)]
    struct Row {
        product: String,
        version: String,
        id: i64,
        name: String,
        size_bytes: i64,
        sha256: String,
    }
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT pr.name AS product, pr.version, f.id, f.name, f.size_bytes, f.sha256 \
         FROM products pr \
         JOIN product_files f ON f.product_id = pr.id \
         WHERE pr.kind = 'software' AND {ORDERED_BY_ORGANIZATION} \
         ORDER BY pr.name, pr.version, f.name"
    ))
    .bind(viewer.organization_id)
    .fetch_all(db)
    .await?;
    let mut products: Vec<DownloadProduct> = Vec::new();
    for Row {
        product,
        version,
        id,
        name,
        size_bytes,
        sha256,
    } in rows
    {
        let file = DownloadFile {
            id,
            name,
            size_bytes,
            sha256,
        };
        match products.last_mut() {
            Some(last) if last.product == product && last.version == version => {
                last.files.push(file)
            }
            _ => products.push(DownloadProduct {
                product,
                version,
                files: vec![file],
            }),
        }
    }
    Ok(products)
}

/// A file on disk that the viewer may download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    pub path: PathBuf,
    pub name: String,
    pub sha256: String,
}

/// The file `file_id`, if the viewer may download it; `NotFound` for a
/// file of software their organization has not ordered, whatever it is.
/// Each download is audited: who took which software is a licensing
/// question the organization's admins must be able to answer.
#[instrument(skip_all, fields(user = actor.user.id))]
pub async fn file_for_download(
    state: &AppState,
    actor: &Actor,
    file_id: i64,
) -> Result<Download, AppError> {
    let viewer = &actor.user;
    viewer.require(Capability::DownloadSoftware)?;
    let mut conn = state.db.acquire().await?;
    let found: Option<(String, String, String, String)> = sqlx::query_as(&format!(
        "SELECT f.name, f.sha256, pr.name, pr.version FROM product_files f \
         JOIN products pr ON pr.id = f.product_id \
         WHERE f.id = $2 AND pr.kind = 'software' AND {ORDERED_BY_ORGANIZATION}"
    ))
    .bind(viewer.organization_id)
    .bind(file_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (name, sha256, product, version) = found.ok_or(AppError::NotFound)?;
    let label = product_label(&product, &version);
    let now = state.clock.now();
    audit::record(
        &mut conn,
        actor,
        now,
        AuditAction::SoftwareDownloaded,
        &label,
        &name,
    )
    .await?;
    Ok(Download {
        path: state.settings.downloads_dir.join(&sha256),
        name,
        sha256,
    })
}

/// The columns of a products file, found by name on its first line (in
/// this order when it has no header). `file` may be missing: a path,
/// relative to the products file, of one file to offer for download.
pub const COLUMNS: [&str; 4] = ["product", "version", "kind", "file"];

/// Imports products from CSV text: each line names a product, its kind
/// and optionally a file (relative to `base`) that is copied into the
/// downloads folder. Returns a result per line.
#[instrument(skip_all)]
pub async fn import(state: &AppState, base: &Path, text: &str) -> Result<ImportResults, AppError> {
    let (db, now) = (&state.db, state.clock.now());
    let downloads_dir = state.settings.downloads_dir.as_path();
    let import =
        |cells: Vec<String>| async move { import_row(db, downloads_dir, base, now, &cells).await };
    Ok(catalog::import_each(text, &COLUMNS, &["file"], import).await)
}

/// `path` under `base`, refused unless it stays there once links and
/// `..` are resolved: a products file names files beside it, never
/// `/etc/shadow` or the database (which would then be offered for
/// download).
fn inside(base: &Path, path: &str) -> Result<PathBuf, String> {
    let base = base
        .canonicalize()
        .map_err(|error| format!("file: {}: {error}", base.display()))?;
    let resolved = base
        .join(path)
        .canonicalize()
        .map_err(|error| format!("file: {path}: {error}"))?;
    if resolved.starts_with(&base) {
        Ok(resolved)
    } else {
        Err(format!(
            "file: {path} is outside the products file's folder {}",
            base.display()
        ))
    }
}

async fn import_row(
    db: &Db,
    downloads_dir: &Path,
    base: &Path,
    now: i64,
    cells: &[String],
) -> Result<(), String> {
    let cell = |index: usize| catalog::cell(cells, index);
    let (product, version) = (cell(0), cell(1));
    catalog::check_product(product, version)?;
    let kind = ProductKind::from_key(&cell(2).to_ascii_lowercase())
        .ok_or("kind: software or online_service")?;
    let file = match cell(3) {
        "" => None,
        _ if kind != ProductKind::Software => {
            return Err("file: only software has files to download".to_owned())
        }
        path => Some(inside(base, path)?),
    };
    let stored = match file {
        None => None,
        Some(path) => {
            let name = path
                .file_name()
                .and_then(|name| name.to_str())
                .filter(|name| name.len() <= 200)
                .ok_or("file: a file name of at most 200 characters")?
                .to_owned();
            let dir = downloads_dir.to_owned();
            let source = path.clone();
            // Hashing and copying a large file is blocking work.
            let (sha256, size) = tokio::task::spawn_blocking(move || store(&dir, &source))
                .await
                .map_err(|error| format!("file: {error}"))?
                .map_err(|error| format!("file: {}: {error}", path.display()))?;
            Some((name, sha256, size))
        }
    };

    let internal = |error: sqlx::Error| format!("database: {error}");
    let mut tx = super::db::begin_write(db).await.map_err(internal)?;
    let product_id = catalog::product_id(&mut tx, product, version, now)
        .await
        .map_err(internal)?;
    sqlx::query("UPDATE products SET kind = $1 WHERE id = $2")
        .bind(kind.key())
        .bind(product_id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    if let Some((name, sha256, size)) = stored {
        // Importing a file of the same name again replaces it: a new build.
        sqlx::query(
            "INSERT INTO product_files (product_id, name, size_bytes, sha256, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (product_id, name) DO UPDATE SET \
             size_bytes = excluded.size_bytes, sha256 = excluded.sha256, \
             created_at = excluded.created_at",
        )
        .bind(product_id)
        .bind(name)
        .bind(size)
        .bind(sha256)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    }
    tx.commit().await.map_err(internal)?;
    Ok(())
}

/// Copies `source` into `dir` under the SHA-256 of its content; returns
/// that hash and the size. A half-copied file never takes the final name.
fn store(dir: &Path, source: &Path) -> std::io::Result<(String, i64)> {
    std::fs::create_dir_all(dir)?;
    let partial = dir.join(format!(".incoming-{}", super::random_secret()));
    let copied = (|| {
        let mut input = std::fs::File::open(source)?;
        let mut output = std::fs::File::create(&partial)?;
        let mut hasher = Sha256::new();
        let mut buffer = vec![0; 64 * 1024];
        let mut size: u64 = 0;
        loop {
            let read = input.read(&mut buffer)?;
            if read == 0 {
                break;
            }
            hasher.update(&buffer[..read]);
            output.write_all(&buffer[..read])?;
            size += read as u64;
        }
        output.sync_all()?;
        let sha256 = super::hex(&hasher.finalize());
        std::fs::rename(&partial, dir.join(&sha256))?;
        Ok((sha256, i64::try_from(size).unwrap_or(i64::MAX)))
    })();
    if copied.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    copied
}
