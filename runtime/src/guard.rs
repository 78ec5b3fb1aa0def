//! Runs a call's future under the breaker: a deadline that costs nothing until the future
//! first returns `Pending`, and a panic that is counted before it unwinds on.

use std::any::Any;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;
use tokio::time::Sleep;

/// Why a guarded future did not produce its output.
pub(crate) enum Interrupted {
    /// The deadline passed; the future was not polled again.
    TimedOut,
    /// The future panicked with this payload.
    Panicked(Box<dyn Any + Send + 'static>),
}

pin_project! {
    /// A future with an optional deadline whose panics are caught and returned.
    pub(crate) struct Guarded<F> {
        #[pin]
        inner: F,
        #[pin]
        sleep: Option<Sleep>,
        limit: Option<Duration>,
    }
}

impl<F: Future> Guarded<F> {
    pub(crate) fn new(inner: F, limit: Option<Duration>) -> Guarded<F> {
        Guarded {
            inner,
            sleep: None,
            limit,
        }
    }
}

impl<F: Future> Future for Guarded<F> {
    type Output = Result<F::Output, Interrupted>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let inner = this.inner;
        match catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Ready(output)) => return Poll::Ready(Ok(output)),
            Ok(Poll::Pending) => {}
            Err(payload) => return Poll::Ready(Err(Interrupted::Panicked(payload))),
        }
        if this.sleep.is_none() {
            let Some(limit) = this.limit.take() else {
                return Poll::Pending;
            };
            if tokio::runtime::Handle::try_current().is_err() {
                warn_no_runtime();
                return Poll::Pending;
            }
            this.sleep.set(Some(tokio::time::sleep(limit)));
        }
        match this.sleep.as_pin_mut().map(|sleep| sleep.poll(cx)) {
            Some(Poll::Ready(())) => Poll::Ready(Err(Interrupted::TimedOut)),
            _ => Poll::Pending,
        }
    }
}

/// Timers need a tokio runtime; outside one the call runs without its deadline rather than
/// panicking, and says so once.
fn warn_no_runtime() {
    static WARNED: AtomicBool = AtomicBool::new(false);
    if !WARNED.swap(true, Ordering::Relaxed) {
        tracing::warn!(
            target: "fusebox",
            "a call with a timeout ran outside a tokio runtime; the timeout was not applied"
        );
    }
}
