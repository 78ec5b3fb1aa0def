//! The count-based failure-rate window: the outcomes of the last `size` calls admitted while
//! closed, kept in a lock-free ring. Each record swaps one slot and adjusts the failure count
//! by the difference, so concurrent records never lose a count.

use std::sync::atomic::Ordering::Relaxed;

use crate::sync::{AtomicI64, AtomicU64, AtomicU8};

const EMPTY: u8 = 0;
/// Every recorded outcome has this bit; the next two say failed and slow.
const RECORDED: u8 = 1;
const FAILED: u8 = 2;
const SLOW: u8 = 4;

/// The last `size` outcomes and how many of them failed.
#[derive(Debug)]
pub(crate) struct CallWindow {
    outcomes: Box<[AtomicU8]>,
    /// `u64::MAX / size + 1`, which turns the ring position into a slot without a division.
    reciprocal: u64,
    next: AtomicU64,
    recorded: AtomicI64,
    failures: AtomicI64,
    slow: AtomicI64,
}

/// What the window holds after a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tally {
    /// Outcomes held (at most the window's size).
    pub(crate) recorded: u32,
    /// Of those, failures.
    pub(crate) failures: u32,
    /// Of those, slow calls.
    pub(crate) slow: u32,
}

/// What one record did to the window's calls, which tells whether a success recorded so may
/// have raised a rate or made it known (see [`Added::may_raise_rates`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Added {
    /// The outcome took the place of an older one in a full count window, or was not kept:
    /// the window holds no more calls than before.
    Replaced,
    /// The count window was not full: it holds one call more.
    Grew,
    /// The outcome joined a time window's tenth, which holds `calls` calls with it. Older
    /// tenths leave the window only when a new one begins, so the first call of a tenth is
    /// the first to see them gone.
    Joined {
        /// Calls in the tenth, this one included.
        calls: u32,
    },
}

impl Added {
    /// Whether a success recorded so may have raised a rate, or made it known, so that it must
    /// check the rates. A success adds a call that did not fail: over the same calls, it can
    /// only lower the failure rate (and, if it was not slow, the slow-call rate). What it can
    /// do is make the window reach `min_calls`, while the window grows, or come first after
    /// older calls left a time window. In a tenth that held `min_calls` calls already, neither
    /// can be: the window held that many before this call, and no tenth has left since the
    /// tenth's first call, which checked.
    #[inline]
    pub(crate) fn may_raise_rates(self, min_calls: u32) -> bool {
        match self {
            Added::Replaced => false,
            Added::Grew => true,
            Added::Joined { calls } => calls <= min_calls,
        }
    }
}

impl Tally {
    /// The failure rate in percent, or `None` below `min_calls` recorded calls.
    pub(crate) fn failure_rate(self, min_calls: u32) -> Option<f64> {
        self.rate(self.failures, min_calls)
    }

    /// The slow-call rate in percent, or `None` below `min_calls` recorded calls.
    pub(crate) fn slow_rate(self, min_calls: u32) -> Option<f64> {
        self.rate(self.slow, min_calls)
    }

    fn rate(self, count: u32, min_calls: u32) -> Option<f64> {
        (self.recorded >= min_calls.max(1))
            .then(|| f64::from(count) * 100.0 / f64::from(self.recorded))
    }
}

impl CallWindow {
    pub(crate) fn new(size: u32) -> CallWindow {
        let size = size.max(1);
        CallWindow {
            outcomes: (0..size).map(|_| AtomicU8::new(EMPTY)).collect(),
            reciprocal: (u64::MAX / u64::from(size)).wrapping_add(1),
            next: AtomicU64::new(0),
            recorded: AtomicI64::new(0),
            failures: AtomicI64::new(0),
            slow: AtomicI64::new(0),
        }
    }

    /// Records one outcome and reads what the window holds then.
    #[cfg(test)]
    pub(crate) fn record(&self, failed: bool, slow: bool) -> Tally {
        self.add(failed, slow);
        self.tally()
    }

    /// Records one outcome, replacing the oldest once the window is full: `Grew` while it was
    /// not full, else `Replaced`.
    #[inline]
    pub(crate) fn add(&self, failed: bool, slow: bool) -> Added {
        if !failed && !slow && self.holds_only_successes() {
            // Another success over a ring of successes changes nothing wherever it lands, so
            // it takes no ring position: a healthy breaker's calls run no locked instruction
            // here. (Concurrent with a failure, it is as if it had been recorded just before.)
            return Added::Replaced;
        }
        let index = self.slot(self.next.fetch_add(1, Relaxed));
        let new = RECORDED | if failed { FAILED } else { 0 } | if slow { SLOW } else { 0 };
        // The same outcome over the same outcome changes nothing: skip the write (in a healthy
        // window, almost every record). A concurrent writer of this slot then simply follows
        // this record.
        if self.outcomes[index].load(Relaxed) == new {
            return Added::Replaced;
        }
        let old = self.outcomes[index].swap(new, Relaxed);
        if old == EMPTY {
            self.recorded.fetch_add(1, Relaxed);
        }
        adjust(&self.failures, old & FAILED != 0, failed);
        adjust(&self.slow, old & SLOW != 0, slow);
        if old == EMPTY {
            Added::Grew
        } else {
            Added::Replaced
        }
    }

    /// True when the window is full and holds only successes that were not slow.
    #[inline]
    fn holds_only_successes(&self) -> bool {
        self.failures.load(Relaxed) == 0
            && self.slow.load(Relaxed) == 0
            && usize::try_from(self.recorded.load(Relaxed)) == Ok(self.outcomes.len())
    }

    /// The slot of ring position `position`: its low 32 bits modulo the window's size, by
    /// Lemire's "fastmod" (two multiplications instead of a division). Once every 2^32
    /// records the position wraps and the ring skips ahead, which leaves the counts exact.
    #[inline]
    fn slot(&self, position: u64) -> usize {
        // Truncation is the point: the ring position is taken modulo 2^32.
        #[allow(clippy::cast_possible_truncation)]
        let position = u64::from(position as u32);
        let fraction = self.reciprocal.wrapping_mul(position);
        let size = self.outcomes.len() as u128;
        // Below `size`, which is a `usize`.
        #[allow(clippy::cast_possible_truncation)]
        let slot = ((u128::from(fraction) * size) >> 64) as usize;
        slot
    }

    /// What the window holds now.
    #[inline]
    pub(crate) fn tally(&self) -> Tally {
        // Concurrent records may leave a count briefly out of range; clamp it.
        let clamp = |value: i64| u32::try_from(value.max(0)).unwrap_or(u32::MAX);
        Tally {
            recorded: clamp(self.recorded.load(Relaxed)),
            failures: clamp(self.failures.load(Relaxed)),
            slow: clamp(self.slow.load(Relaxed)),
        }
    }

    /// Forgets every outcome (the circuit closed again, or was reset).
    pub(crate) fn clear(&self) {
        for outcome in &*self.outcomes {
            outcome.store(EMPTY, Relaxed);
        }
        self.recorded.store(0, Relaxed);
        self.failures.store(0, Relaxed);
        self.slow.store(0, Relaxed);
    }
}

/// Moves `count` by the difference between the replaced and the new outcome.
fn adjust(count: &AtomicI64, was: bool, is: bool) {
    match (was, is) {
        (false, true) => {
            count.fetch_add(1, Relaxed);
        }
        (true, false) => {
            count.fetch_sub(1, Relaxed);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_outcomes_leave_the_window() {
        let window = CallWindow::new(4);
        for _ in 0..4 {
            window.record(true, false);
        }
        assert_eq!(
            window.tally(),
            Tally {
                recorded: 4,
                failures: 4,
                slow: 0
            }
        );
        for _ in 0..4 {
            window.record(false, false);
        }
        assert_eq!(
            window.tally(),
            Tally {
                recorded: 4,
                failures: 0,
                slow: 0
            }
        );
        assert_eq!(window.record(true, false).failure_rate(4), Some(25.0));
    }

    #[test]
    fn a_success_over_only_successes_takes_no_position_and_changes_no_count() {
        let window = CallWindow::new(4);
        for _ in 0..4 {
            window.record(false, false);
        }
        assert_eq!(
            window.next.load(Relaxed),
            4,
            "filling the window takes positions"
        );
        for _ in 0..10 {
            window.record(false, false);
        }
        assert_eq!(window.next.load(Relaxed), 4, "a healthy window stays put");
        assert_eq!(window.record(true, false).failures, 1);
        for _ in 0..3 {
            assert_eq!(
                window.record(false, false).failures,
                1,
                "still among the last 4"
            );
        }
        assert_eq!(
            window.record(false, false).failures,
            0,
            "4 calls later it left"
        );
        assert_eq!(
            window.record(false, true).slow,
            1,
            "a slow success is recorded"
        );
    }

    #[test]
    fn a_record_grows_the_window_until_it_is_full() {
        let window = CallWindow::new(3);
        assert_eq!(window.add(true, false), Added::Grew);
        assert_eq!(window.add(false, false), Added::Grew);
        assert_eq!(window.add(false, true), Added::Grew);
        for (failed, slow) in [(false, false), (true, false), (true, false), (false, false)] {
            assert_eq!(window.add(failed, slow), Added::Replaced);
        }
        window.clear();
        assert_eq!(window.add(false, false), Added::Grew, "cleared");
        assert!(Added::Grew.may_raise_rates(1));
        assert!(!Added::Replaced.may_raise_rates(u32::MAX));
        assert!(Added::Joined { calls: 5 }.may_raise_rates(5));
        assert!(!Added::Joined { calls: 6 }.may_raise_rates(5));
    }

    #[test]
    fn the_rate_is_unknown_below_min_calls() {
        let window = CallWindow::new(10);
        assert_eq!(window.record(true, false).failure_rate(3), None);
        assert_eq!(window.record(true, false).failure_rate(3), None);
        assert_eq!(
            window.record(false, false).failure_rate(3),
            Some(200.0 / 3.0)
        );
        window.clear();
        assert_eq!(
            window.tally(),
            Tally {
                recorded: 0,
                failures: 0,
                slow: 0
            }
        );
    }

    #[test]
    fn the_slot_is_the_position_modulo_the_size() {
        for size in [1, 2, 3, 7, 64, 100, 99_991, 100_000] {
            let window = CallWindow::new(size);
            let positions = (0..1_000).chain(u64::from(u32::MAX) - 1_000..=u64::from(u32::MAX));
            for position in positions {
                assert_eq!(
                    window.slot(position) as u64,
                    position % u64::from(size),
                    "position {position}, size {size}"
                );
            }
            assert_eq!(window.slot(1 << 32), 0, "the position wraps at 2^32");
        }
    }

    #[test]
    fn concurrent_records_lose_no_count() {
        let window = std::sync::Arc::new(CallWindow::new(64));
        let threads: Vec<_> = (0..4)
            .map(|thread| {
                let window = std::sync::Arc::clone(&window);
                std::thread::spawn(move || {
                    for call in 0..10_000 {
                        window.record((call + thread) % 3 == 0, call % 5 == 0);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        let held: Vec<u8> = window
            .outcomes
            .iter()
            .map(|outcome| outcome.load(Relaxed))
            .collect();
        let count = |bit: u8| held.iter().filter(|outcome| *outcome & bit != 0).count();
        let tally = window.tally();
        assert_eq!(tally.recorded, 64);
        assert_eq!(
            tally.failures as usize,
            count(FAILED),
            "failures drifted from the slots"
        );
        assert_eq!(
            tally.slow as usize,
            count(SLOW),
            "slow calls drifted from the slots"
        );
    }
}
