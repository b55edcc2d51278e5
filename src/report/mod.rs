//! Reports of one scan: the console summary, the scan results document (`-srf`), the CI
//! outputs (JUnit XML, GitHub Actions annotations and step summary) over [`checklist`], and the
//! words for problems the other stages hand over as data (`problems.rs`). The HTML pages of a
//! whole results store are not a scan's report: they live in `pages`.
//!
//! All read the same [`ScanReport`]. The console summary is written through the scan log,
//! because Soda Core stores the summary lines in the results document's `logs` (and tools
//! read the "NOT EVALUATED" section from there).

pub mod checklist;
pub mod console;
pub mod github;
pub mod junit;
pub mod problems;
pub mod progress;

pub use crate::measure::unquoted_table;
pub use crate::results::scan::{CheckRef, ScanReport};
