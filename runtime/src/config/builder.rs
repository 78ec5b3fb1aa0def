//! The [`Config`] builder: a breaker's settings, their defaults and one method per setting,
//! named after it (the attribute's expansion calls them).

use std::time::Duration;

use fusebox_settings::limits;

/// The settings of one circuit breaker.
///
/// Built with one method per setting, or by [`Setting`](crate::Setting) with
/// [`set`](Config::set), and checked by [`validate`](Config::validate), which checks each
/// setting against the range its declaration gives. Each setting reads back with a getter
/// named after it with `_value` (the plain name sets it), or with [`get`](Config::get), as
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
    pub(super) threshold: u32,
    pub(super) recovery: Duration,
    pub(super) success_threshold: u32,
    pub(super) backoff: f64,
    pub(super) max_recovery: Option<Duration>,
    pub(super) max_half_open_wait: Option<Duration>,
    pub(super) max_concurrent: Option<u32>,
    pub(super) max_wait: Duration,
    pub(super) failure_rate: Option<u8>,
    pub(super) window: Window,
    pub(super) min_calls: Option<u32>,
    pub(super) critical: bool,
    pub(super) adaptive: bool,
    pub(super) slow_call: Option<Duration>,
    pub(super) slow_rate: Option<u8>,
    pub(super) retries: u32,
    pub(super) retry_backoff: Duration,
    pub(super) retry_max_backoff: Option<Duration>,
    pub(super) retry_deadline: Option<Duration>,
    pub(super) retry_budget: u8,
    pub(super) max_keys: u32,
    pub(super) key_idle: Duration,
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
    /// Default shortest wait before a retry.
    pub const DEFAULT_RETRY_BACKOFF: Duration =
        Duration::from_millis(limits::DEFAULT_RETRY_BACKOFF_MILLIS);
    /// Default share of the breaker's recent calls its retries may add, in percent.
    pub const DEFAULT_RETRY_BUDGET: u8 = limits::DEFAULT_RETRY_BUDGET;
    /// Default bound on the breakers of a keyed family.
    pub const DEFAULT_MAX_KEYS: u32 = limits::DEFAULT_MAX_KEYS;
    /// Default time a key of a keyed family may go unused before it is dropped.
    pub const DEFAULT_KEY_IDLE: Duration = Duration::from_millis(limits::DEFAULT_KEY_IDLE_MILLIS);

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
            retries: 0,
            retry_backoff: Config::DEFAULT_RETRY_BACKOFF,
            retry_max_backoff: None,
            retry_deadline: None,
            retry_budget: Config::DEFAULT_RETRY_BUDGET,
            max_keys: Config::DEFAULT_MAX_KEYS,
            key_idle: Config::DEFAULT_KEY_IDLE,
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

    /// Tries a failed call again up to `retries` times (0 to 10; default 0). Each attempt is
    /// a call of the breaker: admitted, timed out, counted, able to open it. A rejection is
    /// not retried, nor an error `failure_if` does not count. The attribute retries only a fn
    /// declared with `retries`; the attribute's `retries` or an override sets how many times.
    /// Through a handle: [`Breaker::call_with_retries`](crate::Breaker::call_with_retries).
    #[must_use]
    pub const fn retries(mut self, retries: u32) -> Config {
        self.retries = retries;
        self
    }

    /// The shortest wait before a retry (at least 1ms; default 100ms): retry `n` waits a
    /// uniform draw between it and `retry_backoff * 2^n`, capped by
    /// [`retry_max_backoff`](Config::retry_max_backoff).
    #[must_use]
    pub const fn retry_backoff(mut self, shortest: Duration) -> Config {
        self.retry_backoff = shortest;
        self
    }

    /// The longest wait before a retry (at least `retry_backoff`; default: no cap).
    #[must_use]
    pub const fn retry_max_backoff(mut self, longest: Duration) -> Config {
        self.retry_max_backoff = Some(longest);
        self
    }

    /// How long the attempts of one call and the waits between them may take together: no
    /// retry starts whose wait would end past it, and an attempt the attribute runs is cut
    /// there, as a timeout (default: none).
    #[must_use]
    pub const fn retry_deadline(mut self, deadline: Duration) -> Config {
        self.retry_deadline = Some(deadline);
        self
    }

    /// The share of the breaker's calls of the last 10 s that its retries may add, in percent
    /// (1 to 100; default 20), beside a floor of 10 retries in those 10 s.
    #[must_use]
    pub const fn retry_budget(mut self, percent: u8) -> Config {
        self.retry_budget = percent;
        self
    }

    /// The breakers a keyed family holds at most (1 to 1048576; default 1024). Read only by
    /// a keyed family (see [`Registry::keyed`](crate::Registry::keyed)).
    #[must_use]
    pub const fn max_keys(mut self, keys: u32) -> Config {
        self.max_keys = keys;
        self
    }

    /// How long a key of a keyed family may go unused before its breaker is dropped (at
    /// least 1 ms; default 5 minutes). Read only by a keyed family.
    #[must_use]
    pub const fn key_idle(mut self, idle: Duration) -> Config {
        self.key_idle = idle;
        self
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
