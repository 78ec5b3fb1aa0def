//! A call's optional deadline, chosen at compile time: a call without a timeout carries no
//! timer at all, and a call with one arms its timer only if the fn first returns `Pending`.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;
use tokio::time::Sleep;

use crate::breaker::probe_timer;

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

pin_project! {
    /// A deadline of `limit`, counted from the first time the fn returned `Pending`.
    ///
    /// The timer is made only then, in place: a call that finishes at its first poll pays
    /// nothing for its timeout, and a call that waits allocates nothing for it.
    #[derive(Debug)]
    pub struct Timeout {
        limit: Duration,
        #[pin]
        sleep: Option<Sleep>,
    }
}

impl Timeout {
    /// A deadline `limit` after the call starts waiting.
    pub const fn new(limit: Duration) -> Timeout {
        Timeout { limit, sleep: None }
    }
}

impl Deadline for Timeout {
    fn poll_expired(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Duration> {
        let mut this = self.project();
        let limit = *this.limit;
        if this.sleep.is_none() {
            let Some(sleep) = timer(limit) else {
                return Poll::Pending;
            };
            this.sleep.set(Some(sleep));
        }
        match this.sleep.as_pin_mut().map(|sleep| sleep.poll(cx)) {
            Some(Poll::Ready(())) => Poll::Ready(limit),
            _ => Poll::Pending,
        }
    }
}

/// A timer of `limit`, or `None` where none can run: the call then runs without its deadline
/// rather than panicking. Outside a tokio runtime that is said once; in a runtime built
/// without its timer, tokio panics making the timer, which is caught, said once, and no timer
/// is made again in this process.
fn timer(limit: Duration) -> Option<Sleep> {
    if probe_timer::runtime().is_none() {
        warn_no_runtime();
        return None;
    }
    probe_timer::timer(|| tokio::time::sleep(limit))
}

/// Says once that a call with a timeout ran where no timer could run.
fn warn_no_runtime() {
    static WARNED: AtomicBool = AtomicBool::new(false);
    if !WARNED.swap(true, Ordering::Relaxed) {
        probe_timer::warn_without_timer(
            "a call with a timeout ran outside a tokio runtime with a working timer; the \
             timeout was not applied",
        );
    }
}
