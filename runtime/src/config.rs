//! A breaker's settings, validated when built.

use std::time::Duration;

use crate::word::MAX_PROBES;
use crate::ConfigError;

/// The settings of one circuit breaker.
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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    threshold: u32,
    recovery: Duration,
    success_threshold: u32,
}

impl Config {
    /// Default consecutive failures that open the circuit.
    pub const DEFAULT_THRESHOLD: u32 = 5;
    /// Default time the circuit stays open before a probe.
    pub const DEFAULT_RECOVERY: Duration = Duration::from_secs(60);
    /// Default successes in half-open that close the circuit (and probes admitted at once).
    pub const DEFAULT_SUCCESS_THRESHOLD: u32 = 3;
    /// The largest `success_threshold` accepted.
    pub const MAX_SUCCESS_THRESHOLD: u32 = MAX_PROBES;

    /// The defaults: threshold 5, recovery 60 s, success threshold 3.
    pub const fn new() -> Config {
        Config {
            threshold: Config::DEFAULT_THRESHOLD,
            recovery: Config::DEFAULT_RECOVERY,
            success_threshold: Config::DEFAULT_SUCCESS_THRESHOLD,
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

    /// Checks every value, returning the configuration if all are in range.
    pub const fn validate(self) -> Result<Config, ConfigError> {
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
}

impl Default for Config {
    fn default() -> Config {
        Config::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
