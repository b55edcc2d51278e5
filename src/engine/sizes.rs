//! Row estimates of a data source's tables, for engines that cannot spread one query over
//! several cores (MySQL and MariaDB run each query on one thread). There the aggregation
//! query of a big table is split into statements that run at once (two unless the data
//! source's `parallel_workers` says otherwise): each reads the table, but the expressions,
//! which cost more than the read, are shared between the cores. Measured on 5 million rows
//! of MariaDB with a duplicate count beside it: 4.6-4.7 s against 5.8 s for two parts.
//!
//! The estimates come from the catalogue (`information_schema.tables.table_rows`), read once
//! per data source and scan by the first aggregation that asks.

use super::Connection;
use crate::config::Engine;
use crate::measure::{Executed, Value};
use std::collections::HashMap;
use tokio::sync::OnceCell;

/// From this many estimated rows on, an aggregation query is split.
pub const SPLIT_FROM_ROWS: u64 = 1_000_000;

/// Statements per big aggregation when the data source does not say: the cores of the
/// smallest server worth splitting for.
const DEFAULT_SPLIT: u32 = 2;

/// How many statements a big aggregation of this engine runs as; 1 where the engine spreads
/// one query over its cores itself (PostgreSQL, Spark) or runs in the scan's process (SQLite).
pub fn split_of(engine: &Engine) -> usize {
    match engine {
        Engine::MySql {
            parallel_workers, ..
        } => parallel_workers.unwrap_or(DEFAULT_SPLIT).max(1) as usize,
        _ => 1,
    }
}

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

/// Splits `items` into at most `n` non-empty parts of about the same `weight`, each in its
/// original order: the heaviest item goes first, each to the lightest part so far.
pub fn balanced_parts<T: Copy>(items: &[T], n: usize, weight: impl Fn(T) -> usize) -> Vec<Vec<T>> {
    let n = n.clamp(1, items.len().max(1));
    // Each weight once: the caller's weight renders SQL.
    let weights: Vec<usize> = items.iter().map(|&item| weight(item)).collect();
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(weights[i]));
    let mut parts: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut loads = vec![0usize; n];
    for i in order {
        let lightest = (0..n).min_by_key(|&p| loads[p]).unwrap_or(0);
        loads[lightest] += weights[i];
        parts[lightest].push(i);
    }
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .map(|mut p| {
            p.sort_unstable();
            p.into_iter().map(|i| items[i]).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_balance_the_weights_and_keep_the_order() {
        let parts = balanced_parts(&[1, 9, 2, 3, 4], 2, |w| w);
        assert_eq!(parts, vec![vec![1, 9], vec![2, 3, 4]]);
        let parts = balanced_parts(&[5, 5, 5, 5], 2, |w| w);
        assert_eq!(parts, vec![vec![5, 5], vec![5, 5]]);
        let parts = balanced_parts(&[6, 1, 5, 2, 4, 3], 3, |w| w);
        assert_eq!(parts, vec![vec![6, 1], vec![5, 2], vec![4, 3]]);
        assert_eq!(balanced_parts(&[7], 2, |w| w), vec![vec![7]]);
        assert_eq!(balanced_parts(&[7, 8], 1, |w| w), vec![vec![7, 8]]);
        assert_eq!(balanced_parts(&[7, 8], 0, |w| w), vec![vec![7, 8]]);
        assert!(balanced_parts(&[] as &[usize], 2, |w| w).is_empty());
    }

    #[test]
    fn only_mysql_splits_and_two_ways_unless_told() {
        let mysql = |parallel_workers| Engine::MySql {
            host: "h".into(),
            port: 3306,
            username: None,
            password: None,
            database: None,
            ssl_mode: None,
            parallel_workers,
        };
        assert_eq!(split_of(&mysql(None)), 2);
        assert_eq!(split_of(&mysql(Some(4))), 4);
        assert_eq!(split_of(&mysql(Some(0))), 1);
        let sqlite = Engine::Sqlite {
            path: "x.db".into(),
        };
        assert_eq!(split_of(&sqlite), 1);
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
