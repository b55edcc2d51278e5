//! The SQL each dialect renders for one representative plan, compared with
//! `tests/dialects/<engine>.sql` (`SODA_UPDATE_EXPECTED=1` rewrites them). No database is
//! needed: these pin the text the engines are sent, so a change to a dialect shows as a diff.

use crate::common::expect::assert_expected;
use soda::diagnostic::Logs;
use soda::engine::dialect::{self, Dialect, ReferenceSelect, RowsQuery};
use soda::plan::{MetricKind, Planner, QueryKind};
use soda::sodacl::{identity, Parser};
use soda::template::Vars;
use std::path::Path;

/// Checks that exercise every query shape: aggregates of every kind, validity settings,
/// duplicates, a partition, a reference, a schema check and a user-defined query.
const CHECKS: &str = r#"
filter orders [recent]:
  where: ordered_at > '2024-01-01'
configurations for customers:
  missing values for phone: [N/A, '-']
  valid format for email: email
checks for customers:
  - row_count between 1 and 1000
  - missing_percent(phone) < 5%
  - invalid_count(email) = 0
  - invalid_count(size) = 0:
      valid values: [S, M, 'O''Brien']
  - invalid_count(score) = 0:
      valid format: decimal
  - duplicate_count(email) = 0
  - duplicate_count(country, zip) = 0
  - avg(score) between 10 and 90
  - stddev(score) < 30
  - percentile(score, 0.95) < 99
  - max_length(name) <= 120
  - valid_count(zip) > 0:
      valid regex: '^[0-9]{4}$'
      filter: country = 'BE'
  - schema:
      fail:
        when required column missing: [id]
  - values in (country) must exist in countries (code)
checks for orders [recent]:
  - row_count > 0
  - sum(amount) > 0
  - late_ratio < 0.1:
      late_ratio query: SELECT AVG(CASE WHEN late THEN 1 ELSE 0 END) FROM orders
"#;

fn rendered(d: &dyn Dialect) -> String {
    let mut vars = Vars::default();
    let mut logs = Logs::new(false, None);
    let mut parser = Parser::new(&mut vars, &mut logs, "shop");
    parser.add_text("checks.yml", CHECKS);
    let mut model = parser.model;
    identity::assign(&mut model, "shop");
    let plan = Planner::new("scan", "shop", &vars).plan(&model, &mut logs);
    assert!(
        !logs.has_errors(),
        "the representative checks parse and plan cleanly"
    );
    let schema = Some("mart");
    let mut out = String::new();
    for q in &plan.queries {
        let sql = match &q.kind {
            QueryKind::Aggregate { items } => {
                dialect::render_aggregate(d, &plan, q, items, schema).sql
            }
            QueryKind::Duplicate { .. } => dialect::render_duplicate(d, &plan, q, schema).sql,
            QueryKind::Own { metric } => {
                let m = &plan.metrics[*metric];
                match &m.kind {
                    MetricKind::Schema => d.schema_query(&m.dataset.table, schema, Some("shop")),
                    MetricKind::Reference { .. } => dialect::render_reference(
                        m,
                        q.partition_where.as_deref(),
                        schema,
                        ReferenceSelect::Count,
                    ),
                    MetricKind::UserQuery(sql) => sql.clone(),
                    other => format!("-- {other:?}"),
                }
            }
        };
        out.push_str(&format!("-- {}\n{sql};\n\n", q.name));
    }
    for m in &plan.metrics {
        let sample = match m.kind {
            MetricKind::MissingCount | MetricKind::InvalidCount => {
                dialect::render_count_sample(d, m, None, schema, RowsQuery::Sample(100))
            }
            MetricKind::DuplicateCount(_) => {
                dialect::render_duplicate_sample(m, None, schema, RowsQuery::Sample(100))
            }
            _ => None,
        };
        if let Some(sql) = sample {
            out.push_str(&format!("-- sample of {}\n{sql};\n\n", m.identity));
        }
    }
    let discovery =
        dialect::render_table_discovery(d, &["dim_%".into()], &["dim_tmp%".into()], schema);
    out.push_str(&format!(
        "-- for each dataset\n{};\n",
        discovery.unwrap_or_default()
    ));
    out
}

fn expected(engine: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/dialects")
        .join(format!("{engine}.sql"))
}

#[test]
fn postgres() {
    assert_expected(
        &expected("postgres"),
        &rendered(&soda::engine::postgres::Postgres),
    );
}

#[test]
fn mysql() {
    assert_expected(&expected("mysql"), &rendered(&soda::engine::mysql::MySql));
}

#[test]
fn sqlite() {
    assert_expected(
        &expected("sqlite"),
        &rendered(&soda::engine::sqlite::Sqlite),
    );
}
