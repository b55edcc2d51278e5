//! Spark SQL over Spark Connect: the dialect, the driver and the read-only rule.
//!
//! Spark has no read-only sessions or transactions, and Spark Connect runs a DDL or DML
//! statement the moment its text arrives. So only three shapes of statement are ever sent:
//! a query wrapped as `SELECT * FROM (<query>)` (Spark's parser accepts nothing but a query
//! inside a subquery, so `INSERT`, `CREATE` or `FROM t INSERT ...` fail to parse rather than
//! run), and our own `DESCRIBE TABLE name` and `SHOW TABLES [IN name]` (a `SET` cannot pass
//! either, so no query changes the session for the next). Queries run on a small pool of Spark
//! sessions, each set to the configured database once (`USE`), one query per session at a
//! time, so a statement that outlives `query_timeout` is interrupted on the server without
//! touching the others.
//!
//! The client (`apache-spark-connect`) is blocking and runs its own runtime: it is only
//! called from `spawn_blocking`, with our own timeouts around it because it retries a dead
//! endpoint for a long time.

// The client's `SparkError` is large, and its `Result` is the client's API: we only pass it on.
#![allow(clippy::result_large_err)]

use super::dialect::Dialect;
use super::driver::Driver;
use super::formats::RegexFlavor;
use crate::config::{DataSource, Engine as EngineConfig};
use crate::measure::{ColumnInfo, EngineError, Rows, Value};
use chrono::{DateTime, NaiveDate, TimeDelta};
use futures_util::future::LocalBoxFuture;
use spark_connect::row::Value as SparkValue;
use spark_connect::SparkSession;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;

pub struct Spark;

impl Dialect for Spark {
    fn regex_flavor(&self) -> RegexFlavor {
        RegexFlavor::Java
    }

    // Double quotes make string literals in Spark SQL: identifiers take backticks.
    fn quote_ident(&self, name: &str) -> String {
        format!("`{}`", name.replace('`', "``"))
    }

    fn quoting(&self) -> super::guard::Quoting {
        super::guard::Quoting {
            backslash_escapes: true,
            ..super::guard::Quoting::default()
        }
    }

    // Backslash escapes, and no `''`: Spark reads 'a''b' as two adjacent literals, "ab".
    fn string_literal(&self, s: &str) -> String {
        format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
    }

    // Java regexes; the cast lets formats match the text of non-text columns.
    fn regex_match(&self, expr: &str, pattern: &str) -> String {
        format!(
            "CAST({expr} AS STRING) RLIKE {}",
            self.string_literal(pattern)
        )
    }

    // A double mean, as PostgreSQL's numeric mean read as a float (Spark's decimal mean
    // keeps only 4 more digits).
    fn avg(&self, expr: &str) -> String {
        format!("AVG(CAST({expr} AS DOUBLE))")
    }

    // TRY_CAST: in ANSI mode a plain CAST of non-numeric text fails the whole query.
    fn numeric_cast(&self, expr: &str) -> String {
        format!("TRY_CAST(NULLIF(REGEXP_REPLACE(REGEXP_REPLACE(CAST({expr} AS STRING), '[^-0-9\\\\.\\\\,]', ''), ',', '.'), '') AS DOUBLE)")
    }

    // Unused: Spark lists tables with SHOW TABLES and they are filtered in Rust.
    fn table_discovery(&self, _name_filter: &str, schema: Option<&str>) -> String {
        show_tables(schema)
    }

    fn table_listing(&self, schema: Option<&str>) -> Option<String> {
        Some(show_tables(schema))
    }

    fn schema_query(&self, table: &str, schema: Option<&str>, _database: Option<&str>) -> String {
        format!(
            "DESCRIBE TABLE {}",
            super::dialect::qualified_table(schema, table)
        )
    }

    // The catalogue keeps names in lower case.
    fn fold_pattern(&self, pattern: &str) -> String {
        pattern.to_lowercase()
    }

    fn percentile(&self, fraction: f64, expr: &str, _from: &str) -> String {
        format!(
            "PERCENTILE_DISC({}) WITHIN GROUP (ORDER BY {expr})",
            crate::python::float_repr(fraction)
        )
    }
}

fn show_tables(schema: Option<&str>) -> String {
    match schema {
        Some(s) => format!("SHOW TABLES IN {s}"),
        None => "SHOW TABLES".into(),
    }
}

/// A Spark Connect endpoint: sessions that each run one query at a time.
pub struct SparkDriver {
    idle: Mutex<Vec<SparkSession>>,
    /// One permit per session: a query waits here for an idle one.
    permits: Semaphore,
    query_timeout: Duration,
}

/// Connects to the data source's Spark Connect endpoint, within `connection_timeout`.
pub async fn open(ds: &DataSource) -> Result<Arc<dyn Driver>, EngineError> {
    let EngineConfig::Spark {
        host,
        port,
        token,
        use_ssl,
        ..
    } = &ds.engine
    else {
        return Err(EngineError::Configuration("not a spark data source".into()));
    };
    let mut url = format!("sc://{host}:{port}/;user_agent=soda-rs");
    if *use_ssl {
        url.push_str(";use_ssl=true");
    }
    let secret = token.as_ref().map(|t| t.expose().to_string());
    if let Some(t) = &secret {
        url.push_str(&format!(";token={t}"));
    }
    let namespace = ds.schema.clone();
    let size = ds.max_connections;
    let connect = tokio::task::spawn_blocking(move || sessions(&url, namespace.as_deref(), size));
    let pool = match tokio::time::timeout(ds.connect_timeout, connect).await {
        Err(_) => {
            return Err(EngineError::ConnectTimeout {
                address: Some((host.clone(), *port)),
                seconds: ds.connect_timeout.as_secs(),
            })
        }
        Ok(Err(join)) => return Err(EngineError::Database(join.to_string())),
        Ok(Ok(Err(e))) => return Err(spark_error(&e, secret.as_deref())),
        Ok(Ok(Ok(sessions))) => sessions,
    };
    Ok(Arc::new(SparkDriver {
        permits: Semaphore::new(pool.len()),
        idle: Mutex::new(pool),
        query_timeout: ds.query_timeout,
    }))
}

/// Opens the pool's sessions, each using `namespace` (`[catalog.]database`) when given.
fn sessions(
    url: &str,
    namespace: Option<&str>,
    size: u32,
) -> spark_connect::Result<Vec<SparkSession>> {
    let first = SparkSession::builder().remote(url).get_or_create()?;
    let mut all = vec![first.clone()];
    all.extend((1..size).map(|_| first.new_session()));
    if let Some(ns) = namespace {
        // USE runs as soon as Spark reads it: the names are quoted, never pasted.
        let quoted: Vec<String> = ns
            .split('.')
            .map(|part| Spark.quote_ident(part.trim_matches('`')))
            .collect();
        let statement = format!("USE {}", quoted.join("."));
        for s in &all {
            s.sql(&statement)?.collect()?;
        }
    }
    Ok(all)
}

impl Driver for SparkDriver {
    fn dialect(&self) -> &dyn Dialect {
        &Spark
    }

    fn fetch_rows<'a>(
        &'a self,
        sql: &'a str,
        keep: usize,
        _settings: &'a [&'static str],
    ) -> LocalBoxFuture<'a, Result<Rows, EngineError>> {
        Box::pin(async move {
            let statement = read_only_statement(sql)?;
            let _permit = self
                .permits
                .acquire()
                .await
                .map_err(|_| EngineError::NotConnected)?;
            let session = self.take_idle().ok_or(EngineError::NotConnected)?;
            let runner = session.clone();
            let run = tokio::task::spawn_blocking(move || collect(&runner, &statement, keep));
            let result = match tokio::time::timeout(self.query_timeout, run).await {
                Ok(Ok(result)) => result,
                Ok(Err(join)) => Err(EngineError::Database(join.to_string())),
                Err(_) => {
                    // Stop the statement on the server, or it keeps the executors busy after
                    // the scan ends; a server that does not answer the interrupt is not waited for.
                    let interrupted = session.clone();
                    let interrupt =
                        tokio::task::spawn_blocking(move || interrupted.interrupt_all());
                    let _ = tokio::time::timeout(Duration::from_secs(5), interrupt).await;
                    Err(EngineError::QueryTimeout {
                        seconds: self.query_timeout.as_secs(),
                    })
                }
            };
            self.give_back(session);
            result
        })
    }

    // Releases the sessions on the server (it would keep them until its idle timeout, one
    // set per scan); a server that does not answer is not waited for long.
    fn close(&self) -> LocalBoxFuture<'_, ()> {
        Box::pin(async move {
            let sessions = self
                .idle
                .lock()
                .map(|mut idle| std::mem::take(&mut *idle))
                .unwrap_or_default();
            let release = tokio::task::spawn_blocking(move || {
                for s in sessions {
                    let _ = s.stop();
                }
            });
            let _ = tokio::time::timeout(Duration::from_secs(2), release).await;
        })
    }
}

impl SparkDriver {
    fn take_idle(&self) -> Option<SparkSession> {
        self.idle.lock().ok()?.pop()
    }

    fn give_back(&self, session: SparkSession) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(session);
        }
    }
}

/// The statement actually sent for `sql`: a query wrapped in a subquery, or one of our own
/// metadata statements; anything else is refused before it reaches Spark.
pub fn read_only_statement(sql: &str) -> Result<String, EngineError> {
    let text = sql.trim();
    let mut words = text
        .splitn(4, char::is_whitespace)
        .filter(|w| !w.is_empty());
    let mut word = || words.next().map(str::to_ascii_uppercase);
    let (first, second) = (word(), word());
    let metadata = match (first.as_deref(), second.as_deref()) {
        (Some("DESCRIBE" | "DESC"), Some("TABLE")) => {
            let name = text
                .splitn(3, char::is_whitespace)
                .nth(2)
                .unwrap_or_default();
            is_table_name(name.trim())
        }
        (Some("SHOW"), Some("TABLES")) => {
            let rest: Vec<&str> = text.split_whitespace().skip(2).collect();
            match rest.as_slice() {
                [] => true,
                [keyword, name] => {
                    matches!(keyword.to_ascii_uppercase().as_str(), "IN" | "FROM")
                        && is_table_name(name)
                }
                _ => false,
            }
        }
        (Some("DESCRIBE" | "DESC" | "SHOW"), _) => false,
        _ => return Ok(format!("SELECT * FROM (\n{text}\n) AS soda_query")),
    };
    if metadata {
        Ok(text.to_string())
    } else {
        Err(EngineError::NotReadOnly)
    }
}

/// A dotted name of plain or backtick-quoted parts (no spaces outside backticks).
fn is_table_name(name: &str) -> bool {
    let mut quoted = false;
    name.chars().all(|c| {
        if c == '`' {
            quoted = !quoted;
            return true;
        }
        quoted || c.is_alphanumeric() || c == '_' || c == '.'
    }) && !quoted
}

/// Runs one statement and streams its rows: all counted, the first `keep` kept.
fn collect(session: &SparkSession, statement: &str, keep: usize) -> Result<Rows, EngineError> {
    let describe = statement.to_ascii_uppercase().starts_with("DESC");
    let rows = session
        .sql(statement)
        .and_then(|df| df.to_local_iterator(false))
        .map_err(|e| spark_error(&e, None))?;
    let mut out = Rows::default();
    for row in rows {
        let row = row.map_err(|e| spark_error(&e, None))?;
        // DESCRIBE TABLE ends its columns at an empty line or a `# Partition Information`.
        if describe
            && row
                .get(0)
                .and_then(SparkValue::as_str)
                .is_none_or(|n| n.is_empty() || n.starts_with('#'))
        {
            break;
        }
        if out.total == 0 {
            out.columns = columns(row.fields(), row.values());
        }
        out.total += 1;
        if out.rows.len() < keep {
            out.rows.push(row.values().iter().map(value).collect());
        }
    }
    Ok(out)
}

/// Column names, with types named after the first row's values (Spark's own type names).
fn columns(names: &[String], values: &[SparkValue]) -> Vec<ColumnInfo> {
    names
        .iter()
        .zip(values)
        .map(|(name, v)| ColumnInfo {
            name: name.clone(),
            type_name: type_name(v).to_string(),
        })
        .collect()
}

fn type_name(v: &SparkValue) -> &'static str {
    match v {
        SparkValue::Null => "null",
        SparkValue::Bool(_) => "boolean",
        SparkValue::Byte(_) => "tinyint",
        SparkValue::Short(_) => "smallint",
        SparkValue::Integer(_) => "int",
        SparkValue::Long(_) => "bigint",
        SparkValue::Float(_) => "float",
        SparkValue::Double(_) => "double",
        SparkValue::String(_) => "string",
        SparkValue::Binary(_) => "binary",
        SparkValue::Date(_) => "date",
        SparkValue::Timestamp(_) => "timestamp",
        SparkValue::Decimal { .. } => "decimal",
        _ => "struct",
    }
}

/// A Spark value as the stages read values: numbers, text, dates and UTC instants.
fn value(v: &SparkValue) -> Value {
    match v {
        SparkValue::Null => Value::Null,
        SparkValue::Bool(b) => Value::Bool(*b),
        SparkValue::Byte(i) => Value::Int(i64::from(*i)),
        SparkValue::Short(i) => Value::Int(i64::from(*i)),
        SparkValue::Integer(i) => Value::Int(i64::from(*i)),
        SparkValue::Long(i) => Value::Int(*i),
        // Python receives a float as its shortest decimal text; match that.
        SparkValue::Float(f) => Value::Float(f.to_string().parse().unwrap_or(f64::from(*f))),
        SparkValue::Double(f) => Value::Float(*f),
        SparkValue::Decimal { value, .. } => Value::Float(value.parse().unwrap_or(f64::NAN)),
        SparkValue::String(s) => Value::Text(s.clone()),
        SparkValue::Date(days) => NaiveDate::from_ymd_opt(1970, 1, 1)
            .and_then(|d| d.checked_add_signed(TimeDelta::days(i64::from(*days))))
            .map_or(Value::Null, Value::Date),
        SparkValue::Timestamp(micros) => DateTime::from_timestamp_micros(*micros)
            .map_or(Value::Null, |t| Value::DateTime(t.naive_utc())),
        other => Value::Text(format!("{other:?}")),
    }
}

/// Spark's message, first line only (the rest is the analyzed plan), its error class once
/// (the client repeats it), without the token.
fn spark_error(e: &spark_connect::SparkError, token: Option<&str>) -> EngineError {
    let text = e.to_string();
    let mut first = text.lines().next().unwrap_or_default().trim().to_string();
    if let Some(class) = first
        .split_whitespace()
        .next()
        .filter(|c| c.starts_with('['))
    {
        let repeated = format!("{class} {class}");
        if first.starts_with(&repeated) {
            first = first[class.len() + 1..].to_string();
        }
    }
    if let Some(t) = token.filter(|t| !t.is_empty()) {
        first = first.replace(t, "***");
    }
    EngineError::Database(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_wrapped_so_that_only_a_query_parses() {
        assert_eq!(
            read_only_statement("SELECT 1 -- trailing comment").unwrap(),
            "SELECT * FROM (\nSELECT 1 -- trailing comment\n) AS soda_query"
        );
        assert!(read_only_statement("INSERT INTO t VALUES (1)")
            .unwrap()
            .starts_with("SELECT * FROM (\nINSERT"));
    }

    #[test]
    fn only_plain_metadata_statements_pass_unwrapped() {
        for ok in [
            "DESCRIBE TABLE shop.customers",
            "describe table `my table`",
            "SHOW TABLES",
            "SHOW TABLES IN shop",
        ] {
            assert_eq!(read_only_statement(ok).unwrap(), ok);
        }
        for refused in [
            "DESCRIBE FUNCTION reflect",
            "DESCRIBE TABLE a b",
            "SHOW CREATE TABLE t",
            "SHOW TABLES IN a; DROP TABLE b",
        ] {
            assert_eq!(read_only_statement(refused), Err(EngineError::NotReadOnly));
        }
    }

    #[test]
    fn literals_escape_quotes_and_backslashes() {
        assert_eq!(Spark.string_literal(r"O'Brien \d"), r"'O\'Brien \\d'");
        assert_eq!(Spark.quote_ident("a`b"), "`a``b`");
    }

    #[test]
    fn values_decode_to_the_shared_types() {
        assert_eq!(
            value(&SparkValue::Date(1)),
            Value::Date(NaiveDate::from_ymd_opt(1970, 1, 2).unwrap())
        );
        assert_eq!(
            value(&SparkValue::Decimal {
                value: "10.25".into(),
                precision: Some(10),
                scale: Some(2)
            }),
            Value::Float(10.25)
        );
        assert_eq!(value(&SparkValue::Integer(7)), Value::Int(7));
    }
}
