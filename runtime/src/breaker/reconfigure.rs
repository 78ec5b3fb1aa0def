//! Changing a breaker's settings while it runs: its settings in force and
//! [`reconfigure`](Breaker::reconfigure), which keeps the state, every count and every call
//! path lock-free.

use std::time::Duration;

use super::machine::Breaker;
use crate::config::{Changes, Config};
use crate::error::ConfigError;

impl Breaker {
    /// The breaker's settings in force: those it was built with, or the latest change by
    /// [`reconfigure`](Breaker::reconfigure).
    pub fn config(&self) -> Config {
        self.config.load()
    }

    /// The breaker's `retry_deadline`, read on a call's path without copying its settings
    /// (it cannot change once the breaker is built).
    #[inline]
    pub(crate) fn retry_deadline(&self) -> Option<Duration> {
        self.config.retry_deadline()
    }

    /// Changes the breaker's settings while it runs; on an error nothing changes.
    ///
    /// `config` is validated as a whole, and the settings that size what the breaker
    /// allocated when it was built must stay as they are: the window (`window`, and whether
    /// there is one: `failure_rate` or `slow_rate` set), `adaptive`, whether `slow_call` is
    /// set, and the bulkhead (`max_concurrent`, `max_wait`). Everything else may change:
    /// `threshold`, `success_threshold`, `recovery`, `backoff`, `max_recovery`,
    /// `max_half_open_wait`, the `failure_rate` and `slow_rate` percentages, `min_calls`, the
    /// `slow_call` limit, and `critical`. A change emits one `tracing` event (target
    /// `fusebox`) whose field `changes` names each setting changed, from and to
    /// (`threshold: 5 -> 9, recovery: 60s -> 30s`).
    ///
    /// A breaker of a keyed family reads its family's settings: changing them on one key's
    /// breaker changes them for every key of the family (and for the keys it admits later),
    /// and [`Family::config`](crate::Family::config) reads them.
    ///
    /// The state and every count stay as they are, and no call path takes a lock: each
    /// decision reads either the old settings or the new ones, never a mix. A call admitted
    /// before the change finishes normally and its outcome is counted under the settings in
    /// force when it finishes: a failure is held against the new `threshold` (so a lower
    /// threshold opens the circuit at the next counted failure if the consecutive failures
    /// already reach it), a probe success against the new `success_threshold`. An open
    /// circuit keeps the probe deadline it opened with; the new `recovery` applies from the
    /// next opening.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fusebox::{registry, Config, ConfigError};
    ///
    /// let breaker = registry().register("catalog", Config::new().threshold(5));
    /// breaker.reconfigure(Config::new().threshold(8)).unwrap();
    /// assert_eq!(breaker.config().threshold_value(), 8);
    /// let refused = breaker.reconfigure(Config::new().threshold(0));
    /// assert!(matches!(refused, Err(ConfigError::OutOfRange { .. })));
    /// assert_eq!(breaker.config().threshold_value(), 8, "the old settings are kept");
    /// # }
    /// ```
    pub fn reconfigure(&self, config: Config) -> Result<(), ConfigError> {
        let config = config.validate()?;
        let old = self.config.load();
        self.config
            .store(&config)
            .map_err(|setting| ConfigError::FixedSetting { setting })?;
        tracing::info!(
            target: "fusebox",
            name = self.name,
            changes = %Changes::between(old, config),
            "circuit breaker settings changed"
        );
        Ok(())
    }
}
