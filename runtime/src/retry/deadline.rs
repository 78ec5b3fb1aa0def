//! The deadline of one attempt through the handle API: the attempt's own timeout, counted
//! from the first time it waits, and the call's `retry_deadline`, whichever comes first. Its
//! timer is the call's one timer, which the waits between attempts use too (an attempt and a
//! wait never run at once), set only if the attempt waits and has either limit. An attempt
//! that finishes at its first poll, or has neither, never sets it.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::time::{Instant, Sleep};

use crate::breaker::probe_timer;
use crate::call::Deadline;

/// An attempt's `timeout` and the call's overall deadline `until`, on the call's timer.
#[derive(Debug)]
pub(super) struct AttemptDeadline<'a> {
    timeout: Option<Duration>,
    until: Option<Instant>,
    /// Once the timer is set for this attempt: the time the attempt had when it first
    /// waited, what its timeout reports.
    limit: Option<Duration>,
    /// The call's timer, lent to this attempt.
    timer: Pin<&'a mut Option<Sleep>>,
}

impl<'a> AttemptDeadline<'a> {
    /// `timeout` from the first wait, bounded by `until`, on `timer`: with neither, the
    /// attempt has no deadline, and the timer is left alone.
    pub(super) fn new(
        timeout: Option<Duration>,
        until: Option<Instant>,
        timer: Pin<&'a mut Option<Sleep>>,
    ) -> AttemptDeadline<'a> {
        AttemptDeadline {
            timeout,
            until,
            limit: None,
            timer,
        }
    }

    /// When the attempt must end, counted from `now`, and the time it has until then.
    fn end(&self, now: Instant) -> Option<(Instant, Duration)> {
        end(self.timeout, self.until, now)
    }
}

/// When an attempt with `timeout` and the overall deadline `until` must end, counted from
/// `now`, and the time it has until then.
fn end(
    timeout: Option<Duration>,
    until: Option<Instant>,
    now: Instant,
) -> Option<(Instant, Duration)> {
    let by_timeout = timeout.and_then(|timeout| Some((now.checked_add(timeout)?, timeout)));
    let by_until = until.map(|until| (until, until.saturating_duration_since(now)));
    match (by_timeout, by_until) {
        (Some(timeout), Some(until)) => Some(if until.0 < timeout.0 { until } else { timeout }),
        (timeout, until) => timeout.or(until),
    }
}

impl Deadline for AttemptDeadline<'_> {
    fn poll_expired(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Duration> {
        // `Unpin`: the timer is pinned where the call keeps it.
        let this = self.get_mut();
        let limit = match this.limit {
            Some(limit) => limit,
            None => {
                let Some((at, limit)) = this.end(Instant::now()) else {
                    return Poll::Pending;
                };
                // Where no timer can run, the attempt runs without its deadline, as
                // `Timeout`'s.
                if probe_timer::runtime().is_none() {
                    return Poll::Pending;
                }
                let Some(sleep) = probe_timer::timer(|| tokio::time::sleep_until(at)) else {
                    (this.timeout, this.until) = (None, None);
                    return Poll::Pending;
                };
                this.timer.set(Some(sleep));
                this.limit = Some(limit);
                limit
            }
        };
        match this.timer.as_mut().as_pin_mut().map(|sleep| sleep.poll(cx)) {
            Some(Poll::Ready(())) => Poll::Ready(limit),
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
        assert_eq!(
            end(Some(2 * SECOND), Some(now + 5 * SECOND), now),
            Some((now + 2 * SECOND, 2 * SECOND))
        );
        assert_eq!(
            end(Some(2 * SECOND), Some(now + SECOND), now),
            Some((now + SECOND, SECOND))
        );
        assert_eq!(
            end(None, Some(now + 3 * SECOND), now),
            Some((now + 3 * SECOND, 3 * SECOND))
        );
        assert_eq!(end(None, None, now), None);
        let mut timer = std::pin::pin!(None);
        assert_eq!(
            AttemptDeadline::new(Some(SECOND), None, timer.as_mut()).end(now),
            Some((now + SECOND, SECOND))
        );
    }
}
