//! The future a protected call runs in: it owns the call's permit, applies the deadline, and
//! reports the outcome exactly once. A panic is recorded as a failure by a guard on the stack
//! while it unwinds on, which keeps `catch_unwind` off the success path.
//!
//! What is `#[inline(always)]` here is so in an optimised build only (`debug_assertions`
//! off, as in `--release`): a debug build inlines nothing else, and forcing it there only
//! copies this code into every protected fn (measured: 3 KB of debug binary per fn).

use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;

use super::classify::{Classify, Verdict};
use super::deadline::Deadline;
use crate::breaker::{Breaker, Bulkhead, Entry, Failure, Permit, Slot, Waiting};
use crate::error::BreakerError;

/// How a protected call ended.
#[derive(Debug)]
pub enum Finished<T> {
    /// The fn returned a success.
    Succeeded(T),
    /// The fn returned a counted failure.
    Failed(T),
    /// The fn returned an error that does not count (`failure_if` said no).
    Ignored(T),
    /// The fn ran past its deadline and was dropped.
    TimedOut(BreakerError),
    /// The fn never ran: every bulkhead slot was taken.
    Rejected(BreakerError),
}

pin_project! {
    /// A call admitted by `permit`, with deadline `D`, its outcome judged by `C`, behind its
    /// breaker's bulkhead if it has one.
    pub struct Call<F, D, C> {
        #[pin]
        inner: F,
        #[pin]
        guard: Guard<D, C>,
    }
}

pin_project! {
    /// All of a call but the fn's future: its permit, deadline, classifier and bulkhead gate.
    /// Generic over the kind of call, not over the fn, so that what it does is compiled once
    /// for every fn of one return type, and each fn adds only the poll of its own future.
    pub(crate) struct Guard<D, C> {
        #[pin]
        deadline: D,
        classify: C,
        permit: Option<Permit>,
        bulkhead: Gate,
    }
}

impl<F, D, C> Call<F, D, C> {
    #[inline]
    pub(crate) fn new(permit: Permit, deadline: D, classify: C, inner: F) -> Call<F, D, C> {
        Call {
            inner,
            guard: Guard::new(permit, deadline, classify),
        }
    }
}

impl<D, C> Guard<D, C> {
    #[inline]
    pub(crate) fn new(permit: Permit, deadline: D, classify: C) -> Guard<D, C> {
        // Only a tag here: the slot is taken at the first poll. A gate built by an out-of-line
        // call and moved in is written to the stack in one width and read back in another,
        // which stalls on store forwarding on every call (measured).
        let bulkhead = if permit.breaker().bulkhead().is_some() {
            Gate::Unentered
        } else {
            Gate::Free
        };
        Guard {
            deadline,
            classify,
            permit: Some(permit),
            bulkhead,
        }
    }
}

/// Runs `future` under `permit` with `deadline`, and reports its outcome as `classify` judges it.
#[inline]
pub(crate) fn run<F, D, C>(permit: Permit, deadline: D, classify: C, future: F) -> Call<F, D, C> {
    Call::new(permit, deadline, classify, future)
}

impl<F, D, C> Future for Call<F, D, C>
where
    F: Future,
    D: Deadline,
    C: Classify<F::Output>,
{
    type Output = Finished<F::Output>;

    // Always: returned from an out-of-line copy, the outcome is written in parts and read back
    // whole at once, which stalls on store forwarding (measured: several ns a call).
    #[allow(clippy::inline_always)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut guard = this.guard;
        match guard.as_mut().enter(cx) {
            Poll::Ready(None) => {}
            Poll::Ready(Some(turned_away)) => return Poll::Ready(turned_away),
            Poll::Pending => return Poll::Pending,
        }
        let mut unwinding = guard.as_mut().fail_on_unwind();
        let polled = this.inner.poll(cx);
        unwinding.armed = false;
        drop(unwinding);
        guard.finish(polled, cx)
    }
}

impl<D: Deadline, C> Guard<D, C> {
    /// Before the fn's future is polled: `Pending` while the call waits for a bulkhead slot,
    /// `Ready(Some(..))` when it is turned away, `Ready(None)` to run it.
    #[allow(clippy::inline_always)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn enter<T>(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Finished<T>>> {
        let this = self.project();
        if !this.bulkhead.needs_slot() {
            return Poll::Ready(None);
        }
        let bulkhead = this
            .permit
            .as_ref()
            .and_then(|permit| permit.breaker().bulkhead());
        match this.bulkhead.poll_pass(bulkhead, cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(true) => Poll::Ready(None),
            Poll::Ready(false) => {
                Poll::Ready(Some(Finished::Rejected(bulkhead_full(this.permit.take()))))
            }
        }
    }

    /// Armed while the fn's future is polled: a panic that unwinds through the poll is counted
    /// as a failure.
    #[inline]
    fn fail_on_unwind(self: Pin<&mut Self>) -> FailOnUnwind<'_> {
        FailOnUnwind {
            permit: self.project().permit,
            armed: true,
        }
    }

    /// After the fn's future was polled: its output reported, or the deadline checked.
    #[allow(clippy::inline_always)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn finish<T>(
        self: Pin<&mut Self>,
        polled: Poll<T>,
        cx: &mut Context<'_>,
    ) -> Poll<Finished<T>>
    where
        C: Classify<T>,
    {
        let Poll::Ready(output) = polled else {
            return self.deadline_passed(cx).map(Finished::TimedOut);
        };
        let this = self.project();
        this.bulkhead.leave();
        let verdict = this.classify.classify(&output);
        Poll::Ready(finish(this.permit.take(), verdict, output))
    }

    /// The verdict of the call's classifier on `output`.
    #[inline]
    pub(crate) fn verdict<T>(self: Pin<&mut Self>, output: &T) -> Verdict
    where
        C: Classify<T>,
    {
        self.project().classify.classify(output)
    }

    /// A rescued call's success: its bulkhead slot given back (out of line: it keeps about
    /// 200 bytes of drops out of each fn, measured) and the success reported. Inline, as the
    /// one outcome a rescued call's poll finishes in place.
    #[allow(clippy::inline_always)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn succeeded(self: Pin<&mut Self>) {
        let this = self.project();
        this.bulkhead.leave_out_of_line();
        if let Some(permit) = this.permit.take() {
            permit.success();
        }
    }

    /// A rescued call's output that is not a success: its bulkhead slot given back and the
    /// verdict reported.
    #[inline]
    pub(crate) fn settled<T>(self: Pin<&mut Self>, verdict: Verdict, output: T) -> Finished<T> {
        let this = self.project();
        this.bulkhead.leave();
        finish(this.permit.take(), verdict, output)
    }

    /// A rescued call whose fn returned `Pending`: [`deadline_passed`](Guard::deadline_passed)
    /// out of line and not generic over the fn, compiled once for each kind of call.
    #[inline(never)]
    pub(crate) fn poll_deadline(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<BreakerError> {
        self.deadline_passed(cx)
    }

    /// After the fn returned `Pending`: its deadline checked, and once it has passed, the slot
    /// given back, the timeout counted and its error.
    #[allow(clippy::inline_always)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn deadline_passed(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<BreakerError> {
        let this = self.project();
        let limit = ready!(this.deadline.poll_expired(cx));
        this.bulkhead.leave();
        Poll::Ready(timed_out(this.permit.take(), limit))
    }

    /// After a panic was caught in the fn's future: counted as a failure, its bulkhead slot
    /// given back at once; the panic's message, when it was a string. The payload is dropped
    /// here, out of line, not in each fn's poll.
    #[inline(never)]
    pub(crate) fn panicked(self: Pin<&mut Self>, payload: Box<dyn Any + Send>) -> Option<String> {
        let this = self.project();
        this.bulkhead.leave();
        fail_unwinding(this.permit);
        let message = message(payload.as_ref());
        drop(payload);
        message
    }
}

/// A panic's message, when it was a string (as `panic!` makes it).
#[cold]
fn message(payload: &(dyn Any + Send)) -> Option<String> {
    payload
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
}

/// Reports the verdict on the output to the breaker.
// Always, as `Call::poll`: its result is written in parts and read back whole.
#[allow(clippy::inline_always)]
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
fn finish<T>(permit: Option<Permit>, verdict: Verdict, output: T) -> Finished<T> {
    if let Some(permit) = permit {
        match verdict {
            Verdict::Success => permit.success(),
            Verdict::Failure => permit.failure(),
            Verdict::Ignored => permit.ignored(),
        }
    }
    match verdict {
        Verdict::Success => Finished::Succeeded(output),
        Verdict::Failure => Finished::Failed(output),
        Verdict::Ignored => Finished::Ignored(output),
    }
}

/// Where a call stands at its breaker's bulkhead, in one field to keep the call future small.
enum Gate {
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
    fn needs_slot(&self) -> bool {
        matches!(self, Gate::Unentered | Gate::Waiting(_))
    }

    /// Takes or waits for a slot of `bulkhead`: `true` to run, `false` when turned away. Out
    /// of line: only calls of a breaker with a bulkhead come here.
    #[inline(never)]
    fn poll_pass(
        &mut self,
        bulkhead: Option<&'static Bulkhead>,
        cx: &mut Context<'_>,
    ) -> Poll<bool> {
        if matches!(self, Gate::Unentered) {
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
    fn leave(&mut self) {
        if !matches!(self, Gate::Free) {
            *self = Gate::Free;
        }
    }

    /// [`leave`](Gate::leave) with the slot's drop out of line.
    #[inline]
    fn leave_out_of_line(&mut self) {
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
fn bulkhead_full(permit: Option<Permit>) -> BreakerError {
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

/// Counts the timeout as a failure; the fn's future is dropped with the call. Not generic and
/// out of line, as `bulkhead_full`.
#[cold]
#[inline(never)]
fn timed_out(permit: Option<Permit>, limit: Duration) -> BreakerError {
    let name = permit.as_ref().map_or("", |permit| permit.breaker().name());
    if let Some(permit) = permit {
        permit.fail(Failure::Timeout);
    }
    BreakerError::TimedOut { name, limit }
}

/// Records the call as failed if dropped while armed, which happens only when a panic unwinds
/// through `poll`; the panic then goes on unwinding.
struct FailOnUnwind<'a> {
    permit: &'a mut Option<Permit>,
    armed: bool,
}

impl Drop for FailOnUnwind<'_> {
    #[inline]
    fn drop(&mut self) {
        if self.armed {
            fail_unwinding(self.permit);
        }
    }
}

#[cold]
fn fail_unwinding(permit: &mut Option<Permit>) {
    if let Some(permit) = permit.take() {
        permit.failure();
    }
}
