//! The failure-rate window: the outcomes of the last `size` calls admitted while closed, kept
//! in a lock-free ring. Each record swaps one slot and adjusts the failure count by the
//! difference, so concurrent records never lose a count.

use std::sync::atomic::{AtomicI64, AtomicU64, AtomicU8, Ordering::Relaxed};

const EMPTY: u8 = 0;
const SUCCESS: u8 = 1;
const FAILURE: u8 = 2;

/// The last `size` outcomes and how many of them failed.
#[derive(Debug)]
pub(crate) struct Window {
    outcomes: Box<[AtomicU8]>,
    next: AtomicU64,
    recorded: AtomicI64,
    failures: AtomicI64,
}

/// What the window holds after a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tally {
    /// Outcomes held (at most the window's size).
    pub(crate) recorded: u32,
    /// Of those, failures.
    pub(crate) failures: u32,
}

impl Tally {
    /// The failure rate in percent, or `None` below `min_calls` recorded calls.
    pub(crate) fn failure_rate(self, min_calls: u32) -> Option<f64> {
        (self.recorded >= min_calls.max(1))
            .then(|| f64::from(self.failures) * 100.0 / f64::from(self.recorded))
    }
}

impl Window {
    pub(crate) fn new(size: u32) -> Window {
        let size = usize::try_from(size.max(1)).unwrap_or(1);
        Window {
            outcomes: (0..size).map(|_| AtomicU8::new(EMPTY)).collect(),
            next: AtomicU64::new(0),
            recorded: AtomicI64::new(0),
            failures: AtomicI64::new(0),
        }
    }

    /// Records one outcome, replacing the oldest once the window is full.
    pub(crate) fn record(&self, failed: bool) -> Tally {
        let size = self.outcomes.len() as u64;
        let slot = usize::try_from(self.next.fetch_add(1, Relaxed) % size).unwrap_or(0);
        let new = if failed { FAILURE } else { SUCCESS };
        // The same outcome over the same outcome changes nothing: skip the write (in a healthy
        // window, almost every record). A concurrent writer of this slot then simply follows
        // this record.
        if self.outcomes[slot].load(Relaxed) == new {
            return self.tally();
        }
        let old = self.outcomes[slot].swap(new, Relaxed);
        if old == EMPTY {
            self.recorded.fetch_add(1, Relaxed);
        }
        match (old == FAILURE, failed) {
            (false, true) => {
                self.failures.fetch_add(1, Relaxed);
            }
            (true, false) => {
                self.failures.fetch_sub(1, Relaxed);
            }
            _ => {}
        }
        self.tally()
    }

    /// What the window holds now.
    pub(crate) fn tally(&self) -> Tally {
        // Concurrent records may leave a count briefly out of range; clamp it.
        let clamp = |value: i64| u32::try_from(value.max(0)).unwrap_or(u32::MAX);
        Tally {
            recorded: clamp(self.recorded.load(Relaxed)),
            failures: clamp(self.failures.load(Relaxed)),
        }
    }

    /// Forgets every outcome (the circuit closed again, or was reset).
    pub(crate) fn clear(&self) {
        for outcome in &*self.outcomes {
            outcome.store(EMPTY, Relaxed);
        }
        self.recorded.store(0, Relaxed);
        self.failures.store(0, Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_outcomes_leave_the_window() {
        let window = Window::new(4);
        for _ in 0..4 {
            window.record(true);
        }
        assert_eq!(
            window.tally(),
            Tally {
                recorded: 4,
                failures: 4
            }
        );
        for _ in 0..4 {
            window.record(false);
        }
        assert_eq!(
            window.tally(),
            Tally {
                recorded: 4,
                failures: 0
            }
        );
        assert_eq!(window.record(true).failure_rate(4), Some(25.0));
    }

    #[test]
    fn the_rate_is_unknown_below_min_calls() {
        let window = Window::new(10);
        assert_eq!(window.record(true).failure_rate(3), None);
        assert_eq!(window.record(true).failure_rate(3), None);
        assert_eq!(window.record(false).failure_rate(3), Some(200.0 / 3.0));
        window.clear();
        assert_eq!(
            window.tally(),
            Tally {
                recorded: 0,
                failures: 0
            }
        );
    }

    #[test]
    fn concurrent_records_lose_no_count() {
        let window = std::sync::Arc::new(Window::new(64));
        let threads: Vec<_> = (0..4)
            .map(|thread| {
                let window = std::sync::Arc::clone(&window);
                std::thread::spawn(move || {
                    for call in 0..10_000 {
                        window.record((call + thread) % 3 == 0);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        let held = window.outcomes.iter().map(|outcome| outcome.load(Relaxed));
        let failures = held.filter(|outcome| *outcome == FAILURE).count();
        let tally = window.tally();
        assert_eq!(tally.recorded, 64);
        assert_eq!(
            tally.failures as usize, failures,
            "the count drifted from the slots"
        );
    }
}
