//! Everything a finished scan writes or sends, in Soda Core's order: the results store, Soda
//! Cloud, `-srf`, JUnit, GitHub Actions, then the alerts. The results document is built once
//! here; each output gets it with the log as it stands when that output is written. An output
//! that fails is logged and makes the exit code an error, except the GitHub step summary and
//! the alerts, which never change it.

use super::session::Session;
use crate::cli::ScanArgs;
use crate::cloud::tasks::CloudSession;
use crate::config::Configuration;
use crate::diagnostic::{Level, Logs};
use crate::exit::ExitStatus;
use crate::report;
use crate::report::checklist::Verdict;
use crate::results::build;
use crate::results::document::ScanResults;
use crate::results::record::{samples_of, StoreRecord};
use crate::results::scan::ScanReport;
use crate::store::recorder::Recorder;
use std::path::PathBuf;

/// Where a scan's results go besides the console.
pub struct Destinations<'a> {
    pub args: &'a ScanArgs,
    pub config: &'a Configuration,
    pub session: &'a mut Session,
    pub recorder: Option<&'a Recorder>,
    pub cloud: Option<&'a mut CloudSession>,
}

/// Writes and sends every output; `status` is the scan's own exit status, returned raised to
/// `Error` when an output that keeps results failed.
pub fn write_all(
    to: Destinations<'_>,
    report: &ScanReport,
    status: ExitStatus,
    logs: &mut Logs,
) -> ExitStatus {
    let doc = build::document(report, logs);
    let (recorded, mut doc) = record_results(to.recorder, to.session, report, doc, logs);
    let delivered = deliver_to_cloud(to.config, to.cloud, to.session, &mut doc, logs);
    build::update_logs(&mut doc, logs);
    let saved = save_results_file(to.args, doc, logs);
    let junit = save_junit(to.args, report, logs);
    github_outputs(report, logs);
    let status = status.max(recorded).max(delivered).max(saved).max(junit);
    // Last, so that the alert tells the outcome the exit code tells; it never changes it.
    if let Some(n) = &to.config.notifications {
        if let Some(rt) = to.session.runtime(logs) {
            crate::notify::send(rt, n, report, verdict(status), logs);
        }
    }
    status
}

/// Records the scan in the results store; `Error` when it could not be recorded. The document
/// comes back for the next outputs (a scan of many checks keeps one copy).
fn record_results(
    recorder: Option<&Recorder>,
    session: &Session,
    report: &ScanReport,
    doc: ScanResults,
    logs: &mut Logs,
) -> (ExitStatus, ScanResults) {
    let (Some(recorder), Some(rt)) = (recorder, &session.runtime) else {
        return (ExitStatus::Pass, doc);
    };
    let record = StoreRecord {
        results: doc,
        samples: samples_of(&report.checks),
    };
    let recorded = recorder.record(rt, &record, logs);
    recorder.close(rt);
    let status = if recorded {
        ExitStatus::Pass
    } else {
        ExitStatus::Error
    };
    (status, record.results)
}

/// Sends the results to Soda Cloud (or keeps them in the outbox); `Error` when they could be
/// neither sent nor kept.
fn deliver_to_cloud(
    config: &Configuration,
    cloud: Option<&mut CloudSession>,
    session: &Session,
    doc: &mut ScanResults,
    logs: &mut Logs,
) -> ExitStatus {
    let Some(cloud_config) = &config.cloud else {
        return ExitStatus::Pass;
    };
    // The document sent ends with the `Sending results` line (as in Soda Core). Without a
    // session (the client could not be set up) the results still go to the outbox.
    logs.info("Sending results to Soda Cloud");
    build::update_logs(doc, logs);
    // `soda server` keeps every check; Soda Cloud gets the checks as Soda Core lists them.
    let kept = match (cloud, &session.runtime) {
        (Some(c), Some(rt)) if c.keeps_every_check => c.send_results(rt, doc, logs),
        (Some(c), Some(rt)) => c.send_results(rt, &doc.as_soda_lists_it(), logs),
        _ => crate::cloud::tasks::keep(
            &cloud_config.outbox,
            &crate::cloud::outbox::account(cloud_config),
            &doc.as_soda_lists_it(),
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
fn save_results_file(args: &ScanArgs, doc: ScanResults, logs: &mut Logs) -> ExitStatus {
    let Some(path) = &args.scan_results_file else {
        return ExitStatus::Pass;
    };
    logs.print_raw(&format!("Saving scan results to {}", path.display()));
    let doc = if doc.has_checks_beyond_soda() {
        doc.as_soda_lists_it()
    } else {
        doc
    };
    let written = std::fs::File::create(path).and_then(|file| {
        let mut out = std::io::BufWriter::new(file);
        doc.write_text(&mut out)?;
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

fn verdict(status: ExitStatus) -> Verdict {
    match status {
        ExitStatus::Pass => Verdict::Pass,
        ExitStatus::Warn => Verdict::Warn,
        ExitStatus::Fail => Verdict::Fail,
        ExitStatus::Error => Verdict::Error,
    }
}
