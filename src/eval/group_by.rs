//! Group by: nested checks evaluated once per group of a query's rows (sodacl.md §4.13).
//! Each (group, nested check) becomes a check of its own, named `<name> [<group>]`, with an
//! identity that includes the group; the parent fails when any of them fails.

use super::{apply_thresholds, location, CheckResult, Message, Outcome};
use crate::diagnostic::{Level, Location};
use crate::measure::Rows;
use crate::measure::Value;
use crate::plan::Plan;
use crate::sodacl::identity;
use crate::sodacl::model::{Check, CheckKind, GroupByCheck};
use crate::template::Vars;
use crate::yaml::{emit, Node, NodeKind, Pos, Scalar, Style};
use serde_json::json;
use std::path::Path;

fn group_value_node(label: &str, pos: Pos) -> (Node, Node) {
    let scalar = |text: &str, style: Style| Node {
        pos,
        kind: NodeKind::Scalar {
            value: Scalar::Str(text.to_string()),
            style,
            raw: text.to_string(),
            block_header: String::new(),
        },
    };
    (
        scalar("group_value", Style::Plain),
        scalar(&format!("[{label}]"), Style::Single),
    )
}

pub fn evaluate(
    check: &Check,
    g: &GroupByCheck,
    rows: &Rows,
    plan: &Plan,
    vars: &Vars,
    mut parent: CheckResult,
    messages: &mut Vec<Message>,
) -> Vec<CheckResult> {
    parent.local_only = true;
    let fail = |messages: &mut Vec<Message>, why: String| {
        messages.push(Message {
            level: Level::Error,
            text: format!("Evaluation of check group by failed: {why}"),
            location: location(check),
        });
    };
    let column = |name: &str| {
        rows.columns
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(name))
    };
    let mut field_idx = Vec::new();
    for f in &g.fields {
        match column(f) {
            Some(i) => field_idx.push(i),
            None => {
                fail(
                    messages,
                    format!("field \"{f}\" is not a column of the query result"),
                );
                return vec![parent];
            }
        }
    }
    let mut groups: Vec<(String, &Vec<Value>)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for row in &rows.rows {
        let label = field_idx
            .iter()
            .map(|i| row.get(*i).map(ToString::to_string).unwrap_or_default())
            .collect::<Vec<_>>()
            .join(",");
        if seen.insert(label.clone()) {
            groups.push((label, row));
            if groups.len() > g.group_limit {
                break;
            }
        }
    }
    if groups.len() > g.group_limit {
        fail(
            messages,
            format!(
                "Total number of groups {} exceeds the maximum number of groups ({})",
                groups.len(),
                g.group_limit
            ),
        );
        return vec![parent];
    }
    let basename = Path::new(&check.file)
        .file_name()
        .map_or_else(|| check.file.clone(), |n| n.to_string_lossy().to_string());
    let mut children = Vec::new();
    let mut any_fail = false;
    for (label, row) in &groups {
        for child in &g.checks {
            let Some(ci) = column(&child.metric) else {
                fail(
                    messages,
                    format!("\"{}\" is not a column of the query result", child.metric),
                );
                return vec![parent];
            };
            let pos = Pos {
                line: child.pos.0,
                col: child.pos.1,
            };
            let mut config = child.config.clone().unwrap_or(Node {
                pos,
                kind: NodeKind::Map {
                    entries: Vec::new(),
                    flow: false,
                },
            });
            if let NodeKind::Map { entries, .. } = &mut config.kind {
                entries.push(group_value_node(label, pos));
            }
            let config_yaml = emit::identity_config_yaml(&config, identity::IDENTITY_DROP_KEYS);
            let ids = identity::check_identities(
                &check.source_header,
                &child.line,
                config_yaml.as_deref(),
                &plan.data_source,
                &basename,
            );
            let name = format!("{} [{label}]", child.name);
            let metric_identity = format!(
                "metric-{}-{}-{}-{name}",
                plan.scan_definition, plan.data_source, check.dataset.table
            );
            let synthesized = Check {
                seq: check.seq,
                file: check.file.clone(),
                line: child.pos.0,
                col: child.pos.1,
                source_header: check.source_header.clone(),
                source_line: child.line.clone(),
                config: Some(config.clone()),
                dataset: check.dataset.clone(),
                column: None,
                name: name.clone(),
                definition: emit::definition_yaml(&check.source_header, &child.line, Some(&config)),
                identity_v1: ids.v1,
                identity_v2: ids.v2,
                identity_v3: ids.v3,
                identity_v4: None,
                attributes: check.attributes.clone(),
                fail: child.fail.clone(),
                warn: child.warn.clone(),
                no_threshold: false,
                invalid: false,
                samples_limit: None,
                kind: CheckKind::Unsupported("group by child".into()),
            };
            let value = row.get(ci).cloned().unwrap_or(Value::Null);
            let mut r = CheckResult {
                seq: check.seq,
                blocks: Some(Vec::new()),
                metrics: vec![metric_identity.clone()],
                value: Some(value.clone()),
                console: vec![("check_value".into(), value.to_string())],
                group: Some(
                    json!({"identity": check.identity_v3, "name": child.name, "distinctLabel": label}),
                ),
                own_metric: Some((metric_identity, name, value.clone())),
                ..CheckResult::default()
            };
            if !value.is_null() {
                let mut child_messages = Vec::new();
                apply_thresholds(
                    &synthesized,
                    child.fail.as_ref(),
                    child.warn.as_ref(),
                    &value,
                    false,
                    vars,
                    &mut r,
                    &mut child_messages,
                );
                for mut m in child_messages {
                    m.location = Some(Location {
                        file: check.file.clone(),
                        line: child.pos.0,
                        col: child.pos.1,
                    });
                    messages.push(m);
                }
            }
            any_fail |= r.outcome == Some(Outcome::Fail);
            r.child = Some(Box::new(synthesized));
            children.push(r);
        }
    }
    parent.outcome = Some(if any_fail {
        Outcome::Fail
    } else {
        Outcome::Pass
    });
    let mut all = vec![parent];
    all.extend(children);
    all
}
