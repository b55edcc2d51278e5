//! The data-source sections Soda Core runs without Soda Cloud: `discover datasets` (column
//! metadata), `sample datasets` (up to 100 rows per table) and `profile columns` (per-column
//! statistics). Their results go to the `metadata` and `profiling` sections of the results
//! document. Histograms are not computed (`histogram: null`).

use super::dialect::qualified_table;
use super::Connection;
use crate::measure::unquoted_table;
use crate::measure::Patterns;
use crate::measure::Value;
use crate::measure::{Dataset, Executed, Rows};
use crate::plan::Sections;
use serde_json::{json, Value as Json};
use std::time::Instant;

/// What the sections produced.
#[derive(Debug, Default)]
pub struct SectionResults {
    pub profiling: Vec<Json>,
    pub metadata: Vec<Json>,
    pub executed: Vec<Executed>,
    /// Progress lines for the scan log (info).
    pub infos: Vec<String>,
}

/// SQL `LIKE` on names, case-insensitive (`%` any run, `_` one character).
pub fn like(pattern: &str, name: &str) -> bool {
    fn go(p: &[char], n: &[char]) -> bool {
        match p.split_first() {
            None => n.is_empty(),
            Some(('%', rest)) => (0..=n.len()).any(|i| go(rest, &n[i..])),
            Some(('_', rest)) => !n.is_empty() && go(rest, &n[1..]),
            Some((c, rest)) => {
                n.first().is_some_and(|x| x.eq_ignore_ascii_case(c)) && go(rest, &n[1..])
            }
        }
    }
    // Runs of wildcards match what one does; collapsing them keeps matching linear-ish.
    let mut p: Vec<char> = Vec::new();
    for c in pattern.chars() {
        let wild = |x: char| x == '%';
        if !(wild(c) && p.last().is_some_and(|l| wild(*l))) {
            p.push(c);
        }
    }
    let n: Vec<char> = name.chars().collect();
    go(&p, &n)
}

struct Runner<'a> {
    conn: &'a Connection,
    data_source: &'a str,
    counter: &'a mut usize,
    out: SectionResults,
}

impl Runner<'_> {
    async fn query(&mut self, kind: &str, sql: String, table: Option<&str>) -> Option<Rows> {
        let name = format!("{}.{}.{kind}", self.counter, self.data_source);
        *self.counter += 1;
        let start = Instant::now();
        let result = self.conn.fetch_rows(&sql, 100).await;
        let dataset = table.map(|t| Dataset {
            table: t.to_string(),
            partition: None,
        });
        let (rows, error) = match result {
            Ok(r) => (Some(r), None),
            Err(e) => (None, Some(e)),
        };
        let result = error.map_or(Ok(()), Err);
        self.out.executed.push(Executed::new(
            name,
            sql,
            (dataset, None),
            result,
            start.elapsed(),
        ));
        rows
    }

    async fn columns(&mut self, table: &str) -> Vec<(String, String)> {
        let sql = self.conn.dialect().schema_query(
            table,
            self.conn.schema.as_deref(),
            self.conn.database.as_deref(),
        );
        let kind = format!(
            "discover-tables-column-metadata-for-{}",
            unquoted_table(table)
        );
        let rows = self
            .query(&kind, sql, Some(table))
            .await
            .unwrap_or_default();
        rows.rows
            .iter()
            .map(|r| (text(r.first()), text(r.get(1)).to_lowercase()))
            .collect()
    }

    async fn tables(&mut self, patterns: &Patterns) -> Vec<String> {
        self.conn
            .discover_tables(&patterns.include, &patterns.exclude)
            .await
            .unwrap_or_default()
    }

    fn announce(&mut self, what: &str, tables: &[String]) {
        self.out.infos.push(format!("{what} the following tables:"));
        for t in tables {
            self.out.infos.push(format!("  - {}", unquoted_table(t)));
        }
    }
}

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::Text(t)) => t.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn is_numeric(ty: &str) -> bool {
    [
        "int", "numeric", "decimal", "real", "double", "float", "number",
    ]
    .iter()
    .any(|k| ty.contains(k))
        && !ty.contains("interval")
}

fn is_text(ty: &str) -> bool {
    ["char", "text", "string", "varchar"]
        .iter()
        .any(|k| ty.contains(k))
}

fn number(v: Option<&Value>) -> Json {
    v.map_or(Json::Null, Value::to_json)
}

/// Runs the data-source sections the plan carries from the checks files.
pub async fn run(
    conn: &Connection,
    data_source: &str,
    sections: &Sections,
    counter: &mut usize,
) -> SectionResults {
    let mut r = Runner {
        conn,
        data_source,
        counter,
        out: SectionResults::default(),
    };
    if let Some(p) = &sections.profile_columns {
        profile(&mut r, p).await;
    }
    if let Some(p) = &sections.discover_datasets {
        r.out.infos.push(format!(
            "Running discover datasets for data source: {data_source}"
        ));
        let tables = r.tables(p).await;
        r.announce("Discovering", &tables);
        for t in tables {
            let cols = r.columns(&t).await;
            let schema: Vec<Json> = cols
                .iter()
                .map(|(n, ty)| json!({"columnName": n, "sourceDataType": ty}))
                .collect();
            r.out.metadata.push(
                json!({"table": unquoted_table(&t), "dataSource": data_source, "schema": schema}),
            );
        }
    }
    if let Some(p) = &sections.sample_datasets {
        r.out.infos.push(format!(
            "Running sample tables for data source: {data_source}"
        ));
        let tables = r.tables(p).await;
        r.announce("Sampling", &tables);
        for t in tables {
            let sql = format!(
                "SELECT * FROM {} LIMIT 100",
                qualified_table(conn.schema.as_deref(), &t)
            );
            let kind = format!("store-sample-for-{}", unquoted_table(&t));
            if let Some(rows) = r.query(&kind, sql, Some(&t)).await {
                let columns: Vec<Json> = rows
                    .columns
                    .iter()
                    .map(|c| json!({"name": c.name, "type": c.type_name}))
                    .collect();
                let n = rows.rows.len();
                r.out.profiling.push(json!({
                    "table": unquoted_table(&t), "dataSource": data_source,
                    "sampleFile": {"columns": columns, "totalRowCount": n, "storedRowCount": n,
                        "reference": {"type": "noFile", "message": "Samples are not sent to Soda Cloud", "link": {"href": null, "text": null}, "fileId": ""}}
                }));
            }
        }
    }
    r.out
}

/// Table and column patterns of `profile columns`, split at the first dot (`t.c`; `t` alone
/// means all its columns).
struct ColumnPatterns {
    includes: Vec<(String, String)>,
    excludes: Vec<(String, String)>,
}

impl ColumnPatterns {
    fn new(p: &Patterns) -> ColumnPatterns {
        let split = |s: &String| {
            let (t, c) = s.split_once('.').unwrap_or((s.as_str(), "%"));
            (t.to_string(), c.to_string())
        };
        ColumnPatterns {
            includes: p.include.iter().map(split).collect(),
            excludes: p.exclude.iter().map(split).collect(),
        }
    }

    /// The tables to list. Tables excluded as a whole (`exclude t.%`) are not even listed.
    fn tables(&self) -> Patterns {
        Patterns {
            include: self.includes.iter().map(|(t, _)| t.clone()).collect(),
            exclude: self
                .excludes
                .iter()
                .filter(|(_, c)| c == "%")
                .map(|(t, _)| t.clone())
                .collect(),
        }
    }

    fn selects(&self, table: &str, column: &str) -> bool {
        let any = |list: &[(String, String)]| {
            list.iter()
                .any(|(tp, cp)| like(tp, table) && like(cp, column))
        };
        any(&self.includes) && !any(&self.excludes)
    }
}

async fn profile(r: &mut Runner<'_>, p: &Patterns) {
    r.out.infos.push(format!(
        "Running column profiling for data source: {}",
        r.data_source
    ));
    let patterns = ColumnPatterns::new(p);
    let tables = r.tables(&patterns.tables()).await;
    r.announce("Profiling columns for", &tables);
    for t in tables {
        profile_table(r, &t, &patterns).await;
    }
}

/// The column being profiled, named as the queries need it.
struct Target<'a> {
    /// The table as listed (quoted as needed), for the executed query's dataset.
    table: &'a str,
    /// The table's unquoted name, for query names.
    name: &'a str,
    qualified: &'a str,
    col: &'a str,
    /// The column quoted for the dialect.
    q: String,
}

async fn profile_table(r: &mut Runner<'_>, t: &str, patterns: &ColumnPatterns) {
    let name = unquoted_table(t);
    let qualified = qualified_table(r.conn.schema.as_deref(), t);
    let columns: Vec<(String, String)> = r
        .columns(t)
        .await
        .into_iter()
        .filter(|(c, _)| patterns.selects(&name, c))
        .collect();
    let count = r
        .query(
            &format!("get_row_count_{name}"),
            format!("SELECT COUNT(*) FROM {qualified}"),
            Some(t),
        )
        .await
        .and_then(|rows| {
            rows.rows
                .first()
                .and_then(|row| row.first())
                .and_then(Value::as_f64)
        })
        .unwrap_or(0.0) as i64;
    let mut profiles = Vec::new();
    for (col, ty) in columns {
        let target = Target {
            table: t,
            name: &name,
            qualified: &qualified,
            col: &col,
            q: r.conn.dialect().quote_ident(&col),
        };
        if let Some(profile) = profile_column(r, &target, &ty).await {
            profiles.push(json!({"columnName": col, "profile": Json::Object(profile)}));
        }
    }
    r.out.profiling.push(json!({"table": name, "dataSource": r.data_source, "rowCount": count, "columnProfiles": profiles}));
}

/// One column's profile; `None` for columns neither numeric nor textual (their frequent
/// values are still queried, as Soda Core does).
async fn profile_column(
    r: &mut Runner<'_>,
    t: &Target<'_>,
    ty: &str,
) -> Option<serde_json::Map<String, Json>> {
    let (name, qualified, col, q) = (t.name, t.qualified, t.col, &t.q);
    let freq_sql = format!(
        "SELECT {q}, COUNT(*) FROM {qualified} WHERE {q} IS NOT NULL GROUP BY {q} ORDER BY COUNT(*) DESC, {q} LIMIT 10"
    );
    let frequent: Vec<Json> = r
        .query(
            &format!("profiling-{name}-{col}-value-frequencies"),
            freq_sql,
            Some(t.table),
        )
        .await
        .map(|rows| {
            rows.rows
                .iter()
                .map(|row| json!({"value": text(row.first()), "frequency": number(row.get(1))}))
                .collect()
        })
        .unwrap_or_default();
    let mut profile = empty_profile(frequent);
    if is_numeric(ty) {
        numeric_aggregates(r, t, &mut profile).await;
        for (k, order) in [("mins", "ASC"), ("maxs", "DESC")] {
            let sql = format!("SELECT DISTINCT {q} FROM {qualified} WHERE {q} IS NOT NULL ORDER BY {q} {order} LIMIT 5");
            let values: Vec<Json> = r
                .query(
                    &format!("profiling: {name}, {col}: get {k}"),
                    sql,
                    Some(t.table),
                )
                .await
                .map(|rows| rows.rows.iter().map(|row| number(row.first())).collect())
                .unwrap_or_default();
            profile.insert(k.into(), Json::Array(values));
        }
    } else if is_text(ty) {
        text_aggregates(r, t, &mut profile).await;
    } else {
        return None;
    }
    Some(profile)
}

/// Every profile key, in Soda Core's order, null until measured.
fn empty_profile(frequent: Vec<Json>) -> serde_json::Map<String, Json> {
    let mut profile = serde_json::Map::new();
    for k in ["mins", "maxs", "min", "max"] {
        profile.insert(k.into(), Json::Null);
    }
    profile.insert("frequent_values".into(), Json::Array(frequent));
    for k in [
        "avg",
        "sum",
        "stddev",
        "variance",
        "distinct",
        "missing_count",
        "histogram",
        "avg_length",
        "min_length",
        "max_length",
    ] {
        profile.insert(k.into(), Json::Null);
    }
    profile
}

async fn numeric_aggregates(
    r: &mut Runner<'_>,
    t: &Target<'_>,
    profile: &mut serde_json::Map<String, Json>,
) {
    let (name, qualified, col, q) = (t.name, t.qualified, t.col, &t.q);
    let d = r.conn.dialect();
    let (stddev, stddev_post) = d.statistic(crate::plan::Aggregate::StddevSamp, q, qualified);
    let (variance, _) = d.statistic(crate::plan::Aggregate::VarSamp, q, qualified);
    let sql = format!(
        "SELECT MIN({q}), MAX({q}), AVG({q}), SUM({q}), {stddev}, {variance}, COUNT(DISTINCT {q}), COUNT(CASE WHEN {q} IS NULL THEN 1 END) FROM {qualified}"
    );
    let Some(rows) = r
        .query(
            &format!("profiling: {name}, {col}: get numeric aggregates"),
            sql,
            Some(t.table),
        )
        .await
    else {
        return;
    };
    let Some(row) = rows.rows.first() else {
        return;
    };
    for (i, k) in [
        "min",
        "max",
        "avg",
        "sum",
        "stddev",
        "variance",
        "distinct",
        "missing_count",
    ]
    .iter()
    .enumerate()
    {
        // Engines without a standard deviation return the variance.
        let v = match (*k, row.get(i)) {
            ("stddev", Some(v)) => super::execute::apply(stddev_post, v.clone()).to_json(),
            (_, v) => number(v),
        };
        profile.insert((*k).into(), v);
    }
}

async fn text_aggregates(
    r: &mut Runner<'_>,
    t: &Target<'_>,
    profile: &mut serde_json::Map<String, Json>,
) {
    let (name, qualified, col, q) = (t.name, t.qualified, t.col, &t.q);
    let len = r.conn.dialect().length(q);
    let sql = format!(
        "SELECT COUNT(DISTINCT {q}), COUNT(CASE WHEN {q} IS NULL THEN 1 END), AVG({len}), MIN({len}), MAX({len}) FROM {qualified}"
    );
    let Some(rows) = r
        .query(
            &format!("profiling: {name}, {col}: get textual aggregates"),
            sql,
            Some(t.table),
        )
        .await
    else {
        return;
    };
    let Some(row) = rows.rows.first() else {
        return;
    };
    profile.insert("distinct".into(), number(row.first()));
    profile.insert("missing_count".into(), number(row.get(1)));
    // Soda Core reports the average length as a whole number.
    profile.insert(
        "avg_length".into(),
        row.get(2)
            .and_then(Value::as_f64)
            .map_or(Json::Null, |f| json!(f.trunc() as i64)),
    );
    profile.insert("min_length".into(), number(row.get(3)));
    profile.insert("max_length".into(), number(row.get(4)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns() {
        assert!(like("cust%", "Customers"));
        assert!(like("%", "x"));
        assert!(like("c_de", "code"));
        assert!(!like("%rder", "orders"));
    }
}
