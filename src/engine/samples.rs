//! Failed-row samples: the rows behind a warned or failed check, collected after evaluation
//! so that passing checks cost no extra query (Soda Core samples every positive count).

use super::dialect::{self, ReferenceSelect, RowsQuery};
use super::Connection;
use crate::measure::{Executed, Measurements as Outcome, Rows};
use crate::measure::{Sample, SampleSource};
use crate::plan::{Metric, MetricKind, Plan};
use std::time::{Duration, Instant};

/// Collects one check's sample. Returns the sample and the query that was run, if any.
pub fn collect(
    rt: &tokio::runtime::Runtime,
    conn: &Connection,
    plan: &Plan,
    outcome: &Outcome,
    source: SampleSource,
    limit: usize,
    number: &mut usize,
) -> Option<(Sample, Option<Executed>)> {
    let id = match source {
        SampleSource::Count(i)
        | SampleSource::Duplicate(i)
        | SampleSource::Reference(i)
        | SampleSource::Condition(i)
        | SampleSource::QueryRows(i) => i,
    };
    let m = plan.metrics.get(id)?;
    let total = outcome.values.get(id)?.as_ref()?.as_f64()? as usize;
    if total == 0 {
        return None;
    }
    if let SampleSource::QueryRows(_) = source {
        // The user's query already returned the rows: no second query.
        let mut rows: Rows = outcome.rows.get(id)?.clone()?;
        rows.rows.truncate(limit);
        let sample = Sample {
            query_name: String::new(),
            rows,
            total,
            plain_file: true,
            file_id: None,
        };
        return Some((sample, None));
    }
    let target = Target {
        conn,
        metric: m,
        partition_where: plan.partition_where(&m.dataset),
        prefix: query_prefix(plan, m, *number),
        limit,
    };
    let query = sample_query(&target, source)?;
    *number += 1;
    let plain_file = matches!(source, SampleSource::Condition(_));
    Some(run(rt, &target, query, total, plain_file))
}

/// What a sample query is about: the metric, its dataset partition and the row limit.
struct Target<'a> {
    conn: &'a Connection,
    metric: &'a Metric,
    partition_where: Option<&'a str>,
    /// `{number}.{data source}.{table}[{partition}]`, the start of the query name.
    prefix: String,
    limit: usize,
}

/// A rendered sample query, with the failing/passing queries Soda Core reports beside it.
struct SampleQuery {
    name: String,
    sql: String,
    extra_sql: Vec<(String, String)>,
}

fn query_prefix(plan: &Plan, m: &Metric, number: usize) -> String {
    format!(
        "{}.{}.{}{}",
        number,
        plan.data_source,
        m.dataset.table,
        m.dataset
            .partition
            .as_ref()
            .map(|p| format!("[{p}]"))
            .unwrap_or_default()
    )
}

/// The query for one kind of sample; `None` when the dialect cannot render it.
fn sample_query(t: &Target, source: SampleSource) -> Option<SampleQuery> {
    let (m, pw, limit) = (t.metric, t.partition_where, t.limit);
    let schema = t.conn.schema.as_deref();
    let prefix = &t.prefix;
    let column = m
        .column
        .as_ref()
        .map(|c| format!(".{c}"))
        .unwrap_or_default();
    let d = t.conn.dialect();
    let (name, sql, extra) = match source {
        SampleSource::Count(_) => {
            let kind = if m.kind == MetricKind::MissingCount {
                "missing_count"
            } else {
                "invalid_count"
            };
            let q = |w| dialect::render_count_sample(d, m, pw, schema, w);
            (
                format!("{prefix}{column}.failed_rows[{kind}]"),
                q(RowsQuery::Sample(limit))?,
                vec![q(RowsQuery::Failing), q(RowsQuery::Passing)],
            )
        }
        SampleSource::Duplicate(_) => {
            let q = |w| dialect::render_duplicate_sample(m, pw, schema, w);
            (
                format!("{prefix}{column}.failed_rows[duplicate_count]"),
                q(RowsQuery::Sample(limit))?,
                vec![q(RowsQuery::Failing), q(RowsQuery::Passing)],
            )
        }
        SampleSource::Reference(_) => {
            let q = |w| Some(dialect::render_reference(m, pw, schema, w));
            (
                format!("{prefix}{column}.failed_rows[reference]"),
                dialect::render_reference(m, pw, schema, ReferenceSelect::Rows(limit)),
                vec![q(ReferenceSelect::Failing), q(ReferenceSelect::Passing)],
            )
        }
        SampleSource::Condition(_) => (
            format!("{prefix}.user_defined_failed_rows_expression_query[failed rows]"),
            dialect::render_condition_sample(m, pw, schema, limit)?,
            Vec::new(),
        ),
        SampleSource::QueryRows(_) => return None,
    };
    let extra_sql = match extra.as_slice() {
        [Some(failing), Some(passing)] => vec![
            (format!("{name}.failing_sql"), failing.clone()),
            (format!("{name}.passing_sql"), passing.clone()),
        ],
        _ => Vec::new(),
    };
    Some(SampleQuery {
        name,
        sql,
        extra_sql,
    })
}

/// Runs the sample query. A failed query still gives a sample (empty), so the check keeps
/// its reference line, and the error travels with the executed query.
fn run(
    rt: &tokio::runtime::Runtime,
    t: &Target,
    query: SampleQuery,
    total: usize,
    plain_file: bool,
) -> (Sample, Option<Executed>) {
    let SampleQuery {
        name,
        sql,
        extra_sql,
    } = query;
    let start = Instant::now();
    let result = rt.block_on(t.conn.fetch_rows(&sql, t.limit));
    let duration: Duration = start.elapsed();
    let on = (Some(t.metric.dataset.clone()), t.metric.column.clone());
    let mut executed = Executed {
        extra_sql,
        ..Executed::new(name.clone(), sql, on, Ok(()), duration)
    };
    match result {
        Ok(rows) => (
            Sample {
                query_name: name,
                rows,
                total,
                plain_file,
                file_id: None,
            },
            Some(executed),
        ),
        Err(e) => {
            executed.error = Some(e);
            (
                Sample {
                    query_name: name,
                    total,
                    ..Sample::default()
                },
                Some(executed),
            )
        }
    }
}
