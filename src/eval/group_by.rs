//! Group by: nested checks evaluated once per group of a query's rows (sodacl.md §4.13).
//! Each (group, nested check) becomes a check of its own, named `<name> [<group>]`, with an
//! identity that includes the group; the parent fails when any of them fails.

use super::{apply_thresholds, location, CheckResult, GroupByProblem, Message, Outcome, Problem};
use crate::diagnostic::{Level, Location};
use crate::measure::Rows;
use crate::measure::Value;
use crate::plan::Plan;
use crate::sodacl::identity::{self, GroupIdentity};
use crate::sodacl::model::{Check, CheckKind, GroupByCheck, GroupByChild};
use crate::template::Vars;
use serde_json::json;

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
    let ctx = Parent {
        check,
        plan,
        vars,
        identity: &g.identity,
    };
    let children = match ctx.children(g, rows, messages) {
        Ok(children) => children,
        Err(why) => {
            messages.push(Message {
                level: Level::Error,
                problem: Problem::GroupBy(why),
                location: location(check),
            });
            return vec![parent];
        }
    };
    let any_fail = children.iter().any(|r| r.outcome == Some(Outcome::Fail));
    parent.outcome = Some(if any_fail {
        Outcome::Fail
    } else {
        Outcome::Pass
    });
    let mut all = vec![parent];
    all.extend(children);
    all
}

fn column(rows: &Rows, name: &str) -> Option<usize> {
    rows.columns
        .iter()
        .position(|c| c.name.eq_ignore_ascii_case(name))
}

/// The first row of each distinct group, labelled by its field values; `Err` past the limit.
fn distinct_groups<'r>(
    rows: &'r Rows,
    field_idx: &[usize],
    limit: usize,
) -> Result<Vec<(String, &'r Vec<Value>)>, GroupByProblem> {
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
            if groups.len() > limit {
                break;
            }
        }
    }
    if groups.len() > limit {
        return Err(GroupByProblem::TooManyGroups {
            count: groups.len(),
            limit,
        });
    }
    Ok(groups)
}

/// The group-by check the children are evaluated for.
struct Parent<'a> {
    check: &'a Check,
    plan: &'a Plan,
    vars: &'a Vars,
    /// What the children's identities are made of besides their group.
    identity: &'a GroupIdentity,
}

impl Parent<'_> {
    /// One result per (group, nested check); `Err` says why the group by cannot be evaluated.
    fn children(
        &self,
        g: &GroupByCheck,
        rows: &Rows,
        messages: &mut Vec<Message>,
    ) -> Result<Vec<CheckResult>, GroupByProblem> {
        let field_idx = g
            .fields
            .iter()
            .map(|f| column(rows, f).ok_or_else(|| GroupByProblem::NotAColumn(f.clone())))
            .collect::<Result<Vec<_>, _>>()?;
        let groups = distinct_groups(rows, &field_idx, g.group_limit)?;
        let mut children = Vec::new();
        for (label, row) in &groups {
            for child in &g.checks {
                let Some(ci) = column(rows, &child.metric) else {
                    return Err(GroupByProblem::MetricNotAColumn(child.metric.clone()));
                };
                let value = row.get(ci).cloned().unwrap_or(Value::Null);
                children.push(self.child_result(child, label, value, messages));
            }
        }
        Ok(children)
    }

    /// A nested check's result for one group: its value against the nested thresholds.
    fn child_result(
        &self,
        child: &GroupByChild,
        label: &str,
        value: Value,
        messages: &mut Vec<Message>,
    ) -> CheckResult {
        let check = self.check;
        let synthesized = self.child_check(child, label);
        let name = synthesized.name.clone();
        let metric_identity = identity::group_by_metric_identity(
            &self.plan.scan_definition,
            &self.plan.data_source,
            &check.dataset.table,
            &name,
        );
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
                self.vars,
                &mut r,
                &mut child_messages,
            );
            // Messages point at the nested check, not at the group by.
            for mut m in child_messages {
                m.location = Some(Location {
                    file: check.file.clone(),
                    line: child.pos.0,
                    col: child.pos.1,
                });
                messages.push(m);
            }
        }
        r.child = Some(Box::new(synthesized));
        r
    }

    /// The check a nested check stands for in one group (its identities differ per group).
    fn child_check(&self, child: &GroupByChild, label: &str) -> Check {
        let check = self.check;
        let in_group = self.identity.in_group(&check.source_header, child, label);
        Check {
            seq: check.seq,
            file: check.file.clone(),
            line: child.pos.0,
            col: child.pos.1,
            source_header: check.source_header.clone(),
            source_line: child.line.clone(),
            config: Some(in_group.config),
            dataset: check.dataset.clone(),
            column: None,
            name: format!("{} [{label}]", child.name),
            definition: in_group.definition,
            identity_v1: in_group.identities.v1,
            identity_v2: in_group.identities.v2,
            identity_v3: in_group.identities.v3,
            identity_v4: None,
            attributes: check.attributes.clone(),
            fail: child.fail.clone(),
            warn: child.warn.clone(),
            no_threshold: false,
            invalid: false,
            samples_limit: None,
            kind: CheckKind::Unsupported("group by child".into()),
        }
    }
}
