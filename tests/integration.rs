//! The integration tests: one binary, one module per topic (casey/just's layout).

// The harness: temp dirs, running `soda`, the shared dataset and the per-engine scans.
mod common;
// What a user sees on the command line: outputs, exit codes, usage errors (SQLite).
mod cli;
// The checks language: one fixture file per valid or invalid construct.
mod sodacl;
// The shared scans on SQLite.
mod sqlite;
// The shared scans on the local PostgreSQL server, plus its statement timeout.
mod postgres;
// The shared scans on the local MariaDB server, plus its statement timeout.
mod mysql;
// The shared scans on a local Spark cluster over Spark Connect, plus its read-only rule.
mod spark;
// The `-srf` scan results document, pinned with test-side types.
mod results;
// Soda Cloud over real HTTPS: request sequences, payloads, faults, the outbox, secrets.
mod cloud;
// Every check type on every engine, with the values and outcomes of the results file.
mod check_types;
// The HTML report, rendered and opened in headless Chromium.
mod report_html;
// The SQL each dialect renders for a representative plan (no database needed).
mod dialects;
// The results store: recording, replacing, history, concurrency, outbox (SQLite, PostgreSQL).
mod store;
// Hostile input: alias bombs, deep nesting, FIFOs, NUL bytes, several documents, bad -v.
mod hostile;
// CI pipelines and terminals: JUnit XML, GitHub annotations, -q, colour, progress, completions.
mod ci;
// Alerts without Soda Cloud: notification webhooks over real HTTPS.
mod notify;
// `soda server`: our CLI against the self-hosted ingest endpoint over HTTPS, keys, the pages.
mod server;
// The stage rules of src/: which module may use which.
mod layers;
