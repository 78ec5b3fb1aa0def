//! The service behind the layer: admission in `call`, never in `poll_ready`, and a rejected
//! request never reaches the inner service.

use std::fmt;
use std::task::{Context, Poll};

use tower_service::Service;

use super::classify::{Classifier, ErrorsAreFailures, Judged};
use super::deadline::{NoTimeout, Timing};
use super::error::Error;
use super::fallback::{NoFallback, WithFallback};
use super::future::{FallbackFuture, ResponseFuture};
use crate::breaker::Breaker;
use crate::call::{run, Cause};

/// A service behind a breaker, made by a [`CircuitBreakerLayer`](super::CircuitBreakerLayer).
///
/// `poll_ready` asks the inner service only: it takes no permit, so a service made ready and
/// then dropped or left unused holds no half-open probe slot. `call` asks the breaker: a
/// rejected request is answered at once (with [`Error::Breaker`], or by the fallback) and never
/// reaches the inner service. Clones share the breaker, which is the registry's.
///
/// The inner service, made ready by `poll_ready`, keeps whatever capacity it reserved across a
/// rejected call, for the next one: rejecting in `poll_ready` instead would make the service
/// look broken to tower, whose contract is that an error there is final.
#[derive(Clone)]
pub struct CircuitBreaker<S, C = ErrorsAreFailures, F = NoFallback, T = NoTimeout> {
    inner: S,
    breaker: &'static Breaker,
    timeout: T,
    classifier: C,
    fallback: F,
}

impl<S, C, F, T> CircuitBreaker<S, C, F, T> {
    /// `inner` behind `breaker`.
    pub(crate) fn new(
        inner: S,
        breaker: &'static Breaker,
        timeout: T,
        classifier: C,
        fallback: F,
    ) -> Self {
        CircuitBreaker {
            inner,
            breaker,
            timeout,
            classifier,
            fallback,
        }
    }

    /// The breaker this service goes through.
    pub fn breaker(&self) -> &'static Breaker {
        self.breaker
    }

    /// The inner service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The inner service, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// The inner service, unwrapped.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S, C, T, Request> Service<Request> for CircuitBreaker<S, C, NoFallback, T>
where
    S: Service<Request>,
    C: Classifier<S::Response, S::Error> + Clone,
    T: Timing,
{
    type Response = S::Response;
    type Error = Error<S::Error>;
    type Future = ResponseFuture<S::Future, C, T>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(Error::Inner)
    }

    // Always: returned by value from an out-of-line copy, the call future is copied through
    // memory on every call (measured: tens of ns a call), as `Breaker::call`'s own is.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn call(&mut self, request: Request) -> Self::Future {
        match self.breaker.try_acquire() {
            Ok(permit) => ResponseFuture::admitted(run(
                permit,
                self.timeout.deadline(),
                Judged(self.classifier.clone()),
                self.inner.call(request),
            )),
            Err(error) => ResponseFuture::rejected(error),
        }
    }
}

impl<S, C, F, T, Request> Service<Request> for CircuitBreaker<S, C, WithFallback<F>, T>
where
    S: Service<Request>,
    C: Classifier<S::Response, S::Error> + Clone,
    T: Timing,
    F: Service<Cause<Result<S::Response, S::Error>>, Response = S::Response, Error = S::Error>
        + Clone,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = FallbackFuture<S::Future, C, F, T>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    #[inline]
    fn call(&mut self, request: Request) -> Self::Future {
        let fallback = self.fallback.0.clone();
        match self.breaker.try_acquire() {
            Ok(permit) => FallbackFuture::admitted(
                run(
                    permit,
                    self.timeout.deadline(),
                    Judged(self.classifier.clone()),
                    self.inner.call(request),
                ),
                fallback,
            ),
            Err(error) => FallbackFuture::rejected(Cause::Rejected(error), fallback),
        }
    }
}

impl<S: fmt::Debug, C, F, T: fmt::Debug> fmt::Debug for CircuitBreaker<S, C, F, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CircuitBreaker")
            .field("inner", &self.inner)
            .field("breaker", &self.breaker.name())
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}
