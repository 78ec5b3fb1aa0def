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
use super::gate::{bulkhead_full, Gate};
use crate::breaker::{Failure, Permit};
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
        // In a debug build, where nothing is inlined, through a trait object: the rest is
        // then compiled once for each return type, not once for each fn. An optimised build
        // polls the future in place.
        #[cfg(debug_assertions)]
        let inner: Pin<&mut dyn Future<Output = F::Output>> = this.inner;
        #[cfg(not(debug_assertions))]
        let inner = this.inner;
        poll_guarded(this.guard, inner, cx)
    }
}

/// A call's poll, given the fn's future: its bulkhead slot, the poll, a panic counted as a
/// failure while it unwinds on, and the outcome reported.
#[allow(clippy::inline_always)]
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
fn poll_guarded<T, D, C, F>(
    mut guard: Pin<&mut Guard<D, C>>,
    inner: Pin<&mut F>,
    cx: &mut Context<'_>,
) -> Poll<Finished<T>>
where
    D: Deadline,
    C: Classify<T>,
    F: Future<Output = T> + ?Sized,
{
    match guard.as_mut().enter(cx) {
        Poll::Ready(None) => {}
        Poll::Ready(Some(turned_away)) => return Poll::Ready(turned_away),
        Poll::Pending => return Poll::Pending,
    }
    let mut unwinding = guard.as_mut().fail_on_unwind();
    let polled = inner.poll(cx);
    unwinding.armed = false;
    drop(unwinding);
    guard.finish(polled, cx)
}

impl<D: Deadline, C> Guard<D, C> {
    /// Before the fn's future is polled: `Pending` while the call waits for a bulkhead slot,
    /// `Ready(Some(..))` when it is turned away, `Ready(None)` to run it.
    #[allow(clippy::inline_always)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn enter<T>(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Finished<T>>> {
        match self.as_mut().enter_slot(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(true) => Poll::Ready(None),
            Poll::Ready(false) => Poll::Ready(Some(Finished::Rejected(self.turned_away()))),
        }
    }

    /// Before the fn's future is polled: `Pending` while the call waits for a bulkhead slot,
    /// `Ready(false)` when it is turned away (then [`turned_away`](Guard::turned_away)),
    /// `Ready(true)` to run it.
    #[allow(clippy::inline_always)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn enter_slot(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<bool> {
        let this = self.project();
        if !this.bulkhead.needs_slot() {
            return Poll::Ready(true);
        }
        this.bulkhead.poll_pass(this.permit.as_ref(), cx)
    }

    /// A call a full bulkhead turned away: counted, and its error.
    #[inline]
    pub(crate) fn turned_away(self: Pin<&mut Self>) -> BreakerError {
        bulkhead_full(self.project().permit.take())
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

    /// After the fn returned `Pending`: its deadline checked, and once it has passed, the slot
    /// given back, the timeout counted and its error. A rescued call reaches it out of line,
    /// through `rescue::pending`.
    #[allow(clippy::inline_always)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn deadline_passed(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<BreakerError> {
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

/// Counts the timeout as a failure; the fn's future is dropped with the call. Not generic and
/// out of line, as `gate::bulkhead_full`.
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
