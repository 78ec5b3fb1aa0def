//! Where a call stands at its breaker's bulkhead: no bulkhead, not entered yet, holding a
//! slot, or waiting for one. The guard (`guard.rs`) keeps one gate a call and asks it before
//! the fn's future is polled.

use std::task::{Context, Poll};

use crate::breaker::{Breaker, Bulkhead, Entry, Permit, Slot, Waiting};
use crate::error::BreakerError;

/// Where a call stands at its breaker's bulkhead, in one field to keep the call future small.
pub(super) enum Gate {
    /// No bulkhead, or the call finished and gave its slot back.
    Free,
    /// Not polled yet: the call takes its slot, or is turned away, at its first poll.
    Unentered,
    /// Running in a bulkhead slot, held for its `Drop`, which gives the slot back.
    Held { _slot: Slot },
    /// Waiting up to `max_wait` for a slot.
    Waiting(Waiting),
}

impl Gate {
    /// True until the call has a slot (or has no bulkhead).
    #[inline]
    pub(super) fn needs_slot(&self) -> bool {
        matches!(self, Gate::Unentered | Gate::Waiting(_))
    }

    /// Takes or waits for a slot of the bulkhead of the breaker that gave `permit`: `true` to
    /// run, `false` when turned away. Out of line, the bulkhead found here too: only calls of
    /// a breaker with a bulkhead come here.
    #[inline(never)]
    pub(super) fn poll_pass(
        &mut self,
        permit: Option<&Permit>,
        cx: &mut Context<'_>,
    ) -> Poll<bool> {
        if matches!(self, Gate::Unentered) {
            let bulkhead = permit.and_then(|permit| permit.breaker().bulkhead());
            match bulkhead.map(Bulkhead::enter) {
                Some(Entry::Entered(slot)) => return self.pass(Some(slot)),
                Some(Entry::Wait(waiting)) => *self = Gate::Waiting(waiting),
                Some(Entry::Full) | None => return self.pass(None),
            }
        }
        match self {
            Gate::Waiting(waiting) => match waiting.as_mut().poll(cx) {
                Poll::Pending => Poll::Pending,
                Poll::Ready(slot) => self.pass(slot),
            },
            _ => Poll::Ready(true),
        }
    }

    /// Runs the call in `slot`, or turns it away without one.
    fn pass(&mut self, slot: Option<Slot>) -> Poll<bool> {
        let entered = slot.is_some();
        *self = slot.map_or(Gate::Free, |slot| Gate::Held { _slot: slot });
        Poll::Ready(entered)
    }

    /// Gives the slot back as soon as the call has finished, before any fallback runs.
    #[inline]
    pub(super) fn leave(&mut self) {
        if !matches!(self, Gate::Free) {
            *self = Gate::Free;
        }
    }

    /// [`leave`](Gate::leave) with the slot's drop out of line.
    #[inline]
    pub(super) fn leave_out_of_line(&mut self) {
        if !matches!(self, Gate::Free) {
            self.release();
        }
    }

    /// Drops the slot or the wait.
    #[inline(never)]
    fn release(&mut self) {
        *self = Gate::Free;
    }
}

/// Rejects a call that found no bulkhead slot. Not generic and out of line: compiled once, not
/// into every protected fn.
#[cold]
#[inline(never)]
pub(super) fn bulkhead_full(permit: Option<Permit>) -> BreakerError {
    let breaker = permit.as_ref().map(Permit::breaker);
    let name = breaker.map_or("", |breaker| breaker.name());
    let max_concurrent = breaker
        .and_then(Breaker::bulkhead)
        .map_or(0, Bulkhead::max_concurrent);
    if let Some(permit) = permit {
        permit.bulkhead_full();
    }
    BreakerError::BulkheadFull {
        name,
        max_concurrent,
    }
}
