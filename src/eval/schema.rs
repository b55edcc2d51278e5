//! Schema checks: the measured columns against required, forbidden, typed, indexed and exact
//! column lists (sodacl.md §4.8), with the diagnostics Soda Core reports.

use super::CheckResult;
use crate::measure::Rows;
use crate::measure::Value;
use crate::sodacl::model::SchemaRules;
use serde_json::{json, Map, Value as Json};

/// Types that name the same thing (expected on the left, actual on the right, or reversed).
const SYNONYMS: &[(&str, &[&str])] = &[
    ("character varying", &["varchar", "text"]),
    (
        "double precision",
        &["decimal", "numeric", "float8", "float"],
    ),
    // PostgreSQL reports decimal columns as numeric (Soda Core does not know this one).
    ("numeric", &["decimal"]),
    ("timestamp without time zone", &["timestamp"]),
    ("timestamp with time zone", &["timestamptz"]),
    ("time without time zone", &["time"]),
    ("integer", &["int", "int4"]),
    ("bigint", &["int8"]),
    ("smallint", &["int2"]),
    ("boolean", &["bool"]),
    ("real", &["float4"]),
    ("character", &["char", "bpchar"]),
];

pub fn types_match(expected: &str, actual: &str) -> bool {
    let (e, a) = (expected.trim().to_lowercase(), actual.trim().to_lowercase());
    let syn = |x: &str, y: &str| SYNONYMS.iter().any(|(k, v)| *k == x && v.contains(&y));
    e == a || syn(&e, &a) || syn(&a, &e)
}

/// `%` and `*` match any run of characters; everything else matches itself (whole name).
pub fn matches_pattern(pattern: &str, name: &str) -> bool {
    fn go(p: &[char], n: &[char]) -> bool {
        match p.split_first() {
            None => n.is_empty(),
            Some((c, rest)) if *c == '%' || *c == '*' => (0..=n.len()).any(|i| go(rest, &n[i..])),
            Some((c, rest)) => n.first() == Some(c) && go(rest, &n[1..]),
        }
    }
    // Runs of wildcards match what one does; collapsing them keeps matching linear-ish.
    let mut p: Vec<char> = Vec::new();
    for c in pattern.chars() {
        let wild = |x: char| x == '%' || x == '*';
        if !(wild(c) && p.last().is_some_and(|l| wild(*l))) {
            p.push(c);
        }
    }
    let n: Vec<char> = name.chars().collect();
    go(&p, &n)
}

#[derive(Default)]
struct Findings {
    missing: Vec<String>,
    present: Vec<String>,
    type_mismatches: Vec<(String, String, String)>,
    index_mismatches: Vec<(String, i64, usize, Option<String>)>,
}

impl Findings {
    fn count(&self) -> usize {
        self.missing.len()
            + self.present.len()
            + self.type_mismatches.len()
            + self.index_mismatches.len()
    }
}

fn check_rules(rules: &SchemaRules, measured: &[(String, String)]) -> Findings {
    let mut f = Findings::default();
    let find = |name: &str| measured.iter().position(|(n, _)| n == name);
    let missing = |f: &mut Findings, name: &str| {
        if !f.missing.iter().any(|m| m == name) {
            f.missing.push(name.to_string());
        }
    };
    for r in &rules.required {
        if find(r).is_none() {
            missing(&mut f, r);
        }
    }
    for (name, _) in measured {
        if rules.forbidden.iter().any(|p| matches_pattern(p, name)) {
            f.present.push(name.clone());
        }
    }
    let typed = |f: &mut Findings, cols: &[(String, Option<String>)], optional: &[String]| {
        for (col, ty) in cols {
            match find(col) {
                None if optional.contains(col) => {}
                None => missing(f, col),
                Some(i) => {
                    if let Some(t) = ty {
                        if !types_match(t, &measured[i].1) {
                            f.type_mismatches.push((
                                col.clone(),
                                t.trim().to_string(),
                                measured[i].1.clone(),
                            ));
                        }
                    }
                }
            }
        }
    };
    typed(&mut f, &rules.types, &[]);
    if let Some(cols) = &rules.mismatching {
        typed(&mut f, cols, &rules.optional);
        for (name, _) in measured {
            if !cols.iter().any(|(c, _)| c == name) && !f.present.contains(name) {
                f.present.push(name.clone());
            }
        }
    }
    for (col, idx) in &rules.indexes {
        match find(col) {
            None => missing(&mut f, col),
            Some(i) if i as i64 != *idx => {
                let on_expected = usize::try_from(*idx)
                    .ok()
                    .and_then(|e| measured.get(e))
                    .map(|(n, _)| n.clone());
                f.index_mismatches.push((col.clone(), *idx, i, on_expected));
            }
            Some(_) => {}
        }
    }
    f
}

fn list(items: &[String]) -> String {
    format!("[{}]", items.join(", "))
}

pub fn evaluate(
    warn: &SchemaRules,
    fail: &SchemaRules,
    rows: &Rows,
    history: Option<&super::history::History>,
    result: &mut CheckResult,
) {
    let measured = measured_columns(rows);
    let f = check_rules(fail, &measured);
    let w = check_rules(warn, &measured);
    let changes_f = super::history::schema_changes(&measured, history, &fail.changes);
    let changes_w = super::history::schema_changes(&measured, history, &warn.changes);
    let (extra_f, extra_w) = (
        changes_f.as_ref().map_or(0, |c| c.0),
        changes_w.as_ref().map_or(0, |c| c.0),
    );
    let changed = changes_f.or(changes_w).map(|c| c.1);
    result.no_value_key = true;
    result.value = None;
    let mut console = Vec::new();
    let mut events = String::from("Column,Event,Details\n");
    for (sev, found) in [("fail", &f), ("warn", &w)] {
        severity_lines(sev, found, &mut console, &mut events);
    }
    let measured_text: Vec<String> = measured.iter().map(|(n, t)| format!("{n} {t}")).collect();
    console.push((
        format!("schema_measured = {}", list(&measured_text)),
        String::new(),
    ));
    result.console = console;

    let (nf, nw) = (f.count() + extra_f, w.count() + extra_w);
    result.blocks = Some(blocks(&measured, events, nf + nw > 0));
    column_diagnostics(&mut result.extra, &f, &w, changed.as_ref());
    let passing = measured.len().saturating_sub(nf + nw);
    super::event_chart(result, "schema", nf, nw, Some(passing));
}

/// The measured (name, type) pairs; non-text cells read as their display text.
fn measured_columns(rows: &Rows) -> Vec<(String, String)> {
    rows.rows
        .iter()
        .map(|r| {
            let text = |i: usize| match r.get(i) {
                Some(Value::Text(t)) => t.clone(),
                Some(v) => v.to_string(),
                None => String::new(),
            };
            (text(0), text(1))
        })
        .collect()
}

/// One severity's console lines and rows of the diagnostics CSV.
fn severity_lines(
    sev: &str,
    found: &Findings,
    console: &mut Vec<(String, String)>,
    events: &mut String,
) {
    if !found.missing.is_empty() {
        console.push((
            format!("{sev}_missing_column_names = {}", list(&found.missing)),
            String::new(),
        ));
    }
    if !found.present.is_empty() {
        console.push((
            format!(
                "{sev}_forbidden_present_column_names = {}",
                list(&found.present)
            ),
            String::new(),
        ));
    }
    for (c, e, a) in &found.type_mismatches {
        console.push((
            format!("{sev}_column_type_mismatch[{c}] expected({e}) actual({a})"),
            String::new(),
        ));
        events.push_str(&format!(
            "{c},:icon-{sev}: Type Mismatch, Expected Type: {e}; Actual Type: {a}\n"
        ));
    }
    for (c, e, a, _) in &found.index_mismatches {
        console.push((
            format!("{sev}_column_index_mismatch[{c}] expected({e}) actual({a})"),
            String::new(),
        ));
        events.push_str(&format!(
            "{c},:icon-{sev}: Index Mismatch, Expected Index: {e}; Actual Index: {a}\n"
        ));
    }
    for c in &found.missing {
        events.push_str(&format!("{c},:icon-{sev}: Required Column Missing, \n"));
    }
    for c in &found.present {
        events.push_str(&format!("{c},:icon-{sev}: Forbidden Column Present, \n"));
    }
}

/// The schema CSV block and, when anything was found, the diagnostics CSV block.
fn blocks(measured: &[(String, String)], events: String, any_found: bool) -> Vec<Json> {
    let mut schema_csv = String::from("Column,Type");
    for (n, t) in measured {
        schema_csv.push_str(&format!("\n{n},{t}"));
    }
    let mut blocks = vec![json!({"type": "csv", "text": schema_csv, "title": "Schema"})];
    if any_found {
        blocks.push(json!({"type": "csv", "text": events, "title": "Diagnostics"}));
    }
    blocks
}

/// The column diagnostics of both severities, with the changes against history (empty when
/// there is none), in Soda Core's key order.
fn column_diagnostics(
    x: &mut Map<String, Json>,
    f: &Findings,
    w: &Findings,
    changed: Option<&Json>,
) {
    let both =
        |a: &Vec<String>, b: &Vec<String>| a.iter().chain(b.iter()).cloned().collect::<Vec<_>>();
    let mut types = Map::new();
    for (c, e, a) in f.type_mismatches.iter().chain(&w.type_mismatches) {
        types.insert(c.clone(), json!({"expected_type": e, "actual_type": a}));
    }
    let mut indexes = Map::new();
    for (c, e, a, on) in f.index_mismatches.iter().chain(&w.index_mismatches) {
        indexes.insert(
            c.clone(),
            json!({"expected_index": e, "actual_index": a, "column_on_expected_index": on}),
        );
    }
    let changed_key =
        |k: &str, empty: Json| changed.and_then(|c| c.get(k).cloned()).unwrap_or(empty);
    x.insert(
        "column_additions".into(),
        changed_key("column_additions", json!([])),
    );
    x.insert(
        "column_deletions".into(),
        changed_key("column_deletions", json!([])),
    );
    x.insert(
        "column_index_changes".into(),
        changed_key("column_index_changes", json!({})),
    );
    x.insert("column_index_mismatches".into(), Json::Object(indexes));
    x.insert(
        "column_type_changes".into(),
        changed_key("column_type_changes", json!({})),
    );
    x.insert("column_type_mismatches".into(), Json::Object(types));
    x.insert(
        "missing_column_names".into(),
        json!(both(&f.missing, &w.missing)),
    );
    x.insert(
        "present_column_names".into(),
        json!(both(&f.present, &w.present)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_whole_names() {
        assert!(matches_pattern("cust%", "customer_uuid"));
        assert!(!matches_pattern("sign", "signup_date"));
        assert!(matches_pattern("*_at", "created_at"));
        assert!(!matches_pattern("id", "identity"));
    }

    #[test]
    fn type_synonyms() {
        assert!(types_match("varchar", "character varying"));
        assert!(types_match("timestamptz", "timestamp with time zone"));
        assert!(types_match("decimal", "numeric"));
        assert!(!types_match("bigint", "integer"));
    }

    #[test]
    fn mismatching_columns_with_optional() {
        let measured = vec![
            ("code".to_string(), "character varying".to_string()),
            ("name".to_string(), "text".to_string()),
        ];
        let rules = SchemaRules {
            mismatching: Some(vec![
                ("code".into(), Some("varchar".into())),
                ("name".into(), None),
                ("population".into(), Some("integer".into())),
            ]),
            optional: vec!["population".into()],
            ..SchemaRules::default()
        };
        assert_eq!(check_rules(&rules, &measured).count(), 0);
    }
}
