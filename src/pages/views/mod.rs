//! One file per view of the document: the Check Results list, the Datasets table, the Scans
//! table, and the page of each check. A view writes one `<section>` from the shared
//! [`Context`](super::context::Context) and the small pieces beside it (facts, widgets,
//! escaping, times, the chart); it never imports the shell that places it, so views can be
//! added or reordered in one place.

pub mod check_page;
pub mod checks;
pub mod datasets;
pub mod scans;
