//! A call's admission ticket: it reports the call's outcome exactly once, and a permit dropped
//! without reporting (the caller gave up) frees its half-open slot. It reports to the
//! breaker's `recording`; the breaker's `admission` makes it, and nothing else of the breaker
//! knows it.

use super::machine::Breaker;
use super::recording::Failure;
use super::word::Generation;

/// Permission for one call to run, tied to the state it was admitted in.
#[derive(Debug)]
#[must_use = "a permit dropped unused counts as a cancelled call"]
pub struct Permit {
    breaker: &'static Breaker,
    /// The generation in the low half, and when the call started in wrapping milliseconds (if
    /// its breaker watches slow calls) in the high half: two fields, so that the permit moves
    /// in two registers, never through memory.
    stamp: u64,
}

impl Permit {
    #[inline]
    pub(crate) fn new(breaker: &'static Breaker, generation: Generation) -> Permit {
        let started_ms = breaker.call_started_ms();
        Permit {
            breaker,
            stamp: u64::from(generation) | (u64::from(started_ms) << 32),
        }
    }

    #[inline]
    fn generation(&self) -> Generation {
        // The low half holds the generation.
        #[allow(clippy::cast_possible_truncation)]
        let generation = self.stamp as Generation;
        generation
    }

    #[inline]
    fn started_ms(&self) -> u32 {
        // The high half holds the start.
        #[allow(clippy::cast_possible_truncation)]
        let started = (self.stamp >> 32) as u32;
        started
    }

    /// The breaker that admitted the call.
    #[inline]
    pub fn breaker(&self) -> &'static Breaker {
        self.breaker
    }

    /// Reports that the call succeeded.
    #[inline]
    pub fn success(self) {
        self.breaker
            .record_success(self.generation(), self.started_ms());
        std::mem::forget(self);
    }

    /// Reports that the call failed (an error or a panic).
    pub fn failure(self) {
        self.fail(Failure::Error);
    }

    /// Reports an error that does not count: nothing changes but the half-open slot is freed.
    pub fn ignored(self) {
        self.breaker.record_ignored(self.generation());
        std::mem::forget(self);
    }

    /// Reports that the call never ran: the bulkhead was full.
    pub(crate) fn bulkhead_full(self) {
        self.breaker.record_bulkhead_full(self.generation());
        std::mem::forget(self);
    }

    pub(crate) fn fail(self, failure: Failure) {
        self.breaker
            .record_failure(self.generation(), failure, self.started_ms());
        std::mem::forget(self);
    }
}

impl Drop for Permit {
    #[cold]
    fn drop(&mut self) {
        self.breaker.record_cancelled(self.generation());
    }
}
