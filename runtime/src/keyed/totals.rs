//! The counts a family keeps of its forgotten keys, so that its totals survive them.

use crate::observe::Stats;

/// Summed counts of a family's calls.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Totals {
    /// Calls admitted: successes, failures, ignored errors and cancelled calls.
    pub calls: u64,
    /// Calls that succeeded.
    pub successes: u64,
    /// Calls that counted as failures (errors, timeouts and panics).
    pub failures: u64,
    /// Of the failures, the calls that timed out.
    pub timeouts: u64,
    /// Calls rejected without running by a key's circuit (not counting `family_full`).
    pub rejections: u64,
}

impl Totals {
    /// Adds one breaker's counts.
    pub(super) fn add(&mut self, stats: &Stats) {
        self.calls += stats.calls;
        self.successes += stats.successes;
        self.failures += stats.failures;
        self.timeouts += stats.timeouts;
        self.rejections += stats.rejections;
    }
}
