//! A tower [`Layer`](tower_layer::Layer) on fusebox's breakers (cargo feature `tower`).
//!
//! [`CircuitBreakerLayer`] puts any `tower::Service` behind a named breaker from the
//! [registry](crate::registry()): the very breaker a `#[circuit_breaker(name = ..)]` fn of that
//! name uses, so the layer and the attribute share one state, one set of stats, the start-up
//! overrides and the events. On top of it: a timeout, a [`Classifier`] that can count an `Ok`
//! response as a failure (an HTTP 503) or an `Err` as nothing, and a fallback service or fn.
//!
//! ```
//! use std::time::Duration;
//!
//! use fusebox::tower::CircuitBreakerLayer;
//! use fusebox::{BreakerError, Config};
//! use tower::{service_fn, Layer, ServiceExt};
//!
//! async fn lookup(sku: u32) -> Result<String, std::io::Error> {
//!     Err(std::io::Error::other(format!("inventory is down, no stock for {sku}")))
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let layer = CircuitBreakerLayer::named("inventory_http", Config::new().threshold(2))
//!     .timeout(Duration::from_secs(2));
//! let inventory = layer.layer(service_fn(lookup));
//!
//! // Two failures reach the caller as the inner service's errors, and open the circuit...
//! for _ in 0..2 {
//!     let error = inventory.clone().oneshot(7).await.unwrap_err();
//!     assert!(error.inner().is_some());
//! }
//! // ...after which a request is rejected without reaching `lookup`.
//! let error = inventory.clone().oneshot(7).await.unwrap_err();
//! assert!(matches!(error.breaker_error(), Some(BreakerError::Open { .. })));
//!
//! // The layer's breaker is the registry's.
//! let breaker = fusebox::registry().get("inventory_http").unwrap();
//! assert_eq!(breaker.stats().failures, 2);
//! # }
//! ```
//!
//! ## Errors and fallbacks
//!
//! Without a fallback the service's error is [`Error<E>`]: [`Error::Breaker`] when the breaker
//! rejected the request (it never reached the inner service) or the call timed out,
//! [`Error::Inner`] with the inner service's own error otherwise. An enum rather than a
//! `BoxError`, so that a caller matches instead of downcasting; it still boxes with `?`.
//!
//! With a fallback ([`fallback`](CircuitBreakerLayer::fallback) for a service,
//! [`fallback_fn`](CircuitBreakerLayer::fallback_fn) for an async fn or closure), the error
//! type stays the inner service's: the fallback answers every rejection, timeout and counted
//! failure, given a [`Cause`](crate::Cause) of the inner service's result (`Cause::Failed`
//! holds the result that counted as a failure, an `Err` or an `Ok` the classifier refused).
//! An `axum` route with an `Infallible` error stays `Infallible`:
//!
//! ```
//! use std::convert::Infallible;
//!
//! use fusebox::tower::{CircuitBreakerLayer, Verdict};
//! use fusebox::{Cause, Config};
//! use tower::{service_fn, Layer, ServiceExt};
//!
//! type Status = Result<u16, Infallible>;
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let layer = CircuitBreakerLayer::named("pricing_http", Config::new().threshold(1))
//!     // A 503 inside an `Ok` counts as a failure.
//!     .classify(|status: &Status| match status {
//!         Ok(503) => Verdict::Failure,
//!         _ => Verdict::Success,
//!     })
//!     .fallback_fn(|cause: Cause<Status>| async move {
//!         Ok::<_, Infallible>(if cause.is_rejection() { 429 } else { 502 })
//!     });
//! let pricing = layer.layer(service_fn(|_: ()| async { Ok::<u16, Infallible>(503) }));
//!
//! assert_eq!(pricing.clone().oneshot(()).await, Ok(502)); // failed: the circuit opens
//! assert_eq!(pricing.clone().oneshot(()).await, Ok(429)); // rejected
//! # }
//! ```
//!
//! ## Back-pressure
//!
//! `poll_ready` only asks the inner service; the breaker is asked in `call`. A service made
//! ready and dropped holds no permit and no half-open probe slot, and a rejected request never
//! reaches the inner service. Clones of a service, and every service of a layer, share one
//! breaker. A panic in the inner service counts as a failure and unwinds on (no fallback
//! catches it, as tower services do not catch panics).
//!
//! The futures are `Send` when the inner service's future (and the fallback, if any) are; no
//! lock is held across an `.await`, and the closed-state admission is one atomic load.

mod classify;
mod deadline;
mod error;
mod fallback;
mod future;
mod layer;
mod service;

pub use crate::call::Verdict;
pub use classify::{Classifier, ErrorsAreFailures};
pub use deadline::{NoTimeout, TimeoutAfter, Timing};
pub use error::Error;
pub use fallback::{FallbackFn, NoFallback, WithFallback};
pub use future::{FallbackFuture, ResponseFuture};
pub use layer::CircuitBreakerLayer;
pub use service::CircuitBreaker;
