//! Per-breaker outcome counters, kept apart from the state word so that counting never
//! contends with a transition.

use std::sync::atomic::Ordering::Relaxed;

use super::stats::RetryStats;
use super::stripes::Striped;
use crate::sync::AtomicU64;

/// Counters of what happened to the calls of one breaker.
#[derive(Debug)]
pub(crate) struct Counts {
    /// Successes and rejections, counted on every call: per-thread stripes, or one pair.
    pub(crate) per_call: Striped,
    pub(crate) failures: Counter,
    pub(crate) timeouts: Counter,
    pub(crate) cancelled: Counter,
    pub(crate) ignored: Counter,
    pub(crate) bulkhead_full: Counter,
    pub(crate) slow: Counter,
    /// Clock reading of the last counted failure, 0 for none.
    pub(crate) last_failure_nanos: AtomicU64,
    /// Clock reading of the last transition, 0 for none.
    pub(crate) state_since_nanos: AtomicU64,
    /// What the retries of the breaker's calls did: written only once an attempt failed.
    pub(crate) retry: RetryCounts,
}

/// Per-breaker retry counters, written by `retry/` after a failed attempt, never on a call
/// that needs no retry.
#[derive(Debug, Default)]
pub(crate) struct RetryCounts {
    pub(crate) retries: Counter,
    pub(crate) refused_by_budget: Counter,
    pub(crate) refused_by_deadline: Counter,
    pub(crate) refused_by_circuit: Counter,
    pub(crate) recovered: Counter,
    pub(crate) exhausted: Counter,
    pub(crate) not_retried: Counter,
}

impl RetryCounts {
    /// The counts so far.
    pub(crate) fn read(&self) -> RetryStats {
        RetryStats {
            retries: self.retries.get(),
            refused_by_budget: self.refused_by_budget.get(),
            refused_by_deadline: self.refused_by_deadline.get(),
            refused_by_circuit: self.refused_by_circuit.get(),
            recovered: self.recovered.get(),
            exhausted: self.exhausted.get(),
            not_retried: self.not_retried.get(),
        }
    }

    fn reset(&self) {
        let RetryCounts {
            retries,
            refused_by_budget,
            refused_by_deadline,
            refused_by_circuit,
            recovered,
            exhausted,
            not_retried,
        } = self;
        for counter in [
            retries,
            refused_by_budget,
            refused_by_deadline,
            refused_by_circuit,
            recovered,
            exhausted,
            not_retried,
        ] {
            counter.0.store(0, Relaxed);
        }
    }
}

impl Counts {
    /// Counters from zero, successes and rejections counted on `per_call`.
    pub(crate) fn new(per_call: Striped) -> Counts {
        Counts {
            per_call,
            failures: Counter::default(),
            timeouts: Counter::default(),
            cancelled: Counter::default(),
            ignored: Counter::default(),
            bulkhead_full: Counter::default(),
            slow: Counter::default(),
            last_failure_nanos: AtomicU64::default(),
            state_since_nanos: AtomicU64::default(),
            retry: RetryCounts::default(),
        }
    }

    /// Clears every counter the stats show (a reset by hand).
    pub(crate) fn reset(&self) {
        let Counts {
            per_call,
            failures,
            timeouts,
            cancelled,
            ignored,
            bulkhead_full,
            slow,
            last_failure_nanos,
            // Not a count: when the state last changed.
            state_since_nanos: _,
            retry,
        } = self;
        per_call.reset();
        for counter in [failures, timeouts, cancelled, ignored, bulkhead_full, slow] {
            counter.0.store(0, Relaxed);
        }
        last_failure_nanos.store(0, Relaxed);
        retry.reset();
    }
}

/// A monotonic event counter.
#[derive(Debug, Default)]
pub(crate) struct Counter(AtomicU64);

impl Counter {
    /// Counts one more event.
    #[inline]
    pub(crate) fn incr(&self) {
        self.0.fetch_add(1, Relaxed);
    }

    /// The events counted so far.
    #[inline]
    pub(crate) fn get(&self) -> u64 {
        self.0.load(Relaxed)
    }
}
