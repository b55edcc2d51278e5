//! Duplicate counts the catalogue already answers: when a primary key or unique constraint
//! covers some of the checked columns, no two rows with all those columns set can repeat them,
//! so `duplicate_count` is 0 without scanning the table (the duplicate query only counts rows
//! where every checked column is NOT NULL). On a big table this replaces the most expensive
//! query of a scan (a GROUP BY over every row) with one catalogue lookup.
//!
//! The keys of a table are read once per scan, by the first duplicate query of that table;
//! the others wait for that answer. Keys with expressions or partial predicates are not
//! keys of the columns and are not reported by the dialects' queries.

use super::Connection;
use crate::measure::{Executed, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;

/// A unique key of a table: its name in the catalogue and its columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub name: String,
    pub columns: Vec<String>,
}

/// The keys of the tables a scan has asked about, read at most once per table.
#[derive(Default)]
pub struct UniqueKeys {
    tables: Mutex<HashMap<String, Arc<OnceCell<Vec<Key>>>>>,
}

/// What the lookup ran (the first time for a table) and the key that covers the columns.
pub struct Covering {
    pub key: Option<Key>,
    pub executed: Option<Executed>,
}

impl UniqueKeys {
    /// The key among `table`'s that covers a subset of `columns`, if any.
    pub async fn covering(&self, conn: &Connection, table: &str, columns: &[String]) -> Covering {
        let cell = match self.tables.lock() {
            Ok(mut tables) => tables.entry(table.to_string()).or_default().clone(),
            Err(_) => {
                return Covering {
                    key: None,
                    executed: None,
                }
            }
        };
        let mut executed = None;
        let keys = cell
            .get_or_init(|| async {
                let (keys, run) = read_keys(conn, table).await;
                executed = run;
                keys
            })
            .await;
        let key = keys.iter().find(|k| covers(k, columns)).cloned();
        Covering { key, executed }
    }
}

/// Reads the keys; a failed lookup means no keys (the duplicate query then runs as usual).
async fn read_keys(conn: &Connection, table: &str) -> (Vec<Key>, Option<Executed>) {
    let schema = conn.schema.as_deref();
    let Some(sql) = conn
        .dialect()
        .unique_keys_query(table, schema, conn.database.as_deref())
    else {
        return (Vec::new(), None);
    };
    let name = format!("{}.unique_keys", crate::measure::unquoted_table(table));
    let (rows, executed) = conn.lookup(name, sql, Some(table)).await;
    let keys = rows.map(|rows| group(&rows)).unwrap_or_default();
    (keys, Some(executed))
}

/// Rows of (key name, column name) into keys; a key with an unnamed part is dropped.
fn group(rows: &[Vec<Value>]) -> Vec<Key> {
    let mut keys: Vec<Key> = Vec::new();
    let mut broken: Vec<String> = Vec::new();
    for row in rows {
        let name = text(row.first());
        match (name, text(row.get(1))) {
            (Some(name), Some(column)) => match keys.iter_mut().find(|k| k.name == name) {
                Some(k) => k.columns.push(column),
                None => keys.push(Key {
                    name,
                    columns: vec![column],
                }),
            },
            (Some(name), None) => broken.push(name),
            _ => {}
        }
    }
    keys.retain(|k| !broken.contains(&k.name));
    keys
}

fn text(v: Option<&Value>) -> Option<String> {
    match v {
        Some(Value::Text(t)) if !t.is_empty() => Some(t.clone()),
        _ => None,
    }
}

/// Every column of the key is among the checked ones. Checked columns are compared as the
/// engine resolves them: unquoted names case-insensitively, quoted ones exactly.
fn covers(key: &Key, columns: &[String]) -> bool {
    key.columns.iter().all(|kc| {
        columns.iter().any(|c| {
            let c = c.trim();
            let quoted = crate::measure::unquoted_table(c);
            if quoted.len() != c.len() {
                quoted == *kc
            } else {
                c.eq_ignore_ascii_case(kc)
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str, cols: &[&str]) -> Key {
        Key {
            name: name.into(),
            columns: cols.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn a_key_covers_the_checked_columns_that_include_it() {
        let cols = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(covers(&key("pk", &["id"]), &cols(&["ID"])));
        assert!(covers(&key("pk", &["id"]), &cols(&["email", "id"])));
        assert!(!covers(&key("u", &["a", "b"]), &cols(&["a"])));
        assert!(covers(&key("u", &["Email"]), &cols(&["\"Email\""])));
        assert!(!covers(&key("u", &["Email"]), &cols(&["\"email\""])));
        assert!(!covers(&key("pk", &["id"]), &cols(&["lower(id)"])));
    }

    #[test]
    fn keys_with_an_expression_part_are_dropped() {
        let t = |s: &str| Value::Text(s.into());
        let rows = vec![
            vec![t("pk"), t("id")],
            vec![t("u_expr"), t("a")],
            vec![t("u_expr"), Value::Null],
            vec![t("u2"), t("a")],
            vec![t("u2"), t("b")],
        ];
        assert_eq!(group(&rows), [key("pk", &["id"]), key("u2", &["a", "b"])]);
    }
}
