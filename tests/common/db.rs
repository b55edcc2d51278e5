//! The shared dataset (`tests/fixtures/<engine>/shop.sql`) in each engine.
//!
//! SQLite gets a fresh database file per test. PostgreSQL and MariaDB are the real local
//! servers: the dataset is loaded once per test process (PostgreSQL into the schema
//! `soda_rs_test` of database `test`, MariaDB into the database `soda_rs_test`, Spark into the
//! database `soda_rs_test` of the local Spark Connect server's catalog). A server that
//! cannot be reached makes every test that needs it fail with a message saying so: these tests
//! never skip, so CI cannot pass without the servers.

use super::Test;
use sqlx::Connection;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

/// The PostgreSQL server the tests use (trust authentication).
pub const POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";
/// The MariaDB server the tests use (root, empty password).
pub const MARIADB_URL: &str = "mysql://root@127.0.0.1:3306/test";
/// The Spark Connect endpoint of the local cluster (`scripts/spark-local.sh start`).
pub const SPARK_URL: &str = "sc://127.0.0.1:15002";
/// Where the dataset lives on the servers.
pub const SCHEMA: &str = "soda_rs_test";

/// An engine holding the shared dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Database {
    Sqlite,
    Postgres,
    MariaDb,
    Spark,
}

impl Database {
    /// The data source name the tests configure for this engine.
    pub fn name(self) -> &'static str {
        match self {
            Database::Sqlite => "lite",
            Database::Postgres => "pg",
            Database::MariaDb => "maria",
            Database::Spark => "spark",
        }
    }

    /// Makes sure the dataset is there and returns the `data_source` block for `t`
    /// (`extra`: more indented keys, e.g. `  query_timeout: 1\n`).
    pub fn configuration(self, t: &Test, extra: &str) -> String {
        let name = self.name();
        let body = match self {
            Database::Sqlite => {
                let path = sqlite_shop(t);
                format!("  type: sqlite\n  path: {}\n", path.display())
            }
            Database::Postgres => {
                ensure_postgres();
                format!(
                    "  type: postgres\n  host: 127.0.0.1\n  port: 5432\n  username: postgres\n  database: test\n  schema: {SCHEMA}\n"
                )
            }
            Database::MariaDb => {
                ensure_mariadb();
                format!(
                    "  type: mysql\n  host: 127.0.0.1\n  port: 3306\n  username: root\n  database: {SCHEMA}\n"
                )
            }
            Database::Spark => {
                ensure_spark();
                format!("  type: spark\n  host: 127.0.0.1\n  port: 15002\n  database: {SCHEMA}\n")
            }
        };
        format!("data_source {name}:\n{body}{extra}")
    }

    /// Counts the rows of `table` directly, bypassing `soda` (to prove a scan wrote nothing).
    pub fn count_rows(self, t: &Test, table: &str) -> i64 {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        block_on(async {
            match self {
                Database::Sqlite => {
                    let mut c = sqlx::SqliteConnection::connect_with(
                        &sqlx::sqlite::SqliteConnectOptions::new().filename(t.join("shop.sqlite")),
                    )
                    .await
                    .map_err(|e| e.to_string())?;
                    sqlx::query_scalar(&sql)
                        .fetch_one(&mut c)
                        .await
                        .map_err(|e| e.to_string())
                }
                Database::Postgres => {
                    let mut c = sqlx::PgConnection::connect(POSTGRES_URL)
                        .await
                        .map_err(|e| e.to_string())?;
                    let sql = format!("SELECT COUNT(*) FROM {SCHEMA}.{table}");
                    sqlx::query_scalar(&sql)
                        .fetch_one(&mut c)
                        .await
                        .map_err(|e| e.to_string())
                }
                Database::Spark => spark_count(&format!("SELECT COUNT(*) FROM {SCHEMA}.{table}")),
                Database::MariaDb => {
                    let mut c = sqlx::MySqlConnection::connect(MARIADB_URL)
                        .await
                        .map_err(|e| e.to_string())?;
                    let sql = format!("SELECT COUNT(*) FROM {SCHEMA}.{table}");
                    sqlx::query_scalar(&sql)
                        .fetch_one(&mut c)
                        .await
                        .map_err(|e| e.to_string())
                }
            }
        })
        .unwrap_or_else(|e| panic!("count rows of {table} on {self:?}: {e}"))
    }
}

/// The fixture SQL of an engine.
fn fixture(engine: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(engine)
        .join("shop.sql");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Runs a future to completion on a small runtime of its own.
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(f)
}

/// Creates `shop.sqlite` in the test's dir from the SQLite fixture.
pub fn sqlite_shop(t: &Test) -> PathBuf {
    let path = t.join("shop.sqlite");
    create_sqlite(&path, &fixture("sqlite"));
    path
}

/// Creates a SQLite database file from SQL text (a writable connection, unlike `soda`'s).
pub fn create_sqlite(path: &std::path::Path, sql: &str) {
    block_on(async {
        let opts = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .read_only(false);
        let mut c = sqlx::SqliteConnection::connect_with(&opts).await?;
        sqlx::raw_sql(sql).execute(&mut c).await?;
        c.close().await
    })
    .unwrap_or_else(|e| panic!("create SQLite database {}: {e}", path.display()));
}

/// How long to wait for a server before declaring it missing.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Loads the PostgreSQL dataset once per process, atomically: one transaction, serialised
/// with an advisory lock, so a concurrent test process sees the old tables or the new ones.
fn ensure_postgres() {
    static READY: OnceLock<Result<(), String>> = OnceLock::new();
    let ready = READY.get_or_init(|| {
        let sql = format!(
            "BEGIN;\nSELECT pg_advisory_xact_lock(7262370);\nDROP SCHEMA IF EXISTS {SCHEMA} CASCADE;\nCREATE SCHEMA {SCHEMA};\nSET LOCAL search_path TO {SCHEMA};\n{}\nCOMMIT;",
            fixture("postgres")
        );
        block_on(async {
            let mut c = tokio::time::timeout(CONNECT_TIMEOUT, sqlx::PgConnection::connect(POSTGRES_URL))
                .await
                .map_err(|_| "timed out".to_string())?
                .map_err(|e| e.to_string())?;
            sqlx::raw_sql(&sql).execute(&mut c).await.map_err(|e| format!("loading the fixture: {e}"))?;
            c.close().await.map_err(|e| e.to_string())
        })
    });
    if let Err(e) = ready {
        panic!(
            "PostgreSQL is required for this test and is not usable at {POSTGRES_URL}: {e}. \
             Start the server (user postgres, trust authentication, database test); \
             tests that need a server fail rather than skip."
        );
    }
}

/// Loads the MariaDB dataset once per process, under a named lock.
fn ensure_mariadb() {
    static READY: OnceLock<Result<(), String>> = OnceLock::new();
    let ready = READY.get_or_init(|| {
        block_on(async {
            let mut c = tokio::time::timeout(CONNECT_TIMEOUT, sqlx::MySqlConnection::connect(MARIADB_URL))
                .await
                .map_err(|_| "timed out".to_string())?
                .map_err(|e| e.to_string())?;
            let setup = format!(
                "SELECT GET_LOCK('{SCHEMA}', 60);\nCREATE DATABASE IF NOT EXISTS {SCHEMA} CHARACTER SET utf8mb4;\nUSE {SCHEMA};\n{}\nSELECT RELEASE_LOCK('{SCHEMA}');",
                fixture("mysql")
            );
            sqlx::raw_sql(&setup).execute(&mut c).await.map_err(|e| format!("loading the fixture: {e}"))?;
            c.close().await.map_err(|e| e.to_string())
        })
    });
    if let Err(e) = ready {
        panic!(
            "MariaDB is required for this test and is not usable at {MARIADB_URL}: {e}. \
             Start the server (root with an empty password, database test); \
             tests that need a server fail rather than skip."
        );
    }
}

/// Runs Spark SQL statements in one session of the local Spark Connect server (the client is
/// blocking, so this runs outside any tokio runtime), returning the first value of the last.
fn spark_run(statements: &[String]) -> Result<Option<i64>, String> {
    let session = spark_connect::SparkSession::builder()
        .remote(SPARK_URL)
        .get_or_create()
        .map_err(|e| e.to_string())?;
    let mut last = None;
    for s in statements {
        let short = |e: spark_connect::SparkError| {
            format!("{s}: {}", e.to_string().lines().next().unwrap_or_default())
        };
        let rows = session.sql(s).map_err(short)?.collect().map_err(short)?;
        last = rows.first().and_then(|r| r.get(0)).and_then(|v| v.as_i64());
    }
    Ok(last)
}

/// The tables of the Spark test database, read directly (to prove a scan created none).
pub fn spark_tables() -> Vec<String> {
    let list = || -> Result<Vec<String>, String> {
        let session = spark_connect::SparkSession::builder()
            .remote(SPARK_URL)
            .get_or_create()
            .map_err(|e| e.to_string())?;
        let rows = session
            .sql(&format!("SHOW TABLES IN {SCHEMA}"))
            .map_err(|e| e.to_string())?
            .collect()
            .map_err(|e| e.to_string())?;
        Ok(rows
            .iter()
            .filter_map(|r| r.get(1).and_then(|v| v.as_str()).map(str::to_string))
            .collect())
    };
    std::thread::scope(|s| s.spawn(list).join())
        .expect("the Spark client panicked")
        .unwrap_or_else(|e| panic!("list the Spark tables: {e}"))
}

fn spark_count(sql: &str) -> Result<i64, String> {
    std::thread::scope(|s| s.spawn(|| spark_run(&[sql.to_string()])).join())
        .map_err(|_| "the Spark client panicked".to_string())?
        .map(|n| n.unwrap_or(-1))
}

/// Loads the Spark dataset once per process, after checking that the endpoint answers (the
/// client itself would retry a dead endpoint for minutes).
fn ensure_spark() {
    static READY: OnceLock<Result<(), String>> = OnceLock::new();
    let ready = READY.get_or_init(|| {
        std::net::TcpStream::connect_timeout(&"127.0.0.1:15002".parse().unwrap(), CONNECT_TIMEOUT)
            .map_err(|e| e.to_string())?;
        let mut statements = vec![
            format!("DROP DATABASE IF EXISTS {SCHEMA} CASCADE"),
            format!("CREATE DATABASE {SCHEMA}"),
            format!("USE {SCHEMA}"),
        ];
        let fixture = fixture("spark");
        let text: Vec<&str> = fixture
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect();
        let text = text.join("\n");
        statements.extend(
            text.split(';')
                .map(str::to_string)
                .filter(|s| !s.trim().is_empty()),
        );
        std::thread::scope(|s| s.spawn(|| spark_run(&statements)).join())
            .map_err(|_| "the Spark client panicked".to_string())?
            .map(|_| ())
    });
    if let Err(e) = ready {
        panic!(
            "Spark is required for this test and is not usable at {SPARK_URL}: {e}. \
             Start the local cluster with scripts/spark-local.sh start; \
             tests that need a server fail rather than skip."
        );
    }
}
