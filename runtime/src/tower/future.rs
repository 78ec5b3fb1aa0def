//! The futures of a call through the layer: [`ResponseFuture`] without a fallback, whose error
//! tells the breaker's from the inner service's, and [`FallbackFuture`] with one, which asks
//! the fallback when the call is rejected, times out or fails.

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use pin_project_lite::pin_project;
use tower_service::Service;

use super::classify::{Classifier, Judged};
use super::deadline::{NoTimeout, Timing};
use super::error::Error;
use crate::call::{Call, Cause, Finished};
use crate::error::BreakerError;

pin_project! {
    /// The response of a [`CircuitBreaker`](super::CircuitBreaker) without a fallback: the
    /// inner service's, or an [`Error::Breaker`] when the breaker rejected or timed out the
    /// call. `Send` when the inner future is.
    pub struct ResponseFuture<F, C, T = NoTimeout>
    where
        T: Timing,
    {
        #[pin]
        call: Option<Call<F, T::Deadline, Judged<C>>>,
        rejected: Option<BreakerError>,
    }
}

impl<F, C, T: Timing> ResponseFuture<F, C, T> {
    /// A call the breaker admitted.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    pub(crate) fn admitted(call: Call<F, T::Deadline, Judged<C>>) -> Self {
        ResponseFuture {
            call: Some(call),
            rejected: None,
        }
    }

    /// A call the breaker rejected: it answers with `error` at its first poll.
    #[cold]
    pub(crate) fn rejected(error: BreakerError) -> Self {
        ResponseFuture {
            call: None,
            rejected: Some(error),
        }
    }
}

impl<F, C, T, R, E> Future for ResponseFuture<F, C, T>
where
    F: Future<Output = Result<R, E>>,
    C: Classifier<R, E>,
    T: Timing,
{
    type Output = Result<R, Error<E>>;

    // Always, as `call`: the output is written in parts and read back whole.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let Some(call) = this.call.as_pin_mut() else {
            // Polled again after it answered: like any finished future, it never does again.
            return this.rejected.take().map_or(Poll::Pending, |error| {
                Poll::Ready(Err(Error::Breaker(error)))
            });
        };
        Poll::Ready(match ready!(call.poll(cx)) {
            Finished::Succeeded(output) | Finished::Failed(output) | Finished::Ignored(output) => {
                output.map_err(Error::Inner)
            }
            Finished::TimedOut(error) | Finished::Rejected(error) => Err(Error::Breaker(error)),
        })
    }
}

pin_project! {
    /// The response of a [`CircuitBreaker`](super::CircuitBreaker) with a fallback `B`: the
    /// inner service's when it succeeds (or fails in a way the classifier ignores), otherwise
    /// the fallback's answer to the call's [`Cause`]. `Send` when the inner future, the
    /// fallback and its future are.
    pub struct FallbackFuture<F, C, B, T = NoTimeout>
    where
        F: Future,
        B: Service<Cause<F::Output>>,
        T: Timing,
    {
        #[pin]
        stage: Stage<Call<F, T::Deadline, Judged<C>>, B::Future>,
        fallback: B,
        cause: Option<Cause<F::Output>>,
    }
}

pin_project! {
    /// Where a call with a fallback stands.
    #[project = StageProj]
    enum Stage<K, A> {
        /// The inner service's future runs.
        Calling { #[pin] call: K },
        /// The fallback must answer `cause` and is made ready.
        Readying,
        /// The fallback answers.
        Answering { #[pin] answer: A },
    }
}

impl<F, C, B, T> FallbackFuture<F, C, B, T>
where
    F: Future,
    B: Service<Cause<F::Output>>,
    T: Timing,
{
    /// A call the breaker admitted.
    #[inline]
    pub(crate) fn admitted(call: Call<F, T::Deadline, Judged<C>>, fallback: B) -> Self {
        FallbackFuture {
            stage: Stage::Calling { call },
            fallback,
            cause: None,
        }
    }

    /// A call the breaker rejected: the fallback answers `cause`.
    #[cold]
    pub(crate) fn rejected(cause: Cause<F::Output>, fallback: B) -> Self {
        FallbackFuture {
            stage: Stage::Readying,
            fallback,
            cause: Some(cause),
        }
    }
}

impl<F, C, B, T, R, E> Future for FallbackFuture<F, C, B, T>
where
    F: Future<Output = Result<R, E>>,
    C: Classifier<R, E>,
    B: Service<Cause<Result<R, E>>, Response = R, Error = E>,
    T: Timing,
{
    type Output = Result<R, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        loop {
            let mut this = self.as_mut().project();
            match this.stage.as_mut().project() {
                StageProj::Calling { call } => {
                    let cause = match ready!(call.poll(cx)) {
                        Finished::Succeeded(output) | Finished::Ignored(output) => {
                            return Poll::Ready(output)
                        }
                        Finished::Failed(output) => Cause::Failed(output),
                        Finished::TimedOut(error) => Cause::TimedOut(error),
                        Finished::Rejected(error) => Cause::BulkheadFull(error),
                    };
                    *this.cause = Some(cause);
                    this.stage.set(Stage::Readying);
                }
                StageProj::Readying => {
                    ready!(this.fallback.poll_ready(cx))?;
                    let Some(cause) = this.cause.take() else {
                        return Poll::Pending;
                    };
                    let answer = this.fallback.call(cause);
                    this.stage.set(Stage::Answering { answer });
                }
                StageProj::Answering { answer } => return answer.poll(cx),
            }
        }
    }
}
