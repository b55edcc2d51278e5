//! Row estimates of a data source's tables, for engines that cannot spread one query over
//! several cores (MySQL and MariaDB run each query on one thread). There the aggregation
//! query of a big table is split in two that run at once: each reads the table, but the
//! expressions, which cost more than the read, are shared between two cores. Measured on
//! 5 million rows of MariaDB with a duplicate count beside it: 4.6-4.7 s against 5.8 s.
//!
//! The estimates come from the catalogue (`information_schema.tables.table_rows`), read once
//! per data source and scan by the first aggregation that asks.

use super::Connection;
use crate::measure::{Executed, Value};
use std::collections::HashMap;
use tokio::sync::OnceCell;

/// From this many estimated rows on, an aggregation query is split.
pub const SPLIT_FROM_ROWS: u64 = 1_000_000;

/// The row estimates of one data source's tables, by lower-case name.
#[derive(Default)]
pub struct TableSizes {
    rows: OnceCell<HashMap<String, u64>>,
}

impl TableSizes {
    /// The estimated rows of `table`, and the lookup when this call ran it.
    pub async fn rows(&self, conn: &Connection, table: &str) -> (Option<u64>, Option<Executed>) {
        let mut executed = None;
        let sizes = self
            .rows
            .get_or_init(|| async {
                let (sizes, run) = read_sizes(conn).await;
                executed = run;
                sizes
            })
            .await;
        let name = crate::measure::unquoted_table(table).to_lowercase();
        (sizes.get(&name).copied(), executed)
    }
}

/// Reads the estimates; a failed lookup means none (the queries then run whole).
async fn read_sizes(conn: &Connection) -> (HashMap<String, u64>, Option<Executed>) {
    let Some(sql) = conn
        .dialect()
        .table_sizes_query(conn.schema.as_deref(), conn.database.as_deref())
    else {
        return (HashMap::new(), None);
    };
    let (rows, executed) = conn.lookup("table_sizes".into(), sql, None).await;
    let sizes = rows.map(|rows| by_name(&rows)).unwrap_or_default();
    (sizes, Some(executed))
}

fn by_name(rows: &[Vec<Value>]) -> HashMap<String, u64> {
    rows.iter()
        .filter_map(|r| match (r.first(), r.get(1)) {
            (Some(Value::Text(name)), Some(Value::Int(n))) if *n >= 0 => {
                Some((name.to_lowercase(), *n as u64))
            }
            _ => None,
        })
        .collect()
}

/// Splits `items` in two parts of about the same `weight`, each in its original order.
pub fn halves<T: Copy>(items: &[T], weight: impl Fn(T) -> usize) -> [Vec<T>; 2] {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(weight(items[i])));
    let mut parts: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
    let mut loads = [0usize; 2];
    for i in order {
        let lighter = usize::from(loads[1] < loads[0]);
        loads[lighter] += weight(items[i]);
        parts[lighter].push(i);
    }
    parts.map(|mut p| {
        p.sort_unstable();
        p.into_iter().map(|i| items[i]).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_balance_the_weights_and_keep_the_order() {
        let [a, b] = halves(&[1, 9, 2, 3, 4], |w| w);
        assert_eq!((a, b), (vec![1, 9], vec![2, 3, 4]));
        let [a, b] = halves(&[5, 5, 5, 5], |w| w);
        assert_eq!((a.len(), b.len()), (2, 2));
        let [a, b] = halves(&[7], |w| w);
        assert_eq!((a, b), (vec![7], vec![]));
    }

    #[test]
    fn estimates_are_read_by_lower_case_name() {
        let rows = vec![
            vec![Value::Text("Orders".into()), Value::Int(5_000_000)],
            vec![Value::Text("empty".into()), Value::Null],
        ];
        let sizes = by_name(&rows);
        assert_eq!(sizes.get("orders"), Some(&5_000_000));
        assert_eq!(sizes.get("empty"), None);
    }
}
