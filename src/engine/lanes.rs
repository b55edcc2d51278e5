//! How many statements of one data source run at once. A scan starts on one lane: the
//! connection opened while the checks were read. Only when a statement has waited
//! [`WIDEN_AFTER`] for a lane do the others open, up to the data source's `max_connections`.
//! A small scan (its four statements take 5-6 ms one after the other) so never pays for new
//! database sessions, which on PostgreSQL cost more than its queries (a new backend and its
//! cold catalogue caches: 16-18 ms for a 15-check scan of a 10-row table on one connection
//! against 25 ms on four), while a big scan, or a long queue of small statements, reaches
//! full concurrency 15 ms after it started.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{Semaphore, SemaphorePermit};

/// How long a statement waits for the first lane before the others open.
pub const WIDEN_AFTER: Duration = Duration::from_millis(15);

/// The lanes of one data source.
pub struct Lanes {
    permits: Semaphore,
    /// Lanes opened so far.
    open: AtomicUsize,
    max: usize,
}

impl Lanes {
    /// One lane open, `max` at most (at least one).
    pub fn new(max: usize) -> Lanes {
        Lanes {
            permits: Semaphore::new(1),
            open: AtomicUsize::new(1),
            max: max.max(1),
        }
    }

    /// Waits for a lane; a statement that waited [`WIDEN_AFTER`] opens all of them.
    pub async fn enter(&self) -> Option<SemaphorePermit<'_>> {
        loop {
            match tokio::time::timeout(WIDEN_AFTER, self.permits.acquire()).await {
                Ok(permit) => return permit.ok(),
                Err(_) => self.widen(),
            }
        }
    }

    fn widen(&self) {
        let opened = self.open.swap(self.max, Ordering::SeqCst);
        if opened < self.max {
            self.permits.add_permits(self.max - opened);
        }
    }

    /// Lanes opened so far.
    pub fn opened(&self) -> usize {
        self.open.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime")
    }

    #[test]
    fn quick_statements_share_one_lane() {
        runtime().block_on(async {
            let lanes = Lanes::new(4);
            for _ in 0..10 {
                let _lane = lanes.enter().await;
            }
            assert_eq!(lanes.opened(), 1);
        });
    }

    #[test]
    fn a_waiting_statement_opens_every_lane() {
        runtime().block_on(async {
            let lanes = Arc::new(Lanes::new(4));
            let slow = lanes.clone();
            let held = tokio::spawn(async move {
                let _lane = slow.enter().await;
                tokio::time::sleep(Duration::from_millis(200)).await;
            });
            tokio::task::yield_now().await;
            let started = tokio::time::Instant::now();
            let lane = lanes.enter().await;
            assert!(lane.is_some());
            assert!(started.elapsed() < Duration::from_millis(150));
            assert_eq!(lanes.opened(), 4);
            held.await.expect("slow statement");
        });
    }

    #[test]
    fn one_connection_stays_one_lane() {
        runtime().block_on(async {
            let lanes = Arc::new(Lanes::new(1));
            let slow = lanes.clone();
            let held = tokio::spawn(async move {
                let _lane = slow.enter().await;
                tokio::time::sleep(Duration::from_millis(30)).await;
            });
            tokio::task::yield_now().await;
            let _lane = lanes.enter().await;
            assert_eq!(lanes.opened(), 1);
            held.await.expect("slow statement");
        });
    }
}
