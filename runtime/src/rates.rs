//! The window a breaker takes its failure and slow-call rates over: the latest calls, or the
//! latest stretch of time.

use crate::clock;
use crate::config::Window;
use crate::event::Reason;
use crate::live::Rates;
use crate::time_window::TimeWindow;
use crate::window::{Added, CallWindow, Tally};

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
    /// limit with it, if one has. `now` gives the clock reading, and is called only by a time
    /// window; `rates` gives the rules in force, and is called only when a rate is checked.
    ///
    /// A rate is worked out only when this outcome may have raised it or made it known: a
    /// failure, the failure rate; a slow call, the slow-call rate; any call that makes the
    /// window grow, or comes first after older calls left a time window, both. Any other
    /// outcome only lowers them, so a healthy breaker's success reads no rate.
    #[inline]
    pub(crate) fn record(
        &self,
        failed: bool,
        slow: bool,
        now: impl FnOnce() -> u64,
        rates: impl FnOnce() -> Rates,
    ) -> Option<Reason> {
        match self {
            RateWindow::Calls(window) => {
                let added = window.add(failed, slow);
                reached(failed, slow, added, rates, || window.tally())
            }
            RateWindow::Time(window) => {
                let now = now();
                let added = window.add(failed, slow, now);
                reached(failed, slow, added, rates, || window.tally(now))
            }
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

/// The rate that has reached its limit after an outcome was recorded as `added`, if one has;
/// `tally` reads the window, only if a rate is checked.
#[inline]
fn reached(
    failed: bool,
    slow: bool,
    added: Added,
    rates: impl FnOnce() -> Rates,
    tally: impl FnOnce() -> Tally,
) -> Option<Reason> {
    if !failed && !slow && added == Added::Replaced {
        return None;
    }
    let rates = rates();
    let grew = added.may_raise_rates(rates.min_calls);
    let failure_limit = rates.failure_rate.filter(|_| failed || grew);
    let slow_limit = rates.slow_rate.filter(|_| slow || grew);
    if failure_limit.is_none() && slow_limit.is_none() {
        return None;
    }
    let tally = tally();
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

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: Rates = Rates {
        failure_rate: Some(50),
        slow_rate: Some(50),
        min_calls: 4,
    };

    fn never() -> Rates {
        panic!("the rates were read")
    }

    #[test]
    fn the_success_that_makes_the_rate_known_trips_it_and_later_ones_read_no_rate() {
        let window = RateWindow::new(Window::Calls(4));
        for failed in [true, true, false] {
            assert_eq!(window.record(failed, false, || 0, || RULES), None);
        }
        assert_eq!(
            window.record(false, false, || 0, || RULES),
            Some(Reason::FailureRate)
        );
        // Full now: a success that is not slow can only lower a rate.
        assert_eq!(window.record(false, false, || 0, never), None);
        assert_eq!(
            window.record(false, true, || 0, || RULES),
            None,
            "1 slow call in 4"
        );
        assert_eq!(
            window.record(false, true, || 0, || RULES),
            Some(Reason::SlowRate)
        );
    }

    #[test]
    fn a_time_window_checks_a_success_only_among_the_first_min_calls_of_its_tenth() {
        const SECOND: u64 = 1_000_000_000;
        let start = 100_000 * SECOND;
        let window = RateWindow::new(Window::Time(std::time::Duration::from_secs(10)));
        // Recorded with no failure-rate limit: nothing trips while the window fills.
        let unlimited = Rates {
            failure_rate: None,
            ..RULES
        };
        for failed in [true, true, true, false] {
            assert_eq!(window.record(failed, false, || start, || unlimited), None);
        }
        // 3 failures in 5 calls is over the limit, but a success after `min_calls` calls in
        // its tenth is not checked: it can only have lowered the rate.
        assert_eq!(window.record(false, false, || start, || RULES), None);
        // The first call of the next tenth is.
        let next = start + SECOND;
        assert_eq!(
            window.record(false, false, || next, || RULES),
            Some(Reason::FailureRate)
        );
    }
}
