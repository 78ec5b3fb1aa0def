//! The window a breaker takes its failure and slow-call rates over: the latest calls, or the
//! latest stretch of time.

use std::sync::atomic::Ordering;

use super::count::{Added, CallWindow, Tally};
use super::time::TimeWindow;
use crate::clock;
use crate::config::LiveConfig;
use crate::config::Window;
use crate::observe::Reason;
use crate::sync::fence;

/// The outcomes of the calls admitted while closed, as [`Window`] says which.
#[derive(Debug)]
pub(crate) enum RateWindow {
    /// The latest calls.
    Calls(CallWindow),
    /// The latest stretch of time.
    Time(TimeWindow),
}

impl RateWindow {
    /// The empty window that `window` describes; its memory is all taken now.
    pub(crate) fn new(window: Window) -> RateWindow {
        match window {
            Window::Calls(calls) => RateWindow::Calls(CallWindow::new(calls)),
            Window::Time(duration) => {
                RateWindow::Time(TimeWindow::new(clock::saturating_nanos(duration)))
            }
        }
    }

    /// Records one outcome of a call admitted while closed; the rate that has reached its
    /// limit with it, if one has, under the rules in `config`. `now` gives the clock reading,
    /// and is called only by a time window.
    ///
    /// A rate is worked out only when this outcome may have raised it or made it known: a
    /// failure, the failure rate; a slow call, the slow-call rate; any call that makes the
    /// window grow, or comes first after older calls left a time window, both. Any other
    /// outcome only lowers them, so a healthy breaker's success over a full count window
    /// reads no rate, and the check stays out of line.
    #[inline]
    pub(crate) fn record(
        &self,
        failed: bool,
        slow: bool,
        now: impl FnOnce() -> u64,
        config: &LiveConfig,
    ) -> Option<Reason> {
        match self {
            RateWindow::Calls(window) => {
                let added = window.add(failed, slow);
                if !failed && !slow && added == Added::Replaced {
                    return None;
                }
                self.reached(failed, slow, added, 0, config)
            }
            RateWindow::Time(window) => self.record_in(window, failed, slow, now, config),
        }
    }

    /// [`record`](RateWindow::record) in a time window. Out of line, which costs little beside
    /// the clock reading and the compare-and-swap this window's record takes anyway, and
    /// keeps the count window's healthy path, inlined into every call, as short as it was.
    #[inline(never)]
    fn record_in(
        &self,
        window: &TimeWindow,
        failed: bool,
        slow: bool,
        now: impl FnOnce() -> u64,
        config: &LiveConfig,
    ) -> Option<Reason> {
        let now_nanos = now();
        let added = window.add(failed, slow, now_nanos);
        if !failed && !slow && added == Added::Replaced {
            return None;
        }
        self.reached(failed, slow, added, now_nanos, config)
    }

    /// The rate that has reached its limit after an outcome was recorded as `added` at
    /// `now_nanos` (a time window's reading), if one has.
    #[inline(never)]
    fn reached(
        &self,
        failed: bool,
        slow: bool,
        added: Added,
        now_nanos: u64,
        config: &LiveConfig,
    ) -> Option<Reason> {
        let rates = config.rates();
        let grew = added.may_raise_rates(rates.min_calls);
        let failure_limit = rates.failure_rate.filter(|_| failed || grew);
        let slow_limit = rates.slow_rate.filter(|_| slow || grew);
        if failure_limit.is_none() && slow_limit.is_none() {
            return None;
        }
        // Of two records that end concurrently, at least one reads the other's outcome, so a
        // rate brought to its limit by the two together is seen by one of them: each record
        // changed its counts before this fence, and reads them after it (without it, each
        // could read the counts from before the other's change). Taken only when a rate is
        // checked, never on a healthy breaker's success.
        fence(Ordering::SeqCst);
        let tally = match self {
            RateWindow::Calls(window) => window.tally(),
            RateWindow::Time(window) => window.tally(now_nanos),
        };
        // A rate is worked out only when it is checked.
        let at_limit = |rate: fn(Tally, u32) -> Option<f64>, limit: Option<u8>| {
            limit.is_some_and(|limit| {
                rate(tally, rates.min_calls).is_some_and(|rate| rate >= f64::from(limit))
            })
        };
        if at_limit(Tally::failure_rate, failure_limit) {
            Some(Reason::FailureRate)
        } else if at_limit(Tally::slow_rate, slow_limit) {
            Some(Reason::SlowRate)
        } else {
            None
        }
    }

    /// What the window holds now.
    pub(crate) fn tally(&self) -> Tally {
        match self {
            RateWindow::Calls(window) => window.tally(),
            RateWindow::Time(window) => window.tally(clock::now_nanos()),
        }
    }

    /// Forgets every outcome.
    pub(crate) fn clear(&self) {
        match self {
            RateWindow::Calls(window) => window.clear(),
            RateWindow::Time(window) => window.clear(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::config::Config;

    const SECOND: u64 = 1_000_000_000;
    /// A clock reading well after the origin, at a bucket edge of a 10 s window.
    const START: u64 = 100_000 * SECOND;

    /// Limits of `failure_rate` and 50% slow calls from 4 calls on.
    fn rules(failure_rate: u8) -> Config {
        Config::new()
            .failure_rate(failure_rate)
            .slow_call(Duration::from_secs(1))
            .slow_rate(50)
            .min_calls(4)
    }

    #[test]
    fn the_success_that_makes_the_rate_known_trips_it() {
        let config = rules(50).window(4);
        let (window, live) = (
            RateWindow::new(config.window_value()),
            LiveConfig::new(config),
        );
        for failed in [true, true, false] {
            assert_eq!(window.record(failed, false, || 0, &live), None);
        }
        assert_eq!(
            window.record(false, false, || 0, &live),
            Some(Reason::FailureRate)
        );
    }

    #[test]
    fn over_a_full_count_window_only_a_failure_or_a_slow_call_is_checked() {
        // Filled under a limit of 100%: 3 failures in 4 calls trip nothing.
        let config = rules(100).window(4);
        let (window, live) = (
            RateWindow::new(config.window_value()),
            LiveConfig::new(config),
        );
        for failed in [true, true, true, false] {
            assert_eq!(window.record(failed, false, || 0, &live), None);
        }
        live.store(&rules(50).window(4)).unwrap();
        // A success over a full window can only lower the rate: 50% is at the new limit, but
        // the success that brought it there from 75% is not checked.
        assert_eq!(window.record(false, false, || 0, &live), None);
        assert_eq!(
            window.record(true, false, || 0, &live),
            Some(Reason::FailureRate),
            "a failure is"
        );
        live.store(&rules(100).window(4)).unwrap();
        assert_eq!(window.record(false, true, || 0, &live), None, "1 slow in 4");
        assert_eq!(
            window.record(false, true, || 0, &live),
            Some(Reason::SlowRate),
            "a slow success is"
        );
    }

    #[test]
    fn a_time_window_checks_a_success_only_among_the_first_min_calls_of_its_tenth() {
        let config = rules(100).window_duration(Duration::from_secs(10));
        let (window, live) = (
            RateWindow::new(config.window_value()),
            LiveConfig::new(config),
        );
        for failed in [true, true, true, false] {
            assert_eq!(window.record(failed, false, || START, &live), None);
        }
        live.store(&rules(50).window_duration(Duration::from_secs(10)))
            .unwrap();
        // 3 failures in 5 calls is over the new limit, but a success after `min_calls` calls
        // in its tenth is not checked: it can only have lowered the rate.
        assert_eq!(window.record(false, false, || START, &live), None);
        // The first call of the next tenth is.
        assert_eq!(
            window.record(false, false, || START + SECOND, &live),
            Some(Reason::FailureRate)
        );
    }
}
