//! The values of a store row as they reach SQL: every present value is a bound parameter, and
//! a missing one is the literal `NULL` in the statement, never a bound NULL.
//!
//! Why: sqlx's `Any` driver gives a bound NULL a type of its own choosing, not always the
//! type of the values bound in its place (0.8 sends a NULL `f64` as a PostgreSQL `float4`).
//! PostgreSQL keeps the parameter types a connection first prepared a statement with, so a
//! statement first run with a NULL refused every later value (`incorrect binary data format
//! in bind parameter 12`). With NULLs written into the SQL text, a statement's parameters
//! always have the types of the Rust values bound to them, on both backends.
//!
//! A time is bound as its canonical text ([`super::times`]) behind a placeholder the backend
//! spells (PostgreSQL casts it to the `TIMESTAMPTZ` of the column).

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::Any;

/// One column's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Int(i64),
    Float(f64),
    /// Never holds a NUL (see `From<String>`).
    Text(String),
    /// A time in the store's canonical form (see [`Param::time`]).
    Time(String),
    /// Written as `NULL`; a float that is not finite is one too (no backend stores NaN alike).
    Null,
}

impl Param {
    /// A time, stored or received, in the store's canonical form (an unreadable one is
    /// [`super::times::UNREADABLE`]).
    pub fn time(text: &str) -> Param {
        Param::Time(super::times::canonical(text))
    }
}

impl From<i64> for Param {
    fn from(v: i64) -> Self {
        Param::Int(v)
    }
}

impl From<f64> for Param {
    fn from(v: f64) -> Self {
        if v.is_finite() {
            Param::Float(v)
        } else {
            Param::Null
        }
    }
}

/// PostgreSQL text cannot hold NUL (data can put one in a check name or a log line): both
/// backends keep U+FFFD, the replacement character, in its place, so such a scan is stored the
/// same way on either instead of failing on one.
impl From<String> for Param {
    fn from(v: String) -> Self {
        Param::Text(stored_text(v))
    }
}

/// Text as the store keeps it: a NUL becomes U+FFFD. Values a row is looked up by go through
/// here too, so they find what was written.
pub fn stored_text(v: String) -> String {
    if v.contains('\0') {
        v.replace('\0', "\u{fffd}")
    } else {
        v
    }
}

impl From<&str> for Param {
    fn from(v: &str) -> Self {
        Param::from(v.to_string())
    }
}

impl<T: Into<Param>> From<Option<T>> for Param {
    fn from(v: Option<T>) -> Self {
        v.map_or(Param::Null, Into::into)
    }
}

/// `INSERT INTO table (c, ...) VALUES (?, NULL, ...)`: a `?` for each present value (`time`
/// for a time: `?` or `CAST(? AS TIMESTAMPTZ)`), `NULL` for each missing one (placeholders
/// still in SQLite's spelling).
pub fn insert_sql(table: &str, row: &[(&str, Param)], time: &str) -> String {
    let columns: Vec<&str> = row.iter().map(|(c, _)| *c).collect();
    let values: Vec<&str> = row
        .iter()
        .map(|(_, v)| match v {
            Param::Null => "NULL",
            Param::Time(_) => time,
            _ => "?",
        })
        .collect();
    format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        columns.join(", "),
        values.join(", ")
    )
}

/// Binds the present values of `row`, in order (the `?`s of [`insert_sql`]).
pub fn bind_row<'q>(
    mut query: Query<'q, Any, AnyArguments<'q>>,
    row: Vec<(&str, Param)>,
) -> Query<'q, Any, AnyArguments<'q>> {
    for (_, value) in row {
        query = match value {
            Param::Int(v) => query.bind(v),
            Param::Float(v) => query.bind(v),
            Param::Text(v) | Param::Time(v) => query.bind(v),
            Param::Null => query,
        };
    }
    query
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_value_is_null_in_the_statement_not_a_parameter() {
        let row = [
            ("a", Param::from(1_i64)),
            ("b", Param::from(None::<f64>)),
            ("c", Param::from(Some("x"))),
            ("d", Param::from(f64::NAN)),
            ("e", Param::from(Some(2.5))),
            ("f", Param::time("2024-05-01T12:00:00+02:00")),
        ];
        assert_eq!(
            insert_sql("t", &row, "CAST(? AS TIMESTAMPTZ)"),
            "INSERT INTO t (a, b, c, d, e, f) VALUES (?, NULL, ?, NULL, ?, CAST(? AS TIMESTAMPTZ))"
        );
        assert_eq!(row[5].1, Param::Time("2024-05-01T10:00:00+00:00".into()));
        assert_eq!(row[4].1, Param::Float(2.5));
        assert_eq!(row[2].1, Param::Text("x".into()));
    }
}
