//! When an open circuit lets a probe call through, as [`BreakerError::Open`] reports it.
//!
//! [`BreakerError::Open`]: crate::BreakerError::Open

use std::fmt;
use std::time::Duration;

use tokio::time::Instant;

use crate::clock;

/// When an open circuit lets a probe call through: a point on tokio's clock, with millisecond
/// resolution.
///
/// It is kept as the breaker keeps its deadline, so that rejecting a call does no clock
/// arithmetic; [`instant`](RetryAt::instant) gives it as a tokio [`Instant`].
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RetryAt {
    /// Milliseconds after the breaker clock's origin.
    millis: u64,
}

impl RetryAt {
    /// The deadline the breaker keeps, in milliseconds after its clock's origin.
    #[inline]
    pub(crate) const fn from_millis(millis: u64) -> RetryAt {
        RetryAt { millis }
    }

    /// The deadline as a tokio `Instant`.
    pub fn instant(self) -> Instant {
        clock::instant_at(self.millis)
    }

    /// How long from now until the deadline; zero once it has passed. Reads tokio's clock.
    pub fn remaining(self) -> Duration {
        clock::until(self.millis, clock::now_nanos())
    }
}

impl From<Instant> for RetryAt {
    /// The deadline at `instant`, rounded up to the next millisecond. (An instant before the
    /// breaker clock's origin, a day before the process first read the clock, becomes the
    /// origin.)
    fn from(instant: Instant) -> RetryAt {
        RetryAt::from_millis(clock::millis_at(instant))
    }
}

impl From<RetryAt> for Instant {
    fn from(retry_at: RetryAt) -> Instant {
        retry_at.instant()
    }
}

impl fmt::Debug for RetryAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RetryAt").field(&self.instant()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn retry_at_keeps_an_instant_to_the_next_millisecond() {
        let at = Instant::now() + Duration::from_micros(2_500);
        let retry_at = RetryAt::from(at);
        assert!(retry_at.instant() >= at, "rounded up, never early");
        assert!(retry_at.instant() < at + Duration::from_millis(1));
        assert_eq!(Instant::from(retry_at), retry_at.instant());
        assert_eq!(RetryAt::from(retry_at.instant()), retry_at);
    }

    #[tokio::test(start_paused = true)]
    async fn an_instant_before_the_clock_origin_becomes_the_origin() {
        let origin = RetryAt::from_millis(0).instant();
        let Some(earlier) = origin.checked_sub(Duration::from_secs(60)) else {
            return; // the platform's clock cannot go that far back
        };
        let retry_at = RetryAt::from(earlier);
        assert_eq!(retry_at.instant(), origin);
        assert_eq!(retry_at.remaining(), Duration::ZERO);
    }
}
