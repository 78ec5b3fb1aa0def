//! The first attempt of a retried fn with a fallback. It runs as the fn without retries runs
//! it; only if it fails is its cause written where the retries keep it. The fn's answer and
//! the cause never travel together: moved as one value out of the call layer's future (which
//! writes the answer in parts), the answer's bytes were read back whole, which stalls on store
//! forwarding on every call (measured: about 5 ns a call).

use std::future::Future;
use std::mem::ManuallyDrop;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::call::Cause;

pin_project! {
    /// The first attempt `F` (the call layer's `Rescue`): `Some` with the fn's answer, or
    /// `None` with its cause written to `cause`.
    #[derive(Debug)]
    #[must_use = "an attempt does nothing unless awaited"]
    pub struct First<'a, F, E> {
        #[pin]
        attempt: F,
        cause: &'a mut ManuallyDrop<Cause<E>>,
    }
}

/// The first attempt `attempt`, whose cause, if it fails, replaces `cause` (the stand-in
/// [`no_cause`] made; taken out by [`cause_of`]).
#[inline]
pub fn first<F, T, E>(attempt: F, cause: &mut ManuallyDrop<Cause<E>>) -> First<'_, F, E>
where
    F: Future<Output = Result<T, Cause<E>>>,
{
    First { attempt, cause }
}

/// The slot of the first attempt's cause, until it failed: a stand-in never read, since the
/// first attempt either answers or writes its own cause. Not dropped (it owns nothing: a
/// call that answers leaves it at no cost), and overwritten without a drop.
#[inline]
pub fn no_cause<E>() -> ManuallyDrop<Cause<E>> {
    ManuallyDrop::new(Cause::Panicked(None))
}

/// The cause the first attempt wrote to its slot, once it failed.
#[inline]
pub fn cause_of<E>(slot: ManuallyDrop<Cause<E>>) -> Cause<E> {
    ManuallyDrop::into_inner(slot)
}

impl<F, T, E> Future for First<'_, F, E>
where
    F: Future<Output = Result<T, Cause<E>>>,
{
    type Output = Option<T>;

    // Always, in an optimised build: the answer is taken apart where the call layer wrote it.
    #[allow(clippy::inline_always)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let this = self.project();
        match this.attempt.poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(output)) => Poll::Ready(Some(output)),
            Poll::Ready(Err(cause)) => {
                // The stand-in it replaces owns nothing: not dropped.
                **this.cause = ManuallyDrop::new(cause);
                Poll::Ready(None)
            }
        }
    }
}
