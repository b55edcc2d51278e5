//! Engines: connecting to a data source and running the planned queries.
//!
//! One implementation per database behind [`Connection`] (sqlx pools), with the SQL spelling
//! in a [`dialect::Dialect`]. Queries of a plan run concurrently over a small pool. A failing
//! aggregation query is retried item by item, so one bad column or expression errors only the
//! checks that use it (Soda Core loses every aggregate of the table: soda-core#629).

pub mod dialect;
pub mod mysql;
pub mod postgres;
pub mod profiling;
pub mod samples;
pub mod sqlite;

use crate::config::{DataSource, Engine as EngineConfig};
use crate::measure::{ColumnInfo, Executed, Measurements, Rows, Value, MAX_KEPT_ROWS};
use crate::plan::{MetricKind, Plan, Query, QueryKind};
use dialect::{Dialect, Post, ReferenceSelect, RenderedQuery};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How many connections (and so concurrent queries) a scan opens per data source.
pub const POOL_SIZE: u32 = 4;

#[cfg(test)]
mod tests {
    use super::{single_statement, Quoting};

    #[test]
    fn one_statement_only() {
        let plain = Quoting::default();
        assert_eq!(single_statement("SELECT 1;  ", plain).unwrap(), "SELECT 1");
        assert!(single_statement("SELECT 1; DELETE FROM t", plain).is_err());
        assert!(single_statement("SELECT ';' AS x", plain).is_ok());
        assert!(single_statement("SELECT 1 -- ; DROP\n", plain).is_ok());
        assert!(single_statement("SELECT 'it''s; fine'", plain).is_ok());
        assert!(single_statement("SELECT 1 /* ; */ ; SELECT 2", plain).is_err());
        assert!(single_statement("SELECT 1 /* /* ; */ ; */", plain).is_ok());
        // A backslash ends nothing in standard SQL strings, but escapes a quote in MySQL's.
        assert!(single_statement("SELECT '\\'; x'", plain).is_err());
        let mysql = Quoting {
            backslash_escapes: true,
            hash_comments: true,
            ..plain
        };
        assert!(single_statement("SELECT '\\'; x'", mysql).is_ok());
        assert!(single_statement("SELECT 1 # ; x\n", mysql).is_ok());
        // SQLite's [identifiers] may hold quotes.
        let sqlite = Quoting {
            bracket_identifiers: true,
            ..plain
        };
        assert!(single_statement("SELECT 5 AS [a'b] WHERE 0; SELECT 42 --'", sqlite).is_err());
        // PostgreSQL dollar quotes may hold semicolons.
        let pg = Quoting {
            dollar_quotes: true,
            ..plain
        };
        assert!(single_statement("SELECT length($$a;b$$)", pg).is_ok());
        assert!(single_statement("SELECT $x$a;b$x$; DELETE FROM t", pg).is_err());
        assert!(single_statement("SELECT $1", pg).is_ok());
    }
}

#[derive(Clone)]
enum Pool {
    Postgres(sqlx::PgPool),
    MySql(sqlx::MySqlPool),
    Sqlite(sqlx::SqlitePool),
}

/// An open data source.
#[derive(Clone)]
pub struct Connection {
    pool: Pool,
    dialect: Arc<dyn Dialect>,
    pub schema: Option<String>,
    /// The configured database name (schema queries filter on it).
    pub database: Option<String>,
    query_timeout: Duration,
}

/// How an engine's SQL text quotes things (for [`single_statement`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Quoting {
    /// A backslash escapes the next character inside string literals (MySQL).
    pub backslash_escapes: bool,
    /// `[name]` is a quoted identifier (SQLite).
    pub bracket_identifiers: bool,
    /// `$tag$ ... $tag$` strings (PostgreSQL).
    pub dollar_quotes: bool,
    /// `#` starts a comment (MySQL).
    pub hash_comments: bool,
}

/// Returns the SQL without a trailing `;`, or an error if the text holds more than one
/// statement. SQLite would otherwise run every statement of the text; PostgreSQL and MySQL
/// refuse them in prepared statements anyway, so this is the first of several guards.
pub fn single_statement(sql: &str, q: Quoting) -> Result<String, String> {
    let chars: Vec<char> = sql.chars().collect();
    let n = chars.len();
    let mut i = 0;
    let mut end_of_first: Option<usize> = None;
    let second = || {
        Err(
            "only one SQL statement per query is allowed (found a second statement after ';')"
                .to_string(),
        )
    };
    while i < n {
        let c = chars[i];
        match c {
            '\'' | '"' | '`' => {
                let quote = c;
                i += 1;
                while i < n {
                    if q.backslash_escapes && chars[i] == '\\' && quote == '\'' {
                        i += 2;
                        continue;
                    }
                    if chars[i] == quote {
                        if chars.get(i + 1) == Some(&quote) {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
            }
            '[' if q.bracket_identifiers => {
                while i < n && chars[i] != ']' {
                    i += 1;
                }
            }
            '$' if q.dollar_quotes => {
                // `$tag$` opens a string that only the same `$tag$` closes.
                let mut j = i + 1;
                while j < n && (chars[j].is_alphanumeric() || chars[j] == '_') {
                    j += 1;
                }
                if j < n && chars[j] == '$' && !chars.get(i + 1).is_some_and(char::is_ascii_digit) {
                    let tag: String = chars[i..=j].iter().collect();
                    let rest: String = chars[j + 1..].iter().collect();
                    match rest.find(&tag) {
                        Some(at) => {
                            i = j + 1 + rest[..at].chars().count() + tag.chars().count() - 1
                        }
                        None => i = n,
                    }
                }
            }
            '-' if chars.get(i + 1) == Some(&'-') => {
                while i < n && chars[i] != '\n' {
                    i += 1;
                }
            }
            '#' if q.hash_comments => {
                while i < n && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                // Comments nest in PostgreSQL; counting depth is harmless elsewhere.
                let mut depth = 1;
                i += 2;
                while i < n && depth > 0 {
                    if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                        depth += 1;
                        i += 1;
                    } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                        depth -= 1;
                        i += 1;
                    }
                    i += 1;
                }
                continue;
            }
            ';' if end_of_first.is_none() => end_of_first = Some(i),
            c if !c.is_whitespace() && end_of_first.is_some() => return second(),
            _ => {}
        }
        i += 1;
    }
    Ok(match end_of_first {
        Some(end) => chars[..end].iter().collect(),
        None => sql.to_string(),
    })
}

/// Makes a database error readable: sqlx prefixes messages we do not want users to see.
fn error_text(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => db.message().to_string(),
        sqlx::Error::Configuration(c) => c.to_string(),
        sqlx::Error::PoolTimedOut => "timed out while connecting".to_string(),
        other => other.to_string(),
    }
}

impl Connection {
    /// Connects to a data source.
    pub async fn open(ds: &DataSource) -> Result<Connection, String> {
        let (pool, dialect): (Pool, Arc<dyn Dialect>) = match &ds.engine {
            EngineConfig::Postgres { .. } => (
                Pool::Postgres(
                    postgres::connect(ds, POOL_SIZE)
                        .await
                        .map_err(|e| error_text(&e))?,
                ),
                Arc::new(postgres::Postgres),
            ),
            EngineConfig::MySql { .. } => (
                Pool::MySql(
                    mysql::connect(ds, POOL_SIZE)
                        .await
                        .map_err(|e| error_text(&e))?,
                ),
                Arc::new(mysql::MySql),
            ),
            EngineConfig::Sqlite { .. } => (
                Pool::Sqlite(
                    sqlite::connect(ds, POOL_SIZE)
                        .await
                        .map_err(|e| error_text(&e))?,
                ),
                Arc::new(sqlite::Sqlite),
            ),
        };
        Ok(Connection {
            pool,
            dialect,
            schema: ds.schema.clone(),
            database: match &ds.engine {
                EngineConfig::Postgres { database, .. } | EngineConfig::MySql { database, .. } => {
                    database.clone()
                }
                EngineConfig::Sqlite { .. } => None,
            },
            query_timeout: ds.query_timeout,
        })
    }

    pub fn dialect(&self) -> &dyn Dialect {
        self.dialect.as_ref()
    }

    /// Runs one statement and returns its rows. Prepared statements refuse a second
    /// statement in the text, so a value from a checks file cannot smuggle one in.
    pub async fn fetch(&self, sql: &str) -> Result<Vec<Vec<Value>>, String> {
        self.fetch_rows(sql, usize::MAX).await.map(|r| r.rows)
    }

    /// Runs one statement; keeps at most `keep` rows but counts them all.
    pub async fn fetch_rows(&self, sql: &str, keep: usize) -> Result<Rows, String> {
        let sql = single_statement(sql, self.dialect.quoting())?;
        let sql = sql.as_str();
        // Rows are streamed: a `fail query` may return millions of rows, of which only the
        // first `keep` are kept while all are counted.
        macro_rules! stream {
            ($conn:expr, $value:path) => {{
                use futures_util::TryStreamExt;
                use sqlx::{Column, Row, TypeInfo};
                let mut stream = sqlx::query(sql).fetch($conn);
                let mut out = Rows::default();
                while let Some(row) = stream.try_next().await? {
                    if out.total == 0 {
                        out.columns = row
                            .columns()
                            .iter()
                            .map(|c| ColumnInfo {
                                name: c.name().to_string(),
                                type_name: c.type_info().name().to_lowercase(),
                            })
                            .collect();
                    }
                    out.total += 1;
                    if out.rows.len() < keep {
                        out.rows
                            .push((0..sqlx::Row::len(&row)).map(|i| $value(&row, i)).collect());
                    }
                }
                // Expressions (and some declared types on SQLite) have no type name: name
                // them after the values of the first row.
                if let Some(first) = out.rows.first() {
                    for (c, v) in out.columns.iter_mut().zip(first) {
                        if c.type_name.is_empty() || c.type_name == "null" {
                            c.type_name = match v {
                                Value::Int(_) => "integer",
                                Value::Float(_) => "real",
                                Value::Bool(_) => "boolean",
                                Value::Null => "null",
                                _ => "text",
                            }
                            .to_string();
                        }
                    }
                }
                Ok::<Rows, sqlx::Error>(out)
            }};
        }
        // Every query runs in its own read-only transaction that is rolled back: whatever a
        // statement changes in the session (even the read-only default) does not outlive it.
        macro_rules! read_only {
            ($pool:expr, $begin:expr, $value:path) => {{
                use sqlx::Executor;
                let mut conn = $pool.acquire().await?;
                conn.execute(sqlx::raw_sql($begin)).await?;
                // Collected in its own block so that a failing query still reaches ROLLBACK.
                let result = async { stream!(&mut *conn, $value) }.await;
                let rollback = conn.execute(sqlx::raw_sql("ROLLBACK")).await;
                if rollback.is_err() {
                    // A connection whose transaction cannot be ended is not reused.
                    conn.detach();
                }
                result
            }};
        }
        let run = async {
            match &self.pool {
                Pool::Postgres(p) => read_only!(p, "BEGIN READ ONLY", postgres::value),
                Pool::MySql(p) => read_only!(p, "START TRANSACTION READ ONLY", mysql::value),
                // Opened read-only, with an authorizer that allows nothing but reading.
                Pool::Sqlite(p) => stream!(p, sqlite::value),
            }
        };
        // The server-side timeout is the real guard; this one catches a dead connection.
        match tokio::time::timeout(self.query_timeout + Duration::from_secs(5), run).await {
            Ok(r) => r.map_err(|e| error_text(&e)),
            Err(_) => Err(format!(
                "query timed out after {} seconds",
                self.query_timeout.as_secs()
            )),
        }
    }

    /// Lists the tables matching `for each dataset` patterns, as they must be written in SQL.
    pub async fn discover_tables(
        &self,
        includes: &[String],
        excludes: &[String],
    ) -> Result<Vec<String>, String> {
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

    /// Closes the pool.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Postgres(p) => p.close().await,
            Pool::MySql(p) => p.close().await,
            Pool::Sqlite(p) => p.close().await,
        }
    }
}

/// Applies the Rust-side step a dialect asked for to a value the SQL returned.
pub(crate) fn apply(post: Post, v: Value) -> Value {
    match (post, &v) {
        (Post::Sqrt, Value::Float(f)) => Value::Float(f.sqrt()),
        (Post::Sqrt, Value::Int(i)) => Value::Float((*i as f64).sqrt()),
        _ => v,
    }
}

struct QueryRun {
    executed: Vec<Executed>,
    values: Vec<(usize, Value)>,
    rows: Vec<(usize, Rows)>,
}

async fn run_one(conn: Connection, plan: Arc<Plan>, q: Query) -> QueryRun {
    let schema = conn.schema.clone();
    let mut run = QueryRun {
        executed: Vec::new(),
        values: Vec::new(),
        rows: Vec::new(),
    };
    let record =
        |name: String, r: &RenderedQuery, error: Option<String>, duration: Duration| Executed {
            name,
            sql: r.sql.clone(),
            error,
            duration,
            dataset: Some(q.dataset.clone()),
            column: q.column.clone(),
            extra_sql: Vec::new(),
            data_source: q.data_source.clone(),
        };
    match &q.kind {
        QueryKind::Aggregate { items } => {
            let rendered =
                dialect::render_aggregate(conn.dialect(), &plan, &q, items, schema.as_deref());
            let start = Instant::now();
            let result = conn.fetch(&rendered.sql).await;
            let elapsed = start.elapsed();
            match result {
                Ok(rows) => {
                    run.executed
                        .push(record(q.name.clone(), &rendered, None, elapsed));
                    let row = rows.into_iter().next().unwrap_or_default();
                    for (i, id) in items.iter().enumerate() {
                        let v = row.get(i).cloned().unwrap_or(Value::Null);
                        run.values.push((
                            *id,
                            apply(rendered.posts.get(i).copied().unwrap_or(Post::None), v),
                        ));
                    }
                }
                Err(e) => {
                    run.executed
                        .push(record(q.name.clone(), &rendered, Some(e), elapsed));
                    if items.len() > 1 {
                        // Isolate: each item alone, so only the failing metrics stay unset.
                        for (i, id) in items.iter().enumerate() {
                            let single = dialect::render_aggregate(
                                conn.dialect(),
                                &plan,
                                &q,
                                &[*id],
                                schema.as_deref(),
                            );
                            let start = Instant::now();
                            let result = conn.fetch(&single.sql).await;
                            let name = format!("{}.isolated[{i}]", q.name);
                            match result {
                                Ok(rows) => {
                                    let v = rows
                                        .into_iter()
                                        .next()
                                        .and_then(|r| r.into_iter().next())
                                        .unwrap_or(Value::Null);
                                    run.values.push((*id, apply(single.posts[0], v)));
                                    run.executed
                                        .push(record(name, &single, None, start.elapsed()));
                                }
                                Err(e) => run.executed.push(record(
                                    name,
                                    &single,
                                    Some(e),
                                    start.elapsed(),
                                )),
                            }
                        }
                    }
                }
            }
        }
        QueryKind::Duplicate { metric } => {
            let rendered = dialect::render_duplicate(&plan, &q, schema.as_deref());
            let start = Instant::now();
            let result = conn.fetch(&rendered.sql).await;
            let elapsed = start.elapsed();
            match result {
                Ok(rows) => {
                    let v = rows
                        .into_iter()
                        .next()
                        .and_then(|r| r.into_iter().next())
                        .unwrap_or(Value::Int(0));
                    run.values.push((*metric, v));
                    run.executed
                        .push(record(q.name.clone(), &rendered, None, elapsed));
                }
                Err(e) => run
                    .executed
                    .push(record(q.name.clone(), &rendered, Some(e), elapsed)),
            }
        }
        QueryKind::Own { metric } => {
            let m = &plan.metrics[*metric];
            let sql = match &m.kind {
                MetricKind::Schema => conn.dialect().schema_query(
                    &m.dataset.table,
                    schema.as_deref(),
                    conn.database.as_deref(),
                ),
                MetricKind::Reference { .. } => dialect::render_reference(
                    conn.dialect(),
                    m,
                    q.partition_where.as_deref(),
                    schema.as_deref(),
                    ReferenceSelect::Count,
                ),
                MetricKind::UserQuery(sql)
                | MetricKind::FailedRowsQuery(sql)
                | MetricKind::GroupBy(sql)
                | MetricKind::GroupEvolution(sql) => sql.clone(),
                _ => String::new(),
            };
            let rendered = RenderedQuery { sql, posts: vec![] };
            let start = Instant::now();
            let keep = if matches!(m.kind, MetricKind::FailedRowsQuery(_)) {
                MAX_KEPT_ROWS
            } else {
                usize::MAX
            };
            let result = conn.fetch_rows(&rendered.sql, keep).await;
            let elapsed = start.elapsed();
            match result {
                Ok(rows) => {
                    let first = rows.rows.first();
                    let value = match &m.kind {
                        // No columns: the table does not exist; the metric stays unset.
                        MetricKind::Schema => {
                            (!rows.rows.is_empty()).then_some(Value::Int(rows.total as i64))
                        }
                        MetricKind::Reference { .. } => Some(
                            first
                                .and_then(|r| r.first().cloned())
                                .unwrap_or(Value::Int(0)),
                        ),
                        // Soda reads the last non-NULL column of the first row, as a float.
                        MetricKind::UserQuery(_) => first
                            .and_then(|r| r.iter().rev().find(|v| !v.is_null()).cloned())
                            .map(|v| match v {
                                Value::Int(i) => Value::Float(i as f64),
                                Value::Text(t) => {
                                    t.trim().parse::<f64>().map_or(Value::Text(t), Value::Float)
                                }
                                other => other,
                            }),
                        _ => Some(Value::Int(rows.total as i64)),
                    };
                    if let Some(v) = value {
                        run.values.push((*metric, v));
                    }
                    run.rows.push((*metric, rows));
                    run.executed
                        .push(record(q.name.clone(), &rendered, None, elapsed));
                }
                Err(e) => run
                    .executed
                    .push(record(q.name.clone(), &rendered, Some(e), elapsed)),
            }
        }
    }
    run
}

/// The open data sources of a scan: the default one and any other a check names.
#[derive(Clone, Default)]
pub struct Connections {
    pub default: Option<Connection>,
    pub others: Vec<(String, Result<Connection, String>)>,
}

impl Connections {
    fn get(&self, name: &Option<String>) -> Result<Connection, String> {
        match name {
            None => self
                .default
                .clone()
                .ok_or_else(|| "not connected".to_string()),
            Some(n) => match self.others.iter().find(|(k, _)| k == n) {
                Some((_, Ok(c))) => Ok(c.clone()),
                Some((_, Err(e))) => Err(e.clone()),
                None => Err(format!(
                    "Data source '{n}' not present in the configuration"
                )),
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

/// Runs every query of the plan, concurrently, and collects the metric values.
pub async fn execute(conns: &Connections, plan: Arc<Plan>) -> Measurements {
    let mut set = tokio::task::JoinSet::new();
    let mut failed: Vec<Executed> = Vec::new();
    for (i, q) in plan.queries.iter().enumerate() {
        let conn = match conns.get(&q.data_source) {
            Ok(c) => c,
            Err(e) => {
                failed.push(Executed {
                    name: q.name.clone(),
                    sql: String::new(),
                    error: Some(e),
                    duration: Duration::ZERO,
                    dataset: Some(q.dataset.clone()),
                    column: q.column.clone(),
                    extra_sql: Vec::new(),
                    data_source: q.data_source.clone(),
                });
                continue;
            }
        };
        let fut = run_one(conn, plan.clone(), q.clone());
        set.spawn(async move { (i, fut.await) });
    }
    let mut runs: Vec<(usize, QueryRun)> = Vec::new();
    while let Some(joined) = set.join_next().await {
        if let Ok(r) = joined {
            runs.push(r);
        }
    }
    // Report in plan order, whatever order the queries finished in.
    runs.sort_by_key(|(i, _)| *i);
    let mut outcome = Measurements {
        values: vec![None; plan.metrics.len()],
        rows: vec![None; plan.metrics.len()],
        executed: failed,
    };
    for (_, run) in runs {
        for (id, v) in run.values {
            if let Some(slot) = outcome.values.get_mut(id) {
                *slot = Some(v);
            }
        }
        for (id, r) in run.rows {
            if let Some(slot) = outcome.rows.get_mut(id) {
                *slot = Some(r);
            }
        }
        outcome.executed.extend(run.executed);
    }
    outcome
}
