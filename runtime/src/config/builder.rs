//! A breaker's settings, validated when built.

use std::time::Duration;

use fusebox_settings::limits;

use crate::error::ConfigError;

/// The settings of one circuit breaker.
///
/// Built with one method per setting and checked by [`validate`](Config::validate). Each
/// setting reads back with a getter named after it with `_value` (the plain name sets it), as
/// from a running breaker's [`Breaker::config`](crate::Breaker::config), start-up overrides
/// included.
///
/// ```
/// use std::time::Duration;
/// let config = fusebox::Config::new()
///     .threshold(3)
///     .recovery(Duration::from_secs(30))
///     .success_threshold(2)
///     .validate()
///     .unwrap();
/// assert_eq!(config.threshold_value(), 3);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Config {
    threshold: u32,
    recovery: Duration,
    success_threshold: u32,
    backoff: f64,
    max_recovery: Option<Duration>,
    max_half_open_wait: Option<Duration>,
    max_concurrent: Option<u32>,
    max_wait: Duration,
    failure_rate: Option<u8>,
    window: Window,
    min_calls: Option<u32>,
    critical: bool,
    adaptive: bool,
    slow_call: Option<Duration>,
    slow_rate: Option<u8>,
}

impl Config {
    /// Default consecutive failures that open the circuit.
    pub const DEFAULT_THRESHOLD: u32 = limits::DEFAULT_THRESHOLD;
    /// Default time the circuit stays open before a probe.
    pub const DEFAULT_RECOVERY: Duration = Duration::from_millis(limits::DEFAULT_RECOVERY_MILLIS);
    /// Default successes in half-open that close the circuit (and probes admitted at once).
    pub const DEFAULT_SUCCESS_THRESHOLD: u32 = limits::DEFAULT_SUCCESS_THRESHOLD;
    /// Default size of the failure-rate window, in calls.
    pub const DEFAULT_WINDOW: u32 = limits::DEFAULT_WINDOW;
    /// The largest failure-rate window accepted, in calls.
    pub const MAX_WINDOW: u32 = limits::MAX_WINDOW;
    /// The shortest time window accepted.
    pub const MIN_WINDOW_DURATION: Duration = Duration::from_millis(limits::MIN_WINDOW_MILLIS);
    /// The longest time window accepted.
    pub const MAX_WINDOW_DURATION: Duration = Duration::from_millis(limits::MAX_WINDOW_MILLIS);
    /// Default `min_calls` of a time window (a window of calls defaults to its size).
    pub const DEFAULT_MIN_CALLS: u32 = limits::DEFAULT_MIN_CALLS;
    /// The largest `success_threshold` accepted (the state word's half-open payload holds
    /// more: checked there).
    pub const MAX_SUCCESS_THRESHOLD: u32 = limits::MAX_SUCCESS_THRESHOLD;

    /// The defaults: threshold 5, recovery 60 s, success threshold 3.
    pub const fn new() -> Config {
        Config {
            threshold: Config::DEFAULT_THRESHOLD,
            recovery: Config::DEFAULT_RECOVERY,
            success_threshold: Config::DEFAULT_SUCCESS_THRESHOLD,
            backoff: 1.0,
            max_recovery: None,
            max_half_open_wait: None,
            max_concurrent: None,
            max_wait: Duration::ZERO,
            failure_rate: None,
            window: Window::Calls(Config::DEFAULT_WINDOW),
            min_calls: None,
            critical: true,
            adaptive: false,
            slow_call: None,
            slow_rate: None,
        }
    }

    /// Sets the consecutive counted failures that open the circuit (at least 1).
    #[must_use]
    pub const fn threshold(mut self, failures: u32) -> Config {
        self.threshold = failures;
        self
    }

    /// Sets how long the circuit stays open before it lets a probe through.
    #[must_use]
    pub const fn recovery(mut self, recovery: Duration) -> Config {
        self.recovery = recovery;
        self
    }

    /// Sets the successes in half-open that close the circuit; it is also the number of
    /// probes admitted at once (1 to [`Config::MAX_SUCCESS_THRESHOLD`]).
    #[must_use]
    pub const fn success_threshold(mut self, successes: u32) -> Config {
        self.success_threshold = successes;
        self
    }

    /// Multiplies the recovery period on each consecutive re-open (a probe failed again), up
    /// to [`max_recovery`](Config::max_recovery); 1.0 (the default) keeps it fixed. A close
    /// brings it back to `recovery`.
    #[must_use]
    pub const fn backoff(mut self, factor: f64) -> Config {
        self.backoff = factor;
        self
    }

    /// The longest recovery period backoff may reach (default: no limit but `u64` millis).
    #[must_use]
    pub const fn max_recovery(mut self, longest: Duration) -> Config {
        self.max_recovery = Some(longest);
        self
    }

    /// How long a half-open circuit may wait, every probe slot taken, for its probes to
    /// report before it opens again (default: no limit).
    #[must_use]
    pub const fn max_half_open_wait(mut self, wait: Duration) -> Config {
        self.max_half_open_wait = Some(wait);
        self
    }

    /// Lets at most `calls` calls run at once (a bulkhead); others wait up to
    /// [`max_wait`](Config::max_wait), then are rejected with `BreakerError::BulkheadFull`.
    /// A call takes its slot when it is first polled.
    #[must_use]
    pub const fn max_concurrent(mut self, calls: u32) -> Config {
        self.max_concurrent = Some(calls);
        self
    }

    /// How long a call may wait for a bulkhead slot (default: not at all).
    #[must_use]
    pub const fn max_wait(mut self, wait: Duration) -> Config {
        self.max_wait = wait;
        self
    }

    /// Also opens the circuit when at least `percent` of the calls in the window failed
    /// (beside the consecutive count), once the window holds `min_calls` calls.
    #[must_use]
    pub const fn failure_rate(mut self, percent: u8) -> Config {
        self.failure_rate = Some(percent);
        self
    }

    /// Takes the failure and slow-call rates over the latest `calls` calls admitted while
    /// closed (default 100; 1 to [`Config::MAX_WINDOW`]): `Window::Calls(calls)`.
    #[must_use]
    pub const fn window(mut self, calls: u32) -> Config {
        self.window = Window::Calls(calls);
        self
    }

    /// Takes the failure and slow-call rates over the calls admitted while closed that
    /// finished within the last `duration` ([`Config::MIN_WINDOW_DURATION`] to
    /// [`Config::MAX_WINDOW_DURATION`]): `Window::Time(duration)`. The window moves in steps
    /// of a tenth of `duration`, so a call counts for at least nine tenths of it and at most
    /// all of it. `min_calls` defaults to [`Config::DEFAULT_MIN_CALLS`].
    ///
    /// ```
    /// use std::time::Duration;
    /// use fusebox::{Config, Window};
    ///
    /// let config = Config::new().failure_rate(50).window_duration(Duration::from_secs(60)).min_calls(20);
    /// assert_eq!(config.validate().unwrap().window_value(), Window::Time(Duration::from_secs(60)));
    /// ```
    #[must_use]
    pub const fn window_duration(mut self, duration: Duration) -> Config {
        self.window = Window::Time(duration);
        self
    }

    /// How many calls the window must hold before its rates count; below it they read as
    /// unknown (default: the window's size in calls, or [`Config::DEFAULT_MIN_CALLS`] for a
    /// time window).
    #[must_use]
    pub const fn min_calls(mut self, calls: u32) -> Config {
        self.min_calls = Some(calls);
        self
    }

    /// Whether this breaker being tripped can make the process [`Critical`](crate::Health::Critical)
    /// (default true). A breaker that guards something the process can do without, such
    /// as a cache, is marked `false`: tripped, it makes the process `Degraded` at most.
    #[must_use]
    pub const fn critical(mut self, critical: bool) -> Config {
        self.critical = critical;
        self
    }

    /// Lets the consecutive-failure threshold follow the recent success rate, over the last
    /// 100 calls counted while closed (until 100 are held, the threshold stays as set):
    /// above 95% success it rises to `threshold + 2` (at most 10, or `threshold` if that is
    /// higher), below 80% it falls to `threshold - 1` (at least 2, or `threshold` if that is
    /// lower). A healthy service rides out a short burst; a shaky one trips sooner.
    #[must_use]
    pub const fn adaptive(mut self, adaptive: bool) -> Config {
        self.adaptive = adaptive;
        self
    }

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

    /// A call that takes at least this long is slow (counted in the stats, and toward
    /// [`slow_rate`](Config::slow_rate)), even when it succeeds.
    #[must_use]
    pub const fn slow_call(mut self, duration: Duration) -> Config {
        self.slow_call = Some(duration);
        self
    }

    /// Also opens the circuit when at least `percent` of the calls in the window were slow,
    /// once the window holds `min_calls` calls. Needs [`slow_call`](Config::slow_call).
    #[must_use]
    pub const fn slow_rate(mut self, percent: u8) -> Config {
        self.slow_rate = Some(percent);
        self
    }

    /// Checks every value, returning the configuration if all are in range.
    pub const fn validate(self) -> Result<Config, ConfigError> {
        match (self.slow_rate, self.slow_call) {
            (Some(0), _) => return Err(ConfigError::SlowRateOutOfRange),
            (Some(percent), _) if percent > 100 => return Err(ConfigError::SlowRateOutOfRange),
            (Some(_), None) => return Err(ConfigError::SlowRateWithoutSlowCall),
            _ => {}
        }
        if let Some(percent) = self.failure_rate {
            if percent == 0 || percent > 100 {
                return Err(ConfigError::FailureRateOutOfRange);
            }
        }
        match self.window {
            Window::Calls(calls) if calls == 0 || calls > Config::MAX_WINDOW => {
                return Err(ConfigError::WindowOutOfRange {
                    max: Config::MAX_WINDOW,
                });
            }
            Window::Time(duration)
                if duration.as_nanos() < Config::MIN_WINDOW_DURATION.as_nanos()
                    || duration.as_nanos() > Config::MAX_WINDOW_DURATION.as_nanos() =>
            {
                return Err(ConfigError::WindowDurationOutOfRange {
                    min: Config::MIN_WINDOW_DURATION,
                    max: Config::MAX_WINDOW_DURATION,
                });
            }
            _ => {}
        }
        match (self.min_calls, self.window) {
            (Some(0), _) => return Err(ConfigError::MinCallsOutOfRange),
            (Some(calls), Window::Calls(size)) if calls > size => {
                return Err(ConfigError::MinCallsOutOfRange);
            }
            _ => {}
        }
        match self.max_concurrent {
            Some(0) => return Err(ConfigError::ZeroMaxConcurrent),
            None if !self.max_wait.is_zero() => return Err(ConfigError::MaxWaitWithoutBulkhead),
            _ => {}
        }
        if !(self.backoff >= 1.0 && self.backoff.is_finite()) {
            return Err(ConfigError::BackoffOutOfRange);
        }
        if let Some(longest) = self.max_recovery {
            if longest.as_nanos() < self.recovery.as_nanos() {
                return Err(ConfigError::MaxRecoveryBelowRecovery);
            }
        }
        if self.threshold == 0 {
            return Err(ConfigError::ZeroThreshold);
        }
        if self.success_threshold == 0 || self.success_threshold > Config::MAX_SUCCESS_THRESHOLD {
            return Err(ConfigError::SuccessThresholdOutOfRange {
                value: self.success_threshold,
                max: Config::MAX_SUCCESS_THRESHOLD,
            });
        }
        Ok(self)
    }

    /// Consecutive counted failures that open the circuit.
    pub const fn threshold_value(&self) -> u32 {
        self.threshold
    }

    /// How long the circuit stays open before a probe.
    pub const fn recovery_value(&self) -> Duration {
        self.recovery
    }

    /// Successes in half-open that close the circuit.
    pub const fn success_threshold_value(&self) -> u32 {
        self.success_threshold
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

    /// How long a call takes to count as slow, if slow calls are watched.
    pub const fn slow_call_value(&self) -> Option<Duration> {
        self.slow_call
    }

    /// The slow-call rate in percent that opens the circuit, if set.
    pub const fn slow_rate_value(&self) -> Option<u8> {
        self.slow_rate
    }

    /// Whether the breaker keeps a window of recent outcomes (a failure or a slow-call rate).
    pub(crate) const fn has_window(&self) -> bool {
        self.failure_rate.is_some() || self.slow_rate.is_some()
    }

    /// The failure rate in percent that opens the circuit, if there is a window.
    pub const fn failure_rate_value(&self) -> Option<u8> {
        self.failure_rate
    }

    /// The window the rates are taken over: the latest calls, or the latest stretch of time.
    pub const fn window_value(&self) -> Window {
        self.window
    }

    /// Calls the window must hold before its rates count.
    pub const fn min_calls_value(&self) -> u32 {
        min_calls(self.min_calls, self.window)
    }

    /// `min_calls` as given, if it was.
    pub(crate) const fn min_calls_given(&self) -> Option<u32> {
        self.min_calls
    }

    /// The factor backoff multiplies the recovery period by on each re-open.
    pub const fn backoff_value(&self) -> f64 {
        self.backoff
    }

    /// The longest recovery period backoff may reach, if limited.
    pub const fn max_recovery_value(&self) -> Option<Duration> {
        self.max_recovery
    }

    /// Whether the threshold adapts to the recent success rate.
    pub const fn adaptive_value(&self) -> bool {
        self.adaptive
    }

    /// Whether this breaker can make the process critical.
    pub const fn critical_value(&self) -> bool {
        self.critical
    }

    /// The bulkhead's size, if there is one.
    pub const fn max_concurrent_value(&self) -> Option<u32> {
        self.max_concurrent
    }

    /// How long a call may wait for a bulkhead slot.
    pub const fn max_wait_value(&self) -> Duration {
        self.max_wait
    }

    /// How long a full half-open circuit waits for its probes, if limited.
    pub const fn max_half_open_wait_value(&self) -> Option<Duration> {
        self.max_half_open_wait
    }
}

impl Default for Config {
    fn default() -> Config {
        Config::new()
    }
}

/// What the failure and slow-call rates are taken over (see [`Config::window`] and
/// [`Config::window_duration`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Window {
    /// The latest this many calls admitted while closed.
    Calls(u32),
    /// The calls admitted while closed that finished within the latest this long, counted in
    /// ten buckets of a tenth each.
    Time(Duration),
}

/// `min_calls` in force: as given, or by default the window's size in calls, or
/// [`Config::DEFAULT_MIN_CALLS`] for a time window.
pub(crate) const fn min_calls(given: Option<u32>, window: Window) -> u32 {
    match (given, window) {
        (Some(calls), _) | (None, Window::Calls(calls)) => calls,
        (None, Window::Time(_)) => Config::DEFAULT_MIN_CALLS,
    }
}

/// How many recent calls the adaptive threshold looks at.
pub(crate) const ADAPTIVE_WINDOW: u32 = 100;

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

    #[test]
    fn backoff_settings_are_checked() {
        for factor in [0.5, f64::NAN, f64::INFINITY] {
            assert_eq!(
                Config::new().backoff(factor).validate(),
                Err(ConfigError::BackoffOutOfRange)
            );
        }
        let short = Config::new().max_recovery(Duration::from_secs(1));
        assert_eq!(short.validate(), Err(ConfigError::MaxRecoveryBelowRecovery));
    }

    #[test]
    fn defaults_are_valid() {
        assert_eq!(Config::new().validate(), Ok(Config::default()));
    }

    #[test]
    fn out_of_range_values_are_refused() {
        assert_eq!(
            Config::new().threshold(0).validate(),
            Err(ConfigError::ZeroThreshold)
        );
        let max = Config::MAX_SUCCESS_THRESHOLD;
        for value in [0, max + 1] {
            assert_eq!(
                Config::new().success_threshold(value).validate(),
                Err(ConfigError::SuccessThresholdOutOfRange { value, max })
            );
        }
    }
}
