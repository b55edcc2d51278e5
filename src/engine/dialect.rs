//! How each SQL engine spells what the metrics need, and the rendering of planned queries.
//!
//! The [`Dialect`] trait has a handful of methods; each engine overrides only what differs.
//! Rendering follows Soda Core's SQL shapes (sodacl.md §6) so `-V` output reads the same,
//! with deliberate fixes: values from checks files are escaped literals (`O'Brien` works and
//! cannot end the statement), regex matches work on non-text columns, and the statistical
//! metrics and percentiles exist on every engine with PostgreSQL's meaning.

use super::formats::{self, RegexFlavor};
use crate::measure::metric::{Literal, Validity};
use crate::plan::{numeric_format, Aggregate, Metric, MetricKind, Plan, Query, QueryKind};
use crate::python::float_repr as python_float_repr;

/// SQL spelling differences between engines.
pub trait Dialect: Send + Sync {
    /// The flavor of named-format regexes this engine's regex operator understands.
    fn regex_flavor(&self) -> RegexFlavor;

    /// An identifier quoted for this engine (names read from the catalogue).
    fn quote_ident(&self, name: &str) -> String {
        format!("\"{}\"", name.replace('"', "\"\""))
    }

    /// How the engine's SQL text quotes strings, identifiers and comments.
    fn quoting(&self) -> super::guard::Quoting {
        super::guard::Quoting::default()
    }

    /// A string literal with this engine's escaping.
    fn string_literal(&self, s: &str) -> String {
        format!("'{}'", s.replace('\'', "''"))
    }

    /// `expr` matches the regex `pattern` (a raw pattern, not yet a literal).
    fn regex_match(&self, expr: &str, pattern: &str) -> String;

    /// The average of a numeric expression.
    fn avg(&self, expr: &str) -> String {
        format!("AVG({expr})")
    }

    /// Number of characters of a text expression.
    fn length(&self, expr: &str) -> String {
        format!("LENGTH({expr})")
    }

    /// Soda's numeric cast of text (strip all but `-0-9.,`, `,` → `.`, '' → NULL).
    fn numeric_cast(&self, expr: &str) -> String;

    /// A statistical aggregate; `None` when the value must be derived (see [`Post`]).
    fn statistic(&self, agg: Aggregate, expr: &str, _from: &str) -> (String, Post) {
        let f = match agg {
            Aggregate::Stddev => "STDDEV",
            Aggregate::StddevPop => "STDDEV_POP",
            Aggregate::StddevSamp => "STDDEV_SAMP",
            Aggregate::Variance => "VARIANCE",
            Aggregate::VarPop => "VAR_POP",
            _ => "VAR_SAMP",
        };
        (format!("{f}({expr})"), Post::None)
    }

    /// The query listing tables (first column: name) that satisfy `name_filter`, a condition
    /// on the column `name` built by [`render_table_discovery`].
    fn table_discovery(&self, name_filter: &str, schema: Option<&str>) -> String;

    /// The statement asking the planner how many groups a GROUP BY query makes (the first
    /// line of its answer says `rows=N`); `None` where the engine's plan does not change.
    fn group_estimate(&self, _group_by: &str) -> Option<String> {
        None
    }

    /// The statement listing the row estimates of the data source's tables (name, rows), for
    /// engines whose big aggregations are split because one query runs on one core.
    fn table_sizes_query(&self, _schema: Option<&str>, _database: Option<&str>) -> Option<String> {
        None
    }

    /// Written after `SELECT` in a duplicate count's GROUP BY: the engine's fastest exact
    /// grouping where it is not the engine's own choice.
    fn group_by_modifier(&self) -> &'static str {
        ""
    }

    /// Settings for a duplicate GROUP BY expected to make `groups` groups: the fastest exact
    /// plan measured on the engine.
    fn group_by_settings(&self, _groups: u64) -> &'static [&'static str] {
        &[]
    }

    /// For engines that cannot filter a table listing in SQL: the statement listing every
    /// table (names in column `tableName` or the first), filtered with the patterns in Rust.
    fn table_listing(&self, _schema: Option<&str>) -> Option<String> {
        None
    }

    /// The query listing the table's primary key and unique constraints as rows of (key name,
    /// column name), key by key; `None` where the engine has no such keys (Spark). A part
    /// that is an expression comes back with a NULL column name; partial keys are left out.
    fn unique_keys_query(
        &self,
        _table: &str,
        _schema: Option<&str>,
        _database: Option<&str>,
    ) -> Option<String> {
        None
    }

    /// The query listing a table's columns: name, data type, nullability, in column order.
    fn schema_query(&self, table: &str, schema: Option<&str>, database: Option<&str>) -> String;

    /// Patterns as the engine compares them (PostgreSQL folds unquoted names to lower case).
    fn fold_pattern(&self, pattern: &str) -> String {
        pattern.to_string()
    }

    /// A discovered table name as it must be written in SQL: quoted unless it is a plain
    /// identifier (a name from the catalogue is never pasted raw into SQL).
    fn discovered_name(&self, name: &str) -> String {
        let mut chars = name.chars();
        let plain = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if plain {
            name.to_string()
        } else {
            self.quote_ident(name)
        }
    }

    /// A discrete percentile of `expr` over `from` (`table [WHERE ...]`).
    fn percentile(&self, fraction: f64, expr: &str, from: &str) -> String {
        let f = python_float_repr(fraction);
        format!(
            "(SELECT soda_v FROM (SELECT soda_v, ROW_NUMBER() OVER (ORDER BY soda_v) AS soda_rn, COUNT(*) OVER () AS soda_n \
FROM (SELECT {expr} AS soda_v FROM {from}) soda_a WHERE soda_v IS NOT NULL) soda_b WHERE soda_rn >= {f} * soda_n ORDER BY soda_rn LIMIT 1)"
        )
    }
}

/// Renders the table discovery of a `for each dataset` section; `None` when nothing can match.
pub fn render_table_discovery(
    d: &dyn Dialect,
    includes: &[String],
    excludes: &[String],
    schema: Option<&str>,
) -> Option<String> {
    if includes.is_empty() && excludes.is_empty() {
        return None;
    }
    let like = |p: &String| format!("name LIKE {}", d.string_literal(&d.fold_pattern(p)));
    let mut filter = if includes.is_empty() {
        "1 = 1".to_string()
    } else {
        includes.iter().map(like).collect::<Vec<_>>().join(" OR ")
    };
    for e in excludes {
        filter = format!("({filter}) AND NOT {}", like(e));
    }
    Some(d.table_discovery(&filter, schema))
}

/// What a reference query selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceSelect {
    /// The number of offending source rows.
    Count,
    /// Offending source rows (a sample), at most this many.
    Rows(usize),
    /// All offending rows.
    Failing,
    /// All source rows that keep the rule.
    Passing,
}

/// Renders a reference check query (sodacl.md §6.7), with a `LEFT JOIN` on all column pairs.
pub fn render_reference(
    m: &Metric,
    partition_where: Option<&str>,
    schema: Option<&str>,
    select: ReferenceSelect,
) -> String {
    let MetricKind::Reference {
        source,
        target_table,
        target,
        must_exist,
    } = &m.kind
    else {
        return String::new();
    };
    let on: Vec<String> = source
        .iter()
        .zip(target)
        .map(|(s, t)| format!("SOURCE.{s} = TARGET.{t}"))
        .collect();
    let null_test = if *must_exist {
        "IS NULL"
    } else {
        "IS NOT NULL"
    };
    let passing = select == ReferenceSelect::Passing;
    let conditions: Vec<String> = source
        .iter()
        .zip(target)
        .map(|(s, t)| {
            if passing {
                let inverse = if *must_exist {
                    "IS NOT NULL"
                } else {
                    "IS NULL"
                };
                format!("(SOURCE.{s} IS NULL OR TARGET.{t} {inverse})")
            } else {
                format!("(SOURCE.{s} IS NOT NULL AND TARGET.{t} {null_test})")
            }
        })
        .collect();
    let mut where_sql = conditions.join(if passing { " AND " } else { " OR " });
    if let Some(w) = partition_where {
        where_sql = format!("{w} AND ({where_sql})");
    }
    let what = match select {
        ReferenceSelect::Count => "COUNT(*)",
        _ => "SOURCE.*",
    };
    let mut sql = format!(
        "SELECT {what}\n    FROM {} SOURCE\n    LEFT JOIN {} TARGET on {}\nWHERE {where_sql}",
        qualified_table(schema, &m.dataset.table),
        qualified_table(schema, target_table),
        on.join(" AND ")
    );
    if let ReferenceSelect::Rows(limit) = select {
        sql.push_str(&format!("\nLIMIT {limit}"));
    }
    sql
}

/// Which rows a failed-rows query selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowsQuery {
    /// Failing rows, at most this many (what runs).
    Sample(usize),
    /// All failing rows (reported as `<query>.failing_sql`).
    Failing,
    /// The other rows (reported as `<query>.passing_sql`).
    Passing,
}

impl RowsQuery {
    fn limit(self) -> String {
        match self {
            RowsQuery::Sample(n) => format!(" \n LIMIT {n}"),
            _ => String::new(),
        }
    }
}

/// The failed-rows sample of a missing or invalid count (sodacl.md §6.9).
pub fn render_count_sample(
    d: &dyn Dialect,
    m: &Metric,
    partition_where: Option<&str>,
    schema: Option<&str>,
    which: RowsQuery,
) -> Option<String> {
    let col = m.sql_column.as_deref()?;
    let c = conditions(d, col, &m.validity);
    let mut clauses: Vec<String> = partition_where
        .map(|w| format!("({w})"))
        .into_iter()
        .collect();
    match &m.kind {
        MetricKind::MissingCount => clauses.push(format!("({})", c.missing)),
        MetricKind::InvalidCount => {
            let cond = invalid_condition(&c)?;
            clauses.push(format!("({cond})"));
        }
        _ => return None,
    }
    if which == RowsQuery::Passing {
        if let Some(last) = clauses.pop() {
            clauses.push(format!("NOT {last}"));
        }
    }
    if let Some(f) = &m.filter_sql {
        clauses.push(format!("({f})"));
    }
    Some(format!(
        "SELECT * FROM {} \n WHERE {}{}",
        qualified_table(schema, &m.dataset.table),
        clauses.join(" AND "),
        which.limit()
    ))
}

/// The failed-rows sample of a duplicate count: rows of the duplicated groups.
pub fn render_duplicate_sample(
    m: &Metric,
    partition_where: Option<&str>,
    schema: Option<&str>,
    which: RowsQuery,
) -> Option<String> {
    let MetricKind::DuplicateCount(cols) = &m.kind else {
        return None;
    };
    let table = qualified_table(schema, &m.dataset.table);
    let join: Vec<String> = cols
        .iter()
        .map(|c| format!("main.{c} = frequencies.{c}"))
        .collect();
    let having = if which == RowsQuery::Passing {
        "<= 1"
    } else {
        "> 1"
    };
    let limit = match which {
        RowsQuery::Sample(n) => format!("\nLIMIT {n}"),
        _ => String::new(),
    };
    Some(format!(
        "WITH frequencies AS (\n    SELECT {cols}\n    FROM {table}\n    WHERE {}\n    GROUP BY {cols}\n    HAVING COUNT(*) {having})\nSELECT main.*\nFROM {table} main\nJOIN frequencies ON {}{limit}",
        duplicate_where(cols, partition_where, m),
        join.join(" AND "),
        cols = cols.join(", ")
    ))
}

/// The failed-rows sample of a `fail condition` (its rows, partition applied).
pub fn render_condition_sample(
    m: &Metric,
    partition_where: Option<&str>,
    schema: Option<&str>,
    limit: usize,
) -> Option<String> {
    let cond = m.filter_sql.as_ref()?;
    let mut sql = format!(
        "SELECT * \nFROM {} \nWHERE ({cond})",
        qualified_table(schema, &m.dataset.table)
    );
    if let Some(w) = partition_where {
        sql.push_str(&format!("\n      AND ({w})"));
    }
    sql.push_str(&format!("\nLIMIT {limit}"));
    Some(sql)
}

/// A step applied in Rust to a value the SQL returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Post {
    None,
    /// The engine has no square root: SQL returns the variance.
    Sqrt,
}

/// Renders a number the way Soda Core does (`5`, `0.0`, `-10.0`).
fn number(value: f64, is_int: bool) -> String {
    if is_int && value.fract() == 0.0 && value.abs() < 9.0e15 {
        format!("{}", value as i64)
    } else {
        python_float_repr(value)
    }
}

fn literal_list(d: &dyn Dialect, items: &[Literal]) -> String {
    let parts: Vec<String> = items
        .iter()
        .map(|l| match l {
            Literal::Str(s) => d.string_literal(s),
            Literal::Num { value, is_int } => number(*value, *is_int),
        })
        .collect();
    format!("({})", parts.join(","))
}

fn format_cond(d: &dyn Dialect, col: &str, name: &str) -> Option<String> {
    formats::format_regex(name, d.regex_flavor()).map(|re| d.regex_match(col, re))
}

/// The condition texts of sodacl.md §6.4 for one column.
pub struct Conditions {
    pub missing: String,
    pub valid: Option<String>,
    pub invalid: Option<String>,
    pub include_null: String,
}

pub fn conditions(d: &dyn Dialect, col: &str, v: &Validity) -> Conditions {
    let mut m = vec![format!("{col} IS NULL")];
    if let Some(values) = &v.missing_values {
        m.push(format!("{col} IN {}", literal_list(d, values)));
    }
    if let Some(f) = v
        .missing_format
        .as_deref()
        .and_then(|f| format_cond(d, col, f))
    {
        m.push(f);
    }
    if let Some(re) = &v.missing_regex {
        m.push(d.regex_match(col, re));
    }
    let numeric = numeric_format(v);
    let cast_col = if numeric {
        d.numeric_cast(col)
    } else {
        col.to_string()
    };
    let mut valid = Vec::new();
    if let Some(values) = &v.valid_values {
        valid.push(format!("{col} IN {}", literal_list(d, values)));
    }
    if let Some(f) = v
        .valid_format
        .as_deref()
        .and_then(|f| format_cond(d, col, f))
    {
        valid.push(f);
    }
    if let Some(re) = &v.valid_regex {
        valid.push(d.regex_match(col, re));
    }
    if let Some(n) = v.valid_length {
        valid.push(format!("{} = {n}", d.length(col)));
    }
    if let Some(n) = v.valid_min_length {
        valid.push(format!("{} >= {n}", d.length(col)));
    }
    if let Some(n) = v.valid_max_length {
        valid.push(format!("{} <= {n}", d.length(col)));
    }
    if let Some(n) = v.valid_min {
        valid.push(format!("{cast_col} >= {}", python_float_repr(n)));
    }
    if let Some(n) = v.valid_max {
        valid.push(format!("{cast_col} <= {}", python_float_repr(n)));
    }
    let mut invalid = Vec::new();
    if let Some(f) = v
        .invalid_format
        .as_deref()
        .and_then(|f| format_cond(d, col, f))
    {
        invalid.push(f);
    }
    if let Some(values) = &v.invalid_values {
        invalid.push(format!("{col} IN {}", literal_list(d, values)));
    }
    if let Some(re) = &v.invalid_regex {
        invalid.push(d.regex_match(col, re));
    }
    Conditions {
        missing: m.join(" OR "),
        valid: (!valid.is_empty()).then(|| valid.join(" AND ")),
        invalid: (!invalid.is_empty()).then(|| invalid.join(" OR ")),
        include_null: if v.include_null == Some(true) {
            format!(" OR {col} IS NULL")
        } else {
            String::new()
        },
    }
}

/// Not missing, and failing a valid constraint or matching an invalid one (sodacl.md §6.3);
/// `None` when neither is configured.
fn invalid_condition(c: &Conditions) -> Option<String> {
    let (m, inc) = (&c.missing, &c.include_null);
    Some(match (&c.valid, &c.invalid) {
        (Some(v), Some(i)) => format!("NOT ({m}) AND (NOT ({v}) OR ({i})){inc}"),
        (Some(v), None) => format!("NOT ({m}) AND NOT ({v}){inc}"),
        (None, Some(i)) => format!("NOT ({m}) AND ({i}){inc}"),
        (None, None) => return None,
    })
}

/// "Not missing and valid" (sodacl.md §6.4, NMV).
fn not_missing_and_valid(c: &Conditions) -> String {
    match (&c.valid, &c.invalid) {
        (Some(v), _) => format!("NOT ({}) AND ({v}){}", c.missing, c.include_null),
        (None, Some(i)) => format!("NOT ({}) AND NOT ({i}){}", c.missing, c.include_null),
        (None, None) => format!("NOT ({})", c.missing),
    }
}

fn count_when(filter: Option<&str>, cond: &str) -> String {
    match filter {
        Some(f) => format!("COUNT(CASE WHEN ({f}) AND ({cond}) THEN 1 END)"),
        None => format!("COUNT(CASE WHEN {cond} THEN 1 END)"),
    }
}

/// The select item of one aggregate metric, plus the Rust-side step for its value.
pub fn select_item(d: &dyn Dialect, m: &Metric, from: &str) -> (String, Post) {
    let col = m.sql_column.as_deref().unwrap_or("NULL");
    let filter = m.filter_sql.as_deref();
    let c = conditions(d, col, &m.validity);
    match &m.kind {
        MetricKind::RowCount => (
            match filter {
                Some(f) => format!("COUNT(CASE WHEN {f} THEN 1 END)"),
                None => "COUNT(*)".into(),
            },
            Post::None,
        ),
        MetricKind::MissingCount => (count_when(filter, &c.missing), Post::None),
        MetricKind::InvalidCount => {
            // Without any validity configuration nothing is invalid (Soda Core warns).
            let cond = invalid_condition(&c).unwrap_or_else(|| "FALSE".into());
            (count_when(filter, &cond), Post::None)
        }
        MetricKind::ValidCount => (count_when(filter, &not_missing_and_valid(&c)), Post::None),
        MetricKind::Expression(sql) => (sql.clone(), Post::None),
        MetricKind::Aggregate(_) | MetricKind::Percentile(_) => {
            let mut clauses = Vec::new();
            if !m.validity.is_empty() {
                clauses.push(not_missing_and_valid(&c));
            }
            if let Some(f) = filter {
                clauses.push(f.to_string());
            }
            let mut e = match clauses.len() {
                0 => col.to_string(),
                1 => format!("CASE WHEN {} THEN {col} END", clauses[0]),
                _ => format!(
                    "CASE WHEN {} THEN {col} END",
                    clauses
                        .iter()
                        .map(|c| format!("({c})"))
                        .collect::<Vec<_>>()
                        .join(" AND ")
                ),
            };
            if numeric_format(&m.validity) {
                e = d.numeric_cast(&e);
            }
            match &m.kind {
                MetricKind::Percentile(f) => (d.percentile(*f, &e, from), Post::None),
                MetricKind::Aggregate(agg) => match agg {
                    Aggregate::Min => (format!("MIN({e})"), Post::None),
                    Aggregate::Max => (format!("MAX({e})"), Post::None),
                    Aggregate::Avg => (d.avg(&e), Post::None),
                    Aggregate::Sum => (format!("SUM({e})"), Post::None),
                    Aggregate::MinLength => (format!("MIN({})", d.length(&e)), Post::None),
                    Aggregate::MaxLength => (format!("MAX({})", d.length(&e)), Post::None),
                    Aggregate::AvgLength => (d.avg(&d.length(&e)), Post::None),
                    stat => d.statistic(*stat, &e, from),
                },
                _ => unreachable_item(),
            }
        }
        _ => unreachable_item(),
    }
}

/// Metrics that are not select items never reach rendering; render a NULL rather than panic.
fn unreachable_item() -> (String, Post) {
    ("NULL".into(), Post::None)
}

/// `schema.table` when the data source sets a schema.
pub fn qualified_table(schema: Option<&str>, table: &str) -> String {
    match schema {
        Some(s) => format!("{s}.{table}"),
        None => table.to_string(),
    }
}

/// A query rendered for one engine: SQL text and per-column post-processing.
#[derive(Debug, Clone)]
pub struct RenderedQuery {
    pub sql: String,
    pub posts: Vec<Post>,
}

/// Renders the aggregation query with the given items (all of the query's, or a subset when
/// isolating a failure).
pub fn render_aggregate(
    d: &dyn Dialect,
    plan: &Plan,
    q: &Query,
    items: &[usize],
    schema: Option<&str>,
) -> RenderedQuery {
    let table = qualified_table(schema, &q.dataset.table);
    let from = match &q.partition_where {
        Some(w) => format!("{table} WHERE {w}"),
        None => table.clone(),
    };
    let mut sqls = Vec::new();
    let mut posts = Vec::new();
    for &id in items {
        let (s, p) = select_item(d, &plan.metrics[id], &from);
        sqls.push(s);
        posts.push(p);
    }
    let mut sql = format!("SELECT \n  {} \nFROM {table}", sqls.join(",\n  "));
    if let Some(w) = &q.partition_where {
        sql.push_str(&format!("\nWHERE {w}"));
    }
    RenderedQuery { sql, posts }
}

/// The `WHERE` of a duplicate count and its sample: every column set, partition and filter.
fn duplicate_where(cols: &[String], partition_where: Option<&str>, m: &Metric) -> String {
    let mut clauses: Vec<String> = cols.iter().map(|c| format!("{c} IS NOT NULL")).collect();
    clauses.extend(partition_where.map(str::to_string));
    clauses.extend(m.filter_sql.clone());
    clauses.join(" \n  AND ")
}

/// The GROUP BY of a duplicate count: one row per group of the checked columns, with its
/// frequency.
pub fn duplicate_groups(
    d: &dyn Dialect,
    plan: &Plan,
    q: &Query,
    schema: Option<&str>,
) -> Option<String> {
    let QueryKind::Duplicate { metric } = &q.kind else {
        return None;
    };
    let m = &plan.metrics[*metric];
    let MetricKind::DuplicateCount(cols) = &m.kind else {
        return None;
    };
    Some(format!(
        "SELECT {}COUNT(*) AS frequency\n    FROM {}\n    WHERE {}\n    GROUP BY {}",
        d.group_by_modifier(),
        qualified_table(schema, &q.dataset.table),
        duplicate_where(cols, q.partition_where.as_deref(), m),
        cols.join(", ")
    ))
}

/// Renders a duplicate-count query (sodacl.md §6.6).
pub fn render_duplicate(
    d: &dyn Dialect,
    plan: &Plan,
    q: &Query,
    schema: Option<&str>,
) -> RenderedQuery {
    let sql = duplicate_groups(d, plan, q, schema).map_or_else(String::new, |groups| {
        format!("WITH frequencies AS (\n    {groups})\nSELECT COUNT(*)\nFROM frequencies\nWHERE frequency > 1")
    });
    RenderedQuery {
        sql,
        posts: vec![Post::None],
    }
}
