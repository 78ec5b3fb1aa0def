//! The service behind the layer: admission in `call`, never in `poll_ready`, and a rejected
//! request never reaches the inner service.

use std::fmt;
use std::task::{Context, Poll};
use std::time::Duration;

use tower_service::Service;

use super::classify::{Classifier, ErrorsAreFailures, Judged};
use super::deadline::MaybeTimeout;
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
pub struct CircuitBreaker<S, C = ErrorsAreFailures, F = NoFallback> {
    inner: S,
    breaker: &'static Breaker,
    timeout: Option<Duration>,
    classifier: C,
    fallback: F,
}

impl<S, C, F> CircuitBreaker<S, C, F> {
    /// `inner` behind `breaker`.
    pub(crate) fn new(
        inner: S,
        breaker: &'static Breaker,
        timeout: Option<Duration>,
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

impl<S, C, Request> Service<Request> for CircuitBreaker<S, C, NoFallback>
where
    S: Service<Request>,
    C: Classifier<S::Response, S::Error> + Clone,
{
    type Response = S::Response;
    type Error = Error<S::Error>;
    type Future = ResponseFuture<S::Future, C>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(Error::Inner)
    }

    #[inline]
    fn call(&mut self, request: Request) -> Self::Future {
        match self.breaker.try_acquire() {
            Ok(permit) => ResponseFuture::admitted(run(
                permit,
                MaybeTimeout::new(self.timeout),
                Judged(self.classifier.clone()),
                self.inner.call(request),
            )),
            Err(error) => ResponseFuture::rejected(error),
        }
    }
}

impl<S, C, F, Request> Service<Request> for CircuitBreaker<S, C, WithFallback<F>>
where
    S: Service<Request>,
    C: Classifier<S::Response, S::Error> + Clone,
    F: Service<Cause<Result<S::Response, S::Error>>, Response = S::Response, Error = S::Error>
        + Clone,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = FallbackFuture<S::Future, C, F>;

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
                    MaybeTimeout::new(self.timeout),
                    Judged(self.classifier.clone()),
                    self.inner.call(request),
                ),
                fallback,
            ),
            Err(error) => FallbackFuture::rejected(Cause::Rejected(error), fallback),
        }
    }
}

impl<S: fmt::Debug, C, F> fmt::Debug for CircuitBreaker<S, C, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CircuitBreaker")
            .field("inner", &self.inner)
            .field("breaker", &self.breaker.name())
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}
