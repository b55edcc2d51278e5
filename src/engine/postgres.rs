//! PostgreSQL: connection (read-only session, statement timeout) and value decoding.

use super::dialect::Dialect;
use super::driver::{Driver, PooledDriver};
use super::formats::RegexFlavor;
use crate::config::{DataSource, Engine as EngineConfig};
use crate::measure::Value;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow, PgSslMode};
use sqlx::{Column, Row, TypeInfo, ValueRef};
use std::str::FromStr;
use std::sync::Arc;

pub struct Postgres;

/// The planner's group estimate from which a duplicate count groups by sorting.
const SORTED_GROUP_BY_FROM: u64 = 50_000;

/// information_schema's `data_type` of a column: the base type of a domain, `ARRAY` for
/// arrays, the type's own name for built-in types and `USER-DEFINED` for the rest.
const PG_DATA_TYPE: &str = "CASE WHEN t.typtype = 'd' THEN CASE WHEN bt.typelem <> 0 AND bt.typlen = -1 THEN 'ARRAY' WHEN bt.typnamespace = 'pg_catalog'::regnamespace THEN format_type(t.typbasetype, NULL) ELSE 'USER-DEFINED' END WHEN t.typelem <> 0 AND t.typlen = -1 THEN 'ARRAY' WHEN t.typnamespace = 'pg_catalog'::regnamespace THEN format_type(a.atttypid, NULL) ELSE 'USER-DEFINED' END";

impl Dialect for Postgres {
    fn regex_flavor(&self) -> RegexFlavor {
        RegexFlavor::Postgres
    }

    // `~` is only defined for text; the cast lets formats check uuid and number columns.
    fn regex_match(&self, expr: &str, pattern: &str) -> String {
        format!("CAST({expr} AS TEXT) ~ {}", self.string_literal(pattern))
    }

    fn numeric_cast(&self, expr: &str) -> String {
        format!("CAST(NULLIF(REGEXP_REPLACE(REGEXP_REPLACE({expr}, '[^-0-9\\.\\,]', '', 'g'), ',', '.', 'g'), '') AS FLOAT)")
    }

    fn table_discovery(&self, name_filter: &str, schema: Option<&str>) -> String {
        let schema_cond = match schema {
            Some(s) => format!("lower(table_schema) = lower({})", self.string_literal(s)),
            None => "table_schema = current_schema()".into(),
        };
        format!("SELECT table_name FROM (SELECT table_name AS name, table_name, table_schema FROM information_schema.tables) t \nWHERE ({name_filter})\n  AND {schema_cond}")
    }

    // `to_regclass` resolves the name as the scan's queries do (search_path included).
    fn unique_keys_query(
        &self,
        table: &str,
        schema: Option<&str>,
        _database: Option<&str>,
    ) -> Option<String> {
        let name = super::dialect::qualified_table(schema, table);
        Some(format!(
            "SELECT k.relname::text, a.attname::text \nFROM pg_index i \nJOIN pg_class k ON k.oid = i.indexrelid \nJOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) \nWHERE i.indrelid = to_regclass({}) \n  AND i.indisunique AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL \nORDER BY 1",
            self.string_literal(&name)
        ))
    }

    // From the system catalogues: the same rows information_schema.columns gives (its
    // `data_type` rule, arrays and user-defined types included), without the view's privilege
    // joins, which made it the slowest query of a small scan (8-18 ms against 0.5-7 ms).
    fn schema_query(&self, table: &str, schema: Option<&str>, database: Option<&str>) -> String {
        let t = crate::measure::unquoted_table(table).to_lowercase();
        let mut sql = format!(
            "SELECT a.attname::text AS column_name, \n  {PG_DATA_TYPE} AS data_type, \n  CASE WHEN a.attnotnull OR (t.typtype = 'd' AND t.typnotnull) THEN 'NO' ELSE 'YES' END AS is_nullable \nFROM pg_attribute a \nJOIN pg_class c ON c.oid = a.attrelid \nJOIN pg_namespace n ON n.oid = c.relnamespace \nJOIN pg_type t ON t.oid = a.atttypid \nLEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype \nWHERE lower(c.relname) = {} \n  AND c.relkind IN ('r', 'v', 'f', 'p') AND a.attnum > 0 AND NOT a.attisdropped",
            self.string_literal(&t)
        );
        if let Some(db) = database {
            sql.push_str(&format!(
                " \n  AND lower(current_database()) = {}",
                self.string_literal(&db.to_lowercase())
            ));
        }
        match schema {
            Some(s) => sql.push_str(&format!(
                " \n  AND lower(n.nspname) = {}",
                self.string_literal(&s.to_lowercase())
            )),
            None => sql.push_str(" \n  AND n.nspname = current_schema()"),
        }
        sql.push_str("\nORDER BY a.attnum");
        sql
    }

    fn fold_pattern(&self, pattern: &str) -> String {
        pattern.to_lowercase()
    }

    fn group_estimate(&self, group_by: &str) -> Option<String> {
        Some(format!("EXPLAIN {group_by}"))
    }

    // Measured on 5 million rows (examples/bench/duplicates-bench.sh): from about 100,000
    // groups on, a sorted GROUP BY beats the hash aggregate PostgreSQL picks (0.56 s against
    // 0.81 s at 100,000 groups, 1.7 s against 3.3 s at 5 million); at 1,000 groups the hash
    // is 3.5x faster. The sort gets up to 128 MB, for this statement only.
    fn group_by_settings(&self, groups: u64) -> &'static [&'static str] {
        if groups >= SORTED_GROUP_BY_FROM {
            &[
                "SET LOCAL enable_hashagg = off",
                "SET LOCAL work_mem = '128MB'",
            ]
        } else {
            &[]
        }
    }

    // Names that are not plain lower-case identifiers must be quoted to be found again.
    fn discovered_name(&self, name: &str) -> String {
        let mut chars = name.chars();
        let plain = chars
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if plain {
            name.to_string()
        } else {
            format!("\"{}\"", name.replace('"', "\"\""))
        }
    }

    fn quoting(&self) -> super::guard::Quoting {
        super::guard::Quoting {
            dollar_quotes: true,
            ..super::guard::Quoting::default()
        }
    }

    fn percentile(&self, fraction: f64, expr: &str, _from: &str) -> String {
        format!(
            "PERCENTILE_DISC({}) WITHIN GROUP (ORDER BY {expr})",
            crate::python::float_repr(fraction)
        )
    }
}

/// Opens the data source as a driver.
pub async fn open(ds: &DataSource, pool_size: u32) -> Result<Arc<dyn Driver>, sqlx::Error> {
    Ok(Arc::new(PooledDriver {
        pool: connect(ds, pool_size).await?,
        dialect: &Postgres,
        begin_read_only: Some("BEGIN READ ONLY"),
        decode: value,
        idle: Some(Default::default()),
    }))
}

/// Opens a pool of read-only sessions with a statement timeout.
async fn connect(ds: &DataSource, pool_size: u32) -> Result<PgPool, sqlx::Error> {
    let EngineConfig::Postgres {
        host,
        port,
        username,
        password,
        database,
        sslmode,
        parallel_workers,
    } = &ds.engine
    else {
        return Err(sqlx::Error::Configuration(
            "not a postgres data source".into(),
        ));
    };
    let mut opts = PgConnectOptions::new()
        .host(host)
        .port(*port)
        .application_name("soda-rs");
    if let Some(u) = username {
        opts = opts.username(u);
    }
    if let Some(p) = password {
        opts = opts.password(p.expose());
    }
    if let Some(d) = database {
        opts = opts.database(d);
    }
    if let Some(mode) = sslmode {
        opts = opts.ssl_mode(
            PgSslMode::from_str(mode).map_err(|e| sqlx::Error::Configuration(Box::new(e)))?,
        );
    }
    let timeout_ms = ds.query_timeout.as_millis().to_string();
    // Only constants go into startup options (they are pasted without escaping); the
    // schema, which comes from the configuration, is set with a bound parameter.
    opts = opts.options([
        ("default_transaction_read_only", "on".to_string()),
        ("statement_timeout", timeout_ms),
        ("standard_conforming_strings", "on".to_string()),
    ]);
    if let Some(n) = parallel_workers {
        opts = opts.options([("max_parallel_workers_per_gather", n.to_string())]);
    }
    let schema = ds.schema.clone();
    PgPoolOptions::new()
        .max_connections(pool_size)
        .acquire_timeout(ds.connect_timeout)
        .after_connect(move |conn, _| {
            let schema = schema.clone();
            Box::pin(async move {
                if let Some(schema) = schema {
                    sqlx::query("SELECT set_config('search_path', $1, false)")
                        .bind(schema)
                        .execute(conn)
                        .await?;
                }
                Ok(())
            })
        })
        .connect_with(opts)
        .await
}

/// Decodes one column of a row by its PostgreSQL type.
fn value(row: &PgRow, i: usize) -> Value {
    match row.try_get_raw(i) {
        Ok(raw) if raw.is_null() => return Value::Null,
        Err(_) => return Value::Null,
        _ => {}
    }
    let ty = row.column(i).type_info().name().to_string();
    let decoded = match ty.as_str() {
        "INT2" => row.try_get::<i16, _>(i).map(|v| Value::Int(v.into())),
        "INT4" => row.try_get::<i32, _>(i).map(|v| Value::Int(v.into())),
        "INT8" => row.try_get::<i64, _>(i).map(Value::Int),
        // Python receives float4 as its shortest decimal text; match that.
        "FLOAT4" => row
            .try_get::<f32, _>(i)
            .map(|v| Value::Float(v.to_string().parse().unwrap_or(f64::from(v)))),
        "FLOAT8" => row.try_get::<f64, _>(i).map(Value::Float),
        "NUMERIC" => row
            .try_get::<sqlx::types::BigDecimal, _>(i)
            .map(|v| Value::Float(v.to_string().parse().unwrap_or(f64::NAN))),
        "BOOL" => row.try_get::<bool, _>(i).map(Value::Bool),
        "DATE" => row.try_get::<chrono::NaiveDate, _>(i).map(Value::Date),
        "TIME" => row.try_get::<chrono::NaiveTime, _>(i).map(Value::Time),
        "TIMESTAMP" => row
            .try_get::<chrono::NaiveDateTime, _>(i)
            .map(Value::DateTime),
        "TIMESTAMPTZ" => row
            .try_get::<chrono::DateTime<chrono::Utc>, _>(i)
            .map(|v| Value::DateTimeTz(v.fixed_offset())),
        _ => row.try_get::<String, _>(i).map(Value::Text),
    };
    decoded.unwrap_or_else(|_| Value::Text(format!("<{ty} value>")))
}
