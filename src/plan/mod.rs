//! Planning: checks → metrics → as few queries as possible (dialect-neutral).
//!
//! Each check asks for the metrics it needs. Metrics are shared between checks when they are
//! the same measurement (deduplicated on a full structural key, while each keeps its Soda
//! Core identity string for the results document). All aggregate metrics of one dataset and
//! partition go into one aggregation query (one pass over the table, up to 50 items per query
//! as in Soda Core); duplicate counts get a query each; percentages are derived afterwards
//! without SQL. The plan is plain data: rendering SQL is the engine's job.
//!
//! The plan is all the engine sees of the checks files: besides the queries it carries the
//! rendered partitions the failed-row samples select from and the data-source sections
//! (`profile columns`, `discover datasets`, `sample datasets`), so the engine needs no part of
//! the checks language.

use crate::diagnostic::Logs;
use crate::measure::metric::Validity;
use crate::measure::Patterns;
use crate::sodacl::formats;
use crate::sodacl::identity::{self, MetricParts};
use crate::sodacl::line::Arg;
use crate::sodacl::model::{
    Check, CheckKind, ChecksModel, Dataset, MetricCheck, MetricName, ReferenceCheck,
};
use crate::template::Vars;
use std::collections::HashMap;

pub use crate::measure::metric::Aggregate;
/// The regex the checks language defines behind each format name: the engine renders it,
/// rewritten for its own regex flavour, and so needs no checks-language module of its own.
pub use crate::sodacl::formats::{all_format_names, format_pattern};
pub use crate::sodacl::model::PercentOf;

/// What a metric measures.
#[derive(Debug, Clone, PartialEq)]
pub enum MetricKind {
    RowCount,
    MissingCount,
    InvalidCount,
    ValidCount,
    Aggregate(Aggregate),
    /// `PERCENTILE_DISC(fraction)`.
    Percentile(f64),
    /// `<metric> expression: SQL`.
    Expression(String),
    /// Number of value combinations of these columns that occur more than once.
    DuplicateCount(Vec<String>),
    /// `round(count * 100 / row_count, 2)` of two other metrics (`deps`).
    Percent(PercentOf),
    /// The table's columns and types (schema checks).
    Schema,
    /// Rows of the source breaking a reference rule.
    Reference {
        source: Vec<String>,
        target_table: String,
        target: Vec<String>,
        must_exist: bool,
    },
    /// `<metric> query`: the last non-NULL column of the first row.
    UserQuery(String),
    /// `fail query`: the number of rows it returns (the rows are the sample).
    FailedRowsQuery(String),
    /// `group by`: the rows of the query, one group per distinct `fields` tuple.
    GroupBy(String),
    /// `group evolution`: the distinct non-NULL values of the query's first column.
    GroupEvolution(String),
    /// A metric name Soda does not know; never computed.
    Unsupported,
}

/// One measurement of the scan.
#[derive(Debug, Clone)]
pub struct Metric {
    pub id: usize,
    /// Metric name as Soda Core reports it (`missing_count`, `max`, a user name).
    pub name: String,
    pub kind: MetricKind,
    pub dataset: Dataset,
    /// The column in the identity (none for row_count and multi-column duplicates).
    pub column: Option<String>,
    /// The column the SQL reads (first argument).
    pub sql_column: Option<String>,
    /// Check filter, raw (identity) and rendered (SQL).
    pub filter: Option<String>,
    pub filter_sql: Option<String>,
    /// Effective missing/validity settings (check merged with column configuration).
    pub validity: Validity,
    /// Soda Core's metric identity string.
    pub identity: String,
    /// For percentages: [row_count, count].
    pub deps: Vec<usize>,
    /// Another configured data source (`row_count same as T in DS`); `None`: the scan's.
    pub data_source: Option<String>,
}

impl Metric {
    /// True when the metric is one select item of an aggregation query.
    pub fn is_aggregate_item(&self) -> bool {
        matches!(
            self.kind,
            MetricKind::RowCount
                | MetricKind::MissingCount
                | MetricKind::InvalidCount
                | MetricKind::ValidCount
                | MetricKind::Aggregate(_)
                | MetricKind::Percentile(_)
                | MetricKind::Expression(_)
        )
    }
}

/// What a query computes.
#[derive(Debug, Clone)]
pub enum QueryKind {
    /// One row; item *i* is metric `items[i]`.
    Aggregate { items: Vec<usize> },
    /// One number: the duplicate count of one metric.
    Duplicate { metric: usize },
    /// A query of its own computing one metric (schema, reference, user SQL, group by).
    Own { metric: usize },
}

/// One query to run.
#[derive(Debug, Clone)]
pub struct Query {
    /// Soda Core's query name, e.g. `1.pg.customers.aggregation[0]`.
    pub name: String,
    pub dataset: Dataset,
    pub column: Option<String>,
    /// The rendered partition `WHERE`, if any.
    pub partition_where: Option<String>,
    pub kind: QueryKind,
    /// `None`: the scan's data source.
    pub data_source: Option<String>,
}

/// The checks, their metrics and the queries that compute them.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub metrics: Vec<Metric>,
    pub queries: Vec<Query>,
    /// For each check (by `seq`): the metrics it reads, first = the check's value. A map, so
    /// that evaluating n checks costs n look-ups, not n².
    pub check_metrics: HashMap<usize, Vec<usize>>,
    /// The number the next query (a failed-rows sample) gets in its name.
    pub next_query_number: usize,
    pub scan_definition: String,
    pub data_source: String,
    /// The rendered `filter T [p]` of each partitioned dataset a metric reads: the failed-rows
    /// samples, built after evaluation, select from the same rows as their metric.
    pub partition_wheres: HashMap<Dataset, String>,
    /// The data-source sections to run beside the checks.
    pub sections: Sections,
}

impl Plan {
    pub fn metrics_of(&self, seq: usize) -> &[usize] {
        self.check_metrics.get(&seq).map_or(&[], Vec::as_slice)
    }

    /// The rendered partition `WHERE` of a dataset; `None` for a whole table.
    pub fn partition_where(&self, dataset: &Dataset) -> Option<&str> {
        self.partition_wheres.get(dataset).map(String::as_str)
    }
}

/// The data-source sections of the checks files, which run without checks: `profile columns`
/// (`table.column` patterns), `discover datasets` and `sample datasets` (table patterns).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sections {
    pub profile_columns: Option<Patterns>,
    pub discover_datasets: Option<Patterns>,
    pub sample_datasets: Option<Patterns>,
}

impl Sections {
    /// The sections the checks files declared.
    pub fn of(model: &ChecksModel) -> Sections {
        Sections {
            profile_columns: model.profile_columns.clone(),
            discover_datasets: model.discover_datasets.clone(),
            sample_datasets: model.sample_datasets.clone(),
        }
    }
}

/// Builds plans; holds the scan-wide naming inputs.
pub struct Planner<'a> {
    pub scan_definition: &'a str,
    pub data_source: &'a str,
    pub vars: &'a Vars,
    plan: Plan,
    /// Metric keys → metric ids: a map, so that planning n metrics stays linear.
    keys: HashMap<String, usize>,
}

#[derive(Clone)]
struct Request {
    name: String,
    kind: MetricKind,
    dataset: Dataset,
    column: Option<String>,
    sql_column: Option<String>,
    filter: Option<String>,
    filter_sql: Option<String>,
    validity: Validity,
    extra_args: Vec<String>,
    deps: Vec<usize>,
    /// `[null, filter, null]` hashing (row counts of percentages) instead of the full parts.
    plain_hash: bool,
    /// Metrics of user SQL have no table in their identity.
    no_table: bool,
    data_source: Option<String>,
}

/// The arguments of a metric as written (the columns of a duplicate count).
fn arg_texts(mc: &MetricCheck) -> Vec<String> {
    mc.args.iter().map(|a| a.text().to_string()).collect()
}

impl<'a> Planner<'a> {
    pub fn new(scan_definition: &'a str, data_source: &'a str, vars: &'a Vars) -> Self {
        Planner {
            scan_definition,
            data_source,
            vars,
            plan: Plan::default(),
            keys: HashMap::new(),
        }
    }

    /// Plans every evaluable check of the model.
    pub fn plan(mut self, model: &ChecksModel, logs: &mut Logs) -> Plan {
        for check in model.ordered_checks() {
            if let Some(metrics) = self.plan_check(model, check, logs) {
                self.plan.check_metrics.entry(check.seq).or_insert(metrics);
            }
        }
        self.group_queries(model, logs);
        self.record_partitions(model);
        self.plan.sections = Sections::of(model);
        self.plan.scan_definition = self.scan_definition.to_string();
        self.plan.data_source = self.data_source.to_string();
        self.plan
    }

    /// Keeps the rendered partition of every dataset a metric reads, for its samples. Rendered
    /// silently: the aggregation queries already reported the filter's template problems.
    fn record_partitions(&mut self, model: &ChecksModel) {
        for m in &self.plan.metrics {
            if self.plan.partition_wheres.contains_key(&m.dataset) {
                continue;
            }
            if let Some(w) = model.partition_where(&m.dataset) {
                let rendered = self.vars.render(w).text;
                self.plan
                    .partition_wheres
                    .insert(m.dataset.clone(), rendered);
            }
        }
    }

    fn identity(&self, r: &Request) -> String {
        identity::metric_identity(&MetricParts {
            scan_definition: self.scan_definition,
            data_source: r.data_source.as_deref().unwrap_or(self.data_source),
            dataset: (!r.no_table).then_some(&r.dataset),
            column: r.column.as_deref(),
            name: &r.name,
            args: if r.plain_hash { &[] } else { &r.extra_args },
            filter: r.filter.as_deref(),
            validity: (!r.plain_hash).then_some(&r.validity),
        })
    }

    fn request(&mut self, r: Request) -> usize {
        let identity = self.identity(&r);
        // Soda keys metrics on the identity only, so two checks that differ only in
        // `invalid values` would share a count; the full key keeps them apart.
        let key = format!(
            "{identity}|{:?}|{:?}|{:?}|{:?}|{:?}",
            r.kind, r.validity, r.sql_column, r.deps, r.data_source
        );
        if let Some(i) = self.keys.get(&key) {
            return *i;
        }
        let id = self.plan.metrics.len();
        self.plan.metrics.push(Metric {
            id,
            name: r.name,
            kind: r.kind,
            dataset: r.dataset,
            column: r.column,
            sql_column: r.sql_column,
            filter: r.filter,
            filter_sql: r.filter_sql,
            validity: r.validity,
            identity,
            deps: r.deps,
            data_source: r.data_source,
        });
        self.keys.insert(key, id);
        id
    }

    fn render_sql(&self, text: &str, check: &Check, logs: &mut Logs) -> String {
        let r = self.vars.render(text);
        logs.problems_at(r.problems(""), Some(check.location()));
        r.text
    }

    /// A bare request for a metric without missing/validity settings.
    fn simple(
        &self,
        name: &str,
        kind: MetricKind,
        dataset: &Dataset,
        column: Option<String>,
    ) -> Request {
        Request {
            name: name.to_string(),
            kind,
            dataset: dataset.clone(),
            column: column.clone(),
            sql_column: column,
            filter: None,
            filter_sql: None,
            validity: Validity::default(),
            extra_args: Vec::new(),
            deps: Vec::new(),
            plain_hash: true,
            no_table: false,
            data_source: None,
        }
    }

    fn plan_other(
        &mut self,
        model: &ChecksModel,
        check: &Check,
        logs: &mut Logs,
    ) -> Option<Vec<usize>> {
        let dataset = &check.dataset;
        match &check.kind {
            CheckKind::Freshness(f) => {
                let mut r = self.simple(
                    "max",
                    MetricKind::Aggregate(Aggregate::Max),
                    dataset,
                    Some(f.column.clone()),
                );
                r.filter = f.filter.clone();
                r.filter_sql = f.filter.as_ref().map(|x| self.render_sql(x, check, logs));
                Some(vec![self.request(r)])
            }
            CheckKind::Schema { .. } => Some(vec![self.request(self.simple(
                "schema",
                MetricKind::Schema,
                dataset,
                None,
            ))]),
            CheckKind::Reference(rc) => Some(vec![self.plan_reference(check, rc)]),
            CheckKind::RowCountComparison {
                other,
                other_data_source,
            } => self.plan_row_count_comparison(model, check, other, other_data_source, logs),
            CheckKind::FailedRows {
                condition: Some(cond),
                ..
            } => {
                let mut r = self.simple("row_count", MetricKind::RowCount, dataset, None);
                r.filter = Some(cond.clone());
                r.filter_sql = Some(self.render_sql(cond, check, logs));
                Some(vec![self.request(r)])
            }
            CheckKind::FailedRows {
                query: Some(sql), ..
            } => {
                let mut r = self.simple(
                    &check.source_line,
                    MetricKind::FailedRowsQuery(sql.clone()),
                    dataset,
                    None,
                );
                r.plain_hash = false;
                r.extra_args = vec![sql.clone()];
                Some(vec![self.request(r)])
            }
            CheckKind::GroupEvolution(g) => Some(vec![self.request(self.simple(
                "group evolution",
                MetricKind::GroupEvolution(g.query.clone()),
                dataset,
                None,
            ))]),
            CheckKind::GroupBy(g) => {
                let mut r = self.simple(
                    "group by",
                    MetricKind::GroupBy(g.query.clone()),
                    dataset,
                    None,
                );
                r.plain_hash = false;
                r.extra_args = vec![g.query.clone()];
                Some(vec![self.request(r)])
            }
            _ => None,
        }
    }

    /// `values in (a) must [not] exist in T (b)`: one count of offending rows.
    fn plan_reference(&mut self, check: &Check, rc: &ReferenceCheck) -> usize {
        let column = (rc.source.len() == 1).then(|| rc.source[0].clone());
        let mut r = self.simple(
            "reference",
            MetricKind::Reference {
                source: rc.source.clone(),
                target_table: rc.target_table.clone(),
                target: rc.target.clone(),
                must_exist: rc.must_exist,
            },
            &check.dataset,
            column,
        );
        r.plain_hash = false;
        r.extra_args = rc
            .source
            .iter()
            .cloned()
            .chain([rc.target_table.clone()])
            .chain(rc.target.iter().cloned())
            .collect();
        self.request(r)
    }

    /// `row_count same as T [p] [in DS]`: both row counts.
    fn plan_row_count_comparison(
        &mut self,
        model: &ChecksModel,
        check: &Check,
        other: &Dataset,
        other_data_source: &Option<String>,
        logs: &mut Logs,
    ) -> Option<Vec<usize>> {
        let own =
            self.request(self.simple("row_count", MetricKind::RowCount, &check.dataset, None));
        if other.partition.is_some() && model.partition_where(other).is_none() {
            logs.error_at(
                format!(
                    "Filter not declared: {}",
                    other.partition.clone().unwrap_or_default()
                ),
                Some(check.location()),
            );
            return None;
        }
        let mut r = self.simple("row_count", MetricKind::RowCount, other, None);
        r.data_source = other_data_source.clone();
        let theirs = self.request(r);
        Some(vec![own, theirs])
    }

    fn plan_check(
        &mut self,
        model: &ChecksModel,
        check: &Check,
        logs: &mut Logs,
    ) -> Option<Vec<usize>> {
        if check.invalid {
            return None;
        }
        let mc = match &check.kind {
            CheckKind::Metric(mc) | CheckKind::Anomaly(mc) => mc.as_ref(),
            CheckKind::Change(c) => &c.metric,
            _ => return self.plan_other(model, check, logs),
        };
        if let Some(sql) = &mc.query {
            let mut r = self.simple(
                &check.source_line,
                MetricKind::UserQuery(sql.clone()),
                &check.dataset,
                None,
            );
            r.no_table = true;
            r.plain_hash = false;
            r.extra_args = vec![sql.clone()];
            return Some(vec![self.request(r)]);
        }
        let id = self.plan_metric(model, check, mc, logs);
        let mut ids = vec![id];
        ids.extend(self.plan.metrics[id].deps.iter().copied());
        Some(ids)
    }

    /// The request every metric of a metric check starts from: its dataset, column, filter and
    /// effective missing/validity settings (the check's merged with its column's).
    fn metric_base(
        &self,
        model: &ChecksModel,
        check: &Check,
        mc: &MetricCheck,
        logs: &mut Logs,
    ) -> Request {
        let first = mc.args.first().map(|a| a.text().to_string());
        let validity = match (&first, mc.expression.is_some()) {
            (Some(col), false) => match model.column_validity(&check.dataset.table, col) {
                Some(cv) => mc.validity.merged_with_column(cv),
                None => mc.validity.clone(),
            },
            _ => mc.validity.clone(),
        };
        let extra_args: Vec<String> = mc
            .args
            .iter()
            .skip(1)
            .map(|a| match a {
                Arg::Ident(s) => s.clone(),
                Arg::Number { value, .. } => crate::python::float_repr(*value),
            })
            .collect();
        Request {
            name: mc.metric.clone(),
            kind: MetricKind::Unsupported,
            dataset: check.dataset.clone(),
            column: first.clone(),
            sql_column: first,
            filter: mc.filter.clone(),
            filter_sql: mc.filter.as_ref().map(|f| self.render_sql(f, check, logs)),
            validity,
            extra_args,
            deps: Vec::new(),
            plain_hash: false,
            no_table: false,
            data_source: None,
        }
    }

    /// Plans the metric of a metric check (and the metrics a percentage is derived from).
    fn plan_metric(
        &mut self,
        model: &ChecksModel,
        check: &Check,
        mc: &MetricCheck,
        logs: &mut Logs,
    ) -> usize {
        let base = self.metric_base(model, check, mc, logs);
        let with = |kind: MetricKind| Request {
            kind,
            ..base.clone()
        };
        if let Some(expr) = &mc.expression {
            let sql = self.render_sql(expr, check, logs);
            let mut r = with(MetricKind::Expression(sql));
            r.validity = Validity::default();
            r.filter = None;
            r.filter_sql = None;
            return self.request(r);
        }
        let request = match &mc.resolved {
            MetricName::RowCount => self.row_count_of(&base),
            MetricName::MissingCount => with(MetricKind::MissingCount),
            MetricName::InvalidCount => {
                self.warn_invalid_without_spec(check, &base.validity, logs);
                with(MetricKind::InvalidCount)
            }
            MetricName::ValidCount => with(MetricKind::ValidCount),
            MetricName::Percentile(fraction) => with(MetricKind::Percentile(*fraction)),
            MetricName::DuplicateCount => {
                let mut r = with(MetricKind::DuplicateCount(arg_texts(mc)));
                if mc.args.len() > 1 {
                    r.column = None;
                }
                r
            }
            MetricName::Percent(of) => return self.plan_percent(check, mc, *of, &base, logs),
            MetricName::Aggregate(agg) => with(MetricKind::Aggregate(*agg)),
            MetricName::UserDefined | MetricName::Unknown => with(MetricKind::Unsupported),
        };
        self.request(request)
    }

    /// A plain row count of the base request's dataset and filter.
    fn row_count_of(&self, base: &Request) -> Request {
        Request {
            name: "row_count".into(),
            kind: MetricKind::RowCount,
            column: None,
            sql_column: None,
            validity: Validity::default(),
            extra_args: Vec::new(),
            ..base.clone()
        }
    }

    /// `*_percent`: a count divided by the row count, derived after the queries ran.
    fn plan_percent(
        &mut self,
        check: &Check,
        mc: &MetricCheck,
        of: PercentOf,
        base: &Request,
        logs: &mut Logs,
    ) -> usize {
        let mut rc = self.row_count_of(base);
        rc.extra_args = base.extra_args.clone();
        rc.plain_hash = true;
        let row_count = self.request(rc);
        let (count_name, count_kind) = match of {
            PercentOf::Missing => ("missing_count", MetricKind::MissingCount),
            PercentOf::Invalid => {
                self.warn_invalid_without_spec(check, &base.validity, logs);
                ("invalid_count", MetricKind::InvalidCount)
            }
            PercentOf::Duplicate => ("duplicate_count", MetricKind::DuplicateCount(arg_texts(mc))),
        };
        let count = self.request(Request {
            name: count_name.into(),
            kind: count_kind,
            ..base.clone()
        });
        self.request(Request {
            kind: MetricKind::Percent(of),
            deps: vec![row_count, count],
            ..base.clone()
        })
    }

    /// Soda Core's warning for an invalid count with nothing that says what is valid.
    fn warn_invalid_without_spec(&self, check: &Check, validity: &Validity, logs: &mut Logs) {
        if !validity.has_valid() && !validity.has_invalid() {
            logs.warning_at(format!(
                "Counting invalid without valid or invalid specification does not make sense. (\"{}\" @ line={},col={} in {})",
                check.source_line, check.line, check.col, check.file
            ), Some(check.location()));
        }
    }

    /// Groups the metrics into queries: per dataset its aggregation queries and duplicate
    /// counts, then the metrics with a query of their own. Query names are numbered as Soda
    /// Core numbers them.
    fn group_queries(&mut self, model: &ChecksModel, logs: &mut Logs) {
        let mut counter = 0;
        // Metric ids by dataset, in creation order: one pass, however many datasets.
        let mut by_dataset: HashMap<Dataset, Vec<usize>> = HashMap::new();
        for m in &self.plan.metrics {
            by_dataset.entry(m.dataset.clone()).or_default().push(m.id);
        }
        for dataset in self.ordered_datasets(model) {
            let ids = by_dataset.remove(&dataset).unwrap_or_default();
            let partition_where = model.partition_where(&dataset).map(|w| {
                let r = self.vars.render(w);
                let place = format!(
                    " in filter {} [{}]",
                    dataset.table,
                    dataset.partition.clone().unwrap_or_default()
                );
                logs.problems_at(r.problems(&place), None);
                r.text
            });
            self.aggregate_queries(&dataset, &ids, &partition_where, &mut counter);
            self.duplicate_queries(&dataset, &ids, &partition_where, &mut counter);
        }
        self.own_queries(model, &mut counter);
        self.plan.next_query_number = counter + 1;
    }

    /// Datasets in Soda Core's order: tables as first seen, partitions as first used by
    /// checks; datasets only read by other checks (`row_count same as T`) last.
    fn ordered_datasets(&self, model: &ChecksModel) -> Vec<Dataset> {
        let mut datasets: Vec<Dataset> = model.dataset_order.clone();
        let mut seen: std::collections::HashSet<&Dataset> = model.dataset_order.iter().collect();
        for m in &self.plan.metrics {
            if !m.dataset.table.is_empty() && seen.insert(&m.dataset) {
                datasets.push(m.dataset.clone());
            }
        }
        datasets.sort_by_cached_key(|d| {
            (
                model.table_position(&d.table).unwrap_or(usize::MAX),
                model.dataset_position(d).unwrap_or(usize::MAX),
            )
        });
        datasets
    }

    /// `<data source>.<table>[<partition>]`, the stem of the dataset's query names.
    fn query_prefix(&self, dataset: &Dataset, data_source: Option<&str>) -> String {
        let partition = dataset
            .partition
            .as_ref()
            .map(|p| format!("[{p}]"))
            .unwrap_or_default();
        format!(
            "{}.{}{partition}",
            data_source.unwrap_or(self.data_source),
            dataset.table
        )
    }

    /// One pass over the table per data source it is read from, up to 50 items per query.
    fn aggregate_queries(
        &mut self,
        dataset: &Dataset,
        ids: &[usize],
        partition_where: &Option<String>,
        counter: &mut usize,
    ) {
        let metrics = &self.plan.metrics;
        let aggregates: Vec<&Metric> = ids
            .iter()
            .map(|i| &metrics[*i])
            .filter(|m| m.is_aggregate_item())
            .collect();
        let mut sources: Vec<Option<String>> = Vec::new();
        for m in &aggregates {
            if !sources.contains(&m.data_source) {
                sources.push(m.data_source.clone());
            }
        }
        let by_source: Vec<(Option<String>, Vec<usize>)> = sources
            .into_iter()
            .map(|source| {
                let items = aggregates
                    .iter()
                    .filter(|m| m.data_source == source)
                    .map(|m| m.id)
                    .collect();
                (source, items)
            })
            .collect();
        for (source, items) in by_source {
            let prefix = self.query_prefix(dataset, source.as_deref());
            for (i, chunk) in items.chunks(50).enumerate() {
                *counter += 1;
                self.plan.queries.push(Query {
                    name: format!("{counter}.{prefix}.aggregation[{i}]"),
                    dataset: dataset.clone(),
                    column: None,
                    partition_where: partition_where.clone(),
                    kind: QueryKind::Aggregate {
                        items: chunk.to_vec(),
                    },
                    data_source: source.clone(),
                });
            }
        }
    }

    /// A query per duplicate count.
    fn duplicate_queries(
        &mut self,
        dataset: &Dataset,
        ids: &[usize],
        partition_where: &Option<String>,
        counter: &mut usize,
    ) {
        let prefix = self.query_prefix(dataset, None);
        let dups: Vec<(usize, Option<String>)> = ids
            .iter()
            .map(|i| &self.plan.metrics[*i])
            .filter(|m| matches!(m.kind, MetricKind::DuplicateCount(_)))
            .map(|m| (m.id, m.column.clone()))
            .collect();
        for (id, column) in dups {
            *counter += 1;
            let col = column.as_ref().map(|c| format!(".{c}")).unwrap_or_default();
            self.plan.queries.push(Query {
                name: format!("{counter}.{prefix}{col}.duplicate_count"),
                dataset: dataset.clone(),
                column,
                partition_where: partition_where.clone(),
                kind: QueryKind::Duplicate { metric: id },
                data_source: None,
            });
        }
    }

    /// The queries of their own, in metric creation order (as Soda Core).
    fn own_queries(&mut self, model: &ChecksModel, counter: &mut usize) {
        let own: Vec<(usize, String, Dataset, Option<String>)> = self
            .plan
            .metrics
            .iter()
            .filter_map(|m| {
                own_query_name(m).map(|name| (m.id, name, m.dataset.clone(), m.column.clone()))
            })
            .collect();
        for (id, kind, dataset, column) in own {
            *counter += 1;
            let partition_where = model
                .partition_where(&dataset)
                .map(|w| self.vars.render(w).text);
            self.plan.queries.push(Query {
                name: format!("{counter}.{}.{kind}", self.data_source),
                dataset,
                column,
                partition_where,
                kind: QueryKind::Own { metric: id },
                data_source: None,
            });
        }
    }
}

/// The name (after the number and data source) of a metric's own query; `None` for metrics
/// computed in shared queries.
fn own_query_name(m: &Metric) -> Option<String> {
    let table = &m.dataset.table;
    let part = m
        .dataset
        .partition
        .as_ref()
        .map(|p| format!("[{p}]"))
        .unwrap_or_default();
    Some(match &m.kind {
        MetricKind::Schema => format!("{table}{part}.schema[{table}]"),
        MetricKind::Reference { source, .. } => {
            format!("{table}{part}.reference[{}]", source.join(","))
        }
        MetricKind::UserQuery(_) => format!("user_defined_query[{}]", m.name),
        MetricKind::FailedRowsQuery(_) if table.is_empty() => format!("failed_rows[{}]", m.name),
        MetricKind::FailedRowsQuery(_) => format!("{table}{part}.failed_rows[{}]", m.name),
        MetricKind::GroupBy(_) => format!("{table}{part}.group_by[group by]"),
        MetricKind::GroupEvolution(_) => format!("{table}{part}.group_evolution"),
        _ => return None,
    })
}

/// True when the effective `valid format` makes aggregates read the column as a number.
pub fn numeric_format(v: &Validity) -> bool {
    v.valid_format
        .as_deref()
        .is_some_and(formats::is_numeric_format)
}
