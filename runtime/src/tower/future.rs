//! The futures of a call through the layer: [`ResponseFuture`] without a fallback, whose error
//! tells the breaker's from the inner service's, and [`FallbackFuture`] with one, which asks
//! the fallback when the call is rejected, times out or fails.

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use pin_project_lite::pin_project;
use tower_service::Service;

use super::classify::{Classifier, Judged};
use super::deadline::MaybeTimeout;
use super::error::Error;
use crate::call::{Call, Cause, Finished};
use crate::error::BreakerError;

pin_project! {
    /// The response of a [`CircuitBreaker`](super::CircuitBreaker) without a fallback: the
    /// inner service's, or an [`Error::Breaker`] when the breaker rejected or timed out the
    /// call. `Send` when the inner future is.
    pub struct ResponseFuture<F, C> {
        #[pin]
        call: Option<Call<F, MaybeTimeout, Judged<C>>>,
        rejected: Option<BreakerError>,
    }
}

impl<F, C> ResponseFuture<F, C> {
    /// A call the breaker admitted.
    #[inline]
    pub(crate) fn admitted(call: Call<F, MaybeTimeout, Judged<C>>) -> Self {
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

impl<F, C, T, E> Future for ResponseFuture<F, C>
where
    F: Future<Output = Result<T, E>>,
    C: Classifier<T, E>,
{
    type Output = Result<T, Error<E>>;

    #[inline]
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
    pub struct FallbackFuture<F, C, B>
    where
        F: Future,
        B: Service<Cause<F::Output>>,
    {
        #[pin]
        stage: Stage<Call<F, MaybeTimeout, Judged<C>>, B::Future>,
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

impl<F, C, B> FallbackFuture<F, C, B>
where
    F: Future,
    B: Service<Cause<F::Output>>,
{
    /// A call the breaker admitted.
    #[inline]
    pub(crate) fn admitted(call: Call<F, MaybeTimeout, Judged<C>>, fallback: B) -> Self {
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

impl<F, C, B, T, E> Future for FallbackFuture<F, C, B>
where
    F: Future<Output = Result<T, E>>,
    C: Classifier<T, E>,
    B: Service<Cause<Result<T, E>>, Response = T, Error = E>,
{
    type Output = Result<T, E>;

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
