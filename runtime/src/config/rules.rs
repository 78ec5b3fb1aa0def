//! The rules a breaker's settings make: the threshold the adaptive rule gives, and the
//! recovery period after consecutive re-opens.

use std::time::Duration;

use super::builder::{Config, ADAPTIVE_WINDOW};

impl Config {
    /// The threshold the adaptive rule gives for `successes` out of `calls` recent calls.
    pub(crate) fn adapted_threshold(&self, successes: u32, calls: u32) -> u32 {
        let base = self.threshold;
        if !self.adaptive || calls < ADAPTIVE_WINDOW {
            return base;
        }
        let percent = f64::from(successes) * 100.0 / f64::from(calls);
        if percent > 95.0 {
            base.saturating_add(2).min(base.max(10))
        } else if percent < 80.0 {
            base.saturating_sub(1).max(base.min(2))
        } else {
            base
        }
    }

    /// The recovery period after `reopens` consecutive re-opens: `recovery * backoff^reopens`,
    /// at most `max_recovery`. Never overflows: past what a `Duration` holds it is the limit.
    pub(crate) fn recovery_after(&self, reopens: u32) -> Duration {
        if reopens == 0 || self.backoff <= 1.0 {
            return self.recovery;
        }
        let limit = self.max_recovery.unwrap_or(Duration::MAX);
        let exponent = i32::try_from(reopens).unwrap_or(i32::MAX);
        let grown = self.recovery.as_secs_f64() * self.backoff.powi(exponent);
        Duration::try_from_secs_f64(grown).map_or(limit, |grown| grown.min(limit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_adaptive_rule_rises_falls_and_keeps_its_bounds() {
        let adaptive = |base| Config::new().threshold(base).adaptive(true);
        assert_eq!(adaptive(5).adapted_threshold(96, 100), 7);
        assert_eq!(adaptive(5).adapted_threshold(95, 100), 5);
        assert_eq!(adaptive(5).adapted_threshold(79, 100), 4);
        assert_eq!(adaptive(9).adapted_threshold(100, 100), 10);
        assert_eq!(adaptive(12).adapted_threshold(100, 100), 12);
        assert_eq!(adaptive(2).adapted_threshold(0, 100), 2);
        assert_eq!(adaptive(1).adapted_threshold(0, 100), 1);
        assert_eq!(
            adaptive(5).adapted_threshold(99, 99),
            5,
            "below a full window"
        );
        assert_eq!(Config::new().adapted_threshold(100, 100), 5, "not adaptive");
    }

    #[test]
    fn backoff_grows_to_its_limit_and_never_overflows() {
        let config = Config::new()
            .recovery(Duration::from_secs(10))
            .backoff(2.0)
            .max_recovery(Duration::from_secs(35));
        let periods: Vec<u64> = (0..4).map(|n| config.recovery_after(n).as_secs()).collect();
        assert_eq!(periods, [10, 20, 35, 35]);
        assert_eq!(config.recovery_after(u32::MAX), Duration::from_secs(35));
        let unlimited = Config::new().backoff(1e300);
        assert_eq!(unlimited.recovery_after(u32::MAX), Duration::MAX);
        assert_eq!(unlimited.recovery_after(0), Config::DEFAULT_RECOVERY);
    }
}
