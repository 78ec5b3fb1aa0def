//! What answers a call the breaker did not let through or counted as failed: nothing (the
//! caller gets an [`Error`](super::Error)), or a fallback service.

use std::future::Future;
use std::task::{Context, Poll};

use tower_service::Service;

/// No fallback: rejections, timeouts and failures reach the caller as they are, the first two
/// as [`Error::Breaker`](super::Error::Breaker).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoFallback;

/// A fallback service `F`, asked with a [`Cause`](crate::Cause) whenever the breaker rejects a
/// call, the call times out, or its result counts as a failure.
#[derive(Clone, Copy, Debug)]
pub struct WithFallback<F>(pub(crate) F);

/// A fallback made from an async fn or closure: a `Service` whose `call` calls it, always
/// ready. See [`CircuitBreakerLayer::fallback_fn`](super::CircuitBreakerLayer::fallback_fn).
#[derive(Clone, Copy, Debug)]
pub struct FallbackFn<F>(pub(crate) F);

impl<F, Request, Fut, Response, Error> Service<Request> for FallbackFn<F>
where
    F: FnMut(Request) -> Fut,
    Fut: Future<Output = Result<Response, Error>>,
{
    type Response = Response;
    type Error = Error;
    type Future = Fut;

    #[inline]
    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    #[inline]
    fn call(&mut self, cause: Request) -> Fut {
        (self.0)(cause)
    }
}
