//! A call's optional deadline, chosen at compile time: a call without a timeout carries no
//! timer at all, and a call with one arms its timer only if the fn first returns `Pending`.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::time::Sleep;

/// When a call must give up.
pub trait Deadline {
    /// Polled after the fn returned `Pending`: `Ready(limit)` once the deadline has passed.
    fn poll_expired(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Duration>;
}

/// No deadline: the call runs until it finishes or is dropped.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoDeadline;

impl Deadline for NoDeadline {
    #[inline]
    fn poll_expired(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Duration> {
        Poll::Pending
    }
}

/// A deadline of `limit`, counted from the first time the fn returned `Pending`.
///
/// The timer is boxed and made only then: a call that finishes at its first poll pays nothing
/// for its timeout, and the future stays small (a tokio `Sleep` held inline would be copied
/// with every move of the call's future, which costs more than the timer itself).
#[derive(Debug)]
pub struct Timeout {
    limit: Duration,
    sleep: Option<Pin<Box<Sleep>>>,
}

impl Timeout {
    /// A deadline `limit` after the call starts waiting.
    pub const fn new(limit: Duration) -> Timeout {
        Timeout { limit, sleep: None }
    }
}

impl Deadline for Timeout {
    fn poll_expired(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Duration> {
        let limit = self.limit;
        if self.sleep.is_none() {
            if tokio::runtime::Handle::try_current().is_err() {
                warn_no_runtime();
                return Poll::Pending;
            }
            self.sleep = Some(Box::pin(tokio::time::sleep(limit)));
        }
        match self.sleep.as_mut().map(|sleep| sleep.as_mut().poll(cx)) {
            Some(Poll::Ready(())) => Poll::Ready(limit),
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
