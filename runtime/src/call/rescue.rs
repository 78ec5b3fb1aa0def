//! The call future when a fallback is given: it runs the call like any other, and turns
//! whatever keeps the fn from answering (a counted error, a timeout, a full bulkhead, a panic)
//! into the `Cause` the fallback receives.
//!
//! Only this path catches panics: the breaker has already counted the failure (the call's
//! unwind guard does that), the bulkhead slot comes back when the call is dropped, and the
//! fallback answers instead. Without a fallback a panic unwinds on, as it always did.

use std::any::Any;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use super::cause::Cause;
use super::deadline::Deadline;
use super::guard::{Call, Finished};
use super::judge::Judge;

pin_project! {
    /// A protected call whose failures go to a fallback: `Ok` with what the fn returned, or
    /// `Err` with why the fallback must answer.
    pub struct Rescue<F, D, C> {
        #[pin]
        call: Call<F, D, C>,
        panicked: bool,
    }
}

impl<F, D, C> Rescue<F, D, C> {
    #[inline]
    pub(crate) fn new(call: Call<F, D, C>) -> Rescue<F, D, C> {
        Rescue {
            call,
            panicked: false,
        }
    }
}

impl<F, D, C> Future for Rescue<F, D, C>
where
    F: Future,
    D: Deadline,
    C: Judge<F::Output>,
{
    type Output = Result<F::Output, Cause<C::Error>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if *this.panicked {
            // Polled again after it finished: like any finished future, it never completes again.
            return Poll::Pending;
        }
        let call = this.call;
        match panic::catch_unwind(AssertUnwindSafe(|| call.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(finished)) => Poll::Ready(cause::<F::Output, C>(finished)),
            Err(payload) => {
                *this.panicked = true;
                Poll::Ready(Err(Cause::Panicked(message(payload.as_ref()))))
            }
        }
    }
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

/// A panic's message, when it was a string (as `panic!` makes it).
#[cold]
fn message(payload: &(dyn Any + Send)) -> Option<String> {
    payload
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
}
