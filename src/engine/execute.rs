//! Running a plan: every query concurrently (over the pools of [`Connections`]), a failing
//! aggregation query retried item by item so that only the failing metrics stay unset, and
//! the values and rows collected by metric id, with a record of every executed statement.

use super::dialect::{self, Post, ReferenceSelect, RenderedQuery};
use super::unique::UniqueKeys;
use super::{Connection, Connections};
use crate::measure::progress::Progress;
use crate::measure::{EngineError, Executed, Measurements, Rows, Shortcut, Value, MAX_KEPT_ROWS};
use crate::plan::{Metric, MetricKind, Plan, Query, QueryKind};
use std::time::{Duration, Instant};

/// What running one planned query produced.
#[derive(Default)]
struct QueryRun {
    executed: Vec<Executed>,
    /// Queries that were not needed, and why.
    shortcuts: Vec<Shortcut>,
    values: Vec<(usize, Value)>,
    rows: Vec<(usize, Rows)>,
}

impl QueryRun {
    /// Records one executed statement of query `q`.
    fn record(
        &mut self,
        q: &Query,
        name: String,
        sql: &str,
        result: Result<(), EngineError>,
        took: Duration,
    ) {
        let on = (Some(q.dataset.clone()), q.column.clone());
        self.executed.push(Executed {
            data_source: q.data_source.clone(),
            ..Executed::new(name, sql.to_string(), on, result, took)
        });
    }
}

/// Runs every query of the plan, concurrently, and collects the metric values; `progress`
/// follows which queries run and how many are done.
pub async fn execute(conns: &Connections, plan: &Plan, progress: &Progress) -> Measurements {
    let mut out = Measurements::empty(plan.metrics.len());
    let keys = UniqueKeys::default();
    let mut runs = Vec::new();
    progress.begin(plan.queries.len());
    for q in &plan.queries {
        match conns.get(&q.data_source) {
            Ok(conn) => runs.push(observed(progress, &q.name, run_one(conn, plan, q, &keys))),
            Err(e) => {
                let mut failed = QueryRun::default();
                failed.record(q, q.name.clone(), "", Err(e), Duration::ZERO);
                out.executed.append(&mut failed.executed);
                progress.finish(&q.name);
            }
        }
    }
    // Joined in plan order, so reports list queries in that order whatever finished first.
    for run in futures_util::future::join_all(runs).await {
        for (id, v) in run.values {
            if let Some(slot) = out.values.get_mut(id) {
                *slot = Some(v);
            }
        }
        for (id, r) in run.rows {
            if let Some(slot) = out.rows.get_mut(id) {
                *slot = Some(r);
            }
        }
        out.executed.extend(run.executed);
        out.shortcuts.extend(run.shortcuts);
    }
    out
}

/// Runs `query`, telling `progress` when it starts and ends.
async fn observed<T>(
    progress: &Progress,
    name: &str,
    query: impl std::future::Future<Output = T>,
) -> T {
    progress.start(name);
    let out = query.await;
    progress.finish(name);
    out
}

async fn run_one(conn: Connection, plan: &Plan, q: &Query, keys: &UniqueKeys) -> QueryRun {
    let mut run = QueryRun::default();
    match &q.kind {
        QueryKind::Aggregate { items } => run_aggregate(&conn, plan, q, items, &mut run).await,
        QueryKind::Duplicate { metric } => {
            if answered_by_a_key(&conn, plan, q, *metric, keys, &mut run).await {
                return run;
            }
            let rendered =
                dialect::render_duplicate(conn.dialect(), plan, q, conn.schema.as_deref());
            let settings = duplicate_settings(&conn, plan, q, &mut run).await;
            let (result, took) =
                timed(conn.fetch_rows_with(settings, &rendered.sql, usize::MAX)).await;
            let result = result.map(|rows| {
                run.values
                    .push((*metric, first_value(rows.rows).unwrap_or(Value::Int(0))));
            });
            run.record(q, q.name.clone(), &rendered.sql, result, took);
        }
        QueryKind::Own { metric } => run_own(&conn, &plan.metrics[*metric], q, &mut run).await,
    }
    run
}

async fn timed<T>(f: impl std::future::Future<Output = T>) -> (T, Duration) {
    let start = Instant::now();
    let out = f.await;
    (out, start.elapsed())
}

fn first_value(rows: Vec<Vec<Value>>) -> Option<Value> {
    rows.into_iter().next().and_then(|r| r.into_iter().next())
}

/// Applies the Rust-side step a dialect asked for to a value the SQL returned.
pub(crate) fn apply(post: Post, v: Value) -> Value {
    match (post, &v) {
        (Post::Sqrt, Value::Float(f)) => Value::Float(f.sqrt()),
        (Post::Sqrt, Value::Int(i)) => Value::Float((*i as f64).sqrt()),
        _ => v,
    }
}

/// One aggregation query for all items, or, on a big table of an engine that runs a query on
/// one core, several parts at once (see [`super::sizes`]).
async fn run_aggregate(
    conn: &Connection,
    plan: &Plan,
    q: &Query,
    items: &[usize],
    run: &mut QueryRun,
) {
    let (rows, lookup) = if items.len() > 1 && conn.split > 1 {
        conn.sizes.rows(conn, &q.dataset.table).await
    } else {
        (None, None)
    };
    if let Some(e) = lookup {
        run.executed.push(Executed {
            data_source: q.data_source.clone(),
            ..e
        });
    }
    if rows.is_none_or(|n| n < super::sizes::SPLIT_FROM_ROWS) {
        return run_aggregate_part(conn, plan, q, items, q.name.clone(), run).await;
    }
    let schema = conn.schema.as_deref();
    let weight = |id: usize| {
        dialect::render_aggregate(conn.dialect(), plan, q, &[id], schema)
            .sql
            .len()
    };
    let parts = super::sizes::balanced_parts(items, conn.split, weight);
    let parts = parts.iter().enumerate().map(|(i, part)| async move {
        let mut part_run = QueryRun::default();
        let name = format!("{}.part[{i}]", q.name);
        run_aggregate_part(conn, plan, q, part, name, &mut part_run).await;
        part_run
    });
    for part in futures_util::future::join_all(parts).await {
        run.values.extend(part.values);
        run.executed.extend(part.executed);
    }
}

/// One aggregation query for `items`; when it fails, each item alone, so one bad column or
/// expression errors only the checks that use it (Soda Core loses them all: soda-core#629).
async fn run_aggregate_part(
    conn: &Connection,
    plan: &Plan,
    q: &Query,
    items: &[usize],
    name: String,
    run: &mut QueryRun,
) {
    if items.is_empty() {
        return;
    }
    let schema = conn.schema.as_deref();
    let rendered = dialect::render_aggregate(conn.dialect(), plan, q, items, schema);
    let (result, took) = timed(conn.fetch(&rendered.sql)).await;
    let failed = result.is_err();
    let result = result.map(|rows| {
        let row = rows.into_iter().next().unwrap_or_default();
        for (i, id) in items.iter().enumerate() {
            let v = row.get(i).cloned().unwrap_or(Value::Null);
            let post = rendered.posts.get(i).copied().unwrap_or(Post::None);
            run.values.push((*id, apply(post, v)));
        }
    });
    run.record(q, name.clone(), &rendered.sql, result, took);
    if !failed || items.len() < 2 {
        return;
    }
    for (i, id) in items.iter().enumerate() {
        let single = dialect::render_aggregate(conn.dialect(), plan, q, &[*id], schema);
        let (result, took) = timed(conn.fetch(&single.sql)).await;
        let result = result.map(|rows| {
            let v = first_value(rows).unwrap_or(Value::Null);
            run.values.push((*id, apply(single.posts[0], v)));
        });
        run.record(
            q,
            format!("{name}.isolated[{i}]"),
            &single.sql,
            result,
            took,
        );
    }
}

/// A duplicate count that a unique key of the table makes 0: set without its query, and
/// recorded as a [`Shortcut`].
async fn answered_by_a_key(
    conn: &Connection,
    plan: &Plan,
    q: &Query,
    metric: usize,
    keys: &UniqueKeys,
    run: &mut QueryRun,
) -> bool {
    let MetricKind::DuplicateCount(columns) = &plan.metrics[metric].kind else {
        return false;
    };
    let found = keys.covering(conn, &q.dataset.table, columns).await;
    if let Some(e) = found.executed {
        run.executed.push(Executed {
            data_source: q.data_source.clone(),
            ..e
        });
    }
    let Some(key) = found.key else {
        return false;
    };
    run.values.push((metric, Value::Int(0)));
    run.shortcuts.push(Shortcut {
        metric,
        query: q.name.clone(),
        table: crate::measure::unquoted_table(&q.dataset.table),
        columns: columns.clone(),
        key: key.name,
        key_columns: key.columns,
    });
    true
}

/// The settings of a duplicate query: the engine's fastest exact plan for the number of
/// groups its planner expects. Without an estimate (the engine gives none, or asking
/// failed, in which case the count itself reports the problem) the engine's own plan runs.
async fn duplicate_settings(
    conn: &Connection,
    plan: &Plan,
    q: &Query,
    run: &mut QueryRun,
) -> &'static [&'static str] {
    let dialect = conn.dialect();
    let Some(explain) = dialect::duplicate_groups(dialect, plan, q, conn.schema.as_deref())
        .and_then(|groups| dialect.group_estimate(&groups))
    else {
        return &[];
    };
    let (result, took) = timed(conn.fetch(&explain)).await;
    let Ok(rows) = result else {
        return &[];
    };
    let groups = rows.first().and_then(|r| r.first()).and_then(|v| match v {
        Value::Text(line) => planned_rows(line),
        _ => None,
    });
    run.record(q, format!("{}.estimate", q.name), &explain, Ok(()), took);
    groups.map_or(&[], |g| dialect.group_by_settings(g))
}

/// The `rows=N` of a plan line.
fn planned_rows(line: &str) -> Option<u64> {
    let digits = line.split("rows=").nth(1)?;
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    digits[..end].parse().ok()
}

/// The SQL of a metric that has a query of its own.
fn own_sql(conn: &Connection, m: &Metric, q: &Query) -> String {
    let schema = conn.schema.as_deref();
    match &m.kind {
        MetricKind::Schema => {
            conn.dialect()
                .schema_query(&m.dataset.table, schema, conn.database.as_deref())
        }
        MetricKind::Reference { .. } => dialect::render_reference(
            m,
            q.partition_where.as_deref(),
            schema,
            ReferenceSelect::Count,
        ),
        MetricKind::UserQuery(sql)
        | MetricKind::FailedRowsQuery(sql)
        | MetricKind::GroupBy(sql)
        | MetricKind::GroupEvolution(sql) => sql.clone(),
        _ => String::new(),
    }
}

async fn run_own(conn: &Connection, m: &Metric, q: &Query, run: &mut QueryRun) {
    let rendered = RenderedQuery {
        sql: own_sql(conn, m, q),
        posts: vec![],
    };
    let keep = if matches!(m.kind, MetricKind::FailedRowsQuery(_)) {
        MAX_KEPT_ROWS
    } else {
        usize::MAX
    };
    let (result, took) = timed(conn.fetch_rows(&rendered.sql, keep)).await;
    let result = result.map(|rows| {
        if let Some(v) = own_value(&m.kind, &rows) {
            run.values.push((m.id, v));
        }
        run.rows.push((m.id, rows));
    });
    run.record(q, q.name.clone(), &rendered.sql, result, took);
}

/// The value of a metric computed by its own query, from the rows it returned.
fn own_value(kind: &MetricKind, rows: &Rows) -> Option<Value> {
    let first = rows.rows.first();
    match kind {
        // No columns: the table does not exist; the metric stays unset.
        MetricKind::Schema => (!rows.rows.is_empty()).then_some(Value::Int(rows.total as i64)),
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
                Value::Text(t) => t.trim().parse::<f64>().map_or(Value::Text(t), Value::Float),
                other => other,
            }),
        _ => Some(Value::Int(rows.total as i64)),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn plan_lines_give_their_row_estimate() {
        let line = "Finalize GroupAggregate  (cost=276728.97..301668.71 rows=98440 width=12)";
        assert_eq!(super::planned_rows(line), Some(98440));
        assert_eq!(
            super::planned_rows("Result  (cost=0.00..0.01 rows=1 width=4)"),
            Some(1)
        );
        assert_eq!(super::planned_rows("Seq Scan on t"), None);
    }
}
