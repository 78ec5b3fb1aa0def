//! A breaker's settings read back, and set or read by [`Setting`]: [`Config::set`] and
//! [`Config::get`], each one exhaustive match, are what the start-up overrides go through; the
//! typed getters (`threshold_value`, ...) are what the breaker reads.

use std::time::Duration;

use fusebox_settings::{Setting, Value};

use super::builder::{min_calls, Config, Window};
use crate::error::ConfigError;

impl Config {
    /// Sets `setting` to `value`, through the setting's builder method. A value of another
    /// kind than the setting's is refused as out of range; the range itself is checked by
    /// [`validate`](Config::validate).
    ///
    /// ```
    /// use fusebox::{Config, Setting, Value};
    /// let config = Config::new().set(Setting::Threshold, Value::Whole(8)).unwrap();
    /// assert_eq!(config.threshold_value(), 8);
    /// assert!(Config::new().set(Setting::Threshold, Value::Flag(true)).is_err());
    /// ```
    pub const fn set(self, setting: Setting, value: Value) -> Result<Config, ConfigError> {
        let config = match (setting, value) {
            (Setting::Threshold, Value::Whole(failures)) => self.threshold(failures),
            (Setting::Recovery, Value::Duration(period)) => self.recovery(period),
            (Setting::SuccessThreshold, Value::Whole(successes)) => {
                self.success_threshold(successes)
            }
            (Setting::Backoff, Value::Factor(factor)) => self.backoff(factor),
            (Setting::MaxRecovery, Value::Duration(longest)) => self.max_recovery(longest),
            (Setting::MaxHalfOpenWait, Value::Duration(wait)) => self.max_half_open_wait(wait),
            (Setting::Adaptive, Value::Flag(adaptive)) => self.adaptive(adaptive),
            (Setting::Critical, Value::Flag(critical)) => self.critical(critical),
            (Setting::FailureRate, Value::Percent(percent)) => self.failure_rate(percent),
            (Setting::Window, Value::Whole(calls)) => self.window(calls),
            (Setting::Window, Value::Duration(span)) => self.window_duration(span),
            (Setting::MinCalls, Value::Whole(calls)) => self.min_calls(calls),
            (Setting::SlowCall, Value::Duration(limit)) => self.slow_call(limit),
            (Setting::SlowRate, Value::Percent(percent)) => self.slow_rate(percent),
            (Setting::MaxConcurrent, Value::Whole(calls)) => self.max_concurrent(calls),
            (Setting::MaxWait, Value::Duration(wait)) => self.max_wait(wait),
            (Setting::Retries, Value::Whole(retries)) => self.retries(retries),
            (Setting::RetryBackoff, Value::Duration(shortest)) => self.retry_backoff(shortest),
            (Setting::RetryMaxBackoff, Value::Duration(longest)) => self.retry_max_backoff(longest),
            (Setting::RetryDeadline, Value::Duration(deadline)) => self.retry_deadline(deadline),
            (Setting::RetryBudget, Value::Percent(percent)) => self.retry_budget(percent),
            (Setting::MaxKeys, Value::Whole(keys)) => self.max_keys(keys),
            (Setting::KeyIdle, Value::Duration(idle)) => self.key_idle(idle),
            // Each setting by name: a setting added to the table and not here stops the build.
            (
                Setting::Threshold
                | Setting::Recovery
                | Setting::SuccessThreshold
                | Setting::Backoff
                | Setting::MaxRecovery
                | Setting::MaxHalfOpenWait
                | Setting::Adaptive
                | Setting::Critical
                | Setting::FailureRate
                | Setting::Window
                | Setting::MinCalls
                | Setting::SlowCall
                | Setting::SlowRate
                | Setting::MaxConcurrent
                | Setting::MaxWait
                | Setting::Retries
                | Setting::RetryBackoff
                | Setting::RetryMaxBackoff
                | Setting::RetryDeadline
                | Setting::RetryBudget
                | Setting::MaxKeys
                | Setting::KeyIdle,
                Value::Whole(_)
                | Value::Percent(_)
                | Value::Duration(_)
                | Value::Flag(_)
                | Value::Factor(_),
            ) => return Err(ConfigError::OutOfRange { setting }),
        };
        Ok(config)
    }

    /// The value of `setting`, or `None` where it is not set (a setting without a default,
    /// such as `failure_rate`, or `min_calls`, which then follows the window).
    ///
    /// ```
    /// use fusebox::{Config, Setting, Value};
    /// assert_eq!(Config::new().get(Setting::Threshold), Some(Value::Whole(5)));
    /// assert_eq!(Config::new().get(Setting::FailureRate), None);
    /// ```
    pub const fn get(&self, setting: Setting) -> Option<Value> {
        match setting {
            Setting::Threshold => Some(Value::Whole(self.threshold)),
            Setting::Recovery => Some(Value::Duration(self.recovery)),
            Setting::SuccessThreshold => Some(Value::Whole(self.success_threshold)),
            Setting::Backoff => Some(Value::Factor(self.backoff)),
            Setting::MaxRecovery => duration(self.max_recovery),
            Setting::MaxHalfOpenWait => duration(self.max_half_open_wait),
            Setting::Adaptive => Some(Value::Flag(self.adaptive)),
            Setting::Critical => Some(Value::Flag(self.critical)),
            Setting::FailureRate => percent(self.failure_rate),
            Setting::Window => Some(match self.window {
                Window::Calls(calls) => Value::Whole(calls),
                Window::Time(span) => Value::Duration(span),
            }),
            Setting::MinCalls => whole(self.min_calls),
            Setting::SlowCall => duration(self.slow_call),
            Setting::SlowRate => percent(self.slow_rate),
            Setting::MaxConcurrent => whole(self.max_concurrent),
            Setting::MaxWait => Some(Value::Duration(self.max_wait)),
            Setting::Retries => Some(Value::Whole(self.retries)),
            Setting::RetryBackoff => Some(Value::Duration(self.retry_backoff)),
            Setting::RetryMaxBackoff => duration(self.retry_max_backoff),
            Setting::RetryDeadline => duration(self.retry_deadline),
            Setting::RetryBudget => Some(Value::Percent(self.retry_budget)),
            Setting::MaxKeys => Some(Value::Whole(self.max_keys)),
            Setting::KeyIdle => Some(Value::Duration(self.key_idle)),
        }
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

    /// How many times a failed call is tried again.
    pub const fn retries_value(&self) -> u32 {
        self.retries
    }

    /// The shortest wait before a retry.
    pub const fn retry_backoff_value(&self) -> Duration {
        self.retry_backoff
    }

    /// The longest wait before a retry, if capped.
    pub const fn retry_max_backoff_value(&self) -> Option<Duration> {
        self.retry_max_backoff
    }

    /// How long the attempts of one call and their waits may take together, if bounded.
    pub const fn retry_deadline_value(&self) -> Option<Duration> {
        self.retry_deadline
    }

    /// The share of the breaker's recent calls its retries may add, in percent.
    pub const fn retry_budget_value(&self) -> u8 {
        self.retry_budget
    }

    /// The breakers a keyed family holds at most.
    pub const fn max_keys_value(&self) -> u32 {
        self.max_keys
    }

    /// How long a key of a keyed family may go unused before its breaker is dropped.
    pub const fn key_idle_value(&self) -> Duration {
        self.key_idle
    }
}

/// `given` as a [`Value`], if set.
const fn whole(given: Option<u32>) -> Option<Value> {
    match given {
        Some(number) => Some(Value::Whole(number)),
        None => None,
    }
}

/// `given` as a [`Value`], if set.
const fn percent(given: Option<u8>) -> Option<Value> {
    match given {
        Some(percent) => Some(Value::Percent(percent)),
        None => None,
    }
}

/// `given` as a [`Value`], if set.
const fn duration(given: Option<Duration>) -> Option<Value> {
    match given {
        Some(duration) => Some(Value::Duration(duration)),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value of `setting` in its range and other than its default.
    fn sample(setting: Setting) -> Value {
        match (setting.kind(), setting.default_value()) {
            (_, Some(Value::Flag(flag))) => Value::Flag(!flag),
            (fusebox_settings::Kind::Percent, _) => Value::Percent(40),
            (fusebox_settings::Kind::Factor, _) => Value::Factor(2.0),
            (fusebox_settings::Kind::Duration { .. }, _) => {
                Value::Duration(Duration::from_secs(120))
            }
            _ => Value::Whole(2),
        }
    }

    #[test]
    fn every_setting_reads_back_what_was_set_and_starts_at_its_default() {
        for setting in Setting::ALL {
            assert_eq!(
                Config::new().get(setting),
                setting.default_value(),
                "{setting}"
            );
            let value = sample(setting);
            let config = Config::new().set(setting, value).unwrap();
            assert_eq!(config.get(setting), Some(value), "{setting}");
            assert_ne!(config, Config::new(), "{setting} changed nothing");
            for other in Setting::ALL.into_iter().filter(|other| *other != setting) {
                assert_eq!(
                    config.get(other),
                    Config::new().get(other),
                    "{setting} set {other}"
                );
            }
        }
    }

    #[test]
    fn a_value_of_another_kind_is_refused() {
        assert_eq!(
            Config::new().set(Setting::Critical, Value::Whole(1)),
            Err(ConfigError::OutOfRange {
                setting: Setting::Critical
            })
        );
        let timed = Config::new().set(Setting::Window, Value::Duration(Duration::from_secs(60)));
        assert_eq!(
            timed.map(|config| config.window_value()),
            Ok(Window::Time(Duration::from_secs(60)))
        );
    }
}
