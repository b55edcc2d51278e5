//! The async runtime every command that talks to a database or a server starts: one place
//! that says how many worker threads each kind of work gets.

use tokio::runtime::{Builder, Runtime};

/// How much of the machine a runtime may use.
#[derive(Debug, Clone, Copy)]
pub enum Threads {
    /// A command line run (scan, report, outbox): two workers. Its queries wait on the
    /// database, not on this process, and a CI runner's cores belong to the job.
    Command,
    /// `soda server`: one worker per core, for concurrent requests.
    Server,
}

/// The runtime could not start (the system refused threads or an event loop).
#[derive(Debug)]
pub struct RuntimeError(pub std::io::Error);

impl std::fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "could not start the async runtime: {}", self.0)
    }
}

/// Starts a runtime.
pub fn start(threads: Threads) -> Result<Runtime, RuntimeError> {
    let mut builder = Builder::new_multi_thread();
    if let Threads::Command = threads {
        builder.worker_threads(2);
    }
    builder.enable_all().build().map_err(RuntimeError)
}
