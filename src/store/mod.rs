//! The results store: every scan's results, kept in an SQLite file (the default kind) or a
//! PostgreSQL database, so that history, failed scans and failed rows can be seen without
//! Soda Cloud, and the checks that compare with the past can run from it.
//!
//! A scan is keyed by scan definition, data source and data timestamp: recording it again
//! replaces it, in one transaction. The schema is created and migrated by the binary
//! (`migrations/*.sql`, versioned in `soda_store_version`). Both backends are reached through
//! sqlx's `Any` driver with the same SQL; only the primary key type, the transaction start,
//! the placeholders and the time columns differ (typed on PostgreSQL, canonical UTC text on
//! SQLite, the same text to and from SQL on both: [`times`]). Readers: [`history`]
//! (measurements for checks that compare with the past) and [`read`] (the report's read
//! model). The scan never sees SQL: it hands in a [`StoreRecord`] and gets history back.

pub mod cloud;
pub mod history;
pub mod keys;
mod params;
pub mod read;
pub mod recorder;
pub mod rows;
pub mod times;

use crate::config::StoreConfig;
use crate::results::record::StoreRecord;
use params::Param;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Row};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

/// The migrations, in order; each runs once per store, the one of version
/// [`times::TYPED_TIMES`] followed by its Rust step (SQL alone cannot parse the times).
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_server.sql"),
    include_str!("migrations/0003_scan_datasets.sql"),
    include_str!("migrations/0004_typed_times.sql"),
];

/// How long a writer waits for another one (SQLite's lock, PostgreSQL's connection).
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Which database holds the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

/// An open results store.
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// PostgreSQL: the schema the tables live in (created when missing).
    schema: Option<String>,
    /// Where it is, for messages (never a password).
    pub location: String,
    /// SQLite has one writer at a time: writers of this process take turns here instead of in
    /// SQLite's busy handler, which sleeps in steps of up to 100 ms and holds a pooled
    /// connection while it does (readers would wait for one).
    writer: tokio::sync::Mutex<()>,
}

/// Why the store could not be used, as data; its words (which never hold a password) are in
/// the one `Display` below, so the scan log, the server's answers and `soda server keys` say
/// the same thing.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreError {
    /// The folder of the SQLite file could not be created.
    CreateDir { dir: PathBuf, reason: String },
    /// Creating or migrating the schema failed (the inner error says how).
    Migrate(Box<StoreError>),
    /// The database refused a statement; its own message.
    Database(String),
    /// No connection could be had within the busy timeout.
    PoolTimedOut,
    /// Any other failure of the driver (a bad URL, a lost connection, a column that does not
    /// decode), in sqlx's words.
    Driver(String),
    /// The SQLite file is not there and the caller asked not to create it (a typo in a path
    /// must not become a new, empty store).
    Missing(PathBuf),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::CreateDir { dir, reason } => {
                write!(f, "cannot create {}: {reason}", dir.display())
            }
            StoreError::Migrate(e) => write!(f, "could not create or migrate the store: {e}"),
            StoreError::Database(text) | StoreError::Driver(text) => f.write_str(text),
            StoreError::PoolTimedOut => f.write_str("timed out while connecting"),
            StoreError::Missing(path) => write!(f, "{} does not exist", path.display()),
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::Database(db) => StoreError::Database(db.message().to_string()),
            sqlx::Error::PoolTimedOut => StoreError::PoolTimedOut,
            other => StoreError::Driver(other.to_string()),
        }
    }
}

/// Percent-encodes a URL component (user names and passwords may hold anything).
fn url_part(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The driver's URL; an SQLite file is created only when `create` says so.
fn connection_url(config: &StoreConfig, create: bool) -> String {
    match config {
        StoreConfig::Sqlite { path } => {
            let mode = if create { "rwc" } else { "rw" };
            format!("sqlite://{}?mode={mode}", path.display())
        }
        StoreConfig::Postgres {
            host,
            port,
            username,
            password,
            database,
            ..
        } => {
            let user = username.as_deref().map(url_part).unwrap_or_default();
            let credentials = match password {
                Some(p) => format!("{user}:{}@", url_part(p.expose())),
                None if !user.is_empty() => format!("{user}@"),
                None => String::new(),
            };
            let db = database.as_deref().map(url_part).unwrap_or_default();
            format!("postgres://{credentials}{host}:{port}/{db}")
        }
    }
}

impl Store {
    /// Opens (and creates or migrates) the store, with the two connections a scan needs.
    pub async fn open(config: &StoreConfig) -> Result<Store, StoreError> {
        Store::open_with(config, 2).await
    }

    /// Opens the store with a pool of `connections` (`soda server` reads while it writes).
    pub async fn open_with(config: &StoreConfig, connections: u32) -> Result<Store, StoreError> {
        Store::connect(config, connections, true).await
    }

    /// Opens a store that already exists, with the two connections a reader needs; see
    /// [`Store::open_existing_with`].
    pub async fn open_existing(config: &StoreConfig) -> Result<Store, StoreError> {
        Store::open_existing_with(config, 2).await
    }

    /// Opens a store that already exists (`soda report`, `soda server` without
    /// `--create-store`): an SQLite file that is not there is [`StoreError::Missing`], and
    /// neither it nor its folder is created. A PostgreSQL database is never created; the
    /// store's tables in it are, as by [`Store::open_with`].
    pub async fn open_existing_with(
        config: &StoreConfig,
        connections: u32,
    ) -> Result<Store, StoreError> {
        if let StoreConfig::Sqlite { path } = config {
            if !path.exists() {
                return Err(StoreError::Missing(path.clone()));
            }
        }
        Store::connect(config, connections, false).await
    }

    async fn connect(
        config: &StoreConfig,
        connections: u32,
        create: bool,
    ) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = match config {
            StoreConfig::Sqlite { path } => {
                if let Some(dir) = path
                    .parent()
                    .filter(|d| create && !d.as_os_str().is_empty())
                {
                    std::fs::create_dir_all(dir).map_err(|e| StoreError::CreateDir {
                        dir: dir.to_path_buf(),
                        reason: e.to_string(),
                    })?;
                }
                Backend::Sqlite
            }
            StoreConfig::Postgres { .. } => Backend::Postgres,
        };
        let options = AnyConnectOptions::from_str(&connection_url(config, create))?;
        let schema = match config {
            StoreConfig::Postgres { schema, .. } => schema.clone(),
            StoreConfig::Sqlite { .. } => None,
        };
        let session_schema = schema.clone();
        let pool = AnyPoolOptions::new()
            .max_connections(connections.max(1))
            .acquire_timeout(BUSY_TIMEOUT)
            .after_connect(move |conn, _| {
                let schema = session_schema.clone();
                Box::pin(async move { prepare_session(conn, backend, schema).await })
            })
            .connect_with(options)
            .await?;
        let store = Store {
            pool,
            backend,
            schema,
            location: config.describe(),
            writer: tokio::sync::Mutex::new(()),
        };
        store.migrate().await?;
        Ok(store)
    }

    /// `?` placeholders as the backend spells them.
    fn sql(&self, text: &str) -> String {
        match self.backend {
            Backend::Sqlite => text.to_string(),
            Backend::Postgres => {
                let mut out = String::with_capacity(text.len() + 8);
                let mut n = 0;
                for c in text.chars() {
                    if c == '?' {
                        n += 1;
                        out.push_str(&format!("${n}"));
                    } else {
                        out.push(c);
                    }
                }
                out
            }
        }
    }

    /// This process's turn to write, on SQLite (PostgreSQL writers queue per scan key on an
    /// advisory lock instead).
    async fn write_turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.backend {
            Backend::Sqlite => Some(self.writer.lock().await),
            Backend::Postgres => None,
        }
    }

    /// Starts a write transaction that holds the store's write lock from its first statement.
    async fn begin(&self, conn: &mut sqlx::AnyConnection, lock: &str) -> Result<(), StoreError> {
        match self.backend {
            // IMMEDIATE takes the write lock now, so the busy timeout applies (a deferred
            // transaction that reads first could fail on the upgrade without waiting).
            Backend::Sqlite => {
                sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await?;
            }
            // Writers of the same scan key (or migrations) queue on one advisory lock.
            Backend::Postgres => {
                sqlx::query("BEGIN").execute(&mut *conn).await?;
                sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))::text")
                    .bind(lock.to_string())
                    .execute(&mut *conn)
                    .await?;
            }
        }
        Ok(())
    }

    /// Ends a write transaction: commits what worked, rolls back what did not.
    async fn finish(
        mut conn: sqlx::pool::PoolConnection<sqlx::Any>,
        result: Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        match result {
            Ok(()) => {
                sqlx::query("COMMIT").execute(&mut *conn).await?;
                Ok(())
            }
            Err(e) => {
                // A connection whose transaction cannot be ended is not reused.
                if sqlx::query("ROLLBACK").execute(&mut *conn).await.is_err() {
                    conn.detach();
                }
                Err(e)
            }
        }
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        self.begin(&mut conn, "soda-store-migrations").await?;
        let result = self.apply_migrations(&mut conn).await;
        Self::finish(conn, result)
            .await
            .map_err(|e| StoreError::Migrate(Box::new(e)))
    }

    async fn apply_migrations(&self, conn: &mut sqlx::AnyConnection) -> Result<(), StoreError> {
        if let Some(schema) = &self.schema {
            let quoted = format!("\"{}\"", schema.replace('"', "\"\""));
            sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {quoted}"))
                .execute(&mut *conn)
                .await?;
        }
        sqlx::query("CREATE TABLE IF NOT EXISTS soda_store_version (version BIGINT NOT NULL)")
            .execute(&mut *conn)
            .await?;
        let current: i64 =
            sqlx::query("SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) FROM soda_store_version")
                .fetch_one(&mut *conn)
                .await?
                .try_get(0)?;
        for (i, migration) in MIGRATIONS.iter().enumerate() {
            let version = i as i64 + 1;
            if version <= current {
                continue;
            }
            self.run_migration(conn, migration).await?;
            if version == times::TYPED_TIMES {
                self.typed_times(conn).await?;
            }
            sqlx::query(&self.sql("INSERT INTO soda_store_version (version) VALUES (?)"))
                .bind(version)
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }

    async fn run_migration(
        &self,
        conn: &mut sqlx::AnyConnection,
        migration: &str,
    ) -> Result<(), StoreError> {
        let id = match self.backend {
            Backend::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
            Backend::Postgres => "BIGSERIAL PRIMARY KEY",
        };
        let text: String = migration
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n")
            .replace("{id}", id);
        for statement in text.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            sqlx::query(statement).execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// Records one scan, replacing an earlier recording with the same key.
    pub async fn record(&self, record: &StoreRecord) -> Result<(), StoreError> {
        self.record_scan(record).await.map(|_| ())
    }

    /// Records one scan like [`Store::record`] and returns the id of its `soda_scans` row,
    /// once the transaction has committed.
    pub async fn record_scan(&self, record: &StoreRecord) -> Result<i64, StoreError> {
        let scan = record.scan_row();
        // The same instant written two ways is one key, and queues on one lock.
        let key = params::stored_text(format!(
            "{}\n{}\n{}",
            scan.definition,
            scan.data_source,
            times::canonical(&scan.data_timestamp)
        ));
        let _turn = self.write_turn().await;
        let mut conn = self.pool.acquire().await?;
        self.begin(&mut conn, &key).await?;
        let mut id = 0;
        let result = self.replace(&mut conn, record).await.map(|i| id = i);
        Self::finish(conn, result).await.map(|()| id)
    }

    async fn replace(
        &self,
        conn: &mut sqlx::AnyConnection,
        record: &StoreRecord,
    ) -> Result<i64, StoreError> {
        let scan = record.scan_row();
        let key = (
            params::stored_text(scan.definition.clone()),
            params::stored_text(scan.data_source.clone()),
            times::canonical(&scan.data_timestamp),
        );
        let of_key = format!(
            "SELECT id FROM soda_scans WHERE definition = ? AND data_source = ? AND data_timestamp = {}",
            self.time_arg()
        );
        for table in ["soda_metrics", "soda_check_results", "soda_scan_datasets"] {
            sqlx::query(&self.sql(&format!("DELETE FROM {table} WHERE scan_id IN ({of_key})")))
                .bind(key.0.clone())
                .bind(key.1.clone())
                .bind(key.2.clone())
                .execute(&mut *conn)
                .await?;
        }
        sqlx::query(&self.sql(&format!("DELETE FROM soda_scans WHERE id IN ({of_key})")))
            .bind(key.0.clone())
            .bind(key.1.clone())
            .bind(key.2.clone())
            .execute(&mut *conn)
            .await?;
        let row = vec![
            ("definition", Param::from(scan.definition.clone())),
            ("data_source", scan.data_source.clone().into()),
            ("data_timestamp", Param::Time(key.2.clone())),
            ("scan_start", Param::time(&scan.scan_start)),
            ("scan_end", Param::time(&scan.scan_end)),
            ("has_errors", i64::from(scan.has_errors).into()),
            ("has_warnings", i64::from(scan.has_warnings).into()),
            ("has_failures", i64::from(scan.has_failures).into()),
            ("logs", scan.logs.clone().into()),
            (
                "recorded_at",
                Param::Time(crate::results::time::soda(chrono::Utc::now())),
            ),
        ];
        let sql = self.sql(&format!(
            "{} RETURNING id",
            params::insert_sql("soda_scans", &row, self.time_arg())
        ));
        let id: i64 = params::bind_row(sqlx::query(&sql), row)
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
        self.insert_children(conn, record, id, &key.2).await?;
        self.insert_datasets(conn, record, id).await?;
        Ok(id)
    }

    /// Records the datasets the scan covers. A scan that names none (it failed before any
    /// query, and Soda Core sent no check) covers those of the latest earlier scan of its scan
    /// definition and data source, so their failed-scan warning shows.
    async fn insert_datasets(
        &self,
        conn: &mut sqlx::AnyConnection,
        record: &StoreRecord,
        scan_id: i64,
    ) -> Result<(), StoreError> {
        let mut datasets = record.dataset_rows();
        if datasets.is_empty() {
            let scan = record.scan_row();
            let rows = sqlx::query(&self.sql(
                "SELECT d.data_source, d.dataset FROM soda_scan_datasets d WHERE d.scan_id = \
                 (SELECT s.id FROM soda_scans s WHERE s.definition = ? AND s.data_source = ? AND s.id <> ? \
                  AND EXISTS (SELECT 1 FROM soda_scan_datasets e WHERE e.scan_id = s.id) \
                  ORDER BY s.data_timestamp DESC, s.id DESC LIMIT 1)",
            ))
            .bind(params::stored_text(scan.definition))
            .bind(params::stored_text(scan.data_source))
            .bind(scan_id)
            .fetch_all(&mut *conn)
            .await?;
            for row in rows {
                datasets.push((row.try_get(0)?, row.try_get(1)?));
            }
        }
        for (data_source, dataset) in datasets {
            let row = vec![
                ("scan_id", Param::from(scan_id)),
                ("data_source", data_source.into()),
                ("dataset", dataset.into()),
            ];
            self.insert(&mut *conn, "soda_scan_datasets", row).await?;
        }
        Ok(())
    }

    async fn insert_children(
        &self,
        conn: &mut sqlx::AnyConnection,
        record: &StoreRecord,
        scan_id: i64,
        data_timestamp: &str,
    ) -> Result<(), StoreError> {
        for c in record.check_rows() {
            let row = vec![
                ("scan_id", Param::from(scan_id)),
                ("identity", c.check.identity.into()),
                ("name", c.check.name.into()),
                ("definition", c.check.definition.into()),
                ("data_source", c.check.data_source.into()),
                ("dataset", c.check.dataset.into()),
                ("column_name", c.check.column.into()),
                ("file", c.check.file.into()),
                ("line", (c.check.line as i64).into()),
                ("data_timestamp", Param::time(data_timestamp)),
                ("outcome", c.outcome.into()),
                ("value", c.value.into()),
                ("value_text", c.value_text.into()),
                ("diagnostics", c.diagnostics.into()),
                ("samples", c.samples.into()),
                ("identity_v1", c.identity_v1.into()),
                ("metrics", c.metrics.into()),
                ("outcome_reasons", c.outcome_reasons.into()),
                ("group_info", c.group_info.into()),
                ("attributes", c.attributes.into()),
            ];
            self.insert(&mut *conn, "soda_check_results", row).await?;
        }
        for m in record.metric_rows() {
            let row = vec![
                ("scan_id", Param::from(scan_id)),
                ("identity", m.identity.into()),
                ("name", m.name.into()),
                ("data_timestamp", Param::time(data_timestamp)),
                ("value", m.value.into()),
            ];
            self.insert(&mut *conn, "soda_metrics", row).await?;
        }
        Ok(())
    }

    /// Inserts one row (see [`params`]: a missing value is `NULL` in the statement).
    async fn insert<'c, E>(
        &self,
        executor: E,
        table: &str,
        row: Vec<(&str, Param)>,
    ) -> Result<(), StoreError>
    where
        E: sqlx::Executor<'c, Database = sqlx::Any>,
    {
        let sql = self.sql(&params::insert_sql(table, &row, self.time_arg()));
        params::bind_row(sqlx::query(&sql), row)
            .execute(executor)
            .await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Session settings: SQLite in WAL mode (readers never block the writer) with a busy
/// timeout, so that concurrent scans queue instead of failing; PostgreSQL in its schema.
async fn prepare_session(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    schema: Option<String>,
) -> Result<(), sqlx::Error> {
    match backend {
        Backend::Sqlite => {
            let timeout = format!("PRAGMA busy_timeout = {}", BUSY_TIMEOUT.as_millis());
            for pragma in [
                timeout.as_str(),
                "PRAGMA journal_mode = WAL",
                "PRAGMA synchronous = NORMAL",
                // Reports read the whole file: map it rather than copy it page by page.
                "PRAGMA mmap_size = 268435456",
                "PRAGMA cache_size = -32768",
            ] {
                sqlx::query(pragma).execute(&mut *conn).await?;
            }
        }
        Backend::Postgres => {
            if let Some(schema) = schema {
                sqlx::query("SELECT set_config('search_path', $1, false)")
                    .bind(schema)
                    .execute(&mut *conn)
                    .await?;
            }
        }
    }
    Ok(())
}
