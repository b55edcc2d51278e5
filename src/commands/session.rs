//! The database side of a scan: the async runtime and the connections, opened while the
//! checks files are read, and the stage calls that need them (measuring, the profiling and
//! discovery sections, `for each` discovery, failed-row samples). Failures are logged and leave
//! the session unconnected; the scan goes on to its summary.

use crate::diagnostic::{Level, Location, Logs};
use crate::engine::{self, Connection};
use crate::eval;
use crate::measure::{EngineError, Executed, Measurements};
use crate::report;
use crate::results::scan::CheckRef;
use crate::sodacl;
use std::sync::Arc;

/// Where a failed query is reported (the check it stops, when there is one), given its
/// index among the scan's queries and the values measured.
pub type Locate<'a> = dyn Fn(usize, &Measurements) -> Option<Location> + 'a;

/// What failed-row samples are collected from.
pub struct Sampling<'a> {
    pub plan: &'a crate::plan::Plan,
    pub outcome: &'a Measurements,
}

/// The database side of a scan: a runtime and, once opened, the connections.
#[derive(Default)]
pub struct Session {
    pub runtime: Option<tokio::runtime::Runtime>,
    pub connections: engine::Connections,
    /// The connection to the scan's data source while it is being opened.
    opening: Option<tokio::task::JoinHandle<Result<Connection, EngineError>>>,
    /// Whether running queries show the progress line on stderr.
    progress_line: bool,
}

impl Session {
    /// A session with nothing opened yet; `progress_line`: show the progress line on stderr.
    pub fn new(progress_line: bool) -> Self {
        Session {
            progress_line,
            ..Session::default()
        }
    }

    /// The async runtime, started on first use.
    pub fn runtime(&mut self, logs: &mut Logs) -> Option<&tokio::runtime::Runtime> {
        if self.runtime.is_none() {
            match crate::runtime::start(crate::runtime::Threads::Command) {
                Ok(rt) => self.runtime = Some(rt),
                Err(e) => logs.error(e.to_string()),
            }
        }
        self.runtime.as_ref()
    }

    /// Starts connecting to the scan's data source while the checks files are read, so that
    /// setting up the connection is not on the path of the first query.
    pub fn start_opening(
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
    pub fn stop_opening(&mut self) {
        if let Some(opening) = self.opening.take() {
            opening.abort();
        }
    }

    /// Opens the scan's data source; failures are logged and leave the session unconnected.
    pub fn open(&mut self, config: &crate::config::Configuration, name: &str, logs: &mut Logs) {
        let Some(ds) = config.data_source(name) else {
            // Refused settings were each an error already: this says what they stop.
            match config.unusable.iter().any(|n| n == name) {
                true => logs.info(format!(
                    "Data source '{name}' cannot be used: its configuration has the errors above"
                )),
                false => logs.error(missing_data_source(config, name)),
            }
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
    pub fn run_sections(
        &self,
        name: &str,
        planned: &crate::plan::Sections,
        counter: &mut usize,
        logs: &mut Logs,
    ) -> engine::profiling::SectionResults {
        let sections = match (&self.runtime, &self.connections.default) {
            (Some(rt), Some(c)) => rt.block_on(engine::profiling::run(c, name, planned, counter)),
            _ => engine::profiling::SectionResults::default(),
        };
        for line in &sections.infos {
            logs.info(line.clone());
        }
        log_queries(&sections.executed, &|_| None, logs);
        sections
    }

    pub fn discover(&self, t: &sodacl::model::ForEach) -> Result<Vec<String>, EngineError> {
        match (&self.runtime, &self.connections.default) {
            (Some(rt), Some(c)) => rt.block_on(c.discover_tables(&t.includes, &t.excludes)),
            _ => Err(EngineError::NotConnected),
        }
    }

    /// Runs the plan's queries (on the other data sources it names too) and logs them;
    /// unconnected, nothing is measured.
    pub fn measure(
        &mut self,
        config: &crate::config::Configuration,
        plan: &crate::plan::Plan,
        locate: &Locate<'_>,
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
        log_queries(&outcome.executed, &|i| locate(i, &outcome), logs);
        for shortcut in &outcome.shortcuts {
            logs.debug(report::problems::shortcut(shortcut));
        }
        outcome
    }

    /// Runs the sample queries of warned and failed checks and attaches the rows.
    pub fn collect_samples(
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
            let Sampling { plan, outcome } = sampling;
            let sample = engine::samples::collect(rt, conn, plan, outcome, source, limit, number);
            if let Some((sample, exec)) = sample {
                if let Some(e) = exec {
                    executed.push(e);
                }
                result.samples = Some(sample);
            }
        }
        executed
    }

    pub fn close(&mut self) {
        if let Some(rt) = &self.runtime {
            rt.block_on(self.connections.close());
        }
        self.connections = engine::Connections::default();
    }
}

/// Logs each query at debug level and each failure as an error, one error per problem: a
/// combined query whose items all failed alone with its own error is one error (a missing
/// table), and one whose items partly ran is explained by the items that failed (a missing
/// column), so its own error is left to the debug log.
/// `locate` places a failure at the check it stops, when there is one.
pub fn log_queries(
    executed: &[Executed],
    locate: &dyn Fn(usize) -> Option<Location>,
    logs: &mut Logs,
) {
    for (i, q) in executed.iter().enumerate() {
        logs.debug(format!("Query {}:\n{}", q.name, q.sql));
        let Some(e) = &q.error else {
            continue;
        };
        if !crate::results::reasons::reported(executed, i) {
            logs.debug(format!("Query {} failed: {e}", q.name));
            continue;
        }
        logs.log(
            Level::Error,
            format!("Query execution error in {}: {e}\n{}", q.name, q.sql),
            locate(i),
            Some(e.to_string()),
        );
    }
}

/// A data source that is not configured, with the nearest configured name.
fn missing_data_source(config: &crate::config::Configuration, name: &str) -> String {
    let names: Vec<&str> = config
        .data_sources
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    let mut message = format!(
        "Data source '{name}' not present in the configuration. Configured data sources: {}",
        names.join(", ")
    );
    if let Some(meant) = crate::suggest::did_you_mean(name, names.iter().copied()) {
        message.push_str(&format!(". Did you mean '{meant}'?"));
    }
    message
}
