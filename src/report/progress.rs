//! The progress line: while a scan's queries run, one line on stderr, redrawn in place,
//! with how many queries are done and the one running longest (`3/7 queries done, slowest:
//! 1.lite.customers.aggregation[0] 2.4s`). The scan shows it only when stderr is a terminal
//! and not in CI; it is erased before the summary, so nothing of it stays on screen.

use crate::measure::progress::{Progress, Snapshot};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How often the line is redrawn.
const TICK: Duration = Duration::from_millis(100);
/// Quick scans finish before this and never show a line at all (no flicker).
const GRACE: Duration = Duration::from_millis(300);
/// Query names are cut to this many characters, so the line never wraps (a wrapped line
/// cannot be erased with one carriage return).
const NAME_WIDTH: usize = 40;

/// The running progress line; [`ProgressLine::stop`] erases it.
pub struct ProgressLine {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ProgressLine {
    /// Starts redrawing `progress` on stderr.
    pub fn start(progress: Arc<Progress>) -> ProgressLine {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::spawn(move || draw_until(&progress, &stopped));
        ProgressLine {
            stop,
            thread: Some(thread),
        }
    }

    /// Stops and erases the line.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn draw_until(progress: &Progress, stop: &AtomicBool) {
    let started = std::time::Instant::now();
    let mut drawn = false;
    let mut err = std::io::stderr();
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(TICK);
        if started.elapsed() >= GRACE && !stop.load(Ordering::Relaxed) {
            // A terminal that went away is no reason to disturb the scan.
            let _ = write!(err, "\r\x1b[2K{}", line(&progress.snapshot()));
            let _ = err.flush();
            drawn = true;
        }
    }
    if drawn {
        let _ = write!(err, "\r\x1b[2K");
        let _ = err.flush();
    }
}

/// The text of the line.
pub fn line(s: &Snapshot) -> String {
    let mut text = format!("{}/{} queries done", s.done, s.total);
    if let Some((name, took)) = &s.slowest {
        let cut: String = name.chars().take(NAME_WIDTH).collect();
        let name = if cut.len() < name.len() {
            format!("{cut}…")
        } else {
            cut
        };
        text.push_str(&format!(", slowest: {name} {:.1}s", took.as_secs_f64()));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_names_the_slowest_query() {
        let s = Snapshot {
            done: 3,
            total: 7,
            slowest: Some((
                "1.lite.customers.aggregation[0]".into(),
                Duration::from_millis(2400),
            )),
        };
        assert_eq!(
            line(&s),
            "3/7 queries done, slowest: 1.lite.customers.aggregation[0] 2.4s"
        );
    }
}
