//! The commands of `soda`, one file each: `scan`, `report`, `outbox` and `test-connection`,
//! with what a scan needs around its stages (`session`: runtime and connections; `checks`: the
//! checks files and `for each`; `outputs`: what a finished scan writes and sends; `terminal`:
//! colour and the progress line). `soda server` is a program of its own and lives in
//! `crate::server`; `completions` and `man` come from the clap definitions in `crate::cli`. A
//! command returns its [`ExitStatus`]; only `main` exits.

mod checks;
mod outbox;
mod outputs;
mod report;
mod scan;
mod session;
mod terminal;
mod test_connection;

use crate::cli::{Cli, Command};
use crate::config::{Configuration, StoreConfig};
use crate::diagnostic::Sink;
use crate::exit::ExitStatus;

/// Runs one parsed command line; its console output goes to `stdout`.
pub fn run(cli: &Cli, stdout: Sink) -> ExitStatus {
    match &cli.command {
        Command::Scan(a) => scan::run(a, Some(stdout)),
        Command::TestConnection(a) => test_connection::run(a, Some(stdout)),
        Command::Outbox(a) => outbox::run(a, Some(stdout)),
        Command::Report(a) => report::run(a, Some(stdout)),
        Command::Server(a) => crate::server::run(a, stdout),
        Command::Completions(a) => {
            crate::cli::completions(a.shell, &mut std::io::stdout());
            ExitStatus::Pass
        }
        Command::Man => match crate::cli::man_page(&mut std::io::stdout()) {
            Ok(()) => ExitStatus::Pass,
            Err(e) => {
                print_usage_error(&format!("could not write the man page: {e}"));
                ExitStatus::Error
            }
        },
    }
}

/// The first line of every command's log.
pub fn banner() -> String {
    // Starts like Soda Core's first line ("Soda Core 3.5.6"), which tools look for.
    format!(
        "Soda Core 3.5.6 compatible: soda-rs {}",
        env!("CARGO_PKG_VERSION")
    )
}

/// Prints a usage problem as one line on stderr.
#[expect(
    clippy::print_stderr,
    reason = "usage errors go to stderr, before any scan log exists"
)]
pub fn print_usage_error(message: &str) {
    eprintln!("error: {message}");
}

/// The results store of a scan or report: `--store` wins over `results_store:`. `Err` (after a
/// usage message) when `--store` cannot be read.
fn store_config(argument: Option<&str>, config: &Configuration) -> Result<Option<StoreConfig>, ()> {
    match argument {
        None => Ok(config.store.clone()),
        Some(text) => match StoreConfig::parse_argument(text) {
            Ok(c) => Ok(Some(c)),
            Err(e) => {
                print_usage_error(&e.to_string());
                Err(())
            }
        },
    }
}
