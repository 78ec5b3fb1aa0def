//! The deadline of one attempt of a call with a `retry_deadline`: the attempt's own
//! `timeout`, if any, and the call's overall deadline, whichever comes first, so that no
//! attempt outlasts what the caller can wait. An attempt cut by the overall deadline ends as a
//! timeout (counted as one) whose limit is the time it had left when it first waited.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;
use tokio::time::{Instant, Sleep};

use crate::breaker::{probe_timer, Breaker};
use crate::call::Deadline;

pin_project! {
    /// An attempt's deadline `D`, bounded by the call's overall deadline `until`.
    #[derive(Debug)]
    pub struct Within<D> {
        #[pin]
        inner: D,
        until: Option<Instant>,
        // The time the attempt had when it first waited: what its timeout reports.
        limit: Duration,
        #[pin]
        sleep: Option<Sleep>,
    }
}

impl<D> Within<D> {
    /// `inner`, bounded by `until` if given.
    pub fn new(inner: D, until: Option<Instant>) -> Within<D> {
        Within {
            inner,
            until,
            limit: Duration::ZERO,
            sleep: None,
        }
    }
}

impl<D: Deadline> Deadline for Within<D> {
    fn poll_expired(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Duration> {
        let mut this = self.project();
        if let Poll::Ready(limit) = this.inner.poll_expired(cx) {
            return Poll::Ready(limit);
        }
        let Some(until) = *this.until else {
            return Poll::Pending;
        };
        if this.sleep.is_none() {
            if probe_timer::runtime().is_none() {
                return Poll::Pending;
            }
            let Some(sleep) = probe_timer::timer(|| tokio::time::sleep_until(until)) else {
                *this.until = None;
                return Poll::Pending;
            };
            *this.limit = until.saturating_duration_since(Instant::now());
            this.sleep.set(Some(sleep));
        }
        match this.sleep.as_pin_mut().map(|sleep| sleep.poll(cx)) {
            Some(Poll::Ready(())) => Poll::Ready(*this.limit),
            _ => Poll::Pending,
        }
    }
}

/// When a call that started at `started` must be done, by `breaker`'s `retry_deadline`.
pub fn retry_until(breaker: &'static Breaker, started: Instant) -> Option<Instant> {
    breaker
        .retry_deadline()
        .and_then(|deadline| started.checked_add(deadline))
}
