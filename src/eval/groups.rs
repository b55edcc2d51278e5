//! Group evolution: the distinct groups a query returns, checked against required and
//! forbidden groups and, with Soda Cloud history, against the groups of the last scan
//! (sodacl.md §4.14). Soda Core never counts group changes (a known quirk); we do, as the
//! check's syntax promises (README).

use super::history::History;
use super::CheckResult;
use crate::measure::history::HistoricValue;
use crate::measure::Rows;
use crate::measure::Value;
use crate::sodacl::model::GroupRules;
use serde_json::{json, Value as Json};

/// The distinct, non-NULL values of the first column, in the order the query returned them.
pub fn groups_of(rows: &Rows) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for row in &rows.rows {
        match row.first() {
            None | Some(Value::Null) => {}
            Some(v) => {
                let g = match v {
                    Value::Text(t) => t.clone(),
                    other => other.to_string(),
                };
                if !out.contains(&g) {
                    out.push(g);
                }
            }
        }
    }
    out
}

/// The groups of the latest measurement in history, if any.
fn previous_groups(history: Option<&History>) -> Option<Vec<String>> {
    match &history?.latest()?.value {
        HistoricValue::Groups(groups) => Some(groups.clone()),
        _ => None,
    }
}

struct Events {
    missing: Vec<String>,
    forbidden: Vec<String>,
    added: Vec<String>,
    deleted: Vec<String>,
}

impl Events {
    fn count(&self) -> usize {
        self.missing.len() + self.forbidden.len() + self.added.len() + self.deleted.len()
    }
}

fn check(rules: &GroupRules, groups: &[String], previous: Option<&[String]>) -> Events {
    let wants = |k: &str| rules.changes.iter().any(|c| c == k);
    let (added, deleted) = match previous {
        Some(prev) => (
            if wants("group add") {
                groups
                    .iter()
                    .filter(|g| !prev.contains(g))
                    .cloned()
                    .collect()
            } else {
                Vec::new()
            },
            if wants("group delete") {
                prev.iter()
                    .filter(|g| !groups.contains(g))
                    .cloned()
                    .collect()
            } else {
                Vec::new()
            },
        ),
        None => (Vec::new(), Vec::new()),
    };
    Events {
        missing: rules
            .required
            .iter()
            .filter(|r| !groups.contains(r))
            .cloned()
            .collect(),
        forbidden: groups
            .iter()
            .filter(|g| {
                rules
                    .forbidden
                    .iter()
                    .any(|p| super::schema::matches_pattern(p, g))
            })
            .cloned()
            .collect(),
        added,
        deleted,
    }
}

/// Evaluates; returns false when change validations need history that is not there.
pub fn evaluate(
    warn: &GroupRules,
    fail: &GroupRules,
    rows: &Rows,
    history: Option<&History>,
    result: &mut CheckResult,
) -> bool {
    let groups = groups_of(rows);
    let previous = previous_groups(history);
    let needs_history = !warn.changes.is_empty() || !fail.changes.is_empty();
    let f = check(fail, &groups, previous.as_deref());
    let w = check(warn, &groups, previous.as_deref());
    let list = |v: &[String]| format!("[{}]", v.join(", "));
    let mut console = Vec::new();
    let mut csv = String::from("Group, Reason\n");
    for (sev, e) in [("fail", &f), ("warn", &w)] {
        for (what, items, reason) in [
            ("missing_groups", &e.missing, "Required group missing"),
            (
                "forbidden_groups_present",
                &e.forbidden,
                "Forbidden group present",
            ),
            ("groups_added", &e.added, "Group added"),
            ("groups_deleted", &e.deleted, "Group deleted"),
        ] {
            if !items.is_empty() {
                console.push((format!("{sev}_{what} = {}", list(items)), String::new()));
                for g in items.iter() {
                    csv.push_str(&format!("{g}, :icon-{sev}: {reason}\n"));
                }
            }
        }
    }
    console.push((
        format!("groups_measured = {}", list(&groups)),
        String::new(),
    ));
    result.console = console;
    result.no_value_key = true;
    let (nf, nw) = (f.count(), w.count());
    result.blocks = Some(if nf + nw > 0 {
        vec![json!({"type": "csv", "text": csv, "title": "Diagnostics"})]
    } else {
        Vec::new()
    });
    super::event_chart(result, "group", nf, nw, None);
    !(needs_history && previous.is_none())
}

/// The measured groups as the results document lists them.
pub fn metric_value(rows: &Rows) -> Json {
    Json::Array(groups_of(rows).into_iter().map(Json::String).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::Outcome;
    use crate::measure::ColumnInfo;

    fn rows(values: &[Option<&str>]) -> Rows {
        Rows {
            columns: vec![ColumnInfo {
                name: "g".into(),
                type_name: "text".into(),
            }],
            rows: values
                .iter()
                .map(|v| vec![v.map_or(Value::Null, |t| Value::Text(t.into()))])
                .collect(),
            total: values.len(),
        }
    }

    #[test]
    fn required_forbidden_and_changes() {
        let measured = rows(&[Some("BE"), None, Some("NL"), Some("BE"), Some("XX1")]);
        assert_eq!(groups_of(&measured), ["BE", "NL", "XX1"]);
        let fail = GroupRules {
            required: vec!["BE".into(), "FR".into()],
            ..GroupRules::default()
        };
        let warn = GroupRules {
            forbidden: vec!["XX%".into()],
            ..GroupRules::default()
        };
        let mut r = CheckResult::default();
        assert!(evaluate(&warn, &fail, &measured, None, &mut r));
        assert_eq!(r.outcome, Some(Outcome::Fail));
        let changes = GroupRules {
            changes: vec!["group add".into(), "group delete".into()],
            ..GroupRules::default()
        };
        let history = History::Measurements(vec![crate::measure::history::HistoricMeasurement {
            data_time: None,
            value: HistoricValue::Groups(vec!["BE".into(), "NL".into(), "DE".into()]),
        }]);
        let mut r = CheckResult::default();
        assert!(evaluate(
            &changes,
            &GroupRules::default(),
            &measured,
            Some(&history),
            &mut r
        ));
        assert_eq!(r.outcome, Some(Outcome::Warn), "XX1 added and DE deleted");
        let mut r = CheckResult::default();
        assert!(
            !evaluate(&changes, &GroupRules::default(), &measured, None, &mut r),
            "needs history"
        );
    }
}
