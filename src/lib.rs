//! soda-rs: a fast, single-binary implementation of the `soda` data-quality scanner,
//! compatible with Soda Core 3.x configuration files, SodaCL checks, exit codes and results.
//!
//! The pipeline, one module per stage: [`cli`] (arguments as typed) → [`config`] (data
//! sources) → [`sodacl`] (checks files → checks model) → [`plan`] (checks → grouped queries)
//! → [`engine`] (SQL per dialect, executed) → [`eval`] (outcomes) → [`report`] (console,
//! results document). [`scan`] is the only module that walks them all.

pub mod cli;
pub mod cloud;
pub mod config;
pub mod diagnostic;
pub mod engine;
pub mod eval;
pub mod exit;
pub mod measure;
pub mod notify;
pub mod outbox;
pub mod plan;
pub mod python;
pub mod report;
pub mod scan;
pub mod server;
pub mod sodacl;
pub mod sources;
pub mod store;
pub mod template;
pub mod yaml;

use clap::Parser;
use exit::ExitStatus;
use std::ffi::OsString;

/// Prints a usage problem as one line on stderr.
#[expect(
    clippy::print_stderr,
    reason = "usage errors go to stderr, before any scan log exists"
)]
pub fn print_usage_error(message: &str) {
    eprintln!("error: {message}");
}

/// Runs the `soda` command line and returns how it ended.
pub fn main_with_args(args: impl IntoIterator<Item = OsString>) -> ExitStatus {
    let args = cli::normalize_args(args);
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    ExitStatus::Error
                } else {
                    ExitStatus::Pass
                };
            }
            print_usage_error(&one_line(&e.render().to_string()));
            return ExitStatus::Error;
        }
    };
    let stdout: diagnostic::Sink = Box::new(std::io::stdout());
    match &cli.command {
        cli::Command::Scan(a) => scan::scan(a, Some(stdout)),
        cli::Command::TestConnection(a) => scan::test_connection(a, Some(stdout)),
        cli::Command::Outbox(a) => scan::outbox(a, Some(stdout)),
        cli::Command::Report(a) => scan::write_report(a, Some(stdout)),
        cli::Command::Server(a) => server::run(a, stdout),
        cli::Command::Completions(a) => {
            cli::completions(a.shell, &mut std::io::stdout());
            ExitStatus::Pass
        }
        cli::Command::Man => match cli::man_page(&mut std::io::stdout()) {
            Ok(()) => ExitStatus::Pass,
            Err(e) => {
                print_usage_error(&format!("could not write the man page: {e}"));
                ExitStatus::Error
            }
        },
    }
}

/// Squeezes clap's multi-line message into one line.
fn one_line(rendered: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for line in rendered.lines().map(str::trim) {
        if line.is_empty() {
            if !parts.is_empty() {
                break;
            }
            continue;
        }
        parts.push(line.trim_start_matches("error:").trim());
    }
    format!("{} (see 'soda --help')", parts.join(" "))
}
