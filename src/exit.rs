//! The process exit status of a scan, in one place.
//!
//! The numbers are Soda Core's (`soda scan` in CI pipelines branches on them), with one
//! deliberate difference: usage errors and unreadable input exit 3 rather than click's 2, so
//! that "the scan could not run" never looks like "a check failed".

/// How a `soda` command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitStatus {
    /// Every evaluated check passed (or there were no checks).
    Pass,
    /// At least one check warned and none failed.
    Warn,
    /// At least one check failed.
    Fail,
    /// The scan reported an error: bad input, a failed query, an unevaluable check.
    Error,
}

impl ExitStatus {
    /// The number the process exits with.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Pass => 0,
            ExitStatus::Warn => 1,
            ExitStatus::Fail => 2,
            ExitStatus::Error => 3,
        }
    }
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(status: ExitStatus) -> Self {
        std::process::ExitCode::from(status.code())
    }
}
