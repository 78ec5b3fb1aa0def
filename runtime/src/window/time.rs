//! The time-based failure-rate window: the outcomes of the calls that finished within the
//! last `window` (a duration), counted in ten buckets of a tenth of it each. The buckets live
//! inline in the breaker (no allocation at all) and every record is lock-free: one load of the
//! bucket's period and one compare-and-swap of its counts.
//!
//! Each bucket holds the period it counts (its epoch: the clock reading divided by the bucket's
//! width) beside a rotation number, and its counts beside the low bits of that rotation. The
//! first record of a new period moves the epoch on and bumps the rotation; counts whose tag no
//! longer matches the rotation belong to an earlier period, so the next record starts them
//! afresh and a reader treats them as empty. No count of the new period is ever lost to the
//! roll-over. (A record stalled for a whole window between reading the bucket's period and
//! adding its counts could land in a later period; a record whose clock reading is older
//! than the whole window is dropped.) A bucket counts at most about a million calls; past
//! that its rate is the rate of the calls it holds.

use std::sync::atomic::Ordering;

use super::count::{Added, Tally};
use crate::sync::AtomicU64;

/// How many buckets a time window is counted in.
pub(crate) const BUCKETS: u64 = 10;

const ROTATION_BITS: u32 = 8;
const ROTATION_MASK: u64 = (1 << ROTATION_BITS) - 1;

const COUNT_BITS: u32 = 20;
const COUNT_MAX: u64 = (1 << COUNT_BITS) - 1;
const CALLS_SHIFT: u32 = 0;
const FAILURES_SHIFT: u32 = COUNT_BITS;
const SLOW_SHIFT: u32 = 2 * COUNT_BITS;
const TAG_SHIFT: u32 = 3 * COUNT_BITS;
const TAG_MASK: u64 = (1 << (64 - TAG_SHIFT)) - 1;

/// The outcomes of the last `width * BUCKETS` nanoseconds.
#[derive(Debug)]
pub(crate) struct TimeWindow {
    width_nanos: u64,
    buckets: [Bucket; 10],
}

/// One tenth of the window.
#[derive(Debug, Default)]
struct Bucket {
    /// The epoch counted, shifted left by `ROTATION_BITS`, or'ed with the rotation number.
    period: AtomicU64,
    /// Calls, failures and slow calls (20 bits each), tagged with the rotation's low bits.
    counts: AtomicU64,
}

impl TimeWindow {
    /// A window over the last `nanos` nanoseconds (at least `BUCKETS`).
    pub(crate) fn new(nanos: u64) -> TimeWindow {
        TimeWindow {
            width_nanos: (nanos / BUCKETS).max(1),
            buckets: Default::default(),
        }
    }

    /// Records one outcome at `now_nanos` and reads what the window holds then.
    #[cfg(test)]
    pub(crate) fn record(&self, failed: bool, slow: bool, now_nanos: u64) -> Tally {
        self.add(failed, slow, now_nanos);
        self.tally(now_nanos)
    }

    /// Records one outcome at `now_nanos`: `Joined` with the calls its tenth holds now, or
    /// `Replaced` if it was not kept (older than the window, or its tenth is full).
    pub(crate) fn add(&self, failed: bool, slow: bool, now_nanos: u64) -> Added {
        let epoch = now_nanos / self.width_nanos;
        let bucket = &self.buckets[slot(epoch)];
        bucket
            .enter(epoch)
            .and_then(|rotation| bucket.add(rotation, failed, slow))
            .map_or(Added::Replaced, |calls| Added::Joined { calls })
    }

    /// What the window holds at `now_nanos`: the buckets of the last `BUCKETS` epochs.
    pub(crate) fn tally(&self, now_nanos: u64) -> Tally {
        let current = now_nanos / self.width_nanos;
        let mut tally = Tally {
            recorded: 0,
            failures: 0,
            slow: 0,
        };
        for bucket in &self.buckets {
            let (epoch, rotation) = split(bucket.period.load(Ordering::Acquire));
            if epoch.saturating_add(BUCKETS) <= current {
                continue;
            }
            let counts = bucket.counts.load(Ordering::Acquire);
            if counts >> TAG_SHIFT != rotation & TAG_MASK {
                continue;
            }
            tally.recorded += field(counts, CALLS_SHIFT);
            tally.failures += field(counts, FAILURES_SHIFT);
            tally.slow += field(counts, SLOW_SHIFT);
        }
        tally
    }

    /// Forgets every outcome (the circuit closed again, or was reset).
    pub(crate) fn clear(&self) {
        for bucket in &self.buckets {
            // Epoch 0 lies more than a window before any reading (the clock starts a day on).
            let _ = bucket
                .period
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |period| {
                    Some(join(0, period.wrapping_add(1) & ROTATION_MASK))
                });
        }
    }
}

impl Bucket {
    /// Moves the bucket on to `epoch` if it still counts an earlier one; the rotation to tag
    /// the counts with, or `None` when the bucket already counts a later epoch (this
    /// outcome's clock reading is older than the whole window).
    fn enter(&self, epoch: u64) -> Option<u64> {
        let mut seen = self.period.load(Ordering::Acquire);
        loop {
            let (counted, rotation) = split(seen);
            if counted == epoch {
                return Some(rotation);
            }
            if counted > epoch {
                return None;
            }
            let next = join(epoch, (rotation + 1) & ROTATION_MASK);
            match self
                .period
                .compare_exchange_weak(seen, next, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return Some(split(next).1),
                Err(actual) => seen = actual,
            }
        }
    }

    /// Adds one outcome to the counts of `rotation`, starting them afresh if they are older;
    /// the calls counted then. A bucket that has counted `COUNT_MAX` calls counts no more (and
    /// this gives `None`): its rate stays the rate of the calls it holds.
    fn add(&self, rotation: u64, failed: bool, slow: bool) -> Option<u32> {
        let tag = rotation & TAG_MASK;
        let step = (1 << CALLS_SHIFT)
            | (u64::from(failed) << FAILURES_SHIFT)
            | (u64::from(slow) << SLOW_SHIFT);
        let fresh = |counts: u64| {
            if counts >> TAG_SHIFT == tag {
                counts
            } else {
                tag << TAG_SHIFT
            }
        };
        self.counts
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |counts| {
                let base = fresh(counts);
                (u64::from(field(base, CALLS_SHIFT)) < COUNT_MAX).then_some(base + step)
            })
            .ok()
            .map(|counts| field(fresh(counts), CALLS_SHIFT) + 1)
    }
}

fn slot(epoch: u64) -> usize {
    // The remainder is below BUCKETS.
    usize::try_from(epoch % BUCKETS).unwrap_or(0)
}

fn split(period: u64) -> (u64, u64) {
    (period >> ROTATION_BITS, period & ROTATION_MASK)
}

fn join(epoch: u64, rotation: u64) -> u64 {
    (epoch << ROTATION_BITS) | rotation
}

fn field(counts: u64, shift: u32) -> u32 {
    // 20 bits always fit.
    u32::try_from((counts >> shift) & COUNT_MAX).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: u64 = 1_000_000_000;
    /// A clock reading well after the origin, at a bucket edge of a 10 s window.
    const START: u64 = 100_000 * SECOND;

    fn counts(tally: Tally) -> (u32, u32, u32) {
        (tally.recorded, tally.failures, tally.slow)
    }

    #[test]
    fn an_outcome_leaves_exactly_when_its_bucket_does() {
        let window = TimeWindow::new(10 * SECOND);
        window.record(true, false, START + SECOND / 2);
        assert_eq!(counts(window.tally(START + 10 * SECOND - 1)), (1, 1, 0));
        assert_eq!(counts(window.tally(START + 10 * SECOND)), (0, 0, 0));
    }

    #[test]
    fn outcomes_straddling_buckets_expire_bucket_by_bucket() {
        let window = TimeWindow::new(10 * SECOND);
        window.record(true, false, START + SECOND - 1);
        window.record(true, true, START + SECOND);
        window.record(false, false, START + SECOND + 1);
        assert_eq!(counts(window.tally(START + 2 * SECOND)), (3, 2, 1));
        assert_eq!(counts(window.tally(START + 10 * SECOND)), (2, 1, 1));
        assert_eq!(counts(window.tally(START + 11 * SECOND)), (0, 0, 0));
    }

    #[test]
    fn a_bucket_reused_a_round_later_starts_afresh() {
        let window = TimeWindow::new(10 * SECOND);
        for _ in 0..5 {
            window.record(true, false, START);
        }
        let later = START + 10 * SECOND;
        assert_eq!(counts(window.record(false, false, later)), (1, 0, 0));
        // A reading older than the whole window is dropped.
        assert_eq!(counts(window.record(true, false, START)), (1, 0, 0));
        window.clear();
        assert_eq!(counts(window.tally(later)), (0, 0, 0));
        assert_eq!(counts(window.record(true, false, later)), (1, 1, 0));
    }

    #[test]
    fn a_record_says_how_many_calls_its_tenth_holds() {
        let window = TimeWindow::new(10 * SECOND);
        for calls in 1..=3 {
            assert_eq!(
                window.add(calls == 2, false, START),
                Added::Joined { calls }
            );
        }
        let next_tenth = START + SECOND;
        assert_eq!(
            window.add(false, false, next_tenth),
            Added::Joined { calls: 1 }
        );
        let a_round_later = START + 10 * SECOND;
        assert_eq!(
            window.add(false, false, a_round_later),
            Added::Joined { calls: 1 },
            "the bucket starts afresh"
        );
        assert_eq!(
            window.add(true, false, START),
            Added::Replaced,
            "older than the window: not kept"
        );
    }

    #[test]
    fn concurrent_records_lose_no_count_across_a_roll_over() {
        let window = std::sync::Arc::new(TimeWindow::new(10 * SECOND));
        let threads: Vec<_> = (0..4_u64)
            .map(|thread| {
                let window = std::sync::Arc::clone(&window);
                std::thread::spawn(move || {
                    for call in 0..10_000_u64 {
                        // Every thread crosses from one bucket to the next halfway.
                        let now = START + 10 * SECOND + if call < 5_000 { 0 } else { SECOND };
                        window.record((call + thread) % 2 == 0, false, now);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(
            counts(window.tally(START + 11 * SECOND)),
            (40_000, 20_000, 0)
        );
    }
}
