//! The validation of a [`Config`]: each setting in the range its declaration gives (one loop
//! over every setting), then the checks between settings, written out here since each is a
//! rule of its own. `const`, so that the `static` an attribute declares is validated when the
//! program is compiled.

use fusebox_settings::Setting;

use super::builder::{Config, Window};
use crate::error::ConfigError;

impl Config {
    /// Checks every value, returning the configuration if all are in range.
    ///
    /// ```
    /// use fusebox::{Config, ConfigError, Setting};
    /// let refused = Config::new().threshold(0).validate();
    /// assert_eq!(refused, Err(ConfigError::OutOfRange { setting: Setting::Threshold }));
    /// ```
    pub const fn validate(self) -> Result<Config, ConfigError> {
        let mut index = 0;
        while index < Setting::ALL.len() {
            let setting = Setting::ALL[index];
            if let Some(value) = self.get(setting) {
                if !setting.kind().contains(value) {
                    return Err(ConfigError::OutOfRange { setting });
                }
            }
            index += 1;
        }
        self.validate_together()
    }

    /// The checks between settings.
    const fn validate_together(self) -> Result<Config, ConfigError> {
        if self.slow_rate.is_some() && self.slow_call.is_none() {
            return Err(ConfigError::SlowRateWithoutSlowCall);
        }
        if let (Some(calls), Window::Calls(size)) = (self.min_calls, self.window) {
            if calls > size {
                return Err(ConfigError::MinCallsOutOfRange);
            }
        }
        if self.max_concurrent.is_none() && !self.max_wait.is_zero() {
            return Err(ConfigError::MaxWaitWithoutBulkhead);
        }
        if let Some(longest) = self.max_recovery {
            if longest.as_nanos() < self.recovery.as_nanos() {
                return Err(ConfigError::MaxRecoveryBelowRecovery);
            }
        }
        if let Some(longest) = self.retry_max_backoff {
            if longest.as_nanos() < self.retry_backoff.as_nanos() {
                return Err(ConfigError::RetryMaxBackoffBelowBackoff);
            }
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// The error of a value out of `setting`'s range.
    fn out_of_range(setting: Setting) -> Result<Config, ConfigError> {
        Err(ConfigError::OutOfRange { setting })
    }

    #[test]
    fn backoff_settings_are_checked() {
        for factor in [0.5, f64::NAN, f64::INFINITY] {
            assert_eq!(
                Config::new().backoff(factor).validate(),
                out_of_range(Setting::Backoff)
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
            out_of_range(Setting::Threshold)
        );
        let max = Config::MAX_SUCCESS_THRESHOLD;
        for value in [0, max + 1] {
            assert_eq!(
                Config::new().success_threshold(value).validate(),
                out_of_range(Setting::SuccessThreshold)
            );
        }
        assert_eq!(
            Config::new()
                .success_threshold(max)
                .validate()
                .map(|c| c.success_threshold_value()),
            Ok(max)
        );
        let refusals = [
            (
                Config::new()
                    .slow_call(Duration::from_secs(1))
                    .slow_rate(101),
                Setting::SlowRate,
            ),
            (Config::new().failure_rate(0), Setting::FailureRate),
            (
                Config::new().window(Config::MAX_WINDOW + 1),
                Setting::Window,
            ),
            (
                Config::new().window_duration(Duration::from_millis(99)),
                Setting::Window,
            ),
            (Config::new().min_calls(0), Setting::MinCalls),
            (Config::new().max_concurrent(0), Setting::MaxConcurrent),
            (
                Config::new().slow_call(Duration::from_micros(999)),
                Setting::SlowCall,
            ),
        ];
        for (config, setting) in refusals {
            assert_eq!(config.validate(), out_of_range(setting), "{setting}");
        }
    }

    #[test]
    fn settings_that_need_each_other_are_checked_together() {
        let refusals = [
            (
                Config::new().slow_rate(50),
                ConfigError::SlowRateWithoutSlowCall,
            ),
            (
                Config::new().window(10).min_calls(11),
                ConfigError::MinCallsOutOfRange,
            ),
            (
                Config::new().max_wait(Duration::from_millis(1)),
                ConfigError::MaxWaitWithoutBulkhead,
            ),
        ];
        for (config, error) in refusals {
            assert_eq!(config.validate(), Err(error));
        }
        let timed = Config::new()
            .window_duration(Duration::from_secs(60))
            .min_calls(500);
        assert!(timed.validate().is_ok());
    }
}
