//! How far the engine is with a plan's queries: how many there are, how many are done, and
//! which are running since when. The engine writes it while queries run; the progress line
//! (report) reads it from another thread.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The shared progress of one plan's queries.
#[derive(Debug, Default)]
pub struct Progress {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    total: usize,
    done: usize,
    running: Vec<(String, Instant)>,
}

/// What the progress line shows at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub done: usize,
    pub total: usize,
    /// The query running longest, and for how long.
    pub slowest: Option<(String, Duration)>,
}

impl Progress {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic elsewhere must not take the progress line down with it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Announces how many queries will run.
    pub fn begin(&self, total: usize) {
        self.state().total += total;
    }

    /// A query starts.
    pub fn start(&self, name: &str) {
        self.state()
            .running
            .push((name.to_string(), Instant::now()));
    }

    /// A query is done (whatever its result).
    pub fn finish(&self, name: &str) {
        let mut s = self.state();
        if let Some(at) = s.running.iter().position(|(n, _)| n == name) {
            s.running.remove(at);
        }
        s.done += 1;
    }

    pub fn snapshot(&self) -> Snapshot {
        let s = self.state();
        let slowest = s
            .running
            .iter()
            .min_by_key(|(_, since)| *since)
            .map(|(name, since)| (name.clone(), since.elapsed()));
        Snapshot {
            done: s.done,
            total: s.total,
            slowest,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_running_query_is_the_slowest() {
        let p = Progress::default();
        p.begin(3);
        p.start("a");
        std::thread::sleep(Duration::from_millis(5));
        p.start("b");
        let s = p.snapshot();
        assert_eq!((s.done, s.total), (0, 3));
        assert_eq!(s.slowest.map(|(n, _)| n).as_deref(), Some("a"));
        p.finish("a");
        let s = p.snapshot();
        assert_eq!(s.done, 1);
        assert_eq!(s.slowest.map(|(n, _)| n).as_deref(), Some("b"));
    }
}
