//! Why a call did not run or did not finish, and why a configuration was refused.

use std::error::Error;
use std::fmt;
use std::time::Duration;

use fusebox_settings::{Setting, ShowDuration};

use crate::retry_at::RetryAt;

/// Why a protected call did not run, or did not finish.
///
/// A fn protected by `#[circuit_breaker]` without a fallback returns it through its own error
/// type, which must implement `From<BreakerError>`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BreakerError {
    /// The circuit is open: the call was rejected without running.
    Open {
        /// The breaker's name.
        name: &'static str,
        /// When a probe call will be allowed, on tokio's clock (millisecond resolution).
        /// [`retry_after`](BreakerError::retry_after) gives the time left.
        retry_at: RetryAt,
    },
    /// The breaker was forced open by hand: the call was rejected without running.
    ForcedOpen {
        /// The breaker's name.
        name: &'static str,
    },
    /// Every bulkhead slot was taken (for `max_wait`, if set): the call was rejected.
    BulkheadFull {
        /// The breaker's name.
        name: &'static str,
        /// The bulkhead's size.
        max_concurrent: u32,
    },
    /// The circuit is half-open and every probe slot is taken: the call was rejected.
    HalfOpenFull {
        /// The breaker's name.
        name: &'static str,
    },
    /// The call ran past its deadline; its future was dropped and it counted as a failure.
    TimedOut {
        /// The breaker's name.
        name: &'static str,
        /// The deadline that was exceeded.
        limit: Duration,
    },
    /// A keyed family already holds `max_keys` breakers and none of them may be forgotten
    /// (each is open before its probe deadline, forced open, or half-open with a probe
    /// running): a call for a new key was rejected without running. Keys already in the
    /// family are not affected; the new key gets its breaker once one of them may go.
    FamilyFull {
        /// The family's name.
        name: &'static str,
        /// The family's bound on its keys.
        max_keys: u32,
    },
    /// A `#[circuit_breaker(key = ...)]` attribute keys the family `name` by a type other than
    /// the one the family was first registered with (by another attribute of the same name,
    /// or by [`Registry::keyed`](crate::Registry::keyed)): every call of that fn is rejected
    /// without running. Give the two families different names, or key them by the same type.
    KeyTypeMismatch {
        /// The family's name.
        name: &'static str,
        /// The key type the family holds.
        registered: &'static str,
        /// The key type the attribute's `key` expression has.
        asked: &'static str,
    },
}

impl BreakerError {
    /// The name of the breaker that produced this error.
    pub fn name(&self) -> &'static str {
        match self {
            BreakerError::Open { name, .. }
            | BreakerError::ForcedOpen { name }
            | BreakerError::BulkheadFull { name, .. }
            | BreakerError::HalfOpenFull { name }
            | BreakerError::TimedOut { name, .. }
            | BreakerError::FamilyFull { name, .. }
            | BreakerError::KeyTypeMismatch { name, .. } => name,
        }
    }

    /// True when the call was rejected without running (open, half-open full, a full keyed
    /// family, or a keyed attribute whose key type is not its family's).
    pub fn is_rejection(&self) -> bool {
        matches!(
            self,
            BreakerError::Open { .. }
                | BreakerError::HalfOpenFull { .. }
                | BreakerError::FamilyFull { .. }
                | BreakerError::KeyTypeMismatch { .. }
        )
    }

    /// For an open circuit, how long from now until a probe will be allowed (zero once the
    /// time has come). Reads tokio's clock; the rejection itself never does while a timer is
    /// armed for the probe.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            BreakerError::Open { retry_at, .. } => Some(retry_at.remaining()),
            _ => None,
        }
    }
}

impl fmt::Display for BreakerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BreakerError::Open { name, .. } => write!(
                f,
                "circuit breaker `{name}` is open; a probe will be allowed in {}",
                ShowDuration(self.retry_after().unwrap_or_default())
            ),
            BreakerError::ForcedOpen { name } => {
                write!(f, "circuit breaker `{name}` was forced open")
            }
            BreakerError::BulkheadFull {
                name,
                max_concurrent,
            } => write!(
                f,
                "circuit breaker `{name}` already runs its {max_concurrent} concurrent calls"
            ),
            BreakerError::HalfOpenFull { name } => write!(
                f,
                "circuit breaker `{name}` is half-open and all its probe slots are taken"
            ),
            BreakerError::TimedOut { name, limit } => {
                write!(
                    f,
                    "call through circuit breaker `{name}` timed out after {}",
                    ShowDuration(*limit)
                )
            }
            BreakerError::FamilyFull { name, max_keys } => write!(
                f,
                "keyed circuit breakers `{name}` hold their {max_keys} keys, none of which may \
                 be forgotten yet; a new key was rejected"
            ),
            BreakerError::KeyTypeMismatch {
                name,
                registered,
                asked,
            } => write!(
                f,
                "keyed circuit breakers `{name}` are keyed by `{registered}`, not `{asked}`; \
                 the call was rejected"
            ),
        }
    }
}

impl Error for BreakerError {}

/// A configuration value out of its range; the configuration it belonged to was not applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// A setting's value was out of the range its declaration gives (or of another kind
    /// than the setting takes, through [`Config::set`](crate::Config::set)).
    OutOfRange {
        /// The setting.
        setting: Setting,
    },
    /// `slow_rate` was set without `slow_call`.
    SlowRateWithoutSlowCall,
    /// `min_calls` was larger than a window of calls.
    MinCallsOutOfRange,
    /// `max_wait` was set without a bulkhead (`max_concurrent`).
    MaxWaitWithoutBulkhead,
    /// `max_recovery` was shorter than `recovery`.
    MaxRecoveryBelowRecovery,
    /// `retry_max_backoff` was shorter than `retry_backoff`.
    RetryMaxBackoffBelowBackoff,
    /// A change through [`Breaker::reconfigure`](crate::Breaker::reconfigure) would change a
    /// setting that is fixed once the breaker is built, because it sizes what the breaker
    /// allocated then: the window, turning the rates on or off, `adaptive`, turning
    /// `slow_call` on or off, or the bulkhead (`max_concurrent`, `max_wait`); or a retry
    /// setting (`retries`, `retry_backoff`, `retry_max_backoff`, `retry_deadline`,
    /// `retry_budget`), which the breaker's retry budget and its calls' retries are made with.
    FixedSetting {
        /// The setting, as in the attribute.
        setting: &'static str,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::OutOfRange { setting } => {
                write!(f, "`{setting}` must be {}", setting.must_be())
            }
            ConfigError::SlowRateWithoutSlowCall => {
                f.write_str("`slow_rate` needs `slow_call`: how long a slow call takes")
            }
            ConfigError::MinCallsOutOfRange => {
                f.write_str("`min_calls` must be at most the window's size in calls")
            }
            ConfigError::MaxWaitWithoutBulkhead => {
                f.write_str("`max_wait` needs a bulkhead: set `max_concurrent` too")
            }
            ConfigError::MaxRecoveryBelowRecovery => {
                f.write_str("`max_recovery` must not be shorter than `recovery`")
            }
            ConfigError::RetryMaxBackoffBelowBackoff => {
                f.write_str("`retry_max_backoff` must not be shorter than `retry_backoff`")
            }
            ConfigError::FixedSetting { setting } if setting.starts_with("retr") => write!(
                f,
                "`{setting}` cannot change once the breaker is built: its retries and their \
                 budget are made with it; the settings in force were kept"
            ),
            ConfigError::FixedSetting { setting } => write!(
                f,
                "`{setting}` cannot change once the breaker is built: it sizes what the breaker \
                 allocated; the settings in force were kept"
            ),
        }
    }
}

impl Error for ConfigError {}

#[cfg(test)]
mod tests {
    use tokio::time::Instant;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn retry_after_counts_down_on_tokio_clock_to_zero() {
        let retry_at = RetryAt::from(Instant::now() + Duration::from_secs(3));
        let error = BreakerError::Open {
            name: "weather_api",
            retry_at,
        };
        let left = retry_at.instant() - Instant::now();
        assert!(left >= Duration::from_secs(3) && left < Duration::from_millis(3_001));
        assert_eq!(error.retry_after(), Some(left));
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(
            error.retry_after(),
            Some(left.saturating_sub(Duration::from_secs(1)))
        );
        tokio::time::advance(Duration::from_secs(5)).await;
        assert_eq!(error.retry_after(), Some(Duration::ZERO));
        assert_eq!(
            BreakerError::HalfOpenFull {
                name: "weather_api"
            }
            .retry_after(),
            None
        );
    }

    #[tokio::test(start_paused = true)]
    async fn messages_show_durations_as_the_settings_write_them() {
        let timed_out = BreakerError::TimedOut {
            name: "weather_api",
            limit: Duration::from_millis(1_500),
        };
        assert_eq!(
            timed_out.to_string(),
            "call through circuit breaker `weather_api` timed out after 1.5s"
        );
        let open = BreakerError::Open {
            name: "weather_api",
            retry_at: RetryAt::from(Instant::now() + Duration::from_secs(15)),
        };
        // The deadline is kept to the next millisecond of the clock, and shown rounded up.
        let message = open.to_string();
        let shown = message
            .strip_prefix("circuit breaker `weather_api` is open; a probe will be allowed in ");
        assert!(matches!(shown, Some("15s" | "15.001s")), "{message}");
    }
}
