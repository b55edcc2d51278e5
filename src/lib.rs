//! soda-rs: a fast, single-binary implementation of the `soda` data-quality scanner,
//! compatible with Soda Core 3.x configuration files, SodaCL checks, exit codes and results.
//!
//! The pipeline, one module per stage: [`cli`] (arguments as typed) → [`config`] (data
//! sources) → [`sodacl`] (checks files → checks model) → [`plan`] (checks → grouped queries)
//! → [`engine`] (SQL per dialect, executed) → [`eval`] (outcomes) → [`results`] (what a scan
//! leaves behind: the results document, the store's record and read model, typed times) →
//! [`report`] (console, JUnit, GitHub), [`pages`] (the HTML pages of a results store),
//! [`store`], [`cloud`], [`notify`], [`server`].
//! [`commands`] holds one file per command; `commands::scan` is the only code that walks
//! every stage.

pub mod cli;
pub mod cloud;
pub mod commands;
pub mod config;
pub mod diagnostic;
pub mod engine;
pub mod eval;
pub mod exit;
pub mod measure;
pub mod notify;
pub mod outbox;
pub mod pages;
pub mod plan;
pub mod python;
pub mod report;
pub mod results;
pub mod runtime;
pub mod server;
pub mod sodacl;
pub mod sources;
pub mod store;
pub mod suggest;
pub mod template;
pub mod yaml;

use clap::Parser;
use exit::ExitStatus;
use std::ffi::OsString;

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
            commands::print_usage_error(&one_line(&e.render().to_string()));
            return ExitStatus::Error;
        }
    };
    let stdout: diagnostic::Sink = Box::new(std::io::stdout());
    commands::run(&cli, stdout)
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
