//! The sites the `#[circuit_breaker]` attributes declare: one per protected fn, each a
//! `static` the linker gathers into [`SITES`], and each resolved to its breaker once, through
//! the store. Generated code names them through `__private`, which also runs a call under one
//! (`Site::rescue`): how a call runs is the call layer's, not the registry's. An attribute
//! with a `key` declares no site here: its `KeyedSite` (`keyed_site.rs`) holds a `Site` only for
//! its name and checked settings, and registers a keyed family, not a breaker.

use std::sync::{Once, OnceLock};

use linkme::distributed_slice;

use super::store::registry;
use crate::breaker::{Breaker, Permit};
use crate::config::Config;
use crate::error::{BreakerError, ConfigError};

/// Every site an attribute declares in the program, gathered by the linker: the registry
/// registers them all when it is first read, so that a breaker is known before its first call.
#[distributed_slice]
pub static SITES: [Site];

/// Whether the declared breakers are registered.
static DECLARED: Once = Once::new();

/// Registers every breaker an attribute declares, once in the process; a caller that comes
/// while another thread registers them waits until they are all there. Where several fns name
/// one breaker with different settings, the one the linker put first wins, and a warning names
/// the settings ignored.
pub(super) fn declare() {
    DECLARED.call_once_force(|_| {
        for site in SITES {
            site.resolve();
        }
    });
}

/// One protected fn: its breaker's name and settings, resolved to the breaker once.
///
/// The settings are a reference to a constant: sites with the same settings share one (the
/// compiler merges identical constants), where each would otherwise hold its own copy.
#[derive(Debug)]
pub struct Site {
    name: &'static str,
    config: &'static Config,
    breaker: OnceLock<&'static Breaker>,
}

impl Site {
    /// A call site, its settings checked by the runtime's own validation,
    /// [`Config::validate`]. The attribute declares its site in a `static`, which is evaluated
    /// when the program is compiled: settings the runtime refuses stop the build there, at no
    /// cost at run time, so the attribute and the runtime cannot disagree. (The attribute
    /// checks every argument first, each error at its token, and emits no site when one is
    /// wrong.)
    ///
    /// # Panics
    ///
    /// When [`Config::validate`] refuses `config`: in a `static`, a compile error.
    pub const fn new(name: &'static str, config: &'static Config) -> Site {
        if let Err(error) = config.validate() {
            panic!("{}", refused(error));
        }
        Site {
            name,
            config,
            breaker: OnceLock::new(),
        }
    }

    /// The breaker's name.
    pub(crate) const fn name(&self) -> &'static str {
        self.name
    }

    /// The breaker's settings, as the attribute gives them.
    pub(crate) const fn config(&self) -> Config {
        *self.config
    }

    /// Admits a call through this site's breaker.
    #[inline]
    pub fn acquire(&self) -> Result<Permit, BreakerError> {
        self.breaker().try_acquire()
    }

    #[inline]
    pub(crate) fn breaker(&self) -> &'static Breaker {
        match self.breaker.get() {
            Some(breaker) => breaker,
            None => self.first_use(),
        }
    }

    /// The first call through this site: every declared site is registered (this one among
    /// them, unless the linker could not gather it), as when the registry is first read.
    #[cold]
    #[inline(never)]
    fn first_use(&self) -> &'static Breaker {
        declare();
        self.resolve()
    }

    /// This site's breaker, registered with the site's name and settings if it is not yet.
    fn resolve(&self) -> &'static Breaker {
        self.breaker
            .get_or_init(|| registry().register(self.name, *self.config))
    }
}

/// Why `Site::new` refuses its settings: [`ConfigError`]'s message, written out, since a
/// `const fn` cannot format one (a test checks that the two say the same). A setting out of
/// range says what its declaration says it must be.
const fn refused(error: ConfigError) -> &'static str {
    match error {
        ConfigError::OutOfRange { setting } => setting.refusal(),
        ConfigError::SlowRateWithoutSlowCall => {
            "invalid breaker settings: `slow_rate` needs `slow_call`: how long a slow call takes"
        }
        ConfigError::MinCallsOutOfRange => {
            "invalid breaker settings: `min_calls` must be at most the window's size in calls"
        }
        ConfigError::MaxWaitWithoutBulkhead => {
            "invalid breaker settings: `max_wait` needs a bulkhead: set `max_concurrent` too"
        }
        ConfigError::MaxRecoveryBelowRecovery => {
            "invalid breaker settings: `max_recovery` must not be shorter than `recovery`"
        }
        ConfigError::RetryMaxBackoffBelowBackoff => {
            "invalid breaker settings: `retry_max_backoff` must not be shorter than \
             `retry_backoff`"
        }
        ConfigError::FixedSetting { .. } => {
            "invalid breaker settings: a setting cannot change once the breaker is built"
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_refusal_says_what_config_error_says() {
        let refusals = [
            Config::new().threshold(0),
            Config::new().slow_rate(0),
            Config::new().slow_rate(50),
            Config::new().failure_rate(0),
            Config::new().window(0),
            Config::new().window_duration(Duration::from_millis(1)),
            Config::new().min_calls(0),
            Config::new().window(10).min_calls(11),
            Config::new().max_concurrent(0),
            Config::new().max_wait(Duration::from_millis(1)),
            Config::new().backoff(0.5),
            Config::new().max_recovery(Duration::from_millis(1)),
            Config::new().success_threshold(0),
            Config::new().retries(11),
            Config::new().retry_max_backoff(Duration::from_millis(10)),
        ];
        for config in refusals {
            let error = config.validate().unwrap_err();
            let message = format!("invalid breaker settings: {error}");
            assert_eq!(refused(error), message, "{error:?}");
        }
    }

    #[test]
    #[should_panic = "invalid breaker settings: `threshold` must be at least 1"]
    fn a_site_with_settings_the_runtime_refuses_is_not_made() {
        let _ = Site::new("refused", Box::leak(Box::new(Config::new().threshold(0))));
    }

    #[test]
    fn a_site_with_valid_settings_keeps_them() {
        static CONFIG: Config = Config::new().threshold(2).failure_rate(50).window(20);
        assert_eq!(Site::new("kept", &CONFIG).config(), CONFIG);
    }
}
