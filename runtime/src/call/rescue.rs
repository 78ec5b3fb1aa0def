//! The call future when a fallback is given: it runs the call like any other, and turns
//! whatever keeps the fn from answering (a counted error, a timeout, a full bulkhead, a panic)
//! into the `Cause` the fallback receives.
//!
//! Only this path catches panics: the breaker counts the failure, the bulkhead slot comes
//! back at once, and the fallback answers instead. Without a fallback a panic unwinds on, as
//! it always did.

use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::thread;

use pin_project_lite::pin_project;

use super::cause::Cause;
use super::classify::Verdict;
use super::deadline::Deadline;
use super::guard::{Finished, Guard};
use super::judge::{Judge, Probe};
use crate::breaker::Permit;

pin_project! {
    /// A protected call whose failures go to a fallback: `Ok` with what the fn returned, or
    /// `Err` with why the fallback must answer. What it does beside polling the fn's future
    /// is its guard's, compiled once for every fn of one return type.
    pub struct Rescue<F, D, C> {
        #[pin]
        inner: F,
        #[pin]
        guard: Guard<D, C>,
        panicked: bool,
    }
}

/// Runs the fn's future under `permit` and `deadline`, reports the outcome as `judge` judges
/// it, and gives what the fallback needs when it must answer. The future comes last, its
/// output tied to the fn's return type `R` by the probe, so that the body's types are inferred
/// from it (an `Err(..)?` in the body needs to know the error type).
#[inline]
pub fn rescue<R, F, D, C>(
    _: &Probe<R>,
    permit: Permit,
    deadline: D,
    judge: C,
    future: F,
) -> Rescue<F, D, C>
where
    F: Future<Output = R>,
    D: Deadline,
    C: Judge<R>,
{
    Rescue {
        inner: future,
        guard: Guard::new(permit, deadline, judge),
        panicked: false,
    }
}

impl<F, D, C> Future for Rescue<F, D, C>
where
    F: Future,
    D: Deadline,
    C: Judge<F::Output>,
{
    type Output = Result<F::Output, Cause<C::Error>>;

    // In an optimised build, always inlined, and what it runs is `poll`'s, below: a free fn's
    // symbol (one a fn) is 78 characters shorter than this trait method's, and a release
    // binary keeps its symbols (200 fns: 77 bytes of release binary a fn fewer). Called
    // through a `fn` pointer, so that rustc's MIR inlining leaves it a call of its own (else
    // it is inlined here, and with this method into both copies of each fn's coroutine),
    // where `#[inline(never)]` would export it from a library crate that instantiates it,
    // to be called through the GOT (measured: 0.7 ns a call). LLVM makes the call direct.
    #[cfg(not(debug_assertions))]
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let rescued: fn(Pin<&mut Self>, &mut Context<'_>) -> Poll<Self::Output> = poll;
        rescued(self, cx)
    }

    // In a debug build, where nothing is inlined, the fn's future is polled through a trait
    // object: the rest is then compiled once for each return type, not once for each fn. (In
    // an optimised build a trait object would cost about 40 instructions a call, measured.)
    #[cfg(debug_assertions)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let inner: Pin<&mut dyn Future<Output = F::Output>> = this.inner;
        poll_rescued(this.guard, this.panicked, cx, inner)
    }
}

/// A rescued call's poll in an optimised build: compiled once for each fn, with the fn's
/// future inlined, and called where the fn awaits it.
#[cfg(not(debug_assertions))]
fn poll<F, D, C>(
    rescue: Pin<&mut Rescue<F, D, C>>,
    cx: &mut Context<'_>,
) -> Poll<Result<F::Output, Cause<C::Error>>>
where
    F: Future,
    D: Deadline,
    C: Judge<F::Output>,
{
    let this = rescue.project();
    poll_rescued(this.guard, this.panicked, cx, this.inner)
}

/// A rescued call's poll, given the fn's future: its bulkhead slot, the poll with
/// its panic caught, and a success reported in place. Every other outcome (a failure, a
/// `Pending`, a panic) goes out of line to code generic over the return type or the kind of
/// call only, compiled once for all the fns that share them rather than in each (measured on
/// 200 fns: 142 bytes of release binary a fn fewer, and no instruction more a successful call).
// Always in an optimised build, as `Call::poll`: the result is written in parts and read back
// whole.
#[allow(clippy::inline_always)]
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
fn poll_rescued<T, D, C, F>(
    mut guard: Pin<&mut Guard<D, C>>,
    panicked: &mut bool,
    cx: &mut Context<'_>,
    mut inner: Pin<&mut F>,
) -> Poll<Result<T, Cause<C::Error>>>
where
    D: Deadline,
    C: Judge<T>,
    F: Future<Output = T> + ?Sized,
{
    if *panicked {
        // Polled again after it finished: like any finished future, it never completes again.
        return Poll::Pending;
    }
    match guard.as_mut().enter_slot(cx) {
        Poll::Ready(true) => {}
        Poll::Ready(false) => return turned_away(guard),
        Poll::Pending => return Poll::Pending,
    }
    // What `catch_unwind` calls: a closure that is unwind safe and `FnOnce` only, as it takes
    // the future, the context and the future's poll by value, wrapped once. LLVM inlines from
    // the bottom up and optimises each caller again, so the body is best inlined once, where
    // it is polled: the poll is called through the `fn` pointer, direct only here once std's
    // `do_call` is inlined, not in the closure and `do_call` first; and no
    // `AssertUnwindSafe::call_once` or `FnOnce` shim is on the way (measured on 200 fns: the
    // same machine code, and about a quarter less of LLVM's time on the unit of their polls;
    // BENCHMARKS.md, "Cut again: the caught body optimised at two levels fewer").
    let poll_inner: fn(Pin<&mut F>, &mut Context<'_>) -> Poll<T> = F::poll;
    let unwind_safe = AssertUnwindSafe((inner.as_mut(), &mut *cx, poll_inner));
    let polled = panic::catch_unwind(move || {
        // The block moves the wrapper in whole: the pattern alone would capture its fields.
        let AssertUnwindSafe((inner, cx, poll_inner)) = { unwind_safe };
        poll_inner(inner, cx)
    });
    settle_rescued(guard, panicked, polled, cx)
}

/// After the fn's future was polled, its panic caught: a success reported in place, anything
/// else out of line. Generic over the return type only, not over the fn's future: LLVM is
/// given it once for all the fns of a return type, and inlines it (measured: 154 lines of
/// LLVM IR a fn fewer than in `poll_rescued`).
#[allow(clippy::inline_always)]
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
fn settle_rescued<T, D, C>(
    mut guard: Pin<&mut Guard<D, C>>,
    panicked: &mut bool,
    polled: thread::Result<Poll<T>>,
    cx: &mut Context<'_>,
) -> Poll<Result<T, Cause<C::Error>>>
where
    D: Deadline,
    C: Judge<T>,
{
    match polled {
        Ok(Poll::Ready(output)) => match guard.as_mut().verdict(&output) {
            Verdict::Success => {
                guard.succeeded();
                Poll::Ready(Ok(output))
            }
            verdict => Poll::Ready(unsuccessful(guard, verdict, output)),
        },
        Ok(Poll::Pending) => pending(guard, cx),
        Err(payload) => {
            *panicked = true;
            Poll::Ready(Err(Cause::Panicked(guard.panicked(payload))))
        }
    }
}

/// A rescued call whose fn returned `Pending`: its deadline checked, and once it has passed,
/// the cause the fallback gets. Out of line and generic over the return type and the kind of
/// call, not over the fn: compiled once for all the fns that share them, its answer written
/// in place rather than copied in each fn's poll (measured on 200 fns: 64 bytes of release
/// binary a fn fewer).
#[inline(never)]
fn pending<T, D, C>(
    guard: Pin<&mut Guard<D, C>>,
    cx: &mut Context<'_>,
) -> Poll<Result<T, Cause<C::Error>>>
where
    D: Deadline,
    C: Judge<T>,
{
    guard
        .deadline_passed(cx)
        .map(|error| Err(Cause::TimedOut(error)))
}

/// A rescued call a full bulkhead turned away: counted, and the cause the fallback gets. Out
/// of line, as [`pending`] (measured on 200 fns: 61 bytes of release binary a fn fewer).
#[cold]
#[inline(never)]
fn turned_away<T, D, C>(guard: Pin<&mut Guard<D, C>>) -> Poll<Result<T, Cause<C::Error>>>
where
    D: Deadline,
    C: Judge<T>,
{
    Poll::Ready(Err(Cause::BulkheadFull(guard.turned_away())))
}

/// A rescued call whose fn answered with anything but a success: the verdict reported, and
/// the answer, or the cause the fallback needs.
#[inline(never)]
fn unsuccessful<T, D, C>(
    guard: Pin<&mut Guard<D, C>>,
    verdict: Verdict,
    output: T,
) -> Result<T, Cause<C::Error>>
where
    D: Deadline,
    C: Judge<T>,
{
    cause::<T, C>(guard.settled(verdict, output))
}

/// What the caller gets from a finished call: its output, or why the fallback must answer.
#[inline]
fn cause<T, C: Judge<T>>(finished: Finished<T>) -> Result<T, Cause<C::Error>> {
    match finished {
        Finished::Succeeded(output) | Finished::Ignored(output) => Ok(output),
        Finished::Failed(output) => match C::into_error(output) {
            Ok(error) => Err(Cause::Failed(error)),
            Err(output) => Ok(output),
        },
        Finished::TimedOut(error) => Err(Cause::TimedOut(error)),
        Finished::Rejected(error) => Err(Cause::BulkheadFull(error)),
    }
}

#[cfg(test)]
mod tests {
    use std::task::Waker;

    use super::*;
    use crate::call::{CountErrors, NoDeadline};
    use crate::observe::State;
    use crate::{registry, Config};

    #[test]
    fn a_caught_panic_is_counted_and_frees_its_slot_before_the_fallback_runs() {
        let breaker = registry().register(
            "rescue_caught_panic",
            Config::new().threshold(1).max_concurrent(1),
        );
        let permit = breaker.try_acquire().expect("a closed breaker admits");
        let probe = Probe::<Result<u32, ()>>::new();
        let mut call = Box::pin(rescue(&probe, permit, NoDeadline, CountErrors, async {
            panic!("boom")
        }));
        let mut cx = Context::from_waker(Waker::noop());
        let Poll::Ready(Err(Cause::Panicked(message))) = call.as_mut().poll(&mut cx) else {
            panic!("the panic is caught and handed to the fallback");
        };
        assert_eq!(message.as_deref(), Some("boom"));
        // Before the call's future is dropped: the slot is back and the failure counted.
        assert_eq!(breaker.bulkhead_in_use(), Some(0));
        assert_eq!(breaker.state(), State::Open);
        // Polled again, it never completes again.
        assert!(call.as_mut().poll(&mut cx).is_pending());
    }
}
