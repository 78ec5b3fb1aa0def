//! Running one call under a permit: the deadline, the panic, and how the outcome is counted.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

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
    /// The fn ran past its deadline and was dropped.
    TimedOut(BreakerError),
}

/// What a protected fn returns: tells a success from a counted failure.
#[diagnostic::on_unimplemented(
    message = "`#[circuit_breaker]` needs the fn to return a `Result`, found `{Self}`",
    label = "this return type has no success or failure the breaker can count",
    note = "return `Result<T, E>`, where `E: From<fusebox::BreakerError>` unless a fallback is given"
)]
pub trait Outcome {
    /// True when this value counts as a failure.
    fn is_failure(&self) -> bool;
}

impl<T, E> Outcome for Result<T, E> {
    #[inline]
    fn is_failure(&self) -> bool {
        self.is_err()
    }
}

/// What a protected fn without a fallback returns: it can also carry a rejection or a
/// timeout.
#[diagnostic::on_unimplemented(
    message = "`#[circuit_breaker]` needs the fn to return a `Result`, found `{Self}`",
    label = "this return type cannot carry a rejection or a timeout",
    note = "return `Result<T, E>` where `E: From<fusebox::BreakerError>`, or give a `fallback`"
)]
pub trait FromBreakerError: Outcome {
    /// The value that reports `error` to the caller.
    fn from_breaker_error(error: BreakerError) -> Self;
}

impl<T, E: From<BreakerError>> FromBreakerError for Result<T, E> {
    #[inline]
    fn from_breaker_error(error: BreakerError) -> Self {
        Err(E::from(error))
    }
}

/// Runs `future` under `permit` with `deadline`, and reports its outcome.
#[inline]
pub(crate) fn run<F, D>(permit: Permit, deadline: D, future: F) -> Call<F, D> {
    Call::new(permit, deadline, future)
}

pin_project! {
    /// A call through a breaker without a fallback: rejected at once, or run to its end. A
    /// rejection or a timeout comes back as the fn's own error.
    pub struct Protect<F, D> {
        #[pin]
        call: Option<Call<F, D>>,
        rejected: Option<BreakerError>,
    }
}

/// Admits `future` through `breaker`, or rejects it without polling it.
#[inline]
pub(crate) fn protect<F, D>(breaker: &'static Breaker, deadline: D, future: F) -> Protect<F, D> {
    match breaker.try_acquire() {
        Ok(permit) => Protect {
            call: Some(run(permit, deadline, future)),
            rejected: None,
        },
        Err(error) => Protect {
            call: None,
            rejected: Some(error),
        },
    }
}

impl<F, D> Future for Protect<F, D>
where
    F: Future,
    F::Output: FromBreakerError,
    D: Deadline,
{
    type Output = F::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let Some(call) = this.call.as_pin_mut() else {
            // Polled again after it finished: like any finished future, it never completes again.
            return this.rejected.take().map_or(Poll::Pending, |error| {
                Poll::Ready(F::Output::from_breaker_error(error))
            });
        };
        match call.poll(cx) {
            Poll::Ready(Finished::Succeeded(output) | Finished::Failed(output)) => {
                Poll::Ready(output)
            }
            Poll::Ready(Finished::TimedOut(error)) => {
                Poll::Ready(F::Output::from_breaker_error(error))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}
