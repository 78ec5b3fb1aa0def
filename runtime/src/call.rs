//! Running one call under a permit: the deadline, the panic, and how the outcome is counted.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::classify::{Classify, CountErrors, FailureIf};
use crate::deadline::Deadline;
use crate::guard::Call;
use crate::{Breaker, BreakerError, Permit};

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

/// What a protected fn returns: tells a success from a failure, and can carry a rejection or
/// a timeout when there is no fallback.
#[diagnostic::on_unimplemented(
    message = "`#[circuit_breaker]` without a `fallback` needs the fn to return a `Result`, \
               found `{Self}`",
    label = "a rejection or a timeout cannot be returned as this type",
    note = "return `Result<T, E>` with `E: From<fusebox::BreakerError>`, or add a `fallback`: \
            it answers rejections, timeouts and panics with this type"
)]
pub trait Outcome {
    /// The error a failure carries.
    type Error;

    /// True when this value is a failure.
    fn is_failure(&self) -> bool;

    /// The value that reports `error` to the caller.
    fn from_error(error: Self::Error) -> Self;
}

impl<T, E> Outcome for Result<T, E> {
    type Error = E;

    #[inline]
    fn is_failure(&self) -> bool {
        self.is_err()
    }

    #[inline]
    fn from_error(error: E) -> Self {
        Err(error)
    }
}

/// How a call without a fallback counts, and how it reports a rejection or a timeout: as the
/// fn's own error. One bound, so that a return type that cannot carry them is reported once.
pub trait Protects<T>: Classify<T> {
    /// The fn's own error for a rejection or a timeout.
    fn reject(error: BreakerError) -> T;
}

impl<T> Protects<T> for CountErrors
where
    T: Outcome,
    T::Error: From<BreakerError>,
{
    #[inline]
    fn reject(error: BreakerError) -> T {
        T::from_error(T::Error::from(error))
    }
}

impl<T, E: From<BreakerError>> Protects<Result<T, E>> for FailureIf<E> {
    #[inline]
    fn reject(error: BreakerError) -> Result<T, E> {
        Err(E::from(error))
    }
}

/// Runs `future` under `permit` with `deadline`, and reports its outcome as `classify` judges it.
#[inline]
pub(crate) fn run<F, D, C>(permit: Permit, deadline: D, classify: C, future: F) -> Call<F, D, C> {
    Call::new(permit, deadline, classify, future)
}

pin_project! {
    /// A call admitted through its breaker without a fallback, run to its end: a timeout or a
    /// full bulkhead comes back as the fn's own error.
    pub struct Admitted<F, D, C> {
        #[pin]
        call: Call<F, D, C>,
    }
}

/// Runs `future` under `permit`, with no fallback to answer for it.
#[inline]
pub(crate) fn admitted<F, D, C>(
    permit: Permit,
    deadline: D,
    classify: C,
    future: F,
) -> Admitted<F, D, C> {
    Admitted {
        call: run(permit, deadline, classify, future),
    }
}

impl<F, D, C> Future for Admitted<F, D, C>
where
    F: Future,
    D: Deadline,
    C: Protects<F::Output>,
{
    type Output = F::Output;

    // Always, as `Call::poll`: the call's result is written in parts and read back whole.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        match self.project().call.poll(cx) {
            Poll::Ready(
                Finished::Succeeded(output) | Finished::Failed(output) | Finished::Ignored(output),
            ) => Poll::Ready(output),
            Poll::Ready(Finished::TimedOut(error) | Finished::Rejected(error)) => {
                Poll::Ready(C::reject(error))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

pin_project! {
    /// A call through a breaker's handle: rejected at once, or run to its end. A rejection
    /// comes back as the fn's own error.
    pub struct Protect<F, D, C> {
        #[pin]
        call: Option<Admitted<F, D, C>>,
        rejected: Option<BreakerError>,
    }
}

/// Admits `future` through `breaker`, or rejects it without polling it.
// Always: returned by value from an out-of-line copy, the future is written in parts and read
// back whole at once, which stalls on store forwarding (about 6 ns a call, measured).
#[allow(clippy::inline_always)]
#[inline(always)]
pub(crate) fn protect<F, D, C>(
    breaker: &'static Breaker,
    deadline: D,
    classify: C,
    future: F,
) -> Protect<F, D, C> {
    match breaker.try_acquire() {
        Ok(permit) => Protect {
            call: Some(admitted(permit, deadline, classify, future)),
            rejected: None,
        },
        Err(error) => Protect {
            call: None,
            rejected: Some(error),
        },
    }
}

impl<F, D, C> Future for Protect<F, D, C>
where
    F: Future,
    D: Deadline,
    C: Protects<F::Output>,
{
    type Output = F::Output;

    // Always, as `protect`: the call's result is written in parts and read back whole.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let Some(call) = this.call.as_pin_mut() else {
            // Polled again after it finished: like any finished future, it never completes again.
            return this
                .rejected
                .take()
                .map_or(Poll::Pending, |error| Poll::Ready(C::reject(error)));
        };
        call.poll(cx)
    }
}
