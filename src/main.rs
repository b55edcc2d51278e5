//! The `soda` binary: parses the command line, runs it, exits with its status.

use std::process::ExitCode;

fn main() -> ExitCode {
    soda::main_with_args(std::env::args_os()).into()
}
