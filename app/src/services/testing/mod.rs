//! Fresh databases for tests: an SQLite file each, and a PostgreSQL
//! database each when `TEST_POSTGRES_URL` names a server, so every rule is
//! checked on both engines with the same code.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::{Connection, Executor};

use super::db::{self, Db};

pub mod dns;
mod fixtures;
pub use fixtures::*;

pub struct TestDb {
    pub db: Db,
    /// "sqlite" or "postgres", for assertion messages.
    pub engine: &'static str,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Postgres { admin_url: String, name: String },
}

/// The moment every test starts at (2026-11-18), unless it moves its clock.
pub const NOW: i64 = 1_795_000_000;
/// The address tests act from, as the audit log records it.
pub const CLIENT_ADDRESS: &str = "203.0.113.7";

/// `user` acting from [`CLIENT_ADDRESS`].
pub fn actor(user: &crate::services::current_user::CurrentUser) -> crate::services::audit::Actor {
    crate::services::audit::Actor {
        user: user.clone(),
        client_address: CLIENT_ADDRESS.to_owned(),
        user_agent: String::new(),
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);
static SWEPT: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();

pub(super) fn unique_name() -> String {
    format!(
        "bc_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        crate::services::random_secret()[..8]
            .to_ascii_lowercase()
            .replace(['-', '_'], "x")
    )
}

impl TestDb {
    /// A new SQLite file in the temporary folder.
    pub async fn sqlite() -> TestDb {
        let path = std::env::temp_dir().join(format!("{}.db", unique_name()));
        let db = db::connect(&format!("sqlite://{}", path.display()))
            .await
            .expect("open a fresh SQLite test database");
        TestDb {
            db,
            engine: "sqlite",
            cleanup: Cleanup::File(path),
        }
    }

    /// A new database on the `TEST_POSTGRES_URL` server, if one is named.
    pub async fn postgres() -> Option<TestDb> {
        let admin_url = std::env::var("TEST_POSTGRES_URL").ok()?;
        sqlx::any::install_default_drivers();
        SWEPT.get_or_init(|| drop_leftovers(&admin_url)).await;
        let name = unique_name();
        let mut admin = sqlx::AnyConnection::connect(&admin_url)
            .await
            .expect("connect to TEST_POSTGRES_URL");
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("create a PostgreSQL test database");
        let _ = admin.close().await;
        let mut url = url::Url::parse(&admin_url).expect("TEST_POSTGRES_URL is a URL");
        url.set_path(&name);
        let db = db::connect(url.as_str())
            .await
            .expect("open the PostgreSQL test database");
        Some(TestDb {
            db,
            engine: "postgres",
            cleanup: Cleanup::Postgres { admin_url, name },
        })
    }

    /// One fresh database per available engine, for the benchmarks.
    pub async fn all() -> Vec<TestDb> {
        let mut databases = vec![TestDb::sqlite().await];
        databases.extend(TestDb::postgres().await);
        databases
    }

    /// Closes the pool; the database itself goes when `self` is dropped.
    pub async fn close(self) {
        self.db.close().await;
    }
}

/// Deletes the test's database when the test ends, whether it passed or
/// panicked.
impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                // Drop cannot await, and may run inside a runtime that is
                // unwinding: a thread of its own runs the statement.
                let (admin_url, name) = (admin_url.clone(), name.clone());
                let dropped = std::thread::spawn(move || {
                    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    else {
                        return;
                    };
                    runtime.block_on(async {
                        if let Ok(mut admin) = sqlx::AnyConnection::connect(&admin_url).await {
                            let _ = admin
                                .execute(
                                    format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str(),
                                )
                                .await;
                            let _ = admin.close().await;
                        }
                    });
                });
                let _ = dropped.join();
            }
        }
    }
}

/// A folder in the temporary folder, deleted with everything in it when
/// the test ends, passing or panicking.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(what: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("{}-{what}", unique_name()));
        std::fs::create_dir_all(&dir).expect("create a temporary folder");
        TempDir(dir)
    }
}

impl std::ops::Deref for TempDir {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl AsRef<std::path::Path> for TempDir {
    fn as_ref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes a database test once and runs it as two separately named tests,
/// `<name>::sqlite` and `<name>::postgres`, each on a fresh database of
/// its own, so a failure on one engine never hides the other. The
/// PostgreSQL one passes without running when `TEST_POSTGRES_URL` is
/// unset. Add `multi_thread` for tests that need real parallelism.
///
/// ```ignore
/// async fn invitations_expire(t: TestDb) { … }
/// both_engines!(invitations_expire);
/// ```
#[macro_export]
macro_rules! both_engines {
    ($name:ident) => {
        $crate::both_engines!(@tests $name, #[tokio::test]);
    };
    ($name:ident, multi_thread) => {
        $crate::both_engines!(
            @tests $name, #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        );
    };
    (@tests $name:ident, #[$test:meta]) => {
        mod $name {
            use $crate::services::testing::TestDb;

            #[$test]
            async fn sqlite() {
                super::$name(TestDb::sqlite().await).await;
            }

            #[$test]
            async fn postgres() {
                match TestDb::postgres().await {
                    Some(t) => super::$name(t).await,
                    None => eprintln!("TEST_POSTGRES_URL is not set: PostgreSQL not tested"),
                }
            }
        }
    };
}

/// Drops test databases that earlier, interrupted runs left behind: those
/// whose process is gone. Without FORCE, a database someone still uses is
/// never dropped, so test runs side by side leave each other alone.
async fn drop_leftovers(admin_url: &str) {
    let Ok(mut admin) = sqlx::AnyConnection::connect(admin_url).await else {
        return;
    };
    let names: Vec<(String,)> =
        sqlx::query_as("SELECT datname FROM pg_database WHERE datname LIKE 'bc\\_test\\_%'")
            .fetch_all(&mut admin)
            .await
            .unwrap_or_default();
    for (name,) in names {
        let pid = name.split('_').nth(2).unwrap_or_default();
        let alive = std::path::Path::new("/proc").join(pid).exists();
        if !alive {
            let _ = admin
                .execute(format!("DROP DATABASE IF EXISTS {name}").as_str())
                .await;
        }
    }
    let _ = admin.close().await;
}
