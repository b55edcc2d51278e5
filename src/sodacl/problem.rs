//! What is wrong with a checks file, as data: the parser records a [`Problem`] (or a line's
//! [`Syntax`] error) with the values it needs, at the location it already carries, and the
//! `Display` impls in this file are the one place those become Soda Core's words in the scan
//! log. Tests pin these texts (tests/sodacl/invalid/*.stdout), so a message changes here and
//! nowhere else.

use super::formats;
use std::fmt;
use std::path::PathBuf;

/// What stood where a check line, header or threshold stopped parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    End,
    Space,
    Word(String),
}

/// Why one line (check, section header, `when` threshold) does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Syntax {
    /// Something else stood where `what` was expected.
    Expected { what: &'static str, found: Found },
    /// Two spaces between words (Soda's lexer takes exactly one).
    TwoSpaces,
    /// Text after a complete line.
    Unexpected(Found),
    /// `avg last`, `min last` or `max last` without a count.
    MeasurementCount { function: &'static str },
    /// `change for` something that is not a metric check.
    ChangeNeedsMetric,
    /// A section header of no known kind.
    NotAHeader,
}

/// Why a metric with its arguments cannot be measured as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetricProblem {
    DuplicateCountNeedsColumn,
    /// A percent metric without its column.
    NeedsColumn {
        metric: String,
    },
    /// An aggregate (`avg`, `max`, ...) without its column.
    AggregateNeedsColumn {
        metric: String,
    },
    Percentile,
}

/// One problem with a checks file.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    ReadFile {
        file: String,
        reason: String,
    },
    ReadSqlFile {
        path: PathBuf,
        reason: String,
    },
    SectionNotMapping {
        section: String,
    },
    SectionNotList {
        section: String,
    },
    PatternsNotList {
        key: String,
    },
    ColumnPattern {
        pattern: String,
    },
    InvalidHeader {
        header: String,
        syntax: Syntax,
    },
    FilterNotDeclared {
        partition: String,
    },
    FilterWithoutWhere {
        section: String,
    },
    FilterRedeclared {
        table: String,
        partition: String,
    },
    QuotedDatasetPattern {
        pattern: String,
    },
    CrossDataSourcePattern {
        pattern: String,
    },
    DatasetPatternPieces {
        pattern: String,
    },
    ColumnConfigurationKey {
        key: String,
    },
    /// A warning: Soda Core ignores `invalid ...` under `configurations for`.
    IneffectiveConfiguration {
        setting: String,
    },
    InvalidConfiguration {
        key: String,
    },
    NotAString {
        key: String,
        found: &'static str,
    },
    NotAList {
        key: String,
        found: &'static str,
    },
    MixedValues {
        key: String,
        shown: Vec<String>,
    },
    TooManyChecks {
        limit: usize,
    },
    /// Keys beside an unconfigured check; an error when they look like its configuration.
    SameLevelKeys {
        check: String,
        keys: Vec<String>,
    },
    /// The info line when same-level keys are ignored.
    IgnoredSameLevelKeys {
        check: String,
        keys: Vec<String>,
    },
    ConfigurationNotMapping {
        check: String,
    },
    AttributeValue {
        key: String,
    },
    /// The YAML type `name` has instead.
    NameNotText(&'static str),
    InvalidCheck {
        check: String,
        syntax: Syntax,
    },
    /// The metric cannot be measured; percentiles name the check, as Soda Core does.
    Metric {
        line: String,
        problem: MetricProblem,
    },
    OutsideChecksFor {
        check: String,
    },
    UnknownCheckKey {
        check: &'static str,
        key: String,
    },
    NotWhen {
        key: String,
    },
    InvalidThreshold {
        key: String,
        text: String,
        syntax: Syntax,
    },
    FreshnessNotDuration {
        variable: String,
        text: String,
    },
    FreshnessNoUnit {
        number: f64,
    },
    FreshnessArguments {
        check: String,
    },
    SchemaBlockNotMapping {
        key: String,
    },
    InvalidSchemaValidation {
        validation: String,
        hint: &'static str,
    },
    InvalidSchemaChange {
        change: String,
        allowed: &'static [&'static str],
    },
    GroupBlockNotMapping {
        key: String,
    },
    /// The validation as written.
    InvalidGroupValidation(String),
    GroupByCheckLine {
        check: String,
    },
    GroupByCheckName {
        check: String,
    },
    NoThreshold {
        check: String,
    },
    UnsupportedMetric {
        metric: String,
    },
    NotSqlExpression {
        key: String,
    },
    UnsupportedConfiguration {
        key: String,
    },
    FilterWithExpression {
        filter: String,
    },
    MetricNameMismatch {
        key: String,
        metric: String,
    },
    /// A warning: only the first argument of most metrics is used.
    ExtraArguments {
        check: String,
    },
    IncludeNull {
        text: String,
    },
    UnknownFormat {
        name: String,
    },
    /// A warning: a validity key given twice.
    Overwriting {
        key: String,
    },
    Bound {
        key: String,
        integer: bool,
        text: String,
    },
}

/// The scan log holds text: a problem becomes its words when it is logged.
impl From<Problem> for String {
    fn from(problem: Problem) -> String {
        problem.to_string()
    }
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Found::End => f.write_str("the end of the line"),
            Found::Space => f.write_str("a space"),
            Found::Word(word) => write!(f, "'{word}'"),
        }
    }
}

impl fmt::Display for Syntax {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Syntax::Expected { what, found } => write!(f, "expected {what}, found {found}"),
            Syntax::TwoSpaces => f.write_str(
                "expected a single space, found two (use exactly one space between words)",
            ),
            Syntax::Unexpected(found) => {
                write!(f, "unexpected {found} (expected the end of the line)")
            }
            Syntax::MeasurementCount { function } => {
                write!(
                    f,
                    "expected a number of measurements after '{function} last'"
                )
            }
            Syntax::ChangeNeedsMetric => f.write_str(
                "a change-over-time check compares a metric, e.g. change for row_count < 10",
            ),
            Syntax::NotAHeader => f.write_str(
                "expected 'checks for', 'filter', 'configurations for' or 'for each dataset'",
            ),
        }
    }
}

impl fmt::Display for MetricProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MetricProblem::DuplicateCountNeedsColumn => {
                f.write_str("duplicate_count needs at least one column")
            }
            MetricProblem::NeedsColumn { metric } => {
                write!(f, "Metric {metric} needs a column argument")
            }
            MetricProblem::AggregateNeedsColumn { metric } => write!(
                f,
                "Metric {metric} needs a column argument, e.g. {metric}(column)"
            ),
            MetricProblem::Percentile => f.write_str(
                "percentile needs a column and a fraction between 0 and 1, e.g. percentile(amount, 0.95)",
            ),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.sections(f)
            .or_else(|| self.configurations(f))
            .or_else(|| self.checks(f))
            .or_else(|| self.metrics(f))
            .unwrap_or(Ok(()))
    }
}

// The words are split by the part of a checks file they are about, to keep each match short;
// each returns `None` for the problems of the other parts.
impl Problem {
    /// Files, sections, filters and dataset patterns.
    fn sections(&self, f: &mut fmt::Formatter<'_>) -> Option<fmt::Result> {
        Some(match self {
            Problem::ReadFile { file, reason } => {
                write!(f, "Could not read SodaCL file {file}: {reason}")
            }
            Problem::ReadSqlFile { path, reason } => {
                write!(f, "Could not read SQL file {}: {reason}", path.display())
            }
            Problem::SectionNotMapping { section } => write!(
                f,
                "Skipping section \"{section}\" because content is not an object/dict"
            ),
            Problem::SectionNotList { section } => write!(
                f,
                "Skipping section \"{section}\" because content is not a list"
            ),
            Problem::PatternsNotList { key } => write!(
                f,
                "Content of \"{key}\" must be a list of include and/or exclude expressions"
            ),
            Problem::ColumnPattern { pattern } => write!(
                f,
                "Column pattern \"{pattern}\" must be written as table.column (with % wildcards)"
            ),
            Problem::InvalidHeader { header, syntax } => {
                write!(f, "Invalid section header \"{header}\": {syntax}")
            }
            Problem::FilterNotDeclared { partition } => {
                write!(f, "Filter not declared: {partition}")
            }
            Problem::FilterWithoutWhere { section } => write!(
                f,
                "Expecting \"where\" with a SQL expression as a configuration under {section}"
            ),
            Problem::FilterRedeclared { table, partition } => write!(
                f,
                "Filter {table} [{partition}] is already declared with a different condition; partition names must be unique per dataset"
            ),
            Problem::QuotedDatasetPattern { pattern } => write!(
                f,
                "Dataset pattern {pattern} must not contain quote characters"
            ),
            Problem::CrossDataSourcePattern { pattern } => write!(
                f,
                "Cross data source table sets not yet supported: {pattern}"
            ),
            Problem::DatasetPatternPieces { pattern } => write!(
                f,
                "Dataset pattern {pattern} should exist out of 1 or 2 pieces separated by a dot"
            ),
            Problem::TooManyChecks { limit } => write!(
                f,
                "more than {limit} checks in one scan; the scan is refused (split the checks over several scans)"
            ),
            _ => return None,
        })
    }

    /// Configuration keys and their values.
    fn configurations(&self, f: &mut fmt::Formatter<'_>) -> Option<fmt::Result> {
        Some(match self {
            Problem::ColumnConfigurationKey { key } => write!(
                f,
                "Column configuration key \"{key}\" not in appropriate format: expected \"<setting> for <column>\""
            ),
            Problem::IneffectiveConfiguration { setting } => write!(
                f,
                "\"{setting}\" in a \"configurations for\" section has no effect (as in Soda Core); put it on the check"
            ),
            Problem::InvalidConfiguration { key } => write!(f, "Invalid configuration \"{key}\""),
            Problem::NotAString { key, found } => write!(
                f,
                "Invalid YAML structure: key \"{key}\" must contain a str, but was {found}"
            ),
            Problem::NotAList { key, found } => write!(
                f,
                "Invalid YAML structure: key \"{key}\" must contain a list, but was {found}"
            ),
            Problem::MixedValues { key, shown } => write!(
                f,
                "Only strings or only numbers allowed in {key}: [{}]",
                shown.join(", ")
            ),
            Problem::AttributeValue { key } => {
                write!(f, "attribute {key} must be a value or a list")
            }
            Problem::NameNotText(found) => {
                write!(f, "\"name\" must be text, but was a {found}")
            }
            Problem::IncludeNull { text } => {
                write!(f, "include null must be true or false, but was '{text}'")
            }
            Problem::UnknownFormat { name } => {
                let known = formats::all_format_names();
                match crate::suggest::did_you_mean(name, known.iter().copied()) {
                    Some(meant) => {
                        write!(f, "Format {name} is not supported: did you mean {meant}?")
                    }
                    None => write!(
                        f,
                        "Format {name} is not supported. Known formats: {}",
                        known.join(", ")
                    ),
                }
            }
            Problem::Overwriting { key } => write!(f, "Overwriting {key}"),
            Problem::Bound { key, integer, text } => {
                let kind = if *integer {
                    "an integer"
                } else {
                    "an number (float)"
                };
                write!(f, "{key} must be {kind}, but was '{text}'")
            }
            _ => return None,
        })
    }

    /// Check lines, their configuration blocks and thresholds.
    fn checks(&self, f: &mut fmt::Formatter<'_>) -> Option<fmt::Result> {
        Some(match self {
            Problem::SameLevelKeys { check, keys } => write!(
                f,
                "Check '{check}' has no configuration, but same-level keys [{}] follow it. Is your indentation correct?",
                keys.join(", ")
            ),
            Problem::IgnoredSameLevelKeys { check, keys } => write!(
                f,
                "Check '{check}' contains same-level configuration keys [{}] that will be ignored. Is your indentation correct?",
                keys.join(", ")
            ),
            Problem::ConfigurationNotMapping { check } => write!(
                f,
                "The configuration of check \"{check}\" must be a mapping"
            ),
            Problem::InvalidCheck { check, syntax } => {
                write!(f, "Invalid check \"{check}\": {syntax}")
            }
            Problem::OutsideChecksFor { check } => write!(
                f,
                "Check type \"{check}\" must be in \"checks for TABLENAME:\" section."
            ),
            Problem::UnknownCheckKey { check, key } => {
                write!(f, "Invalid {check} configuration key \"{key}\"")
            }
            Problem::NotWhen { key } => {
                write!(f, "Value for {key} must be \"when {{condition}}\"")
            }
            Problem::InvalidThreshold { key, text, syntax } => {
                write!(f, "Invalid {key} threshold \"{text}\": {syntax}")
            }
            Problem::SchemaBlockNotMapping { key } => write!(
                f,
                "\"{key}\" of a schema check must be a mapping of validations"
            ),
            Problem::InvalidSchemaValidation { validation, hint } => {
                write!(f, "Invalid schema validation \"{validation}\".{hint}")
            }
            Problem::InvalidSchemaChange { change, allowed } => write!(
                f,
                "Invalid schema change \"{change}\": use {}",
                allowed.join(", ")
            ),
            Problem::GroupBlockNotMapping { key } => write!(
                f,
                "\"{key}\" of a group evolution check must be a mapping of validations"
            ),
            Problem::InvalidGroupValidation(validation) => {
                write!(f, "Invalid group evolution validation \"{validation}\"")
            }
            Problem::GroupByCheckLine { check } => write!(
                f,
                "Invalid group by check \"{check}\": expected a result column name and a threshold"
            ),
            Problem::GroupByCheckName { check } => {
                write!(f, "Group by check \"{check}\" needs a name")
            }
            Problem::NoThreshold { check } => {
                write!(f, "No threshold specified for check \"{check}\"")
            }
            _ => return None,
        })
    }

    /// Metrics: their names, arguments, SQL and freshness durations.
    fn metrics(&self, f: &mut fmt::Formatter<'_>) -> Option<fmt::Result> {
        Some(match self {
            Problem::Metric {
                line,
                problem: problem @ MetricProblem::Percentile,
            } => write!(f, "Invalid check \"{line}\": {problem}"),
            Problem::Metric { problem, .. } => write!(f, "{problem}"),
            Problem::UnsupportedMetric { metric } => write!(f, "Unsupported metric {metric}")
                .and_then(|()| did_you_mean(f, metric, METRIC_NAMES.iter().copied())),
            Problem::FreshnessNotDuration { variable, text } => write!(
                f,
                "Freshness threshold {variable} is '{text}', which is not a duration like 1d, 6h or 1d6h30m"
            ),
            Problem::FreshnessNoUnit { number } => write!(
                f,
                "Freshness threshold {number} has no unit: write a duration like 1d, 6h or 1d6h30m"
            ),
            Problem::FreshnessArguments { check } => write!(
                f,
                "Invalid check \"{check}\": freshness takes a column and optionally a variable name, e.g. freshness(updated_at) < 1d"
            ),
            Problem::NotSqlExpression { key } => {
                write!(f, "\"{key}\" must contain a SQL expression")
            }
            Problem::UnsupportedConfiguration { key } => {
                write!(f, "Skipping unsupported check configuration: {key}")
                    .and_then(|()| did_you_mean(f, key, super::METRIC_CONFIG_KEYS.iter().copied()))
            }
            Problem::FilterWithExpression { filter } => write!(
                f,
                "Filter ({filter}) can't be applied in combination with a custom metric aggregation expression"
            ),
            Problem::MetricNameMismatch { key, metric } => write!(
                f,
                "In configuration \"{key}\" the metric name must match exactly the metric name in the check \"{metric}\""
            ),
            Problem::ExtraArguments { check } => write!(
                f,
                "Invalid syntax used in \"{check}\". More than one check attribute is not supported. Only the first one is used."
            ),
            _ => return None,
        })
    }
}

/// The metrics a check line may name (user-defined metrics aside).
const METRIC_NAMES: &[&str] = &[
    "row_count",
    "missing_count",
    "missing_percent",
    "invalid_count",
    "invalid_percent",
    "valid_count",
    "duplicate_count",
    "duplicate_percent",
    "percentile",
    "min",
    "max",
    "avg",
    "sum",
    "min_length",
    "max_length",
    "avg_length",
    "stddev",
    "stddev_pop",
    "stddev_samp",
    "variance",
    "var_pop",
    "var_samp",
    "freshness",
];

/// `: did you mean X?` after a message, when a known word is near enough.
fn did_you_mean<'a>(
    f: &mut fmt::Formatter<'_>,
    word: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> fmt::Result {
    match crate::suggest::did_you_mean(word, known) {
        Some(meant) => write!(f, " (did you mean {meant}?)"),
        None => Ok(()),
    }
}
