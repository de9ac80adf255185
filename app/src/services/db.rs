//! One data layer for SQLite (the embedded default) and PostgreSQL.
//!
//! Queries are written once in the SQL both engines understand (`$1`
//! placeholders, `RETURNING`, integer timestamps) and run through sqlx's
//! `Any` driver; only the migrations differ per engine.

use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, ConnectOptions, Executor};

pub type Db = AnyPool;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/business-center.db";

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn of(url: &str) -> Result<Self, String> {
        if url.starts_with("sqlite:") {
            Ok(Engine::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Engine::Postgres)
        } else {
            Err(format!(
                "DATABASE_URL must start with sqlite: or postgres:, not {:?}",
                url.split(':').next().unwrap_or_default()
            ))
        }
    }
}

/// Opens the database at `url`, creating an SQLite file (and its folder) if
/// needed, and brings its schema up to date.
pub async fn connect(url: &str) -> Result<Db, String> {
    sqlx::any::install_default_drivers();
    let engine = Engine::of(url)?;
    let url = match engine {
        Engine::Sqlite => prepare_sqlite_file(url)?,
        Engine::Postgres => url.to_owned(),
    };
    let options = AnyConnectOptions::from_str(&url)
        .map_err(|e| format!("DATABASE_URL is not valid: {e}"))?
        .disable_statement_logging();
    let pool = AnyPoolOptions::new()
        .max_connections(if engine == Engine::Sqlite { 8 } else { 16 })
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if engine == Engine::Sqlite {
                    // Foreign keys are per connection in SQLite; waiting on a
                    // lock beats failing under concurrent writers.
                    conn.execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;")
                        .await?;
                }
                Ok(())
            })
        })
        .connect_with(options)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    if engine == Engine::Sqlite {
        // WAL lets readers work while the mail worker writes.
        pool.execute("PRAGMA journal_mode = WAL")
            .await
            .map_err(|e| format!("cannot switch SQLite to WAL: {e}"))?;
    }
    let migrator = match engine {
        Engine::Sqlite => &SQLITE_MIGRATIONS,
        Engine::Postgres => &POSTGRES_MIGRATIONS,
    };
    migrator
        .run(&pool)
        .await
        .map_err(|e| format!("cannot update the database schema: {e}"))?;
    Ok(pool)
}

/// Makes sure an SQLite file can be created: its folder exists and the URL
/// asks for read-write-create.
fn prepare_sqlite_file(url: &str) -> Result<String, String> {
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(url.to_owned());
    }
    if let Some(parent) = std::path::Path::new(path).parent() {
        if !parent.as_os_str().is_empty() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
    }
    Ok(if rest.contains("mode=") {
        url.to_owned()
    } else if rest.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    })
}

/// Begins a transaction that writes. On SQLite it takes the write lock at
/// once (`BEGIN IMMEDIATE`): a transaction that reads before it writes then
/// waits for other writers (`busy_timeout`), instead of failing with
/// "database is locked" when another one committed in between.
/// `$first, $first+1, …`: `count` numbered placeholders, for an `IN`
/// list. Numbered by hand because sqlx's `QueryBuilder` writes `?` through
/// the `Any` driver, which PostgreSQL refuses (sqlx#3000).
pub fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub async fn begin_write(db: &Db) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
    if db.connect_options().database_url.scheme() == "sqlite" {
        db.begin_with("BEGIN IMMEDIATE").await
    } else {
        db.begin().await
    }
}

/// Takes the organization's lock, so that rules over several rows (the
/// last Account Admin, what is left to provision) are checked and acted on by one change at a time,
/// on SQLite and PostgreSQL alike.
pub async fn lock_organization(
    conn: &mut sqlx::AnyConnection,
    organization_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE organizations SET name = name WHERE id = $1")
        .bind(organization_id)
        .execute(conn)
        .await?;
    Ok(())
}
