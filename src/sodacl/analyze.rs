//! The analyzer of metric checks: a parsed metric line and its configuration keys become a
//! validated [`MetricCheck`] whose metric is resolved ([`MetricName`]): known name, the right
//! arguments, thresholds present, configuration keys known. Every problem is reported here,
//! at the check's location, so planning only plans.

use super::line::{Arg, Threshold};
use super::model::{
    Aggregate, ChangeCheck, Check, CheckKind, MetricCheck, MetricName, PercentOf, Validity,
};
use super::problem::{MetricProblem, Problem};
use super::METRIC_CONFIG_KEYS;
use super::{bad_zone, check_between_order, formats, inverse, pass_zone, Parser, Wrap};
use crate::yaml::Node;

/// The metric, its arguments and its inline threshold, as the check line wrote them.
pub(super) type MetricLine = (String, Vec<Arg>, Option<Threshold>);

/// The aggregate a metric name stands for.
pub fn aggregate_of(name: &str) -> Option<Aggregate> {
    Some(match name {
        "min" => Aggregate::Min,
        "max" => Aggregate::Max,
        "avg" => Aggregate::Avg,
        "sum" => Aggregate::Sum,
        "min_length" => Aggregate::MinLength,
        "max_length" => Aggregate::MaxLength,
        "avg_length" => Aggregate::AvgLength,
        "stddev" => Aggregate::Stddev,
        "stddev_pop" => Aggregate::StddevPop,
        "stddev_samp" => Aggregate::StddevSamp,
        "variance" => Aggregate::Variance,
        "var_pop" => Aggregate::VarPop,
        "var_samp" => Aggregate::VarSamp,
        _ => return None,
    })
}

/// What a metric name with these arguments measures; `Err` when it cannot be computed as
/// written. An unknown name resolves to [`MetricName::Unknown`] (reported by the caller).
pub fn resolve_metric(mc: &MetricCheck) -> Result<MetricName, MetricProblem> {
    if mc.expression.is_some() || mc.query.is_some() {
        return Ok(MetricName::UserDefined);
    }
    let name = mc.metric.as_str();
    let has_column = !mc.args.is_empty();
    Ok(match name {
        "row_count" => MetricName::RowCount,
        "missing_count" => MetricName::MissingCount,
        "invalid_count" => MetricName::InvalidCount,
        "valid_count" => MetricName::ValidCount,
        "duplicate_count" if !has_column => return Err(MetricProblem::DuplicateCountNeedsColumn),
        "duplicate_count" => MetricName::DuplicateCount,
        "missing_percent" | "invalid_percent" | "duplicate_percent" if !has_column => {
            return Err(MetricProblem::NeedsColumn {
                metric: name.to_string(),
            })
        }
        "missing_percent" => MetricName::Percent(PercentOf::Missing),
        "invalid_percent" => MetricName::Percent(PercentOf::Invalid),
        "duplicate_percent" => MetricName::Percent(PercentOf::Duplicate),
        "percentile" | "percentile_disc" => match mc.args.get(1) {
            Some(Arg::Number { value, .. }) if has_column && (0.0..=1.0).contains(value) => {
                MetricName::Percentile(*value)
            }
            _ => return Err(MetricProblem::Percentile),
        },
        other => match aggregate_of(other) {
            Some(_) if !has_column => {
                return Err(MetricProblem::AggregateNeedsColumn {
                    metric: name.to_string(),
                })
            }
            Some(agg) => MetricName::Aggregate(agg),
            None => MetricName::Unknown,
        },
    })
}

/// The configuration keys of a metric check that shape what it measures.
#[derive(Default)]
struct MetricConfig {
    validity: Validity,
    filter: Option<String>,
    expression: Option<String>,
    query: Option<String>,
}

impl Parser<'_> {
    /// Completes a metric check (plain, change over time or anomaly) and adds it to the model.
    pub(super) fn finish_metric(
        &mut self,
        file: &str,
        line_node: &Node,
        mut check: Check,
        config: Option<&Node>,
        wrap: Wrap,
        (metric, args, inline): MetricLine,
    ) {
        let location = Self::location(file, line_node);
        let line_text = check.source_line.clone();
        if metric == "freshness" {
            let column = args
                .first()
                .map(|a| a.text().to_string())
                .unwrap_or_default();
            let now_variable = args.get(1).map(|a| a.text().to_string());
            if column.is_empty() || args.len() > 2 {
                let check = line_text.to_string();
                self.logs
                    .error_at(Problem::FreshnessArguments { check }, location);
                return;
            }
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
        if metric.starts_with('$') {
            self.logs
                .error_at("Soda Core does not support check templates.", location);
            return;
        }
        self.metric_zones(file, line_node, &mut check, inline.as_ref(), &wrap);
        let cfg = self.metric_config(file, &mut check, config, &metric);
        self.metric_arguments(&mut check, &metric, &args, location.clone());
        let mut mc = MetricCheck {
            metric,
            args,
            filter: cfg.filter,
            validity: cfg.validity,
            expression: cfg.expression,
            query: cfg.query,
            resolved: MetricName::Unknown,
        };
        match resolve_metric(&mc) {
            Ok(MetricName::Unknown) => {
                let metric = mc.metric.clone();
                self.logs
                    .error_at(Problem::UnsupportedMetric { metric }, location);
            }
            Ok(resolved) => mc.resolved = resolved,
            Err(problem) => {
                let line = line_text.to_string();
                let problem = Problem::Metric { line, problem };
                self.logs.error_at(problem, location);
                check.invalid = true;
            }
        }
        check.kind = match wrap {
            Wrap::None => CheckKind::Metric(Box::new(mc)),
            Wrap::Change { history, percent } => CheckKind::Change(Box::new(ChangeCheck {
                metric: mc,
                history,
                percent,
            })),
            Wrap::Anomaly => {
                // `< default` sets no numeric zone; the forecasting model decides.
                check.fail = None;
                check.warn = None;
                CheckKind::Anomaly(Box::new(mc))
            }
        };
        self.model.checks.push(Box::new(check));
    }

    /// Thresholds: an inline threshold wins; otherwise warn/fail blocks describe bad zones.
    fn metric_zones(
        &mut self,
        file: &str,
        line_node: &Node,
        check: &mut Check,
        inline: Option<&Threshold>,
        wrap: &Wrap,
    ) {
        let when = self.when_thresholds(file, check.config.as_ref());
        match inline {
            Some(t) => {
                check.fail = Some(inverse(&pass_zone(t)));
                check_between_order(self, file, line_node, t);
            }
            None => {
                check.warn = when.0.as_ref().map(bad_zone);
                check.fail = when.1.as_ref().map(bad_zone);
            }
        }
        if check.fail.is_none() && check.warn.is_none() && !matches!(wrap, Wrap::Anomaly) {
            self.logs.error_at(
                Problem::NoThreshold {
                    check: check.source_line.clone(),
                },
                Self::location(file, line_node),
            );
            check.no_threshold = true;
        }
    }

    /// Reads the configuration keys of a metric check; unknown keys and SQL that cannot be
    /// used are reported, and make the check invalid where it could not be measured.
    fn metric_config(
        &mut self,
        file: &str,
        check: &mut Check,
        config: Option<&Node>,
        metric: &str,
    ) -> MetricConfig {
        let mut cfg = MetricConfig::default();
        for (k, v) in config.and_then(Node::entries).unwrap_or_default() {
            let key = k.scalar_text().unwrap_or_default();
            if key == "filter" {
                cfg.filter = self.string_value(file, "filter", v);
            } else if let Some(m) = key.strip_suffix(" expression") {
                if !self.metric_name_matches(file, k, &key, m, metric) {
                    check.invalid = true;
                    continue;
                }
                match v.scalar_text() {
                    Some(e) if !e.trim().is_empty() => cfg.expression = Some(e),
                    _ => {
                        self.error(file, v, Problem::NotSqlExpression { key });
                        check.invalid = true;
                    }
                }
            } else if key.starts_with("failed rows ")
                && (key.ends_with(" query") || key.ends_with(" sql_file"))
            {
                continue;
            } else if let Some(m) = key
                .strip_suffix(" query")
                .or_else(|| key.strip_suffix(" sql_file"))
            {
                if !self.metric_name_matches(file, k, &key, m, metric) {
                    check.invalid = true;
                    continue;
                }
                match self.user_sql(file, k, v, key.ends_with(" sql_file")) {
                    Some(sql) => cfg.query = Some(sql),
                    None => check.invalid = true,
                }
            } else if !self.apply_validity_key(file, &key, k, v, &mut cfg.validity)
                && !METRIC_CONFIG_KEYS.contains(&key.as_str())
            {
                self.error(file, k, Problem::UnsupportedConfiguration { key });
            }
        }
        let v = &cfg.validity;
        let formats_known = [&v.missing_format, &v.valid_format, &v.invalid_format]
            .into_iter()
            .flatten()
            .all(|f| formats::format_pattern(f).is_some());
        if !formats_known {
            check.invalid = true;
        }
        if cfg.expression.is_some() && cfg.filter.is_some() {
            let filter = cfg.filter.take().unwrap_or_default();
            self.logs.error_at(
                Problem::FilterWithExpression { filter },
                Some(check.location()),
            );
        }
        cfg
    }

    /// `<metric> expression` and `<metric> query` must name the check's own metric.
    fn metric_name_matches(
        &mut self,
        file: &str,
        k: &Node,
        key: &str,
        named: &str,
        metric: &str,
    ) -> bool {
        if named != metric {
            let mismatch = Problem::MetricNameMismatch {
                key: key.to_string(),
                metric: metric.to_string(),
            };
            self.error(file, k, mismatch);
        }
        named == metric
    }

    /// The check's column (the first argument of column metrics) and a warning for arguments
    /// Soda Core ignores.
    fn metric_arguments(
        &mut self,
        check: &mut Check,
        metric: &str,
        args: &[Arg],
        location: Option<crate::diagnostic::Location>,
    ) {
        let multi_col = metric == "duplicate_count" && args.len() > 1;
        if !multi_col {
            if let Some(first) = args.first() {
                check.column = Some(first.text().to_string());
            }
        }
        let takes_more = matches!(
            metric,
            "duplicate_count" | "duplicate_percent" | "percentile" | "percentile_disc"
        );
        if args.len() > 1 && !takes_more {
            let check = check.source_line.clone();
            self.logs
                .warning_at(Problem::ExtraArguments { check }, location);
        }
    }
}
