//! SQLite: read-only connection with a REGEXP function, and decoding by storage class.

use super::dialect::{Dialect, Post};
use super::driver::{Driver, PooledDriver};
use super::formats::RegexFlavor;
use crate::config::{DataSource, Engine as EngineConfig};
use crate::measure::Value;
use crate::plan::Aggregate;
use libsqlite3_sys as ffi;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions, SqliteRow};
use sqlx::{Row, TypeInfo, ValueRef};
use std::sync::Arc;

pub struct Sqlite;

impl Dialect for Sqlite {
    fn regex_flavor(&self) -> RegexFlavor {
        RegexFlavor::Sqlite
    }

    fn quoting(&self) -> super::guard::Quoting {
        super::guard::Quoting {
            bracket_identifiers: true,
            ..super::guard::Quoting::default()
        }
    }

    fn regex_match(&self, expr: &str, pattern: &str) -> String {
        format!(
            "CAST({expr} AS TEXT) REGEXP {}",
            self.string_literal(pattern)
        )
    }

    fn schema_query(&self, table: &str, _schema: Option<&str>, _database: Option<&str>) -> String {
        let t = crate::measure::unquoted_table(table);
        format!(
            "SELECT name, lower(type), CASE WHEN \"notnull\" = 1 THEN 'NO' ELSE 'YES' END FROM pragma_table_info({}) ORDER BY cid",
            self.string_literal(&t)
        )
    }

    // The primary key from the table's columns (an INTEGER PRIMARY KEY has no index), the
    // unique constraints and indexes from the index list.
    fn unique_keys_query(
        &self,
        table: &str,
        _schema: Option<&str>,
        _database: Option<&str>,
    ) -> Option<String> {
        let t = self.string_literal(&crate::measure::unquoted_table(table));
        Some(format!(
            "SELECT 'primary key', name FROM pragma_table_info({t}) WHERE pk > 0 \nUNION ALL \nSELECT il.name, ii.name FROM pragma_index_list({t}) il, pragma_index_info(il.name) ii \nWHERE il.\"unique\" = 1 AND il.partial = 0"
        ))
    }

    fn table_discovery(&self, name_filter: &str, _schema: Option<&str>) -> String {
        format!("SELECT name FROM sqlite_master \nWHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'\n  AND ({name_filter})")
    }

    // SQLite has no REGEXP_REPLACE: `soda_numeric` (registered on connect) does the same.
    fn numeric_cast(&self, expr: &str) -> String {
        format!("soda_numeric({expr})")
    }

    // No statistical aggregates in SQLite: sum the squared deviations from the mean (taken
    // in a subquery, so large values keep their precision), and take the square root of
    // the variance (for standard deviations) in Rust.
    fn statistic(&self, agg: Aggregate, expr: &str, from: &str) -> (String, Post) {
        let x = format!("CAST({expr} AS REAL)");
        let n = format!("COUNT({expr})");
        let mean = format!("(SELECT AVG({x}) FROM {from})");
        let ss = format!("SUM(({x} - {mean}) * ({x} - {mean}))");
        let (denominator, post) = match agg {
            Aggregate::StddevPop => (n.clone(), Post::Sqrt),
            Aggregate::VarPop => (n.clone(), Post::None),
            Aggregate::Stddev | Aggregate::StddevSamp => (format!("({n} - 1)"), Post::Sqrt),
            _ => (format!("({n} - 1)"), Post::None),
        };
        (
            format!("(CASE WHEN {denominator} > 0 THEN {ss} / {denominator} END)"),
            post,
        )
    }
}

/// Opens the data source as a driver.
pub async fn open(ds: &DataSource, pool_size: u32) -> Result<Arc<dyn Driver>, sqlx::Error> {
    Ok(Arc::new(PooledDriver {
        pool: connect(ds, pool_size).await?,
        dialect: &Sqlite,
        begin_read_only: None,
        decode: value,
        idle: Some(Default::default()),
    }))
}

/// Opens the database file read-only, with `query_only` as a second guard.
async fn connect(ds: &DataSource, pool_size: u32) -> Result<SqlitePool, sqlx::Error> {
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
        .after_connect(|conn, _| {
            Box::pin(async move {
                let mut handle = conn.lock_handle().await?;
                register_numeric(handle.as_raw_handle())?;
                forbid_all_but_reading(handle.as_raw_handle())
            })
        })
        .connect_with(opts)
        .await
}

/// `soda_numeric(x)`: Soda Core's numeric reading of text (keep `-`, digits, `.` and `,`;
/// `,` becomes `.`), as a real number, or NULL when nothing numeric is left.
unsafe extern "C" fn soda_numeric(
    ctx: *mut ffi::sqlite3_context,
    argc: std::os::raw::c_int,
    argv: *mut *mut ffi::sqlite3_value,
) {
    // SAFETY: SQLite calls this with `argc` valid values in `argv` (we registered arity 1)
    // and a text pointer valid for `sqlite3_value_bytes` bytes until the call returns.
    unsafe {
        if argc != 1 || argv.is_null() {
            ffi::sqlite3_result_null(ctx);
            return;
        }
        let value = *argv;
        if ffi::sqlite3_value_type(value) == ffi::SQLITE_NULL {
            ffi::sqlite3_result_null(ctx);
            return;
        }
        let text = ffi::sqlite3_value_text(value);
        let len = usize::try_from(ffi::sqlite3_value_bytes(value)).unwrap_or(0);
        let bytes = if text.is_null() {
            &[][..]
        } else {
            std::slice::from_raw_parts(text, len)
        };
        match numeric_text(bytes) {
            Some(f) => ffi::sqlite3_result_double(ctx, f),
            None => ffi::sqlite3_result_null(ctx),
        }
    }
}

fn numeric_text(bytes: &[u8]) -> Option<f64> {
    let kept: String = bytes
        .iter()
        .filter(|b| b.is_ascii_digit() || matches!(b, b'-' | b'.' | b','))
        .map(|&b| if b == b',' { '.' } else { char::from(b) })
        .collect();
    kept.parse::<f64>().ok()
}

/// The authorizer: reading, functions and read-only pragmas are allowed; everything else
/// (writes, ATTACH, VACUUM INTO, pragma assignments) is refused before it runs.
unsafe extern "C" fn authorize(
    _user: *mut std::os::raw::c_void,
    action: std::os::raw::c_int,
    arg1: *const std::os::raw::c_char,
    arg2: *const std::os::raw::c_char,
    _database: *const std::os::raw::c_char,
    _trigger: *const std::os::raw::c_char,
) -> std::os::raw::c_int {
    match action {
        ffi::SQLITE_SELECT | ffi::SQLITE_READ | ffi::SQLITE_FUNCTION | ffi::SQLITE_RECURSIVE => {
            ffi::SQLITE_OK
        }
        ffi::SQLITE_PRAGMA => {
            // SAFETY: SQLite passes NUL-terminated strings (or NULL) valid for this call.
            let name = if arg1.is_null() {
                String::new()
            } else {
                unsafe { std::ffi::CStr::from_ptr(arg1) }
                    .to_string_lossy()
                    .to_lowercase()
            };
            // Reading a pragma (no argument) and the table_info family are reads.
            if arg2.is_null()
                || matches!(
                    name.as_str(),
                    "table_info" | "table_xinfo" | "index_list" | "index_info"
                )
            {
                ffi::SQLITE_OK
            } else {
                ffi::SQLITE_DENY
            }
        }
        _ => ffi::SQLITE_DENY,
    }
}

fn forbid_all_but_reading(db: std::ptr::NonNull<ffi::sqlite3>) -> Result<(), sqlx::Error> {
    // SAFETY: `db` is the locked handle of an open connection; the callback has no user data.
    let rc =
        unsafe { ffi::sqlite3_set_authorizer(db.as_ptr(), Some(authorize), std::ptr::null_mut()) };
    if rc == ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(sqlx::Error::Configuration(
            "could not install the read-only authorizer on the SQLite connection".into(),
        ))
    }
}

fn register_numeric(db: std::ptr::NonNull<ffi::sqlite3>) -> Result<(), sqlx::Error> {
    // SAFETY: `db` is the locked handle of an open connection; the name is a C string that
    // outlives the call and the function has no user data to free.
    let rc = unsafe {
        ffi::sqlite3_create_function_v2(
            db.as_ptr(),
            c"soda_numeric".as_ptr(),
            1,
            ffi::SQLITE_UTF8 | ffi::SQLITE_DETERMINISTIC,
            std::ptr::null_mut(),
            Some(soda_numeric),
            None,
            None,
            None,
        )
    };
    if rc == ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(sqlx::Error::Configuration(
            "could not register soda_numeric on the SQLite connection".into(),
        ))
    }
}

/// Decodes one column by the storage class of its value.
fn value(row: &SqliteRow, i: usize) -> Value {
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

#[cfg(test)]
mod tests {
    use super::numeric_text;

    #[test]
    fn numeric_text_reads_like_soda() {
        assert_eq!(numeric_text(b"- 28,42 %"), Some(-28.42));
        assert_eq!(numeric_text(b"+22,75 %"), Some(22.75));
        assert_eq!(numeric_text(b"12.50 EUR"), Some(12.5));
        assert_eq!(numeric_text(b"error"), None);
    }
}
