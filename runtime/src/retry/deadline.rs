//! The deadline of one attempt through the handle API: the attempt's own timeout, counted
//! from the first time it waits, and the call's `retry_deadline`, whichever comes first, on
//! one timer made only if the attempt waits and has either. An attempt that finishes at its
//! first poll, or has neither, never makes it.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;
use tokio::time::{Instant, Sleep};

use crate::breaker::probe_timer;
use crate::call::Deadline;

pin_project! {
    /// An attempt's `timeout` and the call's overall deadline `until`, on one timer.
    #[derive(Debug)]
    pub(super) struct AttemptDeadline {
        timeout: Option<Duration>,
        until: Option<Instant>,
        // The time the attempt had when it first waited: what its timeout reports.
        limit: Duration,
        #[pin]
        sleep: Option<Sleep>,
    }
}

impl AttemptDeadline {
    /// `timeout` from the first wait, bounded by `until`; `None` when both are: the attempt
    /// then needs no deadline at all.
    pub(super) fn of(timeout: Option<Duration>, until: Option<Instant>) -> Option<AttemptDeadline> {
        (timeout.is_some() || until.is_some()).then(|| AttemptDeadline::new(timeout, until))
    }

    fn new(timeout: Option<Duration>, until: Option<Instant>) -> AttemptDeadline {
        AttemptDeadline {
            timeout,
            until,
            limit: Duration::ZERO,
            sleep: None,
        }
    }

    /// When the attempt must end, counted from `now`, and the time it has until then.
    fn end(&self, now: Instant) -> Option<(Instant, Duration)> {
        let by_timeout = self
            .timeout
            .and_then(|timeout| Some((now.checked_add(timeout)?, timeout)));
        let by_until = self
            .until
            .map(|until| (until, until.saturating_duration_since(now)));
        match (by_timeout, by_until) {
            (Some(timeout), Some(until)) => Some(if until.0 < timeout.0 { until } else { timeout }),
            (timeout, until) => timeout.or(until),
        }
    }
}

impl Deadline for AttemptDeadline {
    fn poll_expired(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Duration> {
        if self.sleep.is_none() {
            let Some((at, limit)) = self.end(Instant::now()) else {
                return Poll::Pending;
            };
            // Where no timer can run, the attempt runs without its deadline, as `Timeout`'s.
            if probe_timer::runtime().is_none() {
                return Poll::Pending;
            }
            let Ok(sleep) = std::panic::catch_unwind(|| tokio::time::sleep_until(at)) else {
                let this = self.as_mut().project();
                (*this.timeout, *this.until) = (None, None);
                return Poll::Pending;
            };
            let mut this = self.as_mut().project();
            *this.limit = limit;
            this.sleep.set(Some(sleep));
        }
        let this = self.project();
        match this.sleep.as_pin_mut().map(|sleep| sleep.poll(cx)) {
            Some(Poll::Ready(())) => Poll::Ready(*this.limit),
            _ => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    #[test]
    fn the_earlier_of_the_timeout_and_the_overall_deadline_ends_the_attempt() {
        let now = Instant::now();
        let both = AttemptDeadline::new(Some(2 * SECOND), Some(now + 5 * SECOND));
        assert_eq!(both.end(now), Some((now + 2 * SECOND, 2 * SECOND)));
        let cut = AttemptDeadline::new(Some(2 * SECOND), Some(now + SECOND));
        assert_eq!(cut.end(now), Some((now + SECOND, SECOND)));
        let overall = AttemptDeadline::new(None, Some(now + 3 * SECOND));
        assert_eq!(overall.end(now), Some((now + 3 * SECOND, 3 * SECOND)));
        assert_eq!(AttemptDeadline::new(None, None).end(now), None);
        assert!(AttemptDeadline::of(None, None).is_none());
    }
}
