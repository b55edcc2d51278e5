//! The server's log, on stderr: startup and shutdown lines and one access line per request
//! (method, path, request kind, status, latency, API key id). Secrets, tokens, cookies and
//! bodies are never logged; paths are cut short and their control characters escaped, so a
//! request cannot forge log lines.

use super::http::{Caller, Kind};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

/// How much of a path the log keeps.
const PATH_CHARS: usize = 200;

/// Writes one line, stamped with the UTC time.
#[expect(
    clippy::print_stderr,
    reason = "the server's log is its stderr, as for any service under a supervisor"
)]
pub fn line(text: &str) {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    eprintln!("{now} {text}");
}

/// Logs each request once it is answered.
pub async fn access(request: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = request.method().clone();
    let path: String = request
        .uri()
        .path()
        .chars()
        .take(PATH_CHARS)
        .flat_map(char::escape_debug)
        .collect();
    let response = next.run(request).await;
    let kind = response
        .extensions()
        .get::<Kind>()
        .map_or("-", |k| k.0.as_str());
    let caller = response
        .extensions()
        .get::<Caller>()
        .map_or("-", |c| c.0.as_str());
    line(&format!(
        "{method} {path} {kind} {} {:.1}ms key={caller}",
        response.status().as_u16(),
        start.elapsed().as_secs_f64() * 1000.0
    ));
    response
}

/// A problem that stops a command before the server runs (bad arguments, an unreadable store),
/// as one `error:` line like the other subcommands' usage errors.
#[expect(
    clippy::print_stderr,
    reason = "usage errors go to stderr, before any server log exists"
)]
pub fn fatal(message: &str) {
    eprintln!("error: {message}");
}
