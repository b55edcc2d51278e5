//! SodaCL: checks files → the validated [`model::ChecksModel`].
//!
//! Each file is parsed with spans ([`crate::yaml`]); each section header and check line is
//! parsed with [`line`]; configuration keys are validated and turned into typed settings. Every
//! problem is logged with `file:line:col` and parsing goes on with the next check, so one typo
//! never hides the rest of a file (Soda Core drops the rest of the file on some errors).

mod analyze;
pub mod ast;
mod checks;
pub mod formats;
pub mod identity;
pub mod line;
pub mod model;
pub mod problem;
mod validity;

use crate::diagnostic::{Location, Logs};
use crate::python::ruamel as emit;
use crate::template::Vars;
use crate::yaml::{self, Node, NodeKind, Scalar};
use line::{CheckLine, Comparator, Header, Operand, Threshold};
use model::{Check, CheckKind, ChecksModel, Dataset, ForEach, Literal, Partition, Zone};
use problem::Problem;
use std::path::Path;

/// Metric-check configuration keys Soda Core accepts (others are errors).
pub(crate) const METRIC_CONFIG_KEYS: &[&str] = &[
    "name",
    "identity",
    "warn",
    "fail",
    "filter",
    "samples limit",
    "samples columns",
    "attributes",
    "missing values",
    "missing format",
    "missing regex",
    "valid values",
    "valid format",
    "valid regex",
    "valid length",
    "valid min length",
    "valid max length",
    "valid min",
    "valid max",
    "invalid values",
    "invalid format",
    "invalid regex",
    "include null",
    "failed rows query",
    "failed rows sql_file",
    "condition",
    "method",
    "warn_only",
    "model",
    "training_dataset_parameters",
    "severity_level_parameters",
    "take_over_existing_anomaly_score_check",
];

/// The most checks one scan may hold: their checks, plans and results stay within a few
/// hundred MB (README, Limits). The scan of a file with more is refused at the check after
/// the limit, before anything runs.
pub const MAX_CHECKS: usize = 40_000;

/// Context shared while parsing the files of one scan.
pub struct Parser<'a> {
    pub vars: &'a mut Vars,
    pub logs: &'a mut Logs,
    pub data_source: String,
    pub model: ChecksModel,
    seq: usize,
    /// Variables of the `for each` copy being expanded (`ALIAS = table`).
    extra: Vec<(String, String)>,
    /// Partitions declared so far in the file being parsed (filters are file-scoped).
    file_partitions: std::collections::HashSet<Dataset>,
    /// The `- attributes:` item of the section being parsed.
    section_attributes: Option<Node>,
    /// More than [`MAX_CHECKS`] checks were found (reported once): nothing may run.
    pub over_limit: bool,
}

/// The file column of byte `offset` inside the text of scalar `node` (in characters, after
/// the opening quote of a quoted scalar).
pub(crate) fn column_at(node: &Node, text: &str, offset: usize) -> usize {
    let quote = match &node.kind {
        NodeKind::Scalar {
            style: yaml::Style::Single | yaml::Style::Double,
            ..
        } => 1,
        _ => 0,
    };
    node.pos.col + quote + text.get(..offset).map_or(0, |t| t.chars().count())
}

/// The check's configuration with the dataset-level attributes merged in (they win).
fn with_attributes(config: Option<&Node>, attrs: &Node) -> Node {
    let mut config = config.cloned().unwrap_or(Node {
        pos: attrs.pos,
        kind: NodeKind::Map {
            entries: Vec::new(),
            flow: false,
        },
    });
    if let NodeKind::Map { entries, .. } = &mut config.kind {
        match entries
            .iter_mut()
            .find(|(k, _)| k.scalar_text().as_deref() == Some("attributes"))
        {
            Some((_, existing)) => {
                if let (NodeKind::Map { entries: own, .. }, Some(extra)) =
                    (&mut existing.kind, attrs.entries())
                {
                    // The section's keys replace the check's own, in one pass over each.
                    let replaced: std::collections::HashSet<Option<String>> =
                        extra.iter().map(|(k, _)| k.scalar_text()).collect();
                    own.retain(|(ok, _)| !replaced.contains(&ok.scalar_text()));
                    own.extend(extra.iter().cloned());
                }
            }
            None => {
                let key = Node {
                    pos: attrs.pos,
                    kind: NodeKind::Scalar {
                        value: Scalar::Str("attributes".into()),
                        style: yaml::Style::Plain,
                        raw: "attributes".into(),
                        block_header: String::new(),
                    },
                };
                entries.push((key, attrs.clone()));
            }
        }
    }
    config
}

impl<'a> Parser<'a> {
    pub fn new(vars: &'a mut Vars, logs: &'a mut Logs, data_source: &str) -> Self {
        Parser {
            vars,
            logs,
            data_source: data_source.to_string(),
            model: ChecksModel::default(),
            seq: 0,
            extra: Vec::new(),
            file_partitions: std::collections::HashSet::new(),
            section_attributes: None,
            over_limit: false,
        }
    }

    /// Continues with a model parsed earlier (to expand its `for each` sections).
    pub fn with_model(mut self, model: ChecksModel) -> Self {
        self.seq = model.checks.iter().map(|c| c.seq).max().unwrap_or(0);
        self.model = model;
        self
    }

    /// Adds the checks of a `for each dataset` section for one matching table.
    pub fn expand_for_each(&mut self, template: &ForEach, table: &str) {
        let header = format!("checks for {} being {table}", template.alias);
        let dataset = Dataset {
            table: table.to_string(),
            partition: None,
        };
        self.model.touch_dataset(&dataset);
        self.extra = vec![(template.alias.clone(), table.to_string())];
        self.add_checks(&template.file, &header, &dataset, &template.checks);
        self.extra.clear();
    }

    /// Reads and parses one checks file; problems are logged.
    pub fn add_file(&mut self, path: &Path) {
        let display = path.display().to_string();
        self.logs
            .debug(format!("Reading SodaCL file \"{display}\""));
        let text = match crate::sources::read_text(path) {
            Ok(t) => {
                self.logs
                    .add_source(&display, &t, crate::diagnostic::Redact::Nothing);
                t
            }
            Err(e) => {
                let location = e.at.map(|(line, col)| Location {
                    file: display.clone(),
                    line,
                    col,
                });
                self.logs.error_at(
                    Problem::ReadFile {
                        file: display.clone(),
                        reason: e.message,
                    },
                    location,
                );
                return;
            }
        };
        self.add_text(&display, &text);
    }

    /// Parses checks from text, as if read from `file`.
    pub fn add_text(&mut self, file: &str, text: &str) {
        let doc = match yaml::parse(text) {
            Ok(Some(doc)) => doc,
            Ok(None) => return,
            Err(e) => {
                return self
                    .logs
                    .yaml_error(file, (e.pos.line, e.pos.col), e.message)
            }
        };
        let Some(entries) = doc.entries() else {
            self.error(
                file,
                &doc,
                "A SodaCL file must be a mapping of sections (e.g. \"checks for TABLE:\")",
            );
            return;
        };
        self.file_partitions.clear();
        for (key, value) in entries {
            let Some(key_text) = key.scalar_text() else {
                self.error(file, key, "Invalid section header: it must be text");
                continue;
            };
            self.add_section(file, key, &key_text, value);
        }
    }

    fn location(file: &str, node: &Node) -> Option<Location> {
        Some(Location {
            file: file.to_string(),
            line: node.pos.line,
            col: node.pos.col,
        })
    }

    fn error(&mut self, file: &str, node: &Node, message: impl Into<String>) {
        self.logs.error_at(message, Self::location(file, node));
    }

    fn warning(&mut self, file: &str, node: &Node, message: impl Into<String>) {
        self.logs.warning_at(message, Self::location(file, node));
    }

    /// Renders `${...}` at parse time, warning about undefined names.
    fn render(&mut self, file: &str, node: &Node, text: &str) -> String {
        if !text.contains('$') {
            return text.to_string();
        }
        let extra: Vec<(&str, &str)> = self
            .extra
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let r = self.vars.render_with(text, &extra);
        self.logs
            .problems_at(r.problems(""), Self::location(file, node));
        r.text
    }

    fn add_section(&mut self, file: &str, key: &Node, key_text: &str, value: &Node) {
        if key_text == "automated monitoring" {
            self.warning(
                file,
                key,
                "Section \"automated monitoring\" needs Soda Cloud history and anomaly detection; skipped",
            );
            return;
        }
        for (prefix, list_key, section) in [
            ("profile columns", "columns", PatternSection::ProfileColumns),
            (
                "discover datasets",
                "datasets",
                PatternSection::DiscoverDatasets,
            ),
            (
                "discover tables",
                "tables",
                PatternSection::DiscoverDatasets,
            ),
            (
                "sample datasets",
                "datasets",
                PatternSection::SampleDatasets,
            ),
            ("sample tables", "tables", PatternSection::SampleDatasets),
        ] {
            if key_text.starts_with(prefix) {
                return self.add_pattern_section(file, key_text, list_key, section, value);
            }
        }
        match key_text {
            "checks" => {
                let Some(items) = value.items() else {
                    self.error(
                        file,
                        value,
                        "Skipping section \"checks\" because content is not a list",
                    );
                    return;
                };
                let dataset = Dataset {
                    table: String::new(),
                    partition: None,
                };
                self.add_checks(file, "checks", &dataset, items);
            }
            "variables" => self.add_variables(file, value),
            _ => self.add_dataset_section(file, key, key_text, value),
        }
    }

    /// `profile columns`, `discover datasets`, `sample datasets`: include/exclude patterns.
    fn add_pattern_section(
        &mut self,
        file: &str,
        key_text: &str,
        list_key: &str,
        section: PatternSection,
        value: &Node,
    ) {
        if value.entries().is_none() {
            self.error(
                file,
                value,
                Problem::SectionNotMapping {
                    section: key_text.to_string(),
                },
            );
            return;
        }
        let Some(items) = value
            .get(list_key)
            .or_else(|| value.get("datasets"))
            .and_then(Node::items)
        else {
            let key = list_key.to_string();
            self.error(file, value, Problem::PatternsNotList { key });
            return;
        };
        let mut patterns = model::Patterns::default();
        for item in items {
            let Some(text) = item.scalar_text() else {
                continue;
            };
            let (exclude, p) = include_or_exclude(&text);
            if section == PatternSection::ProfileColumns && !p.contains('.') {
                self.error(file, item, Problem::ColumnPattern { pattern: p });
                continue;
            }
            if exclude {
                patterns.exclude.push(p);
            } else {
                patterns.include.push(p);
            }
        }
        match section {
            PatternSection::ProfileColumns => self.model.profile_columns = Some(patterns),
            PatternSection::DiscoverDatasets => self.model.discover_datasets = Some(patterns),
            PatternSection::SampleDatasets => self.model.sample_datasets = Some(patterns),
        }
    }

    /// Sections whose header names a dataset: `checks for`, `filter`, `configurations for`,
    /// `for each dataset`.
    fn add_dataset_section(&mut self, file: &str, key: &Node, key_text: &str, value: &Node) {
        if key_text.contains("for each table") {
            self.warning(
                file,
                key,
                "Please update 'for each table ...' to 'for each dataset ...'.",
            );
        }
        let header_text = self.render(file, key, key_text);
        let header = match line::parse_header(&header_text) {
            Ok(h) => h,
            Err(e) => {
                self.logs.error_at(
                    Problem::InvalidHeader {
                        header: key_text.to_string(),
                        syntax: e.syntax,
                    },
                    Some(Location {
                        file: file.to_string(),
                        line: key.pos.line,
                        col: column_at(key, key_text, e.offset),
                    }),
                );
                return;
            }
        };
        match header {
            Header::ChecksFor { table, partition } => {
                let dataset = Dataset { table, partition };
                self.add_checks_for(file, key, key_text, &header_text, dataset, value);
            }
            Header::Filter { table, partition } => {
                let dataset = Dataset {
                    table,
                    partition: Some(partition),
                };
                self.add_filter(file, key, key_text, dataset, value);
            }
            Header::ConfigurationsFor { table } => {
                self.model.touch_table(&table);
                self.add_column_configurations(file, &table, value);
            }
            Header::ForEachDataset { alias } => self.add_for_each(file, key, &alias, value),
            Header::ForEachColumn { .. } => {
                self.error(file, key, "\"for each column\" sections are not supported (Soda Core 3 does not run them either)");
            }
        }
    }

    fn add_checks_for(
        &mut self,
        file: &str,
        key: &Node,
        key_text: &str,
        header_text: &str,
        dataset: Dataset,
        value: &Node,
    ) {
        if dataset.partition.is_some() && !self.file_partitions.contains(&dataset) {
            self.error(
                file,
                key,
                Problem::FilterNotDeclared {
                    partition: dataset.partition.clone().unwrap_or_default(),
                },
            );
            return;
        }
        let Some(items) = value.items() else {
            self.error(
                file,
                value,
                Problem::SectionNotList {
                    section: key_text.to_string(),
                },
            );
            return;
        };
        self.model.touch_dataset(&dataset);
        self.add_checks(file, header_text, &dataset, items);
    }

    /// `filter T [p]: where: SQL`: a partition, unique per dataset.
    fn add_filter(
        &mut self,
        file: &str,
        key: &Node,
        key_text: &str,
        dataset: Dataset,
        value: &Node,
    ) {
        let where_sql = match value.get("where").and_then(|w| w.scalar_text()) {
            Some(w) if !w.trim().is_empty() => w,
            _ => {
                let section = key_text.to_string();
                self.error(file, value, Problem::FilterWithoutWhere { section });
                return;
            }
        };
        if let Some(existing) = self.model.partition(&dataset) {
            if existing.where_sql != where_sql {
                let redeclared = Problem::FilterRedeclared {
                    table: dataset.table.clone(),
                    partition: dataset.partition.clone().unwrap_or_default(),
                };
                self.error(file, key, redeclared);
                return;
            }
        } else {
            self.model.add_partition(Partition {
                dataset: dataset.clone(),
                where_sql,
            });
        }
        self.model.touch_table(&dataset.table);
        self.file_partitions.insert(dataset);
    }

    fn add_for_each(&mut self, file: &str, key: &Node, alias: &str, value: &Node) {
        if value.entries().is_none() {
            self.error(
                file,
                value,
                "A \"for each dataset\" section must contain \"datasets\" and \"checks\"",
            );
            return;
        }
        let datasets = value.get("datasets").or_else(|| value.get("tables"));
        let Some(patterns) = datasets.and_then(Node::items) else {
            self.error(
                file,
                datasets.unwrap_or(value),
                "Content of \"datasets\" must be a list of include and/or exclude expressions",
            );
            return;
        };
        let Some(checks) = value.get("checks").and_then(Node::items) else {
            self.error(
                file,
                value,
                "A \"for each dataset\" section needs a \"checks\" list",
            );
            return;
        };
        let mut includes = Vec::new();
        let mut excludes = Vec::new();
        for p in patterns {
            let Some(text) = p.scalar_text() else {
                self.error(file, p, "Dataset patterns must be text");
                continue;
            };
            let (exclude, pattern) = include_or_exclude(&text);
            let list = if exclude {
                &mut excludes
            } else {
                &mut includes
            };
            if pattern.contains(['\'', '"']) {
                self.error(file, p, Problem::QuotedDatasetPattern { pattern });
                continue;
            }
            let pieces: Vec<&str> = pattern.split('.').collect();
            let table = match pieces.as_slice() {
                [t] => (*t).to_string(),
                [ds, t] if *ds == self.data_source => (*t).to_string(),
                [_, _] => {
                    self.error(file, p, Problem::CrossDataSourcePattern { pattern });
                    continue;
                }
                _ => {
                    self.error(file, p, Problem::DatasetPatternPieces { pattern });
                    continue;
                }
            };
            list.push(table);
        }
        self.model.for_each.push(ForEach {
            alias: alias.to_string(),
            file: file.to_string(),
            line: key.pos.line,
            col: key.pos.col,
            includes,
            excludes,
            checks: checks.to_vec(),
        });
    }

    fn add_variables(&mut self, file: &str, value: &Node) {
        let Some(entries) = value.entries() else {
            self.error(
                file,
                value,
                "\"variables\" must be a mapping of names to values",
            );
            return;
        };
        for (k, v) in entries {
            let (Some(name), Some(text)) = (k.scalar_text(), v.scalar_text()) else {
                self.error(file, v, "Variable values must be text");
                continue;
            };
            let rendered = self.render(file, v, &text);
            self.vars.scan.insert(name, rendered);
        }
    }

    fn add_column_configurations(&mut self, file: &str, table: &str, value: &Node) {
        let Some(entries) = value.entries() else {
            self.error(file, value, "Contents of column configurations is a list, but should be plain configurations. Remove the \"-\" before the configurations");
            return;
        };
        for (k, v) in entries {
            let key = k.scalar_text().unwrap_or_default();
            let parts: Vec<&str> = key.split(" for ").collect();
            if parts.len() != 2 {
                self.error(file, k, Problem::ColumnConfigurationKey { key });
                continue;
            }
            let (setting, column) = (parts[0], parts[1].to_string());
            if setting.starts_with("invalid ") {
                let setting = setting.to_string();
                self.warning(file, k, Problem::IneffectiveConfiguration { setting });
            }
            let mut validity = self
                .model
                .column_validity(table, &column)
                .cloned()
                .unwrap_or_default();
            if !self.apply_validity_key(file, setting, k, v, &mut validity) {
                self.error(file, k, Problem::InvalidConfiguration { key });
                continue;
            }
            if matches!(setting, "missing values" | "valid values") {
                self.model.column_lists.push((
                    table.to_string(),
                    column.clone(),
                    setting.to_string(),
                    v.clone(),
                ));
            }
            self.model
                .column_configs
                .insert((table.to_string(), column), validity);
        }
    }

    /// Applies one missing/validity key; returns false if `key` is not such a key.
    fn string_value(&mut self, file: &str, key: &str, v: &Node) -> Option<String> {
        match v.scalar() {
            Some(Scalar::Str(s)) => Some(s.clone()),
            _ => {
                self.error(
                    file,
                    v,
                    Problem::NotAString {
                        key: key.to_string(),
                        found: v.type_name(),
                    },
                );
                None
            }
        }
    }

    fn literal_list(&mut self, file: &str, key: &str, v: &Node) -> Option<Vec<Literal>> {
        let Some(items) = v.items() else {
            self.error(
                file,
                v,
                Problem::NotAList {
                    key: key.to_string(),
                    found: v.type_name(),
                },
            );
            return None;
        };
        let mut out = Vec::new();
        let (mut strings, mut numbers) = (0, 0);
        for item in items {
            match item.scalar() {
                Some(Scalar::Str(s)) => {
                    strings += 1;
                    out.push(Literal::Str(s.clone()));
                }
                Some(Scalar::Int(i)) => {
                    numbers += 1;
                    out.push(Literal::Num {
                        value: *i as f64,
                        is_int: true,
                    });
                }
                Some(Scalar::Float(f)) => {
                    numbers += 1;
                    out.push(Literal::Num {
                        value: *f,
                        is_int: false,
                    });
                }
                _ => {
                    strings += 1;
                    numbers += 1;
                }
            }
        }
        if strings > 0 && numbers > 0 {
            let shown: Vec<String> = items
                .iter()
                .map(|i| match i.scalar() {
                    Some(Scalar::Str(s)) => format!("'{s}'"),
                    _ => i.scalar_text().unwrap_or_else(|| "None".into()),
                })
                .collect();
            self.error(
                file,
                v,
                Problem::MixedValues {
                    key: key.to_string(),
                    shown,
                },
            );
            return None;
        }
        Some(out)
    }

    fn add_checks(&mut self, file: &str, header: &str, dataset: &Dataset, items: &[Node]) {
        let mut dataset_attributes: Vec<(String, serde_json::Value)> = Vec::new();
        self.section_attributes = None;
        for item in items {
            if self.model.checks.len() >= MAX_CHECKS {
                if !self.over_limit {
                    self.over_limit = true;
                    let refused = Problem::TooManyChecks { limit: MAX_CHECKS };
                    self.error(file, item, refused);
                }
                return;
            }
            let (line_node, config) = match &item.kind {
                NodeKind::Scalar {
                    value: Scalar::Str(_),
                    ..
                } => (item, None),
                NodeKind::Map { entries, .. } if !entries.is_empty() => {
                    let (k, v) = &entries[0];
                    if entries.len() > 1 {
                        let extra: Vec<String> = entries[1..]
                            .iter()
                            .filter_map(|(k, _)| k.scalar_text())
                            .collect();
                        if v.is_null() {
                            let check = k.scalar_text().unwrap_or_default();
                            let keys = extra;
                            self.error(file, k, Problem::SameLevelKeys { check, keys });
                            continue;
                        }
                        self.logs.info(Problem::IgnoredSameLevelKeys {
                            check: k.scalar_text().unwrap_or_default(),
                            keys: extra,
                        });
                    }
                    (k, if v.is_null() { None } else { Some(v) })
                }
                _ => {
                    self.error(file, item, "Skipping unsupported check definition");
                    continue;
                }
            };
            let Some(line_text) = line_node.scalar_text() else {
                self.error(file, line_node, "Skipping unsupported check definition");
                continue;
            };
            if line_text == "attributes" {
                if let Some(cfg) = config {
                    // Scoped to this section (Soda Core leaks them into later sections).
                    dataset_attributes = self.attributes(file, cfg);
                    self.section_attributes = Some(cfg.clone());
                }
                continue;
            }
            if let Some(cfg) = config {
                if cfg.entries().is_none() {
                    self.error(
                        file,
                        cfg,
                        Problem::ConfigurationNotMapping {
                            check: line_text.clone(),
                        },
                    );
                    continue;
                }
            }
            self.add_check(
                file,
                header,
                dataset,
                line_node,
                &line_text,
                config,
                &dataset_attributes,
            );
        }
    }

    fn attributes(&mut self, file: &str, cfg: &Node) -> Vec<(String, serde_json::Value)> {
        let Some(entries) = cfg.entries() else {
            self.error(file, cfg, "attributes must be a mapping");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, v) in entries {
            let key_text = k.scalar_text().unwrap_or_default();
            let key = self.render(file, k, &key_text);
            let value = match &v.kind {
                NodeKind::Scalar { value, .. } => match value {
                    Scalar::Bool(b) => serde_json::Value::Bool(*b),
                    Scalar::Null => serde_json::Value::Null,
                    Scalar::Str(s) => serde_json::Value::String(self.render(file, v, s)),
                    _ => serde_json::Value::String(v.scalar_text().unwrap_or_default()),
                },
                NodeKind::Seq { items, .. } => serde_json::Value::Array(
                    items
                        .iter()
                        .map(|i| serde_json::Value::String(i.scalar_text().unwrap_or_default()))
                        .collect(),
                ),
                NodeKind::Map { .. } => {
                    self.error(file, v, Problem::AttributeValue { key });
                    continue;
                }
            };
            out.push((key, value));
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    /// The parts every check has: definition, name, attributes, samples limit. Identities come
    /// later, from the whole model ([`identity::assign`]).
    fn base_check(
        &mut self,
        file: &str,
        header: &str,
        dataset: &Dataset,
        line_node: &Node,
        line_text: &str,
        config: Option<&Node>,
        dataset_attributes: &[(String, serde_json::Value)],
    ) -> Check {
        self.seq += 1;
        // Soda Core writes dataset-level attributes into the check's configuration, where
        // the definition shows them (identities leave attributes out).
        let merged = self
            .section_attributes
            .as_ref()
            .map(|attrs| with_attributes(config, attrs));
        let definition = emit::definition_yaml(header, line_text, merged.as_ref().or(config));
        let (name, bad_name) = self.check_name(file, line_node, line_text, config);
        let attributes = self.check_attributes(file, config, dataset_attributes);
        let identity_v4 = config
            .and_then(|c| c.get("identity"))
            .and_then(|v| v.scalar_text());
        let samples_limit = self.samples_limit(file, line_node, config);
        Check {
            seq: self.seq,
            file: file.to_string(),
            line: line_node.pos.line,
            col: line_node.pos.col,
            source_header: header.to_string(),
            source_line: line_text.to_string(),
            config: config.cloned(),
            dataset: dataset.clone(),
            column: None,
            name,
            definition,
            identity_v1: String::new(),
            identity_v2: String::new(),
            identity_v3: String::new(),
            identity_v4,
            attributes,
            fail: None,
            warn: None,
            no_threshold: false,
            invalid: bad_name,
            samples_limit,
            kind: CheckKind::Unsupported(String::new()),
        }
    }

    /// The check's name, rendered: `name:` or the line plus the raw warn/fail texts; and
    /// whether `name:` is unusable (logged; the check is then invalid).
    fn check_name(
        &mut self,
        file: &str,
        line_node: &Node,
        line_text: &str,
        config: Option<&Node>,
    ) -> (String, bool) {
        let get = |k: &str| config.and_then(|c| c.get(k));
        let bad_name = get("name").filter(|n| n.scalar_text().is_none());
        if let Some(n) = bad_name {
            self.error(file, n, Problem::NameNotText(n.type_name()));
        }
        let name = match get("name").and_then(|n| n.scalar_text()) {
            Some(n) => self.render(file, line_node, &n),
            None => {
                let mut n = line_text.to_string();
                for key in ["warn", "fail"] {
                    if let Some(t) = get(key).and_then(|v| v.scalar_text()) {
                        if !t.is_empty() {
                            n.push_str(&format!(" {key} {t}"));
                        }
                    }
                }
                self.render(file, line_node, &n)
            }
        };
        (name, bad_name.is_some())
    }

    /// The check's own attributes, with the section's attributes replacing those of the same
    /// key.
    fn check_attributes(
        &mut self,
        file: &str,
        config: Option<&Node>,
        dataset_attributes: &[(String, serde_json::Value)],
    ) -> Vec<(String, serde_json::Value)> {
        let mut attributes = match config.and_then(|c| c.get("attributes")) {
            Some(a) => self.attributes(file, a),
            None => Vec::new(),
        };
        // One pass over the check's attributes, not one per section key.
        let replaced: std::collections::HashSet<&String> =
            dataset_attributes.iter().map(|(k, _)| k).collect();
        attributes.retain(|(ek, _)| !replaced.contains(ek));
        attributes.extend(dataset_attributes.iter().cloned());
        attributes
    }

    /// `samples limit:`, when it is an integer (anything else is logged and ignored).
    fn samples_limit(
        &mut self,
        file: &str,
        line_node: &Node,
        config: Option<&Node>,
    ) -> Option<i64> {
        match config
            .and_then(|c| c.get("samples limit"))
            .map(|v| v.scalar())
        {
            Some(Some(Scalar::Int(i))) => Some(*i),
            Some(_) => {
                self.error(
                    file,
                    line_node,
                    "Invalid YAML structure: key \"samples limit\" must contain a int",
                );
                None
            }
            None => None,
        }
    }

    /// Parses one check and adds it to the model (or logs why it cannot be).
    #[allow(clippy::too_many_arguments)]
    fn add_check(
        &mut self,
        file: &str,
        header: &str,
        dataset: &Dataset,
        line_node: &Node,
        line_text: &str,
        config: Option<&Node>,
        dataset_attributes: &[(String, serde_json::Value)],
    ) {
        let check = self.base_check(
            file,
            header,
            dataset,
            line_node,
            line_text,
            config,
            dataset_attributes,
        );
        match line_text {
            "schema" => return self.finish_schema(file, line_node, check, config),
            "failed rows" => return self.finish_failed_rows(file, line_node, check, config),
            "group by" => return self.finish_group_by(file, line_node, check, config),
            "group evolution" => {
                return self.finish_group_evolution(file, line_node, check, config)
            }
            _ => {}
        }
        let Some(parsed) = self.parse_line(file, dataset, line_node, line_text, config) else {
            return;
        };
        self.finish_parsed(file, line_node, check, config, parsed);
    }

    /// The check line's syntax tree, or `None` (after logging why) when it cannot be used.
    fn parse_line(
        &mut self,
        file: &str,
        dataset: &Dataset,
        line_node: &Node,
        line_text: &str,
        config: Option<&Node>,
    ) -> Option<CheckLine> {
        let parsed = match line::parse_check_line(line_text) {
            Ok(p) => p,
            Err(e) => {
                self.logs.error_at(
                    Problem::InvalidCheck {
                        check: line_text.to_string(),
                        syntax: e.syntax,
                    },
                    Some(Location {
                        file: file.to_string(),
                        line: line_node.pos.line,
                        col: column_at(line_node, line_text, e.offset),
                    }),
                );
                return None;
            }
        };
        // Data-source level `checks:` run only user-defined queries and failed rows.
        let own_query = matches!(&parsed, CheckLine::Metric { metric, .. }
            if config.is_some_and(|c| c.get(&format!("{metric} query")).is_some() || c.get(&format!("{metric} sql_file")).is_some()));
        if dataset.table.is_empty() && !own_query {
            self.logs.error_at(
                Problem::OutsideChecksFor {
                    check: line_text.to_string(),
                },
                Self::location(file, line_node),
            );
            return None;
        }
        Some(parsed)
    }

    /// Hands a parsed check line to the finisher of its kind.
    // Long only because each arm passes the parsed parts on by name; it is one dispatch.
    fn finish_parsed(
        &mut self,
        file: &str,
        line_node: &Node,
        check: Check,
        config: Option<&Node>,
        parsed: CheckLine,
    ) {
        let location = Self::location(file, line_node);
        let mut wrap = Wrap::None;
        let (metric, args, inline) = match parsed {
            CheckLine::Reference {
                source,
                target_table,
                target,
                must_exist,
            } => {
                return self.finish_reference(
                    file,
                    line_node,
                    check,
                    config,
                    source,
                    target_table,
                    target,
                    must_exist,
                )
            }
            CheckLine::FreshnessUsing {
                column,
                now_variable,
                threshold,
            } => {
                self.logs.warning_at(
                    "Syntax of freshness check has changed and is deprecated.  Use freshness(column_name) < 24h30m  See docs",
                    location,
                );
                let inline = threshold.map(|t| Threshold::Compare(Comparator::Lt, t));
                return self.finish_freshness(
                    file,
                    line_node,
                    check,
                    config,
                    column,
                    now_variable,
                    inline,
                );
            }
            CheckLine::RowCountSameAs {
                table,
                partition,
                data_source,
            } => {
                return self.finish_row_count_comparison(
                    file,
                    line_node,
                    check,
                    config,
                    table,
                    partition,
                    data_source,
                )
            }
            CheckLine::Change {
                history,
                percent,
                inner,
            } => {
                wrap = Wrap::Change { history, percent };
                match *inner {
                    CheckLine::Metric {
                        metric,
                        args,
                        threshold,
                    } => (metric, args, threshold),
                    _ => return,
                }
            }
            CheckLine::Anomaly { inner, .. } => {
                wrap = Wrap::Anomaly;
                match *inner {
                    CheckLine::Metric {
                        metric,
                        args,
                        threshold,
                    } => (metric, args, threshold),
                    _ => return,
                }
            }
            CheckLine::Metric {
                metric,
                args,
                threshold,
            } => (metric, args, threshold),
        };
        self.finish_metric(file, line_node, check, config, wrap, (metric, args, inline));
    }
}

/// The sections that list include/exclude patterns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PatternSection {
    ProfileColumns,
    DiscoverDatasets,
    SampleDatasets,
}

/// `include P` / `exclude P` / `P` (an include): whether it excludes, and the pattern.
fn include_or_exclude(text: &str) -> (bool, String) {
    match text.strip_prefix("exclude ") {
        Some(rest) => (true, rest.trim().to_string()),
        None => (
            false,
            text.strip_prefix("include ")
                .unwrap_or(text)
                .trim()
                .to_string(),
        ),
    }
}

/// What a metric check line was wrapped in.
pub(super) enum Wrap {
    None,
    Change {
        history: line::HistoryWindow,
        percent: bool,
    },
    Anomaly,
}

fn check_between_order(parser: &mut Parser, file: &str, node: &Node, t: &Threshold) {
    if let Threshold::Between {
        low: Operand::Number(l),
        high: Operand::Number(h),
        ..
    } = t
    {
        if l > h {
            parser.error(
                file,
                node,
                "Left lower bound should be less than the upper bound on the right",
            );
        }
    }
}

/// The zone a threshold describes, read as "the passing values" (inline) or as "the bad
/// values" (`when ...`). Both readings build the same zone; they differ in whether it is
/// inverted afterwards.
fn pass_zone(t: &Threshold) -> Zone {
    bad_zone(t)
}

/// The zone of values a threshold selects (sodacl.md §3.2).
pub(crate) fn bad_zone(t: &Threshold) -> Zone {
    let mut z = Zone::default();
    match t {
        Threshold::Compare(cmp, v) => match cmp {
            Comparator::Gt => z.gt = Some(v.clone()),
            Comparator::Ge => z.gte = Some(v.clone()),
            Comparator::Lt => z.lt = Some(v.clone()),
            Comparator::Le => z.lte = Some(v.clone()),
            Comparator::Eq => {
                z.gte = Some(v.clone());
                z.lte = Some(v.clone());
            }
            Comparator::Ne => {
                z.lt = Some(v.clone());
                z.gt = Some(v.clone());
                z.split = true;
            }
        },
        Threshold::Between {
            negated,
            low,
            low_inclusive,
            high,
            high_inclusive,
        } => {
            let mut inner = Zone::default();
            if *low_inclusive {
                inner.gte = Some(low.clone());
            } else {
                inner.gt = Some(low.clone());
            }
            if *high_inclusive {
                inner.lte = Some(high.clone());
            } else {
                inner.lt = Some(high.clone());
            }
            z = if *negated { inverse(&inner) } else { inner };
        }
        Threshold::Default => {}
    }
    z
}

/// Inverts a zone: `lt ↔ gte`, `lte ↔ gt`; the split flag flips when both sides are bounded.
pub fn inverse(z: &Zone) -> Zone {
    let has_low = z.gt.is_some() || z.gte.is_some();
    let has_high = z.lt.is_some() || z.lte.is_some();
    Zone {
        gte: z.lt.clone(),
        gt: z.lte.clone(),
        lt: z.gte.clone(),
        lte: z.gt.clone(),
        split: if has_low && has_high {
            !z.split
        } else {
            z.split
        },
    }
}
