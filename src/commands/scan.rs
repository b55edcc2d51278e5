//! `soda scan`: the one place that walks every stage — configuration → checks → plan →
//! engine → eval → results → outputs. Each stage logs its own problems; a scan always reaches
//! the summary and an exit status, however much of it failed.

use super::checks::{checks_files, expand_for_each, parse_checks};
use super::outputs;
use super::session::{log_queries, Sampling, Session};
use super::terminal::{console_style, progress_line_wanted};
use crate::cli::ScanArgs;
use crate::cloud::tasks::CloudSession;
use crate::config::Configuration;
use crate::diagnostic::{Logs, Sink};
use crate::engine::profiling::SectionResults;
use crate::eval;
use crate::exit::ExitStatus;
use crate::measure::Measurements;
use crate::plan::Planner;
use crate::report;
use crate::results::reasons;
use crate::results::scan::{CheckRef, ScanReport};
use crate::results::time::DataTime;
use crate::sodacl::model::ChecksModel;
use crate::store::recorder::Recorder;
use crate::template::Vars;
use chrono::Utc;
use std::sync::Arc;

/// Runs `soda scan`: each stage in turn, every problem logged, always to a summary and a status.
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
    let Some(mut ctx) = Connected::start(args, &vars, &mut logs) else {
        return ExitStatus::Error;
    };
    let model = read_checks(args, &mut ctx, &mut vars, &mut logs);
    let plan = Arc::new(
        Planner::new(&args.scan_definition, &args.data_source, &vars).plan(&model, &mut logs),
    );
    let (mut outcome, sections, mut query_number) =
        measure(args, &mut ctx, (&model, &plan), &mut logs);
    let history = history(&mut ctx, (&model, &plan), &data_time, &mut logs);
    let at = (&ctx.session, data_time.utc());
    let mut checks = evaluate(&model, &plan, &outcome, &history, &vars, at, &mut logs);
    let sampling = Sampling {
        plan: &plan,
        outcome: &outcome,
    };
    let executed = collect_samples(
        &ctx,
        args,
        &sampling,
        &mut checks,
        &mut query_number,
        &mut logs,
    );
    outcome.executed.extend(executed);
    if let (Some(c), Some(rt)) = (&mut ctx.cloud, &ctx.session.runtime) {
        let definition = &args.scan_definition;
        c.upload_samples(rt, &mut checks, definition, data_time.digits(), &mut logs);
    }
    ctx.session.close();
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
    outputs::write_all(ctx.destinations(args), &report, status, &mut logs)
}

/// What a scan is connected to: its configuration, the database session (the data source
/// being opened while the checks are read), Soda Cloud and the results store.
struct Connected {
    config: Configuration,
    session: Session,
    cloud: Option<CloudSession>,
    recorder: Option<Recorder>,
}

impl Connected {
    /// Reads the configuration and starts every connection; `None` after a usage message
    /// (`--store` unreadable).
    fn start(args: &ScanArgs, vars: &Vars, logs: &mut Logs) -> Option<Self> {
        if args.template_path.is_some() {
            logs.error("Soda Core does not support check templates.");
            logs.error("Check templates (-T) are a Soda Library feature and are not supported.");
        }
        let config = crate::config::load(&args.configuration, vars, logs);
        let store_config = super::store_config(args.store.as_deref(), &config).ok()?;
        let mut session = Session::new(progress_line_wanted());
        let cloud = match &config.cloud {
            Some(c) => session
                .runtime(logs)
                .and_then(|rt| CloudSession::start(rt, c, logs)),
            None => None,
        };
        let recorder = match (&store_config, session.runtime(logs)) {
            (Some(c), Some(rt)) => Some(Recorder::open(rt, c, logs)),
            _ => None,
        };
        session.start_opening(&config, &args.data_source, logs);
        Some(Connected {
            config,
            session,
            cloud,
            recorder,
        })
    }

    fn destinations<'a>(&'a mut self, args: &'a ScanArgs) -> outputs::Destinations<'a> {
        outputs::Destinations {
            args,
            config: &self.config,
            session: &mut self.session,
            recorder: self.recorder.as_ref(),
            cloud: self.cloud.as_mut(),
        }
    }
}

/// Runs the plan's queries, then the data-source sections (profiling, discovery, samples of
/// datasets), numbering their queries after the plan's; returns the measurements, the sections'
/// results and the next query number.
fn measure(
    args: &ScanArgs,
    ctx: &mut Connected,
    (model, plan): (&ChecksModel, &crate::plan::Plan),
    logs: &mut Logs,
) -> (Measurements, SectionResults, usize) {
    let locate = |i: usize, outcome: &Measurements| {
        let evidence = reasons::Evidence {
            messages: &[],
            executed: &outcome.executed,
            plan,
            values: &outcome.values,
            unconnected: None,
            logged: &[],
        };
        reasons::stopped_check(i, &evidence, model.ordered_checks())
    };
    let mut outcome = ctx.session.measure(&ctx.config, plan, &locate, logs);
    let mut query_number = plan.next_query_number;
    let mut sections =
        ctx.session
            .run_sections(&args.data_source, &plan.sections, &mut query_number, logs);
    outcome.executed.append(&mut sections.executed);
    eval::derive_percentages(plan, &mut outcome.values);
    (outcome, sections, query_number)
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
    ctx: &mut Connected,
    vars: &mut Vars,
    logs: &mut Logs,
) -> ChecksModel {
    let files = checks_files(args, logs);
    let model = parse_checks(&files, vars, logs, &args.data_source);
    logs.debug("Scan execution starts");
    if model.needs_database() {
        ctx.session.open(&ctx.config, &args.data_source, logs);
    } else {
        ctx.session.stop_opening();
    }
    let mut model = expand_for_each(model, &ctx.session, vars, logs, &args.data_source);
    crate::sodacl::identity::assign(&mut model, &args.data_source);
    validate_attributes(model, ctx.cloud.as_mut(), &ctx.session, logs)
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
    ctx: &mut Connected,
    (model, plan): (&ChecksModel, &crate::plan::Plan),
    data_time: &DataTime,
    logs: &mut Logs,
) -> eval::history::HistoryMap {
    match (ctx.cloud.as_mut(), &ctx.recorder, &ctx.session.runtime) {
        (Some(c), _, Some(rt)) => c.history(rt, &model.ordered_checks(), plan, logs),
        (None, Some(r), Some(rt)) => {
            r.history(rt, &model.ordered_checks(), plan, data_time.utc(), logs)
        }
        _ => eval::history::HistoryMap::new(),
    }
}

/// The failed rows of warned and failed checks, unless the data source turns samples off.
fn collect_samples(
    ctx: &Connected,
    args: &ScanArgs,
    sampling: &Sampling,
    checks: &mut [(CheckRef<'_>, eval::CheckResult)],
    query_number: &mut usize,
    logs: &mut Logs,
) -> Vec<crate::measure::Executed> {
    let data_source = ctx.config.data_source(&args.data_source);
    let session = &ctx.session;
    if session.connections.default.is_none() || data_source.is_some_and(|d| d.disable_samples) {
        return Vec::new();
    }
    let limit = data_source.and_then(|d| d.samples_limit);
    let executed = session.collect_samples(sampling, checks, limit, query_number);
    log_queries(&executed, &|_| None, logs);
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
    let connection_error = (!connected).then(|| first_error(logs));
    let mut messages = Vec::new();
    let mut checks = Vec::with_capacity(model.checks.len());
    for check in model.ordered_checks() {
        let before = messages.len();
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
        let evidence = reasons::Evidence {
            messages: &messages[before..],
            executed: &outcome.executed,
            plan,
            values: &outcome.values,
            unconnected: connection_error.as_deref(),
            logged: logs.records(),
        };
        for mut r in results {
            let c = match &r.child {
                Some(child) => CheckRef::Child(child.clone()),
                None => CheckRef::Model(check),
            };
            if r.outcome.is_none() && r.outcome_reasons.is_empty() && !r.local_only {
                let reason = reasons::not_evaluated(&c, &evidence);
                say_why(&mut r.console, &reason);
                r.not_evaluated = Some(reason);
            }
            checks.push((c, r));
        }
        // A failed query reported at the check says why; not computing its metrics is no
        // second error.
        if reasons::cause(check, &evidence).is_some() {
            for m in &mut messages[before..] {
                if matches!(m.problem, eval::problem::Problem::MetricsNotComputed { .. }) {
                    m.level = crate::diagnostic::Level::Debug;
                }
            }
        }
    }
    for mut m in messages {
        if already_said(logs, &m) {
            m.level = crate::diagnostic::Level::Debug;
        }
        match m.level {
            crate::diagnostic::Level::Debug => logs.debug(m.problem.to_string()),
            level => logs.log(level, m.problem.to_string(), m.location, None),
        }
    }
    checks
}

/// Under a check that did not run, the console says why rather than `check_value: None`.
fn say_why(console: &mut Vec<(String, String)>, reason: &serde_json::Value) {
    let nothing = console
        .iter()
        .all(|(k, v)| k == "check_value" && v == "None");
    if let (true, Some(text)) = (nothing, reason["message"].as_str()) {
        *console = vec![("not_evaluated".into(), text.to_string())];
    }
}

/// A check's metrics not being computed is no second error when the reason was already
/// reported at that check (an unsupported metric, say): one problem, one error.
fn already_said(logs: &Logs, m: &eval::Message) -> bool {
    matches!(m.problem, eval::problem::Problem::MetricsNotComputed { .. })
        && m.location.as_ref().is_some_and(|at| {
            logs.records().iter().any(|r| {
                r.level == crate::diagnostic::Level::Error
                    && r.location
                        .as_ref()
                        .is_some_and(|l| l.file == at.file && l.line == at.line)
            })
        })
}

/// What the scan log's first error says (why the data source could not be reached).
fn first_error(logs: &Logs) -> String {
    logs.records()
        .iter()
        .find(|r| r.level == crate::diagnostic::Level::Error)
        .map_or_else(
            || "The scan did not connect to its data source".to_string(),
            |r| r.message.clone(),
        )
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
