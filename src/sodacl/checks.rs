//! Building the check types other than plain metric checks: freshness, schema, reference,
//! row count comparison, failed rows and group by. Each `finish_*` takes the check with its
//! common parts (name, identities, location) filled in, validates the type's configuration
//! keys, sets its kind and registers it.

use super::line::{self, Comparator, Operand, Threshold};
use super::model::{
    Check, CheckKind, Dataset, FreshnessCheck, GroupByCheck, GroupByChild, ReferenceCheck,
    SchemaRules,
};
use super::problem::Problem;
use super::{bad_zone, inverse, Parser};
use crate::diagnostic::Location;
use crate::yaml::{Node, NodeKind, Scalar};
use std::path::Path;

/// Removes the common leading indentation and surrounding blank space of SQL text.
pub fn dedent(text: &str) -> String {
    // Only ASCII spaces and tabs count as indentation, so slicing stays on char boundaries.
    let indent_of = |l: &str| l.len() - l.trim_start_matches([' ', '\t']).len();
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(indent_of)
        .min()
        .unwrap_or(0);
    text.lines()
        .map(|l| {
            if indent_of(l) >= indent {
                &l[indent..]
            } else {
                l.trim_start_matches([' ', '\t'])
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

impl Parser<'_> {
    fn location_of(file: &str, node: &Node) -> Option<Location> {
        Some(Location {
            file: file.to_string(),
            line: node.pos.line,
            col: node.pos.col,
        })
    }

    /// Logs an error for every configuration key outside `allowed`.
    fn check_keys(
        &mut self,
        file: &str,
        config: Option<&Node>,
        allowed: &[&str],
        check: &'static str,
    ) {
        let Some(entries) = config.and_then(Node::entries) else {
            return;
        };
        for (k, _) in entries {
            let key = k.scalar_text().unwrap_or_default();
            if !allowed.contains(&key.as_str()) {
                let problem = Problem::UnknownCheckKey { check, key };
                self.logs.error_at(problem, Self::location_of(file, k));
            }
        }
    }

    /// Reads `warn: when ...` and `fail: when ...` as written (not yet turned into zones).
    pub(super) fn when_thresholds(
        &mut self,
        file: &str,
        config: Option<&Node>,
    ) -> (Option<Threshold>, Option<Threshold>) {
        let mut out = (None, None);
        let Some(cfg) = config else { return out };
        for key in ["warn", "fail"] {
            let Some(v) = cfg.get(key) else { continue };
            if v.is_null() {
                continue;
            }
            let text = v.scalar_text().unwrap_or_default();
            let Some(cond) = text.strip_prefix("when ") else {
                self.logs.error_at(
                    Problem::NotWhen {
                        key: key.to_string(),
                    },
                    Self::location_of(file, v),
                );
                continue;
            };
            // Freshness durations may come from variables, resolved now (as Soda Core does).
            let cond = if cond.contains('$') {
                self.render(file, v, cond)
            } else {
                cond.to_string()
            };
            match line::parse_when(&cond) {
                Ok(t) => {
                    if key == "warn" {
                        out.0 = Some(t);
                    } else {
                        out.1 = Some(t);
                    }
                }
                Err(e) => self.logs.error_at(
                    Problem::InvalidThreshold {
                        key: key.to_string(),
                        text: text.clone(),
                        syntax: e.syntax,
                    },
                    Some(Location {
                        file: file.to_string(),
                        line: v.pos.line,
                        col: super::column_at(v, &text, 5 + e.offset),
                    }),
                ),
            }
        }
        out
    }

    /// A user query from `... query:` (inline) or `... sql_file:` (relative to the checks file),
    /// dedented and rendered with the scan variables and the `for each` alias.
    pub(super) fn user_sql(
        &mut self,
        file: &str,
        key: &Node,
        value: &Node,
        is_file: bool,
    ) -> Option<String> {
        let Some(text) = value.as_str() else {
            self.logs
                .error_at("The query must be text", Self::location_of(file, value));
            return None;
        };
        let sql = if is_file {
            let path = Path::new(file)
                .parent()
                .unwrap_or(Path::new("."))
                .join(text.trim());
            match std::fs::read_to_string(&path) {
                Ok(t) => t,
                Err(e) => {
                    self.logs.error_at(
                        Problem::ReadSqlFile {
                            path: path.clone(),
                            reason: e.to_string(),
                        },
                        Self::location_of(file, key),
                    );
                    return None;
                }
            }
        } else {
            text.to_string()
        };
        let sql = dedent(&sql);
        if sql.is_empty() {
            self.logs
                .error_at("The query is empty", Self::location_of(file, value));
            return None;
        }
        Some(self.render(file, value, &sql))
    }

    fn duration_operand(&mut self, file: &str, node: &Node, op: &Operand) -> Option<i64> {
        match op {
            Operand::Duration { seconds, .. } => Some(*seconds),
            Operand::Variable(v) => {
                let text = self.render(file, node, v);
                match line::parse_when(&format!("< {text}")) {
                    Ok(Threshold::Compare(_, Operand::Duration { seconds, .. })) => Some(seconds),
                    _ => {
                        self.logs.error_at(
                            Problem::FreshnessNotDuration {
                                variable: v.clone(),
                                text,
                            },
                            Self::location_of(file, node),
                        );
                        None
                    }
                }
            }
            Operand::Number(n) => {
                self.logs.error_at(
                    Problem::FreshnessNoUnit { number: *n },
                    Self::location_of(file, node),
                );
                None
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn finish_freshness(
        &mut self,
        file: &str,
        line_node: &Node,
        mut check: Check,
        config: Option<&Node>,
        column: String,
        now_variable: Option<String>,
        inline: Option<Threshold>,
    ) {
        let filter = config
            .and_then(|c| c.get("filter"))
            .and_then(Node::scalar_text);
        let mut fc = FreshnessCheck {
            column: column.clone(),
            now_variable: now_variable.unwrap_or_else(|| "NOW".into()),
            filter,
            fail_after: None,
            warn_after: None,
        };
        match inline {
            Some(Threshold::Compare(Comparator::Lt | Comparator::Le, op)) => {
                fc.fail_after = self.duration_operand(file, line_node, &op);
                if fc.fail_after.is_none() {
                    check.invalid = true;
                }
            }
            Some(_) => {
                self.logs.warning_at(
                    "Freshness checks take '< duration' (e.g. freshness(updated_at) < 1d); this threshold sets no limit",
                    Self::location_of(file, line_node),
                );
            }
            None => {
                let (warn, fail) = self.when_thresholds(file, config);
                for (t, slot) in [(warn, &mut fc.warn_after), (fail, &mut fc.fail_after)] {
                    match t {
                        Some(Threshold::Compare(Comparator::Gt | Comparator::Ge, op)) => {
                            *slot = self.duration_operand(file, line_node, &op);
                        }
                        Some(_) => self.logs.warning_at(
                            "Freshness warn/fail blocks take 'when > duration'; this one sets no limit",
                            Self::location_of(file, line_node),
                        ),
                        None => {}
                    }
                }
            }
        }
        check.column = Some(column);
        check.kind = CheckKind::Freshness(fc);
        self.model.checks.push(Box::new(check));
    }

    pub(super) fn finish_schema(
        &mut self,
        file: &str,
        line_node: &Node,
        mut check: Check,
        config: Option<&Node>,
    ) {
        self.check_keys(
            file,
            config,
            &["name", "warn", "fail", "attributes", "identity"],
            "schema check",
        );
        if config.and_then(|c| c.get("name")).is_none() {
            check.name = "Schema Check".into();
        }
        let Some(cfg) = config.filter(|c| c.entries().is_some()) else {
            self.logs.error_at(
                "Check \"schema\" expects a nested object/dict",
                Self::location_of(file, line_node),
            );
            return;
        };
        let errors_before = self.logs.error_count();
        let mut rules = [SchemaRules::default(), SchemaRules::default()];
        for (i, key) in ["warn", "fail"].iter().enumerate() {
            let Some(block) = cfg.get(key) else { continue };
            let Some(entries) = block.entries() else {
                self.logs.error_at(
                    Problem::SchemaBlockNotMapping {
                        key: key.to_string(),
                    },
                    Self::location_of(file, block),
                );
                continue;
            };
            for (k, v) in entries {
                self.schema_validation(file, k, v, &mut rules[i]);
            }
        }
        for r in &rules {
            if !r.optional.is_empty() && r.mismatching.is_none() {
                self.logs.error_at(
                    "\"with optional columns\" only works together with \"when mismatching columns\"",
                    Self::location_of(file, line_node),
                );
            }
        }
        // A validation that could not be read would make the check pass on what is left.
        check.invalid |= self.logs.error_count() > errors_before;
        let [warn, fail] = rules;
        check.kind = CheckKind::Schema {
            warn: Box::new(warn),
            fail: Box::new(fail),
        };
        self.model.checks.push(Box::new(check));
    }

    /// One `when ...` validation of a schema check's `warn` or `fail` block, into its rules.
    fn schema_validation(&mut self, file: &str, k: &Node, v: &Node, r: &mut SchemaRules) {
        let name = k.scalar_text().unwrap_or_default();
        match name.as_str() {
            "when required column missing" => r.required = self.name_list(file, v),
            "when forbidden column present" => r.forbidden = self.name_list(file, v),
            "with optional columns" => r.optional = self.name_list(file, v),
            "when wrong column type" => r.types = self.type_map(file, v),
            "when mismatching columns" => r.mismatching = Some(self.type_map(file, v)),
            "when wrong column index" => self.column_indexes(file, v, &mut r.indexes),
            "when schema changes" => r.changes = self.schema_changes(file, v),
            other => {
                let hint = match other {
                    "when required columns missing" => {
                        " Did you mean \"when required column missing\"?"
                    }
                    "when forbidden columns present" => {
                        " Did you mean \"when forbidden column present\"?"
                    }
                    "when schema change" => " Did you mean \"when schema changes\"?",
                    "when wrong column types" => " Did you mean \"when wrong column type\"?",
                    _ => "",
                };
                self.logs.error_at(
                    Problem::InvalidSchemaValidation {
                        validation: other.to_string(),
                        hint,
                    },
                    Self::location_of(file, k),
                );
            }
        }
    }

    /// `when wrong column index`: column names mapped to 0-based positions.
    fn column_indexes(&mut self, file: &str, v: &Node, indexes: &mut Vec<(String, i64)>) {
        let Some(entries) = v.entries() else {
            self.logs.error_at(
                "\"when wrong column index\" must map column names to 0-based positions",
                Self::location_of(file, v),
            );
            return;
        };
        for (c, idx) in entries {
            match (c.scalar_text(), idx.scalar()) {
                (Some(c), Some(Scalar::Int(n))) => indexes.push((c, *n)),
                _ => self.logs.error_at(
                    "Column index must be an integer",
                    Self::location_of(file, idx),
                ),
            }
        }
    }

    /// `when schema changes`: `any` or a list of change kinds; unknown kinds are reported
    /// but kept.
    fn schema_changes(&mut self, file: &str, v: &Node) -> Vec<String> {
        let all: &'static [&str] = &[
            "column add",
            "column delete",
            "column type change",
            "column index change",
        ];
        let changes: Vec<String> = match (v.scalar_text(), v.items()) {
            (Some(t), _) if t == "any" => all.iter().map(ToString::to_string).collect(),
            (_, Some(items)) => items.iter().filter_map(Node::scalar_text).collect(),
            _ => {
                self.logs.error_at("\"when schema changes\" takes \"any\" or a list of column add, column delete, column type change, column index change", Self::location_of(file, v));
                Vec::new()
            }
        };
        for c in &changes {
            if !all.contains(&c.as_str()) {
                self.logs.error_at(
                    Problem::InvalidSchemaChange {
                        change: c.clone(),
                        allowed: all,
                    },
                    Self::location_of(file, v),
                );
            }
        }
        changes
    }

    fn name_list(&mut self, file: &str, v: &Node) -> Vec<String> {
        match v.items() {
            Some(items) => items.iter().filter_map(Node::scalar_text).collect(),
            None => {
                self.logs.error_at(
                    "Expected a list of column names",
                    Self::location_of(file, v),
                );
                Vec::new()
            }
        }
    }

    fn type_map(&mut self, file: &str, v: &Node) -> Vec<(String, Option<String>)> {
        match v.entries() {
            Some(entries) => entries
                .iter()
                .filter_map(|(k, t)| k.scalar_text().map(|k| (k, t.scalar_text())))
                .collect(),
            None => {
                self.logs.error_at(
                    "Expected a mapping of column names to types",
                    Self::location_of(file, v),
                );
                Vec::new()
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn finish_reference(
        &mut self,
        file: &str,
        line_node: &Node,
        mut check: Check,
        config: Option<&Node>,
        source: Vec<String>,
        target_table: String,
        target: Vec<String>,
        must_exist: bool,
    ) {
        self.check_keys(
            file,
            config,
            &["name", "samples limit", "attributes", "identity"],
            "reference check",
        );
        if source.len() != target.len() {
            self.logs.error_at(
                "Number of source and target column names must be equal",
                Self::location_of(file, line_node),
            );
            return;
        }
        if source.len() == 1 {
            check.column = Some(source[0].clone());
        }
        check.kind = CheckKind::Reference(ReferenceCheck {
            source,
            target_table,
            target,
            must_exist,
        });
        self.model.checks.push(Box::new(check));
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn finish_row_count_comparison(
        &mut self,
        file: &str,
        line_node: &Node,
        mut check: Check,
        config: Option<&Node>,
        table: String,
        partition: Option<String>,
        data_source: Option<String>,
    ) {
        self.check_keys(
            file,
            config,
            &["name", "attributes", "identity"],
            "row_count same as",
        );
        let other = Dataset { table, partition };
        let other_data_source = data_source.filter(|d| *d != self.data_source);
        if other.partition.is_some() && !self.file_partitions.contains(&other) {
            self.logs.error_at(
                Problem::FilterNotDeclared {
                    partition: other.partition.clone().unwrap_or_default(),
                },
                Self::location_of(file, line_node),
            );
            return;
        }
        check.kind = CheckKind::RowCountComparison {
            other,
            other_data_source,
        };
        self.model.checks.push(Box::new(check));
    }

    pub(super) fn finish_failed_rows(
        &mut self,
        file: &str,
        line_node: &Node,
        mut check: Check,
        config: Option<&Node>,
    ) {
        self.check_keys(
            file,
            config,
            &[
                "name",
                "warn",
                "fail",
                "fail condition",
                "fail query",
                "fail sql_file",
                "samples limit",
                // Not "samples columns": Soda Core 3.5.6 rejects it here (and never uses it).
                "attributes",
                "identity",
            ],
            "user defined failed rows check",
        );
        let get = |k: &str| config.and_then(|c| c.get(k));
        let condition = get("fail condition").and_then(Node::scalar_text);
        let query = match (get("fail query"), get("fail sql_file")) {
            (Some(q), _) if condition.is_none() => self.user_sql(file, line_node, q, false),
            (None, Some(f)) if condition.is_none() => self.user_sql(file, line_node, f, true),
            _ => None,
        };
        if condition.is_none() && query.is_none() {
            self.logs.error_at(
                "In a \"failed rows\" check, either \"fail condition\" or \"fail query\" are required as nested configurations.",
                Self::location_of(file, line_node),
            );
            return;
        }
        if condition.is_some() && check.dataset.table.is_empty() {
            self.logs.error_at("\"fail condition\" needs a dataset: put the check in a \"checks for TABLE\" section", Self::location_of(file, line_node));
            return;
        }
        let (warn, fail) = self.when_thresholds(file, config);
        check.warn = warn.as_ref().map(bad_zone);
        check.fail = fail.as_ref().map(bad_zone);
        check.kind = CheckKind::FailedRows { condition, query };
        self.model.checks.push(Box::new(check));
    }

    pub(super) fn finish_group_evolution(
        &mut self,
        file: &str,
        line_node: &Node,
        mut check: Check,
        config: Option<&Node>,
    ) {
        self.check_keys(
            file,
            config,
            &["name", "warn", "fail", "attributes", "query", "identity"],
            "group evolution check",
        );
        if config.and_then(|c| c.get("name")).is_none() {
            check.name = "Group Evolution Check".into();
        }
        let query = match config.and_then(|c| c.get("query")) {
            Some(q) => self.user_sql(file, line_node, q, false),
            None => None,
        };
        let Some(query) = query else {
            self.logs.error_at(
                "A \"group evolution\" check needs a \"query\" whose first column is the group",
                Self::location_of(file, line_node),
            );
            return;
        };
        let mut rules = [
            super::model::GroupRules::default(),
            super::model::GroupRules::default(),
        ];
        for (i, key) in ["warn", "fail"].iter().enumerate() {
            let Some(block) = config.and_then(|c| c.get(key)) else {
                continue;
            };
            let Some(entries) = block.entries() else {
                self.logs.error_at(
                    Problem::GroupBlockNotMapping {
                        key: key.to_string(),
                    },
                    Self::location_of(file, block),
                );
                continue;
            };
            for (k, v) in entries {
                let name = k.scalar_text().unwrap_or_default();
                match name.as_str() {
                    "when required group missing" => rules[i].required = self.name_list(file, v),
                    "when forbidden group present" => rules[i].forbidden = self.name_list(file, v),
                    "when groups change" => {
                        let all = ["group add", "group delete"];
                        rules[i].changes = match (v.scalar_text(), v.items()) {
                            (Some(t), _) if t == "any" => {
                                all.iter().map(ToString::to_string).collect()
                            }
                            (_, Some(items)) => {
                                items.iter().filter_map(Node::scalar_text).collect()
                            }
                            _ => {
                                self.logs.error_at("\"when groups change\" takes \"any\" or a list of group add, group delete", Self::location_of(file, v));
                                Vec::new()
                            }
                        };
                    }
                    other => self.logs.error_at(
                        Problem::InvalidGroupValidation(other.to_string()),
                        Self::location_of(file, k),
                    ),
                }
            }
        }
        let [warn, fail] = rules;
        check.kind = CheckKind::GroupEvolution(Box::new(super::model::GroupEvolutionCheck {
            query,
            warn,
            fail,
        }));
        self.model.checks.push(Box::new(check));
    }

    pub(super) fn finish_group_by(
        &mut self,
        file: &str,
        line_node: &Node,
        mut check: Check,
        config: Option<&Node>,
    ) {
        let get = |k: &str| config.and_then(|c| c.get(k));
        let query = match get("query") {
            Some(q) => self.user_sql(file, line_node, q, false),
            None => None,
        };
        let fields: Vec<String> = get("fields")
            .and_then(Node::items)
            .map(|i| i.iter().filter_map(Node::scalar_text).collect())
            .unwrap_or_default();
        let Some(children) = get("checks").and_then(Node::items) else {
            self.logs.error_at(
                "A \"group by\" check needs \"query\", \"fields\" and \"checks\"",
                Self::location_of(file, line_node),
            );
            return;
        };
        let (Some(query), false) = (query, fields.is_empty()) else {
            self.logs.error_at(
                "A \"group by\" check needs \"query\", \"fields\" and \"checks\"",
                Self::location_of(file, line_node),
            );
            return;
        };
        let group_limit = match get("group_limit").and_then(Node::scalar) {
            Some(Scalar::Int(n)) if *n > 0 => *n as usize,
            _ => 1000,
        };
        let checks = children
            .iter()
            .filter_map(|item| self.group_by_child(file, item))
            .collect();
        check.kind = CheckKind::GroupBy(Box::new(GroupByCheck {
            query,
            fields,
            checks,
            group_limit,
            identity: Default::default(),
        }));
        self.model.checks.push(Box::new(check));
    }

    /// One nested check of a group by: `result_column threshold` or `result_column:` with
    /// `warn`/`fail` blocks, and a name. `None` (reported, unless the item is not a check at
    /// all) when it is not usable.
    fn group_by_child(&mut self, file: &str, item: &Node) -> Option<GroupByChild> {
        let (key, cfg) = match &item.kind {
            NodeKind::Scalar { .. } => (item, None),
            NodeKind::Map { entries, .. } if !entries.is_empty() => {
                (&entries[0].0, Some(&entries[0].1).filter(|v| !v.is_null()))
            }
            _ => return None,
        };
        let text = key.scalar_text()?;
        let (metric, threshold) = match line::parse_check_line(&text) {
            Ok(line::CheckLine::Metric {
                metric,
                args,
                threshold,
            }) if args.is_empty() => (metric, threshold),
            _ => {
                let problem = Problem::GroupByCheckLine { check: text };
                self.logs.error_at(problem, Self::location_of(file, key));
                return None;
            }
        };
        let Some(name) = cfg.and_then(|c| c.get("name")).and_then(Node::scalar_text) else {
            self.logs.error_at(
                Problem::GroupByCheckName { check: text },
                Self::location_of(file, key),
            );
            return None;
        };
        let name = self.render(file, key, &name);
        let (warn, fail) = match &threshold {
            Some(t) => (None, Some(inverse(&bad_zone(t)))),
            None => {
                let (w, f) = self.when_thresholds(file, cfg);
                (w.as_ref().map(bad_zone), f.as_ref().map(bad_zone))
            }
        };
        if warn.is_none() && fail.is_none() {
            self.logs.error_at(
                Problem::NoThreshold { check: text },
                Self::location_of(file, key),
            );
            return None;
        }
        Some(GroupByChild {
            line: text,
            pos: (key.pos.line, key.pos.col),
            name,
            metric,
            config: cfg.cloned(),
            fail,
            warn,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedents_sql() {
        assert_eq!(
            dedent("\n    SELECT *\n      FROM t\n"),
            "SELECT *\n  FROM t"
        );
    }
}
