//! Failed-row samples: the rows behind a warned or failed check, collected after evaluation
//! so that passing checks cost no extra query (Soda Core samples every positive count).

use super::dialect::{self, ReferenceSelect, RowsQuery};
use super::Connection;
use crate::measure::{Executed, Measurements as Outcome, Rows};
use crate::measure::{Sample, SampleSource};
use crate::plan::{MetricKind, Plan};
use crate::sodacl::model::ChecksModel;
use crate::template::Vars;
use std::time::{Duration, Instant};

/// Collects one check's sample. Returns the sample and the query that was run, if any.
#[allow(clippy::too_many_arguments)]
pub fn collect(
    rt: &tokio::runtime::Runtime,
    conn: &Connection,
    model: &ChecksModel,
    plan: &Plan,
    outcome: &Outcome,
    vars: &Vars,
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
        let mut rows: Rows = outcome.rows.get(id)?.clone()?;
        rows.rows.truncate(limit);
        return Some((
            Sample {
                query_name: String::new(),
                rows,
                total,
                plain_file: true,
                file_id: None,
            },
            None,
        ));
    }
    let schema = conn.schema.as_deref();
    let partition_where = model
        .partition_where(&m.dataset)
        .map(|w| vars.render(w).text);
    let pw = partition_where.as_deref();
    let column = m
        .column
        .as_ref()
        .map(|c| format!(".{c}"))
        .unwrap_or_default();
    let prefix = format!(
        "{}.{}.{}{}",
        number,
        plan.data_source,
        m.dataset.table,
        m.dataset
            .partition
            .as_ref()
            .map(|p| format!("[{p}]"))
            .unwrap_or_default()
    );
    let d = conn.dialect();
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
    let extra_sql: Vec<(String, String)> = match extra.as_slice() {
        [Some(failing), Some(passing)] => vec![
            (format!("{name}.failing_sql"), failing.clone()),
            (format!("{name}.passing_sql"), passing.clone()),
        ],
        _ => Vec::new(),
    };
    *number += 1;
    let start = Instant::now();
    let result = rt.block_on(conn.fetch_rows(&sql, limit));
    let duration: Duration = start.elapsed();
    let mut executed = Executed {
        name: name.clone(),
        sql,
        error: None,
        duration,
        dataset: Some(m.dataset.clone()),
        column: m.column.clone(),
        extra_sql,
        data_source: None,
    };
    match result {
        Ok(rows) => Some((
            Sample {
                query_name: name,
                rows,
                total,
                plain_file: matches!(source, SampleSource::Condition(_)),
                file_id: None,
            },
            Some(executed),
        )),
        Err(e) => {
            executed.error = Some(e);
            Some((
                Sample {
                    query_name: name,
                    total,
                    ..Sample::default()
                },
                Some(executed),
            ))
        }
    }
}
