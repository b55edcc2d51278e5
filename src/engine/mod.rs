//! Engines: connecting to a data source and running the planned queries.
//!
//! Each database (`postgres.rs`, `mysql.rs`, `sqlite.rs`) is one implementation of the
//! [`driver::Driver`] trait (open read-only sessions, run one statement in a read-only
//! transaction, decode its values) and of the [`dialect::Dialect`] trait (how it spells SQL).
//! [`Connection`] wraps a driver with the single-statement [`guard`], a timeout and the
//! [`lanes`] that decide how many statements run at once;
//! [`Connection::open`] is the one place a configured type becomes a driver, and [`formats`]
//! holds each dialect's reading of the named-format regexes. `execute.rs` runs a plan's
//! queries concurrently; `samples.rs` and `profiling.rs` run the queries of failed-row samples
//! and of the profiling sections. Everything comes from the plan: the engine never reads the
//! checks files' model.

pub mod dialect;
pub mod driver;
mod execute;
pub mod formats;
pub mod guard;
pub mod lanes;
pub mod mysql;
pub mod postgres;
pub mod profiling;
pub mod samples;
pub mod sizes;
#[cfg(feature = "spark")]
pub mod spark;
pub mod sqlite;
pub mod unique;

use crate::config::{DataSource, Engine as EngineConfig};
use crate::measure::{EngineError, Rows, Value};
use dialect::Dialect;
use driver::Driver;
pub use execute::execute;
use std::sync::Arc;
use std::time::Duration;

/// An open data source.
#[derive(Clone)]
pub struct Connection {
    driver: Arc<dyn Driver>,
    /// How many of its statements run at once.
    lanes: Arc<lanes::Lanes>,
    /// Row estimates of its tables, read once when an aggregation asks.
    sizes: Arc<sizes::TableSizes>,
    /// How many statements the aggregation query of a big table runs as (1: never split).
    split: usize,
    pub schema: Option<String>,
    /// The configured database name (schema queries filter on it).
    pub database: Option<String>,
    query_timeout: Duration,
}

/// Fails fast, and says why, when the server cannot be reached: the pool would retry a
/// refused connection or an unknown host until `connection_timeout` and then only say that it
/// timed out. Only a silent network waits for the timeout.
async fn reachable(host: &str, port: u16, timeout: Duration) -> Result<(), EngineError> {
    let (host, port) = (host.to_string(), port);
    match tokio::time::timeout(
        timeout,
        tokio::net::TcpStream::connect((host.as_str(), port)),
    )
    .await
    {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            Err(EngineError::Refused { host, port })
        }
        Ok(Err(e)) => Err(EngineError::Unreachable {
            host,
            port,
            reason: e.to_string(),
        }),
        Err(_) => Err(EngineError::ConnectTimeout {
            address: Some((host, port)),
            seconds: timeout.as_secs(),
        }),
    }
}

#[cfg(feature = "spark")]
async fn open_spark(ds: &DataSource) -> Result<Arc<dyn Driver>, EngineError> {
    spark::open(ds).await
}

#[cfg(not(feature = "spark"))]
async fn open_spark(_ds: &DataSource) -> Result<Arc<dyn Driver>, EngineError> {
    Err(EngineError::Configuration(
        "this soda was built without Spark support (cargo feature `spark`)".into(),
    ))
}

impl Connection {
    /// Connects to a data source: the one place a configured type becomes a driver.
    pub async fn open(ds: &DataSource) -> Result<Connection, EngineError> {
        let (driver, database) = match &ds.engine {
            EngineConfig::Postgres {
                host,
                port,
                database,
                ..
            } => {
                reachable(host, *port, ds.connect_timeout).await?;
                let driver = postgres::open(ds, ds.max_connections).await;
                (
                    driver.map_err(|e| driver::engine_error(&e)),
                    database.clone(),
                )
            }
            EngineConfig::MySql {
                host,
                port,
                database,
                ..
            } => {
                reachable(host, *port, ds.connect_timeout).await?;
                let driver = mysql::open(ds, ds.max_connections).await;
                (
                    driver.map_err(|e| driver::engine_error(&e)),
                    database.clone(),
                )
            }
            EngineConfig::Sqlite { .. } => {
                let driver = sqlite::open(ds, ds.max_connections).await;
                (driver.map_err(|e| driver::engine_error(&e)), None)
            }
            EngineConfig::Spark { host, port, .. } => {
                reachable(host, *port, ds.connect_timeout).await?;
                (open_spark(ds).await, None)
            }
        };
        Ok(Connection {
            driver: driver?,
            lanes: Arc::new(lanes::Lanes::new(ds.max_connections as usize)),
            sizes: Arc::default(),
            split: sizes::split_of(&ds.engine),
            schema: ds.schema.clone(),
            database,
            query_timeout: ds.query_timeout,
        })
    }

    pub fn dialect(&self) -> &dyn Dialect {
        self.driver.dialect()
    }

    /// Runs one statement and returns its rows. Prepared statements refuse a second
    /// statement in the text, so a value from a checks file cannot smuggle one in.
    pub async fn fetch(&self, sql: &str) -> Result<Vec<Vec<Value>>, EngineError> {
        self.fetch_rows(sql, usize::MAX).await.map(|r| r.rows)
    }

    /// Runs one statement; keeps at most `keep` rows but counts them all.
    pub async fn fetch_rows(&self, sql: &str, keep: usize) -> Result<Rows, EngineError> {
        self.fetch_rows_with(&[], sql, keep).await
    }

    /// Runs one statement with session `settings` that last for it alone.
    pub async fn fetch_rows_with(
        &self,
        settings: &[&'static str],
        sql: &str,
        keep: usize,
    ) -> Result<Rows, EngineError> {
        let sql = guard::single_statement(sql, self.dialect().quoting())?;
        let _lane = self.lanes.enter().await;
        let run = self.driver.fetch_rows(&sql, keep, settings);
        // The server-side timeout is the real guard; this one catches a dead connection.
        match tokio::time::timeout(self.query_timeout + Duration::from_secs(5), run).await {
            Ok(r) => r,
            Err(_) => Err(EngineError::QueryTimeout {
                seconds: self.query_timeout.as_secs(),
            }),
        }
    }

    /// Runs a catalogue lookup of the scan's own (unique keys, table sizes): its rows, `None`
    /// when it failed (what it informs then runs as usual), and its record for the scan's list
    /// of queries.
    pub(crate) async fn lookup(
        &self,
        name: String,
        sql: String,
        table: Option<&str>,
    ) -> (Option<Vec<Vec<Value>>>, crate::measure::Executed) {
        let start = std::time::Instant::now();
        let result = self.fetch(&sql).await;
        let on = table.map(|t| crate::measure::Dataset {
            table: t.to_string(),
            partition: None,
        });
        let ok = result.as_ref().map(|_| ()).map_err(Clone::clone);
        let executed = crate::measure::Executed::new(name, sql, (on, None), ok, start.elapsed());
        (result.ok(), executed)
    }

    /// Lists the tables matching `for each dataset` patterns, as they must be written in SQL.
    pub async fn discover_tables(
        &self,
        includes: &[String],
        excludes: &[String],
    ) -> Result<Vec<String>, EngineError> {
        if let Some(sql) = self.dialect().table_listing(self.schema.as_deref()) {
            return self.filter_listing(&sql, includes, excludes).await;
        }
        let Some(sql) = dialect::render_table_discovery(
            self.dialect(),
            includes,
            excludes,
            self.schema.as_deref(),
        ) else {
            return Ok(Vec::new());
        };
        let rows = self.fetch(&sql).await?;
        let mut names: Vec<String> = rows
            .into_iter()
            .filter_map(|r| match r.into_iter().next() {
                Some(Value::Text(t)) => Some(self.dialect().discovered_name(&t)),
                _ => None,
            })
            .collect();
        names.sort();
        Ok(names)
    }

    /// Discovery where the engine cannot filter its table listing in SQL (Spark's
    /// `SHOW TABLES`): the names (column `tableName`, else the first) matched here.
    async fn filter_listing(
        &self,
        sql: &str,
        includes: &[String],
        excludes: &[String],
    ) -> Result<Vec<String>, EngineError> {
        let rows = self.fetch_rows(sql, usize::MAX).await?;
        let at = rows
            .columns
            .iter()
            .position(|c| c.name == "tableName")
            .unwrap_or(0);
        let fold = |p: &String| self.dialect().fold_pattern(p);
        let wanted = |name: &str| {
            (includes.is_empty() || includes.iter().any(|p| profiling::like(&fold(p), name)))
                && !excludes.iter().any(|p| profiling::like(&fold(p), name))
        };
        let mut names: Vec<String> = rows
            .rows
            .into_iter()
            .filter_map(|r| match r.into_iter().nth(at) {
                Some(Value::Text(t)) if wanted(&t) => Some(self.dialect().discovered_name(&t)),
                _ => None,
            })
            .collect();
        names.sort();
        Ok(names)
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.driver.close().await;
    }
}

/// The open data sources of a scan: the default one and any other a check names.
#[derive(Clone, Default)]
pub struct Connections {
    pub default: Option<Connection>,
    pub others: Vec<(String, Result<Connection, EngineError>)>,
}

impl Connections {
    pub(crate) fn get(&self, name: &Option<String>) -> Result<Connection, EngineError> {
        match name {
            None => self.default.clone().ok_or(EngineError::NotConnected),
            Some(n) => match self.others.iter().find(|(k, _)| k == n) {
                Some((_, Ok(c))) => Ok(c.clone()),
                Some((_, Err(e))) => Err(e.clone()),
                None => Err(EngineError::UnknownDataSource(n.clone())),
            },
        }
    }

    pub async fn close(&self) {
        if let Some(c) = &self.default {
            c.close().await;
        }
        for (_, c) in &self.others {
            if let Ok(c) = c {
                c.close().await;
            }
        }
    }
}
