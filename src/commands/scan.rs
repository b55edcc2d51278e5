//! `soda scan`: the one place that walks every stage — configuration → checks → plan →
//! engine → eval → results → outputs. Each stage logs its own problems; a scan always reaches
//! the summary and an exit status, however much of it failed.

use super::checks::{checks_files, expand_for_each, parse_checks};
use super::outputs;
use super::session::{log_queries, Sampling, Session};
use super::terminal::{console_style, progress_line_wanted};
use crate::cli::ScanArgs;
use crate::cloud::tasks::CloudSession;
use crate::diagnostic::{Logs, Sink};
use crate::eval;
use crate::exit::ExitStatus;
use crate::measure::Measurements;
use crate::plan::Planner;
use crate::report;
use crate::results::scan::{CheckRef, ScanReport};
use crate::results::time::DataTime;
use crate::sodacl::model::ChecksModel;
use crate::store::recorder::Recorder;
use crate::template::Vars;
use chrono::Utc;
use std::sync::Arc;

/// Runs `soda scan`: each stage in turn, every problem logged, always to a summary and a status.
// Kept as one sequence on purpose: it is the table of contents of a scan, one stage a line.
pub fn run(args: &ScanArgs, sink: Option<Sink>) -> ExitStatus {
    let scan_start = Utc::now();
    let Some((data_time, mut vars)) = usage(args, scan_start) else {
        return ExitStatus::Error;
    };
    let mut logs = Logs::new(args.verbose, sink).with_style(console_style(args));
    logs.info(super::banner());
    vars.scan.insert(
        "NOW".into(),
        scan_start.to_rfc3339_opts(chrono::SecondsFormat::Micros, false),
    );
    if args.template_path.is_some() {
        logs.error("Soda Core does not support check templates.");
        logs.error("Check templates (-T) are a Soda Library feature and are not supported.");
    }
    let config = crate::config::load(&args.configuration, &vars, &mut logs);
    let Ok(store_config) = super::store_config(args.store.as_deref(), &config) else {
        return ExitStatus::Error;
    };
    let mut session = Session::new(progress_line_wanted());
    let mut cloud = match &config.cloud {
        Some(c) => session
            .runtime(&mut logs)
            .and_then(|rt| CloudSession::start(rt, c, &mut logs)),
        None => None,
    };
    let recorder = match (&store_config, session.runtime(&mut logs)) {
        (Some(c), Some(rt)) => Some(Recorder::open(rt, c, &mut logs)),
        _ => None,
    };
    session.start_opening(&config, &args.data_source, &mut logs);
    let model = read_checks(args, &config, &mut session, &mut vars, &mut logs);
    let model = validate_attributes(model, cloud.as_mut(), &session, &mut logs);
    let plan = Arc::new(
        Planner::new(&args.scan_definition, &args.data_source, &vars).plan(&model, &mut logs),
    );
    let mut outcome = session.measure(&config, &plan, &mut logs);
    let mut query_number = plan.next_query_number;
    let sections = session.run_sections(
        &args.data_source,
        &plan.sections,
        &mut query_number,
        &mut logs,
    );
    outcome.executed.extend(sections.executed);
    eval::derive_percentages(&plan, &mut outcome.values);
    let history = history(
        &session,
        cloud.as_mut(),
        recorder.as_ref(),
        (&model, &plan),
        &data_time,
        &mut logs,
    );
    let mut checks = evaluate(
        &model,
        &plan,
        &outcome,
        &history,
        &vars,
        (&session, data_time.utc()),
        &mut logs,
    );
    let sampling = Sampling {
        plan: &plan,
        outcome: &outcome,
    };
    let executed = collect_samples(
        &session,
        &config,
        args,
        &sampling,
        &mut checks,
        &mut query_number,
        &mut logs,
    );
    outcome.executed.extend(executed);
    if let (Some(c), Some(rt)) = (&mut cloud, &session.runtime) {
        c.upload_samples(
            rt,
            &mut checks,
            &args.scan_definition,
            data_time.digits(),
            &mut logs,
        );
    }
    session.close();
    let report = ScanReport {
        definition_name: &args.scan_definition,
        data_source: &args.data_source,
        data_timestamp: data_time,
        scan_start,
        scan_end: Utc::now(),
        checks,
        plan: &plan,
        values: &outcome.values,
        rows: &outcome.rows,
        executed: &outcome.executed,
        profiling: sections.profiling,
        metadata: sections.metadata,
    };
    report::console::summary(&report, &mut logs);
    // Errors logged from here on (Cloud delivery) leave the exit code as it is, as in Soda
    // Core; results that could not even be kept in the outbox make it an error.
    let status = exit_status(&report, &logs);
    let to = outputs::Destinations {
        args,
        config: &config,
        session: &mut session,
        recorder: recorder.as_ref(),
        cloud: cloud.as_mut(),
    };
    outputs::write_all(to, &report, status, &mut logs)
}

/// The command line's own problems, before any log exists: the data timestamp, the variables
/// and at least one checks path. `None` after a usage message.
fn usage(args: &ScanArgs, scan_start: chrono::DateTime<Utc>) -> Option<(DataTime, Vars)> {
    let data_time = data_timestamp(args, scan_start)?;
    let vars = match parse_variables(&args.variables) {
        Ok(v) => v,
        Err(e) => {
            super::print_usage_error(&e);
            return None;
        }
    };
    if args.paths.is_empty() {
        super::print_usage_error(
            "no checks file or folder given (soda scan -d DATA_SOURCE -c CONFIG CHECKS_FILE...)",
        );
        return None;
    }
    Some((data_time, vars))
}

/// The checks model: the files parsed while the data source is being opened, then `for each`
/// expanded against it (or the connection given up when no check needs a database).
fn read_checks(
    args: &ScanArgs,
    config: &crate::config::Configuration,
    session: &mut Session,
    vars: &mut Vars,
    logs: &mut Logs,
) -> ChecksModel {
    let files = checks_files(args, logs);
    let model = parse_checks(&files, vars, logs, &args.data_source);
    logs.debug("Scan execution starts");
    if model.needs_database() {
        session.open(config, &args.data_source, logs);
    } else {
        session.stop_opening();
    }
    let mut model = expand_for_each(model, session, vars, logs, &args.data_source);
    crate::sodacl::identity::assign(&mut model, &args.data_source);
    model
}

/// With Soda Cloud, one invalid check attribute stops every check (as in Soda Core).
fn validate_attributes(
    mut model: ChecksModel,
    cloud: Option<&mut CloudSession>,
    session: &Session,
    logs: &mut Logs,
) -> ChecksModel {
    if let (Some(c), Some(rt)) = (cloud, &session.runtime) {
        if !c.validate_attributes(rt, &model.ordered_checks(), logs) {
            model.checks.clear();
        }
    }
    model
}

/// The metric history of change-over-time and anomaly checks: from Soda Cloud when it is
/// configured (as in Soda Core), else from the results store.
fn history(
    session: &Session,
    cloud: Option<&mut CloudSession>,
    recorder: Option<&Recorder>,
    (model, plan): (&ChecksModel, &crate::plan::Plan),
    data_time: &DataTime,
    logs: &mut Logs,
) -> eval::history::HistoryMap {
    match (cloud, recorder, &session.runtime) {
        (Some(c), _, Some(rt)) => c.history(rt, &model.ordered_checks(), plan, logs),
        (None, Some(r), Some(rt)) => {
            r.history(rt, &model.ordered_checks(), plan, data_time.utc(), logs)
        }
        _ => eval::history::HistoryMap::new(),
    }
}

/// The failed rows of warned and failed checks, unless the data source turns samples off.
fn collect_samples(
    session: &Session,
    config: &crate::config::Configuration,
    args: &ScanArgs,
    sampling: &Sampling,
    checks: &mut [(CheckRef<'_>, eval::CheckResult)],
    query_number: &mut usize,
    logs: &mut Logs,
) -> Vec<crate::measure::Executed> {
    let data_source = config.data_source(&args.data_source);
    if session.connections.default.is_none() || data_source.is_some_and(|d| d.disable_samples) {
        return Vec::new();
    }
    let limit = data_source.and_then(|d| d.samples_limit);
    let executed = session.collect_samples(sampling, checks, limit, query_number);
    log_queries(&executed, logs);
    executed
}

/// The `-v KEY=VALUE` variables; `Err` (a usage error) for an entry without `=` or without a
/// key, which Soda Core drops silently.
fn parse_variables(raw: &[String]) -> Result<Vars, String> {
    let mut vars = Vars::default();
    for kv in raw {
        match kv.split_once('=') {
            Some(("", _)) => {
                return Err(format!("invalid value '{kv}' for '-v/--variable': the variable has no name (expected KEY=VALUE)"))
            }
            None => {
                return Err(format!("invalid value '{kv}' for '-v/--variable': expected KEY=VALUE"))
            }
            // Soda Core drops a variable with an empty value; so do we.
            Some((_, "")) => {}
            Some((k, v)) => {
                vars.cli.insert(k.to_string(), v.to_string());
            }
        }
    }
    Ok(vars)
}

/// The scan's data timestamp: `-t` (a usage error when it does not parse) or the start, to the
/// second.
fn data_timestamp(args: &ScanArgs, scan_start: chrono::DateTime<Utc>) -> Option<DataTime> {
    let Some(t) = &args.data_timestamp else {
        return Some(DataTime::at_start(scan_start));
    };
    let parsed = DataTime::from_cli(t);
    if parsed.is_none() {
        super::print_usage_error(&format!(
            "invalid value '{t}' for '-t/--data-timestamp': expected ISO 8601, e.g. 2024-05-01T12:00:00+02:00"
        ));
    }
    parsed
}

/// Evaluates every check in Soda Core's order; group-by checks add one result per group.
fn evaluate<'m>(
    model: &'m ChecksModel,
    plan: &crate::plan::Plan,
    outcome: &Measurements,
    history: &eval::history::HistoryMap,
    vars: &Vars,
    (session, data_time): (&Session, chrono::DateTime<Utc>),
    logs: &mut Logs,
) -> Vec<(CheckRef<'m>, eval::CheckResult)> {
    let connected = session.connections.default.is_some();
    let unconnected = Measurements::default();
    let mut messages = Vec::new();
    let mut checks = Vec::with_capacity(model.checks.len());
    for check in model.ordered_checks() {
        // Unconnected, every check is unevaluated without one error each.
        let results = if connected {
            eval::evaluate(
                check,
                plan,
                outcome,
                history,
                vars,
                data_time,
                &mut messages,
            )
        } else {
            let quiet = &mut Vec::new();
            eval::evaluate(check, plan, &unconnected, history, vars, data_time, quiet)
        };
        for r in results {
            let c = match &r.child {
                Some(child) => CheckRef::Child(child.clone()),
                None => CheckRef::Model(check),
            };
            checks.push((c, r));
        }
    }
    for m in messages {
        logs.log(m.level, m.problem.to_string(), m.location, None);
    }
    checks
}

/// Soda Core's rule: error > fail > warn > pass.
fn exit_status(report: &ScanReport, logs: &Logs) -> ExitStatus {
    let has = |o: eval::Outcome| report.checks.iter().any(|(_, r)| r.outcome == Some(o));
    if logs.has_errors() {
        ExitStatus::Error
    } else if has(eval::Outcome::Fail) {
        ExitStatus::Fail
    } else if has(eval::Outcome::Warn) {
        ExitStatus::Warn
    } else {
        ExitStatus::Pass
    }
}

#[cfg(test)]
mod robustness {
    use crate::diagnostic::Logs;
    use crate::sodacl::Parser;
    use crate::template::Vars;

    const DOC: &str = "variables:\n  lim: '5'\nfilter orders [recent]:\n  where: x > 1\nconfigurations for orders:\n  missing values for status: [N/A, '-']\n  valid format for email: email\nchecks for orders [recent]:\n  - attributes:\n      team: a\n  - row_count between 1 and ${lim}\n  - missing_percent(status) < 5%:\n      name: n\n      filter: a = 'b'\n      missing values: [1, 2]\n  - schema:\n      fail:\n        when required column missing: [id]\n        when wrong column type:\n          id: integer\n  - freshness(ts) < 1d\n  - values in (a) must exist in other (b)\n  - failed rows:\n      fail condition: x < 0\n      warn: when > 2\n  - group by:\n      query: SELECT 1\n      fields: [a]\n      checks:\n        - n > 1:\n            name: c\nfor each dataset T:\n  datasets: [include o%]\n  checks:\n    - row_count > 0\nchecks:\n  - q > 0:\n      q query: SELECT 1\n";

    /// Files damaged at random (characters dropped, doubled or swapped) never panic the
    /// checks parser, the planner or the evaluator: every problem must become a diagnostic.
    #[test]
    fn damaged_files_never_panic() {
        let chars: Vec<char> = DOC.chars().collect();
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..3_000 {
            let mut text = chars.clone();
            for _ in 0..(1 + next() % 4) {
                let i = (next() % text.len() as u64) as usize;
                match next() % 3 {
                    0 => {
                        text.remove(i);
                    }
                    1 => {
                        let c = text[i];
                        text.insert(i, c);
                    }
                    _ => {
                        let j = (i + 1) % text.len();
                        text.swap(i, j);
                    }
                }
            }
            let text: String = text.into_iter().collect();
            let mut vars = Vars::default();
            let mut logs = Logs::new(false, None);
            let mut parser = Parser::new(&mut vars, &mut logs, "ds");
            parser.add_text("checks.yml", &text);
            let mut model = parser.model;
            crate::sodacl::identity::assign(&mut model, "ds");
            let _ = model.ordered_checks();
            let plan = crate::plan::Planner::new("s", "ds", &vars).plan(&model, &mut logs);
            let out = crate::measure::Measurements::empty(plan.metrics.len());
            for check in model.ordered_checks() {
                let _ = crate::eval::evaluate(
                    check,
                    &plan,
                    &out,
                    &Default::default(),
                    &vars,
                    chrono::Utc::now(),
                    &mut Vec::new(),
                );
            }
        }
    }
}
