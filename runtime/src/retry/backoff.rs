//! The waits between attempts: exponential, capped, with jitter. Retry `n` (1 for the first)
//! waits a duration drawn uniformly between `shortest` and `min(shortest * 2^n, longest)`:
//! full jitter above a floor, so a wait is never shorter than `shortest` (never zero) and
//! callers that failed together spread out.

use std::time::Duration;

use super::jitter;
use crate::clock::saturating_nanos;
use crate::config::Config;

/// The backoff of a breaker's retries: `retry_backoff` and `retry_max_backoff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    shortest: Duration,
    longest: Option<Duration>,
}

impl Backoff {
    /// A backoff from `shortest`, capped at `longest` if given.
    pub const fn new(shortest: Duration, longest: Option<Duration>) -> Backoff {
        Backoff { shortest, longest }
    }

    /// The backoff `config` sets.
    pub const fn of(config: &Config) -> Backoff {
        Backoff::new(
            config.retry_backoff_value(),
            config.retry_max_backoff_value(),
        )
    }

    /// The longest wait retry `retry` (1 for the first) may draw: `shortest * 2^retry` (the
    /// factor stops at 2^31, the product saturates), capped by `longest`, never below
    /// `shortest`.
    pub fn ceiling(&self, retry: u32) -> Duration {
        let factor = 1_u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX);
        let ceiling = self.shortest.saturating_mul(factor);
        match self.longest {
            Some(longest) => ceiling.min(longest).max(self.shortest),
            None => ceiling,
        }
    }

    /// The wait before retry `retry`: a uniform draw from `shortest ..= ceiling(retry)`, in
    /// nanoseconds.
    pub fn wait(&self, retry: u32) -> Duration {
        let low = saturating_nanos(self.shortest);
        let high = saturating_nanos(self.ceiling(retry));
        Duration::from_nanos(jitter::between(low, high))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn the_ceiling_doubles_up_to_the_cap() {
        let backoff = Backoff::new(100 * MS, Some(700 * MS));
        let ceilings: Vec<_> = (1..=4).map(|retry| backoff.ceiling(retry)).collect();
        assert_eq!(ceilings, [200 * MS, 400 * MS, 700 * MS, 700 * MS]);
        let uncapped = Backoff::new(100 * MS, None);
        // The factor stops doubling at 2^31; the product saturates rather than overflows.
        assert_eq!(uncapped.ceiling(40), 100 * MS * (1 << 31));
        assert_eq!(Backoff::new(Duration::MAX, None).ceiling(3), Duration::MAX);
    }

    #[test]
    fn every_wait_is_within_its_bounds_over_many_draws() {
        let backoff = Backoff::new(100 * MS, Some(2_000 * MS));
        for retry in 1..=5 {
            let ceiling = backoff.ceiling(retry);
            let draws: Vec<_> = (0..2_000).map(|_| backoff.wait(retry)).collect();
            assert!(draws.iter().all(|wait| (100 * MS..=ceiling).contains(wait)));
            // Spread over the range: some in its lower and some in its upper quarter.
            let quarter = ceiling.saturating_sub(100 * MS) / 4;
            assert!(draws.iter().any(|wait| *wait < 100 * MS + quarter));
            assert!(draws
                .iter()
                .any(|wait| *wait > ceiling.saturating_sub(quarter)));
        }
    }
}
