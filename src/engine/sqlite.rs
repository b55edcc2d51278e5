//! SQLite: read-only connection with a REGEXP function, and decoding by storage class.

use super::dialect::{Dialect, Post};
use super::value::Value;
use crate::config::{DataSource, Engine as EngineConfig};
use crate::plan::Aggregate;
use crate::sodacl::formats::RegexFlavor;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions, SqliteRow};
use sqlx::{Row, TypeInfo, ValueRef};

pub struct Sqlite;

impl Dialect for Sqlite {
    fn regex_flavor(&self) -> RegexFlavor {
        RegexFlavor::Sqlite
    }

    fn regex_match(&self, expr: &str, pattern: &str) -> String {
        format!(
            "CAST({expr} AS TEXT) REGEXP {}",
            self.string_literal(pattern)
        )
    }

    fn schema_query(&self, table: &str, _schema: Option<&str>, _database: Option<&str>) -> String {
        let t = crate::report::unquoted_table(table);
        format!(
            "SELECT name, lower(type), CASE WHEN \"notnull\" = 1 THEN 'NO' ELSE 'YES' END FROM pragma_table_info({}) ORDER BY cid",
            self.string_literal(&t)
        )
    }

    fn table_discovery(&self, name_filter: &str, _schema: Option<&str>) -> String {
        format!("SELECT name FROM sqlite_master \nWHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'\n  AND ({name_filter})")
    }

    // SQLite has no REGEXP_REPLACE: strip the decorations the numeric formats allow.
    fn numeric_cast(&self, expr: &str) -> String {
        let mut e = format!("CAST({expr} AS TEXT)");
        for ch in [" ", "%", "+", "$", "€", "£", "EUR", "USD", "GBP"] {
            e = format!("REPLACE({e}, '{ch}', '')");
        }
        format!("CAST(NULLIF(REPLACE({e}, ',', '.'), '') AS REAL)")
    }

    // No statistical aggregates in SQLite: compute the variance from sums, and the
    // square root (for standard deviations) in Rust.
    fn statistic(&self, agg: Aggregate, expr: &str) -> (String, Post) {
        let x = format!("CAST({expr} AS REAL)");
        let n = format!("COUNT({expr})");
        let ss = format!("(SUM({x} * {x}) - SUM({x}) * SUM({x}) / {n})");
        let (denominator, post) = match agg {
            Aggregate::StddevPop => (n.clone(), Post::Sqrt),
            Aggregate::VarPop => (n.clone(), Post::None),
            Aggregate::Stddev | Aggregate::StddevSamp => (format!("({n} - 1)"), Post::Sqrt),
            _ => (format!("({n} - 1)"), Post::None),
        };
        (
            format!("(CASE WHEN {denominator} > 0 THEN MAX({ss}, 0) / {denominator} END)"),
            post,
        )
    }
}

/// Opens the database file read-only, with `query_only` as a second guard.
pub async fn connect(ds: &DataSource, pool_size: u32) -> Result<SqlitePool, sqlx::Error> {
    let EngineConfig::Sqlite { path } = &ds.engine else {
        return Err(sqlx::Error::Configuration(
            "not a sqlite data source".into(),
        ));
    };
    if !path.is_file() {
        return Err(sqlx::Error::Configuration(
            format!("SQLite database file {} does not exist", path.display()).into(),
        ));
    }
    let opts = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .create_if_missing(false)
        .pragma("query_only", "ON")
        .busy_timeout(ds.connect_timeout)
        .with_regexp();
    SqlitePoolOptions::new()
        .max_connections(pool_size)
        .acquire_timeout(ds.connect_timeout)
        .connect_with(opts)
        .await
}

/// Decodes one column by the storage class of its value.
pub fn value(row: &SqliteRow, i: usize) -> Value {
    let ty = match row.try_get_raw(i) {
        Ok(raw) if raw.is_null() => return Value::Null,
        Ok(raw) => raw.type_info().name().to_string(),
        Err(_) => return Value::Null,
    };
    let decoded = match ty.as_str() {
        "INTEGER" | "BOOLEAN" => row.try_get::<i64, _>(i).map(Value::Int),
        "REAL" | "NUMERIC" => row.try_get::<f64, _>(i).map(Value::Float),
        _ => row.try_get::<String, _>(i).map(Value::Text),
    };
    decoded.unwrap_or_else(|_| Value::Text(format!("<{ty} value>")))
}
