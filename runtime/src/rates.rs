//! The window a breaker takes its failure and slow-call rates over: the latest calls, or the
//! latest stretch of time.

use crate::clock;
use crate::config::Window;
use crate::time_window::TimeWindow;
use crate::window::{CallWindow, Tally};

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

    /// Records one outcome; what the window holds then. `now` gives the clock reading, and is
    /// called only by a time window.
    #[inline]
    pub(crate) fn record(&self, failed: bool, slow: bool, now: impl FnOnce() -> u64) -> Tally {
        match self {
            RateWindow::Calls(window) => window.record(failed, slow),
            RateWindow::Time(window) => window.record(failed, slow, now()),
        }
    }

    /// Records one outcome, without reading what the window holds.
    #[inline]
    pub(crate) fn add(&self, failed: bool, slow: bool, now: impl FnOnce() -> u64) {
        match self {
            RateWindow::Calls(window) => window.add(failed, slow),
            RateWindow::Time(window) => window.add(failed, slow, now()),
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
