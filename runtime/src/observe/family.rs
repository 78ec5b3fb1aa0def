//! A snapshot of a keyed family: its keys, its totals, and its tripped keys; and the same
//! family as one entry of [`Registry::stats`](crate::Registry::stats).
//!
//! The snapshot is here, beside [`Stats`], rather than in `keyed/`, so that a [`Stats`] entry
//! can hold it without the layer of snapshots depending on the layer of families.

use std::time::Duration;

use super::stats::{RetryStats, Stats};
use super::State;

/// A family counts as tripped, for [`Registry::health`](crate::Registry::health), when more
/// than this share of its keys, in percent, are tripped (open, half-open or forced open), as
/// Envoy's `max_ejection_percent` bounds the hosts it ejects: one bad host of many is the
/// family doing its job, not the process failing.
pub const FAMILY_TRIPPED_PERCENT: u32 = 50;

/// A point-in-time snapshot of one keyed family (see
/// [`Registry::families`](crate::Registry::families), and [`Stats::family`] in
/// [`Registry::stats`](crate::Registry::stats)).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FamilyStats {
    /// The family's name.
    pub name: &'static str,
    /// The keys it holds now, each with its breaker.
    pub keys: usize,
    /// The most keys it holds (`max_keys`).
    pub max_keys: u32,
    /// How long a key may go unused before it is dropped (`key_idle`).
    #[cfg_attr(
        feature = "serde",
        serde(rename = "key_idle_ms", serialize_with = "millis")
    )]
    pub key_idle: Duration,
    /// The counts of every call of the family, its forgotten keys included.
    pub totals: Totals,
    /// How many of its keys are tripped (open, half-open or forced open).
    pub tripped: usize,
    /// Up to [`TRIPPED_KEYS_LISTED`](crate::keyed::TRIPPED_KEYS_LISTED) of the tripped keys.
    pub tripped_keys: Vec<TrippedKey>,
    /// Keys forgotten so far: idle for `key_idle`, or the least recently used when a new key
    /// needed the room.
    pub forgotten: u64,
    /// New keys rejected because the family was full of keys it may not forget
    /// ([`BreakerError::FamilyFull`](crate::BreakerError::FamilyFull)).
    pub family_full: u64,
    /// Whether a tripped family can make the process critical (the `critical` setting).
    pub critical: bool,
}

/// One tripped key of a family.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TrippedKey {
    /// The key, as it displays.
    pub key: String,
    /// Its breaker's state.
    pub state: State,
}

impl FamilyStats {
    /// True when more than [`FAMILY_TRIPPED_PERCENT`] of the family's keys are tripped: the
    /// family then counts as one tripped breaker in the process health.
    pub fn is_tripped(&self) -> bool {
        self.tripped > 0
            && (self.tripped as u128) * 100
                > (self.keys as u128) * u128::from(FAMILY_TRIPPED_PERCENT)
    }

    /// The family as one entry of [`Registry::stats`](crate::Registry::stats): its name, its
    /// state as the process health counts it ([`State::Open`] when [`is_tripped`], else
    /// [`State::Closed`]), its totals as the counts (a [`BreakerError::FamilyFull`] refusal
    /// counts as a rejection), and this snapshot as [`Stats::family`]. The fields that
    /// describe one circuit (consecutive failures, rates, the half-open probes, the bulkhead,
    /// the retries) are zero or `None`: each key's breaker has its own.
    ///
    /// [`is_tripped`]: FamilyStats::is_tripped
    /// [`BreakerError::FamilyFull`]: crate::BreakerError::FamilyFull
    pub fn to_stats(&self) -> Stats {
        let totals = &self.totals;
        Stats {
            name: self.name,
            state: if self.is_tripped() {
                State::Open
            } else {
                State::Closed
            },
            state_for: Duration::ZERO,
            critical: self.critical,
            consecutive_failures: 0,
            effective_threshold: 0,
            failure_rate: None,
            slow_rate: None,
            slow: totals.slow,
            half_open_successes: 0,
            half_open_in_flight: 0,
            calls: totals.calls,
            successes: totals.successes,
            failures: totals.failures,
            timeouts: totals.timeouts,
            rejections: totals.rejections.saturating_add(self.family_full),
            cancelled: totals.cancelled,
            ignored: totals.ignored,
            bulkhead_full: totals.bulkhead_full,
            bulkhead_in_use: None,
            max_concurrent: None,
            last_failure_ago: None,
            next_probe_in: None,
            retry: RetryStats::default(),
            family: Some(self.clone()),
        }
    }
}

/// Summed counts of a family's calls, its forgotten keys' included.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
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
    /// Calls whose caller gave up before they finished.
    pub cancelled: u64,
    /// Calls that returned an error `failure_if` does not count.
    pub ignored: u64,
    /// Of the rejections, the calls that found every bulkhead slot of their key taken.
    pub bulkhead_full: u64,
    /// Calls that took at least `slow_call`.
    pub slow: u64,
}

impl Totals {
    /// Adds one breaker's counts.
    pub(crate) fn add(&mut self, stats: &Stats) {
        self.calls += stats.calls;
        self.successes += stats.successes;
        self.failures += stats.failures;
        self.timeouts += stats.timeouts;
        self.rejections += stats.rejections;
        self.cancelled += stats.cancelled;
        self.ignored += stats.ignored;
        self.bulkhead_full += stats.bulkhead_full;
        self.slow += stats.slow;
    }
}

#[cfg(feature = "serde")]
fn millis<S: serde::Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_u128(duration.as_millis())
}
