//! The layer: which breaker, which timeout, which classifier and which fallback every service
//! it wraps uses.

use std::fmt;
use std::time::Duration;

use tower_layer::Layer;

use super::classify::ErrorsAreFailures;
use super::deadline::{NoTimeout, TimeoutAfter};
use super::fallback::{FallbackFn, NoFallback, WithFallback};
use super::service::CircuitBreaker;
use crate::breaker::Breaker;
use crate::config::Config;
use crate::registry::registry;

/// A [`Layer`] that puts a service behind a named breaker from the [registry](crate::registry()):
/// the breaker a `#[circuit_breaker(name = ..)]` fn of that name uses, with the same state,
/// stats, overrides and events.
///
/// `C` is the [`Classifier`](super::Classifier) (by default [`ErrorsAreFailures`]), `F` the
/// fallback ([`NoFallback`] or [`WithFallback`]) and `T` the timeout ([`NoTimeout`] or
/// [`TimeoutAfter`]): each a type, so that a layer without one pays nothing for it. The layer is cheap to clone, and every
/// service it makes, and every clone of one, shares its breaker.
#[derive(Clone)]
pub struct CircuitBreakerLayer<C = ErrorsAreFailures, F = NoFallback, T = NoTimeout> {
    breaker: &'static Breaker,
    timeout: T,
    classifier: C,
    fallback: F,
}

impl CircuitBreakerLayer {
    /// A layer on `breaker`, with no timeout and no fallback, counting every `Err` of the inner
    /// service as a failure.
    pub fn new(breaker: &'static Breaker) -> CircuitBreakerLayer {
        CircuitBreakerLayer {
            breaker,
            timeout: NoTimeout,
            classifier: ErrorsAreFailures,
            fallback: NoFallback,
        }
    }

    /// A layer on the breaker named `name`: the one an attribute declares or that was
    /// registered under that name, which keeps its own settings; otherwise a new one
    /// registered with `config` (and its start-up overrides), as
    /// [`Registry::register`](crate::Registry::register) does.
    pub fn named(name: &str, config: Config) -> CircuitBreakerLayer {
        let registry = registry();
        let breaker = registry
            .get(name)
            .unwrap_or_else(|| registry.register(name, config));
        CircuitBreakerLayer::new(breaker)
    }
}

impl<C, F, T> CircuitBreakerLayer<C, F, T> {
    /// The breaker every service of this layer goes through.
    pub fn breaker(&self) -> &'static Breaker {
        self.breaker
    }

    /// Gives up on a call that has not answered `limit` after it first waited: its future is
    /// dropped, the call counts as a failure, and the caller gets
    /// [`BreakerError::TimedOut`](crate::BreakerError::TimedOut) (or the fallback's answer).
    /// Needs a tokio runtime with its timer enabled.
    #[must_use]
    pub fn timeout(self, limit: Duration) -> CircuitBreakerLayer<C, F, TimeoutAfter> {
        CircuitBreakerLayer {
            breaker: self.breaker,
            timeout: TimeoutAfter(limit),
            classifier: self.classifier,
            fallback: self.fallback,
        }
    }

    /// Counts calls with `classifier`, for instance to count an HTTP 503 inside an `Ok` as a
    /// failure. See [`Classifier`](super::Classifier).
    #[must_use]
    pub fn classify<C2>(self, classifier: C2) -> CircuitBreakerLayer<C2, F, T> {
        CircuitBreakerLayer {
            breaker: self.breaker,
            timeout: self.timeout,
            classifier,
            fallback: self.fallback,
        }
    }

    /// Answers rejections, timeouts and failures with the service `fallback`: it is asked with
    /// the call's [`Cause`](crate::Cause), and must answer with the inner service's response
    /// and error types. It is cloned for each call, as tower services are (make it cheap to
    /// clone), and made ready only when it has to answer; an error from its `poll_ready` is
    /// the caller's answer.
    #[must_use]
    pub fn fallback<S>(self, fallback: S) -> CircuitBreakerLayer<C, WithFallback<S>, T> {
        CircuitBreakerLayer {
            breaker: self.breaker,
            timeout: self.timeout,
            classifier: self.classifier,
            fallback: WithFallback(fallback),
        }
    }

    /// Answers rejections, timeouts and failures with the async fn or closure `fallback`,
    /// which takes the call's [`Cause`](crate::Cause).
    #[must_use]
    pub fn fallback_fn<G>(
        self,
        fallback: G,
    ) -> CircuitBreakerLayer<C, WithFallback<FallbackFn<G>>, T> {
        self.fallback(FallbackFn(fallback))
    }
}

impl<S, C: Clone, F: Clone, T: Clone> Layer<S> for CircuitBreakerLayer<C, F, T> {
    type Service = CircuitBreaker<S, C, F, T>;

    fn layer(&self, inner: S) -> Self::Service {
        CircuitBreaker::new(
            inner,
            self.breaker,
            self.timeout.clone(),
            self.classifier.clone(),
            self.fallback.clone(),
        )
    }
}

impl<C, F, T: fmt::Debug> fmt::Debug for CircuitBreakerLayer<C, F, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CircuitBreakerLayer")
            .field("breaker", &self.breaker.name())
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}
