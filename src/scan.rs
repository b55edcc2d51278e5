//! The one place that walks every stage: configuration → checks → plan → engine → eval →
//! report. Each stage logs its own problems; a scan always reaches the summary and an exit
//! status, however much of it failed.

use crate::cli::{OutboxAction, OutboxArgs, ReportArgs, ScanArgs, TestConnectionArgs};
use crate::cloud::tasks::CloudSession;
use crate::config::StoreConfig;
use crate::diagnostic::{Level, Logs, Sink};
use crate::engine::{self, Connection};
use crate::eval;
use crate::exit::ExitStatus;
use crate::measure::{EngineError, Measurements};
use crate::plan::Planner;
use crate::report::{self, CheckRef, ScanReport};
use crate::sodacl;
use crate::sodacl::model::ChecksModel;
use crate::store::recorder::Recorder;
use crate::store::rows::StoreRecord;
use crate::template::Vars;
use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, TimeZone, Utc};
use std::path::PathBuf;
use std::sync::Arc;

/// The banner every scan log starts with.
pub fn banner() -> String {
    // Starts like Soda Core's first line ("Soda Core 3.5.6"), which tools look for.
    format!(
        "Soda Core 3.5.6 compatible: soda-rs {}",
        env!("CARGO_PKG_VERSION")
    )
}

/// Parses `-t` like Python's `datetime.fromisoformat`; a value without offset is local time.
pub fn parse_data_timestamp(text: &str) -> Option<DateTime<Utc>> {
    let t = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(&t.replace(' ', "T")) {
        return Some(dt.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H%:z",
    ] {
        if let Ok(dt) = DateTime::parse_from_str(&t.replace(' ', "T"), fmt) {
            return Some(dt.with_timezone(&Utc));
        }
    }
    let naive = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&t.replace(' ', "T"), f).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })?;
    Local
        .from_local_datetime(&naive)
        .earliest()
        .map(|dt| dt.with_timezone(&Utc))
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

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("could not start the async runtime: {e}"))
}

/// Runs `soda scan`: each stage in turn, every problem logged, always to a summary and a status.
// Kept as one sequence on purpose: it is the table of contents of a scan, one stage a line.
pub fn scan(args: &ScanArgs, sink: Option<Sink>) -> ExitStatus {
    let scan_start = Utc::now();
    let Some(data_timestamp) = data_timestamp(args, scan_start) else {
        return ExitStatus::Error;
    };
    let mut vars = match parse_variables(&args.variables) {
        Ok(v) => v,
        Err(e) => {
            crate::print_usage_error(&e);
            return ExitStatus::Error;
        }
    };
    if args.paths.is_empty() {
        crate::print_usage_error(
            "no checks file or folder given (soda scan -d DATA_SOURCE -c CONFIG CHECKS_FILE...)",
        );
        return ExitStatus::Error;
    }
    let mut logs = Logs::new(args.verbose, sink).with_style(console_style(args));
    logs.info(banner());
    vars.scan.insert(
        "NOW".into(),
        scan_start.to_rfc3339_opts(chrono::SecondsFormat::Micros, false),
    );
    if args.template_path.is_some() {
        logs.error("Soda Core does not support check templates.");
        logs.error("Check templates (-T) are a Soda Library feature and are not supported.");
    }
    let config = crate::config::load(&args.configuration, &vars, &mut logs);
    let Ok(store_config) = store_config(args.store.as_deref(), &config) else {
        return ExitStatus::Error;
    };
    let mut session = Session {
        progress_line: progress_line_wanted(),
        ..Session::default()
    };
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
    let files = checks_files(args, &mut logs);
    let mut model = parse_checks(&files, &mut vars, &mut logs, &args.data_source);
    logs.debug("Scan execution starts");
    if model.needs_database() {
        session.open(&config, &args.data_source, &mut logs);
    } else {
        session.stop_opening();
    }
    model = expand_for_each(model, &session, &mut vars, &mut logs, &args.data_source);
    sodacl::identity::assign(&mut model, &args.data_source);
    // With Soda Cloud, one invalid check attribute stops every check (as in Soda Core).
    if let (Some(c), Some(rt)) = (&mut cloud, &session.runtime) {
        if !c.validate_attributes(rt, &model.ordered_checks(), &mut logs) {
            model.checks.clear();
        }
    }
    let plan = Arc::new(
        Planner::new(&args.scan_definition, &args.data_source, &vars).plan(&model, &mut logs),
    );
    let mut outcome = session.measure(&config, &plan, &mut logs);
    let mut query_number = plan.next_query_number;
    let sections = session.run_sections(&args.data_source, &model, &mut query_number, &mut logs);
    outcome.executed.extend(sections.executed);
    eval::derive_percentages(&plan, &mut outcome.values);
    // History comes from Soda Cloud when it is configured (as in Soda Core), else the store.
    let history = match (&mut cloud, &recorder, &session.runtime) {
        (Some(c), _, Some(rt)) => c.history(rt, &model.ordered_checks(), &plan, &mut logs),
        (None, Some(r), Some(rt)) => r.history(
            rt,
            &model.ordered_checks(),
            &plan,
            data_timestamp,
            &mut logs,
        ),
        _ => eval::history::HistoryMap::new(),
    };
    let mut checks = evaluate(
        &model,
        &plan,
        &outcome,
        &history,
        &vars,
        (&session, data_timestamp),
        &mut logs,
    );
    let data_source = config.data_source(&args.data_source);
    if session.connections.default.is_some() && !data_source.is_some_and(|d| d.disable_samples) {
        let limit = data_source.and_then(|d| d.samples_limit);
        let sampling = Sampling {
            model: &model,
            plan: &plan,
            outcome: &outcome,
            vars: &vars,
        };
        let executed = session.collect_samples(&sampling, &mut checks, limit, &mut query_number);
        log_queries(&executed, &mut logs);
        outcome.executed.extend(executed);
    }
    if let (Some(c), Some(rt)) = (&mut cloud, &session.runtime) {
        let digits = crate::cloud::tasks::data_timestamp_digits(
            args.data_timestamp.as_deref(),
            data_timestamp,
        );
        c.upload_samples(rt, &mut checks, &args.scan_definition, &digits, &mut logs);
    }
    session.close();
    let report = ScanReport {
        definition_name: &args.scan_definition,
        data_source: &args.data_source,
        data_timestamp,
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
    let recorded = record_results(recorder.as_ref(), &session, &report, &mut logs);
    let delivered = deliver_to_cloud(&config, cloud.as_mut(), &session, &report, &mut logs);
    let saved = save_results_file(args, &report, &mut logs);
    let junit = save_junit(args, &report, &mut logs);
    github_outputs(&report, &mut logs);
    let status = status.max(recorded).max(delivered).max(saved).max(junit);
    // Last, so that the alert tells the outcome the exit code tells; it never changes it.
    if let Some(n) = &config.notifications {
        if let Some(rt) = session.runtime(&mut logs) {
            crate::notify::send(rt, n, &report, verdict(status), &mut logs);
        }
    }
    status
}

fn verdict(status: ExitStatus) -> report::checklist::Verdict {
    use report::checklist::Verdict;
    match status {
        ExitStatus::Pass => Verdict::Pass,
        ExitStatus::Warn => Verdict::Warn,
        ExitStatus::Fail => Verdict::Fail,
        ExitStatus::Error => Verdict::Error,
    }
}

/// Colour and `-q` for this scan's console: colour only where `--color` and the terminal
/// allow it.
fn console_style(args: &ScanArgs) -> crate::diagnostic::ConsoleStyle {
    use std::io::IsTerminal;
    crate::diagnostic::ConsoleStyle {
        color: use_color(args.color, std::io::stdout().is_terminal(), |k| {
            std::env::var_os(k)
        }),
        quiet: args.quiet,
    }
}

/// `--color`: `always` and `never` as said; `auto` colours a terminal unless `NO_COLOR` is set
/// (to anything but empty, see no-color.org) or `TERM=dumb`.
fn use_color(
    choice: crate::cli::ColorChoice,
    terminal: bool,
    env: impl Fn(&str) -> Option<std::ffi::OsString>,
) -> bool {
    use crate::cli::ColorChoice;
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            terminal
                && env("NO_COLOR").is_none_or(|v| v.is_empty())
                && env("TERM").is_none_or(|t| t != "dumb")
        }
    }
}

/// The progress line is for people at a terminal: stderr must be one, and not in CI (where
/// logs are files and a redrawn line is noise).
fn progress_line_wanted() -> bool {
    use std::io::IsTerminal;
    let set = |k: &str| std::env::var(k).is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    std::io::stderr().is_terminal() && !set("CI") && !set("GITHUB_ACTIONS")
}

/// Writes `--junit`; `Error` when it cannot be written, like `-srf`.
fn save_junit(args: &ScanArgs, report: &ScanReport, logs: &mut Logs) -> ExitStatus {
    let Some(path) = &args.junit else {
        return ExitStatus::Pass;
    };
    let xml = report::junit::junit(report, logs).to_xml();
    match std::fs::write(path, xml) {
        Ok(()) => ExitStatus::Pass,
        Err(e) => {
            logs.error(format!(
                "Could not write the JUnit report {}: {e}",
                path.display()
            ));
            ExitStatus::Error
        }
    }
}

/// Under GitHub Actions: annotations on stdout (the runner reads them there) and the step
/// summary. A summary that cannot be written is a warning: it is not a result of the scan.
fn github_outputs(report: &ScanReport, logs: &mut Logs) {
    if std::env::var("GITHUB_ACTIONS").as_deref() != Ok("true") {
        return;
    }
    let workspace = std::env::var_os("GITHUB_WORKSPACE").map(PathBuf::from);
    for line in report::github::annotations(report, logs, workspace.as_deref()) {
        logs.print_always(&line);
    }
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return;
    };
    let markdown = report::github::step_summary(report, logs);
    let appended = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, markdown.as_bytes()));
    if let Err(e) = appended {
        logs.warning(format!(
            "Could not append to GITHUB_STEP_SUMMARY {}: {e}",
            PathBuf::from(path).display()
        ));
    }
}

/// The results store of this scan: `--store` wins over `results_store:`. `Err` (after a usage
/// message) when `--store` cannot be read.
fn store_config(
    argument: Option<&str>,
    config: &crate::config::Configuration,
) -> Result<Option<StoreConfig>, ()> {
    match argument {
        None => Ok(config.store.clone()),
        Some(text) => match StoreConfig::from_argument(text) {
            Ok(c) => Ok(Some(c)),
            Err(e) => {
                crate::print_usage_error(&e);
                Err(())
            }
        },
    }
}

/// Records the scan in the results store; `Error` when it could not be recorded.
fn record_results(
    recorder: Option<&Recorder>,
    session: &Session,
    report: &ScanReport,
    logs: &mut Logs,
) -> ExitStatus {
    let (Some(recorder), Some(rt)) = (recorder, &session.runtime) else {
        return ExitStatus::Pass;
    };
    let record = StoreRecord {
        results: report::results::document(report, logs),
        samples: crate::store::rows::samples_of(&report.checks),
    };
    let recorded = recorder.record(rt, &record, logs);
    recorder.close(rt);
    if recorded {
        ExitStatus::Pass
    } else {
        ExitStatus::Error
    }
}

/// Runs `soda report`: the results store as one HTML file.
pub fn write_report(args: &ReportArgs, sink: Option<Sink>) -> ExitStatus {
    let mut logs = Logs::new(args.verbose, sink);
    logs.info(banner());
    let config = crate::config::load(&args.configuration, &Vars::default(), &mut logs);
    let Ok(store_config) = store_config(args.store.as_deref(), &config) else {
        return ExitStatus::Error;
    };
    let Some(store_config) = store_config else {
        logs.error("No results store: configure results_store: or pass --store");
        return ExitStatus::Error;
    };
    let data = runtime().and_then(|rt| {
        rt.block_on(async {
            let store = crate::store::Store::open(&store_config).await?;
            let data = store.read_model().await;
            store.close().await;
            data
        })
        .map_err(|e| {
            format!(
                "Could not read the results store {}: {e}",
                store_config.describe()
            )
        })
    });
    let data = match data {
        Ok(d) => d,
        Err(e) => {
            logs.error(e);
            return ExitStatus::Error;
        }
    };
    let html = report::html::render(&data);
    if let Err(e) = std::fs::write(&args.output, html) {
        logs.error(format!("Could not write {}: {e}", args.output.display()));
        return ExitStatus::Error;
    }
    logs.info(format!(
        "Report of {} checks and {} scans written to {}",
        data.checks.len(),
        data.scans.len(),
        args.output.display()
    ));
    ExitStatus::Pass
}

/// The scan's data timestamp: `-t` (a usage error when it does not parse) or the start, to the
/// second.
fn data_timestamp(args: &ScanArgs, scan_start: DateTime<Utc>) -> Option<DateTime<Utc>> {
    match &args.data_timestamp {
        None => Some(
            Utc.timestamp_opt(scan_start.timestamp(), 0)
                .single()
                .unwrap_or(scan_start),
        ),
        Some(t) => {
            let parsed = parse_data_timestamp(t);
            if parsed.is_none() {
                crate::print_usage_error(&format!(
                    "invalid value '{t}' for '-t/--data-timestamp': expected ISO 8601, e.g. 2024-05-01T12:00:00+02:00"
                ));
            }
            parsed
        }
    }
}

/// The checks files the paths stand for; missing paths are errors.
fn checks_files(args: &ScanArgs, logs: &mut Logs) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = Vec::new();
    for path in &args.paths {
        let text = path.to_string_lossy();
        let trimmed = text
            .strip_suffix('/')
            .filter(|t| !t.is_empty())
            .unwrap_or(&text);
        let path = PathBuf::from(trimmed);
        if !path.exists() {
            logs.error(format!("Path \"{}\" does not exist", path.display()));
            continue;
        }
        crate::sources::collect(&path, &mut files);
    }
    files
}

fn parse_checks(files: &[PathBuf], vars: &mut Vars, logs: &mut Logs, ds: &str) -> ChecksModel {
    let mut parser = sodacl::Parser::new(vars, logs, ds);
    for f in files {
        parser.add_file(f);
    }
    if parser.over_limit {
        // Refused whole: running only the first checks would look like a complete scan.
        parser.model.checks.clear();
        return parser.model;
    }
    parser.model
}

/// `for each dataset`: discovers the tables, then parses the checks once per table.
fn expand_for_each(
    mut model: ChecksModel,
    session: &Session,
    vars: &mut Vars,
    logs: &mut Logs,
    ds: &str,
) -> ChecksModel {
    let templates = std::mem::take(&mut model.for_each);
    if templates.is_empty() {
        return model;
    }
    let mut expansions = Vec::new();
    for t in &templates {
        match session.discover(t) {
            Ok(tables) => expansions.push((t, tables)),
            Err(e) => logs.error_at(
                format!(
                    "Could not list the datasets of \"for each dataset {}\": {e}",
                    t.alias
                ),
                Some(crate::diagnostic::Location {
                    file: t.file.clone(),
                    line: t.line,
                    col: t.col,
                }),
            ),
        }
    }
    let mut parser = sodacl::Parser::new(vars, logs, ds).with_model(model);
    for (t, tables) in expansions {
        for table in tables {
            parser.expand_for_each(t, &table);
        }
    }
    if parser.over_limit {
        parser.model.checks.clear();
    }
    parser.model
}

/// Evaluates every check in Soda Core's order; group-by checks add one result per group.
fn evaluate<'m>(
    model: &'m ChecksModel,
    plan: &crate::plan::Plan,
    outcome: &Measurements,
    history: &eval::history::HistoryMap,
    vars: &Vars,
    (session, data_time): (&Session, DateTime<Utc>),
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

/// Sends the results to Soda Cloud (or keeps them in the outbox); `Error` when they could be
/// neither sent nor kept.
fn deliver_to_cloud(
    config: &crate::config::Configuration,
    cloud: Option<&mut CloudSession>,
    session: &Session,
    report: &ScanReport,
    logs: &mut Logs,
) -> ExitStatus {
    let Some(cloud_config) = &config.cloud else {
        return ExitStatus::Pass;
    };
    // The document sent ends with the `Sending results` line (as in Soda Core). Without a
    // session (the client could not be set up) the results still go to the outbox.
    logs.info("Sending results to Soda Cloud");
    let doc = report::results::document(report, logs);
    let kept = match (cloud, &session.runtime) {
        (Some(c), Some(rt)) => c.send_results(rt, &doc, logs),
        _ => crate::cloud::tasks::keep(
            &cloud_config.outbox,
            &crate::cloud::outbox::account(cloud_config),
            &doc,
            logs,
        ),
    };
    if kept {
        ExitStatus::Pass
    } else {
        ExitStatus::Error
    }
}

/// Writes `-srf`; `Error` when it cannot be written.
fn save_results_file(args: &ScanArgs, report: &ScanReport, logs: &mut Logs) -> ExitStatus {
    let Some(path) = &args.scan_results_file else {
        return ExitStatus::Pass;
    };
    logs.print_raw(&format!("Saving scan results to {}", path.display()));
    let document = report::results::document(report, logs);
    let written = std::fs::File::create(path).and_then(|file| {
        let mut out = std::io::BufWriter::new(file);
        document.write_text(&mut out)?;
        std::io::Write::flush(&mut out)
    });
    match written {
        Ok(()) => ExitStatus::Pass,
        Err(e) => {
            logs.log(
                Level::Error,
                format!(
                    "Error occurred while saving scan results to file {}: {e}",
                    path.display()
                ),
                None,
                None,
            );
            ExitStatus::Error
        }
    }
}

fn log_queries(executed: &[crate::measure::Executed], logs: &mut Logs) {
    for q in executed {
        logs.debug(format!("Query {}:\n{}", q.name, q.sql));
        if let Some(e) = &q.error {
            logs.log(
                Level::Error,
                format!("Query execution error in {}: {e}\n{}", q.name, q.sql),
                None,
                Some(e.to_string()),
            );
        }
    }
}

/// What failed-row samples are collected from.
struct Sampling<'a> {
    model: &'a ChecksModel,
    plan: &'a crate::plan::Plan,
    outcome: &'a Measurements,
    vars: &'a Vars,
}

/// The database side of a scan: a runtime and, once opened, the connections.
#[derive(Default)]
struct Session {
    runtime: Option<tokio::runtime::Runtime>,
    connections: engine::Connections,
    /// The connection to the scan's data source while it is being opened.
    opening: Option<tokio::task::JoinHandle<Result<Connection, EngineError>>>,
    /// Whether running queries show the progress line on stderr.
    progress_line: bool,
}

impl Session {
    /// The async runtime, started on first use.
    fn runtime(&mut self, logs: &mut Logs) -> Option<&tokio::runtime::Runtime> {
        if self.runtime.is_none() {
            match runtime() {
                Ok(rt) => self.runtime = Some(rt),
                Err(e) => logs.error(e),
            }
        }
        self.runtime.as_ref()
    }

    /// Starts connecting to the scan's data source while the checks files are read, so that
    /// setting up the connection is not on the path of the first query.
    fn start_opening(
        &mut self,
        config: &crate::config::Configuration,
        name: &str,
        logs: &mut Logs,
    ) {
        let Some(ds) = config.data_source(name).cloned() else {
            return;
        };
        let Some(rt) = self.runtime(logs) else { return };
        self.opening = Some(rt.spawn(async move { Connection::open(&ds).await }));
    }

    /// Gives up the connection being opened: the checks need no database.
    fn stop_opening(&mut self) {
        if let Some(opening) = self.opening.take() {
            opening.abort();
        }
    }

    /// Opens the scan's data source; failures are logged and leave the session unconnected.
    fn open(&mut self, config: &crate::config::Configuration, name: &str, logs: &mut Logs) {
        let Some(ds) = config.data_source(name) else {
            let names: Vec<&str> = config
                .data_sources
                .iter()
                .map(|d| d.name.as_str())
                .collect();
            logs.error(format!(
                "Data source '{name}' not present in the configuration. Configured data sources: {}",
                names.join(", ")
            ));
            return;
        };
        let opening = self.opening.take();
        let Some(rt) = self.runtime(logs) else { return };
        let opened = match opening {
            Some(opening) => rt.block_on(opening).unwrap_or_else(|e| {
                Err(EngineError::Configuration(format!(
                    "the connection task ended: {e}"
                )))
            }),
            None => rt.block_on(Connection::open(ds)),
        };
        match opened {
            Ok(c) => self.connections.default = Some(c),
            Err(e) => logs.error(format!(
                "Could not connect to data source \"{}\": {e}",
                ds.name
            )),
        }
    }

    /// Opens the other data sources the plan reads (`row_count same as T in DS`).
    fn open_others(&mut self, config: &crate::config::Configuration, plan: &crate::plan::Plan) {
        let Some(rt) = &self.runtime else { return };
        for m in &plan.metrics {
            let Some(name) = &m.data_source else { continue };
            if self.connections.others.iter().any(|(n, _)| n == name) {
                continue;
            }
            let conn = match config.data_source(name) {
                None => Err(EngineError::UnknownDataSource(name.clone())),
                Some(ds) => {
                    rt.block_on(Connection::open(ds))
                        .map_err(|e| EngineError::OtherSource {
                            name: name.clone(),
                            cause: Box::new(e),
                        })
                }
            };
            self.connections.others.push((name.clone(), conn));
        }
    }

    /// Runs `profile columns`, `discover datasets` and `sample datasets`.
    fn run_sections(
        &self,
        name: &str,
        model: &ChecksModel,
        counter: &mut usize,
        logs: &mut Logs,
    ) -> engine::profiling::SectionResults {
        let sections = match (&self.runtime, &self.connections.default) {
            (Some(rt), Some(c)) => rt.block_on(engine::profiling::run(c, name, model, counter)),
            _ => engine::profiling::SectionResults::default(),
        };
        for line in &sections.infos {
            logs.info(line.clone());
        }
        log_queries(&sections.executed, logs);
        sections
    }

    fn discover(&self, t: &sodacl::model::ForEach) -> Result<Vec<String>, EngineError> {
        match (&self.runtime, &self.connections.default) {
            (Some(rt), Some(c)) => rt.block_on(c.discover_tables(&t.includes, &t.excludes)),
            _ => Err(EngineError::NotConnected),
        }
    }

    /// Runs the plan's queries (on the other data sources it names too) and logs them;
    /// unconnected, nothing is measured.
    fn measure(
        &mut self,
        config: &crate::config::Configuration,
        plan: &crate::plan::Plan,
        logs: &mut Logs,
    ) -> Measurements {
        let mut outcome = Measurements::empty(plan.metrics.len());
        if !plan.queries.is_empty() {
            self.open_others(config, plan);
            if let (Some(rt), Some(_)) = (&self.runtime, &self.connections.default) {
                let progress = Arc::new(crate::measure::progress::Progress::default());
                let line = self
                    .progress_line
                    .then(|| report::progress::ProgressLine::start(progress.clone()));
                outcome = rt.block_on(engine::execute(&self.connections, plan, &progress));
                if let Some(line) = line {
                    line.stop();
                }
            }
        }
        log_queries(&outcome.executed, logs);
        for shortcut in &outcome.shortcuts {
            logs.debug(report::problems::shortcut(shortcut));
        }
        outcome
    }

    /// Runs the sample queries of warned and failed checks and attaches the rows.
    fn collect_samples(
        &self,
        sampling: &Sampling,
        checks: &mut [(CheckRef<'_>, eval::CheckResult)],
        default_limit: Option<i64>,
        number: &mut usize,
    ) -> Vec<crate::measure::Executed> {
        let (Some(rt), Some(conn)) = (&self.runtime, &self.connections.default) else {
            return Vec::new();
        };
        let mut executed = Vec::new();
        for (check, result) in checks.iter_mut() {
            if !matches!(
                result.outcome,
                Some(eval::Outcome::Warn | eval::Outcome::Fail)
            ) {
                continue;
            }
            let Some(source) = result.sample else {
                continue;
            };
            let limit = check.samples_limit.or(default_limit).unwrap_or(100).max(0) as usize;
            if limit == 0 {
                continue;
            }
            let Sampling {
                model,
                plan,
                outcome,
                vars,
            } = sampling;
            let sample = engine::samples::collect(
                rt, conn, model, plan, outcome, vars, source, limit, number,
            );
            if let Some((sample, exec)) = sample {
                if let Some(e) = exec {
                    executed.push(e);
                }
                result.samples = Some(sample);
            }
        }
        executed
    }

    fn close(&mut self) {
        if let Some(rt) = &self.runtime {
            rt.block_on(self.connections.close());
        }
        self.connections = engine::Connections::default();
    }
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

/// Runs `soda test-connection`.
pub fn test_connection(args: &TestConnectionArgs, sink: Option<Sink>) -> ExitStatus {
    let mut logs = Logs::new(args.verbose, sink);
    logs.info(banner());
    let vars = Vars::default();
    let config = crate::config::load(&args.configuration, &vars, &mut logs);
    let Some(ds) = config.data_source(&args.data_source) else {
        logs.error(format!(
            "Data source '{}' not present in the configuration.",
            args.data_source
        ));
        logs.print_raw(&format!("Unable to connect to '{}'.", args.data_source));
        return ExitStatus::Error;
    };
    let result = runtime().and_then(|rt| {
        rt.block_on(async {
            let conn = Connection::open(ds).await?;
            let rows = conn.fetch("SELECT 1").await;
            conn.close().await;
            rows.map(|_| ())
        })
        .map_err(|e| e.to_string())
    });
    match result {
        Ok(()) => {
            logs.print_raw(&format!("Successfully connected to '{}'.", ds.name));
            logs.print_raw(&format!("Connection '{}' is valid.", ds.name));
            if logs.has_errors() {
                ExitStatus::Error
            } else {
                ExitStatus::Pass
            }
        }
        Err(e) => {
            logs.error(format!(
                "Could not connect to data source \"{}\": {e}",
                ds.name
            ));
            logs.print_raw(&format!("Unable to connect to '{}'.", ds.name));
            ExitStatus::Error
        }
    }
}

/// Runs `soda outbox list|send`.
pub fn outbox(args: &OutboxArgs, sink: Option<Sink>) -> ExitStatus {
    let mut logs = Logs::new(args.verbose, sink);
    logs.info(banner());
    let config = crate::config::load(&args.configuration, &Vars::default(), &mut logs);
    let Some(cloud) = &config.cloud else {
        logs.error("No soda_cloud configuration: the outbox belongs to a Soda Cloud connection");
        return ExitStatus::Error;
    };
    let pending =
        crate::cloud::outbox::pending(&cloud.outbox, &crate::cloud::outbox::account(cloud));
    match args.action {
        OutboxAction::List => {
            logs.info(format!(
                "{} scan result(s) waiting in {}",
                pending.len(),
                cloud.outbox.display()
            ));
            for p in &pending {
                logs.info(format!("  {}", p.display()));
            }
        }
        OutboxAction::Send => {
            let Ok(rt) = runtime() else {
                logs.error("could not start the async runtime");
                return ExitStatus::Error;
            };
            // Starting a session delivers what waits; report what it could not.
            if let Some(session) = CloudSession::start(&rt, cloud, &mut logs) {
                if !session.reachable {
                    logs.error(format!(
                        "Soda Cloud is not reachable; {} scan result(s) stay in {}",
                        pending.len(),
                        cloud.outbox.display()
                    ));
                } else if pending.is_empty() {
                    logs.info(format!("The outbox {} is empty", cloud.outbox.display()));
                }
            }
        }
    }
    if logs.has_errors() {
        ExitStatus::Error
    } else {
        ExitStatus::Pass
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_follows_the_flag_the_terminal_and_no_color() {
        use crate::cli::ColorChoice::{Always, Auto, Never};
        let none = |_: &str| None;
        let no_color = |k: &str| (k == "NO_COLOR").then(|| "1".into());
        let empty_no_color = |k: &str| (k == "NO_COLOR").then(|| "".into());
        assert!(use_color(Auto, true, none));
        assert!(!use_color(Auto, false, none), "never in a pipe or file");
        assert!(!use_color(Auto, true, no_color));
        assert!(use_color(Auto, true, empty_no_color));
        assert!(use_color(Always, false, no_color), "an explicit flag wins");
        assert!(!use_color(Never, true, none));
        let dumb = |k: &str| (k == "TERM").then(|| "dumb".into());
        assert!(!use_color(Auto, true, dumb));
    }

    #[test]
    fn data_timestamps() {
        let t = parse_data_timestamp("2024-05-01T12:00:00+02:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2024-05-01T10:00:00+00:00");
        assert!(parse_data_timestamp("2024-05-01T12:00:00Z").is_some());
        assert!(parse_data_timestamp("2024-05-01 12:00").is_some());
        assert!(parse_data_timestamp("2024-05-01").is_some());
        assert!(parse_data_timestamp("yesterday").is_none());
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
