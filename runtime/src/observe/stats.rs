//! Snapshots of a breaker's state and counters, and the health they add up to.

use std::time::Duration;

#[cfg(feature = "serde")]
use serde::Serializer;

use super::{FamilyStats, State};

/// A point-in-time snapshot of one breaker. Serializes (feature `serde`, on by default) to
/// JSON with durations in milliseconds (`last_failure_ms_ago`, `next_probe_in_ms`).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Stats {
    /// The breaker's name.
    pub name: &'static str,
    /// The state at the time of the snapshot.
    pub state: State,
    /// How long the breaker has been in this state.
    #[cfg_attr(
        feature = "serde",
        serde(rename = "state_for_ms", serialize_with = "millis")
    )]
    pub state_for: Duration,
    /// Whether this breaker being tripped can make the process critical.
    pub critical: bool,
    /// Consecutive counted failures while closed.
    pub consecutive_failures: u64,
    /// The consecutive-failure threshold in force (it moves when `adaptive` is on).
    pub effective_threshold: u32,
    /// The failure rate over the window, in percent: `None` (JSON `null`) without a window,
    /// or while the window holds fewer than `min_calls` calls.
    pub failure_rate: Option<f64>,
    /// The slow-call rate over the window, in percent: `None` without `slow_rate`, or below
    /// `min_calls`.
    pub slow_rate: Option<f64>,
    /// Calls that took at least `slow_call` (whether they succeeded or not).
    pub slow: u64,
    /// Probe successes so far while half-open.
    pub half_open_successes: u32,
    /// Probes running while half-open.
    pub half_open_in_flight: u32,
    /// Calls admitted: successes, failures, ignored errors and cancelled calls.
    pub calls: u64,
    /// Calls that succeeded.
    pub successes: u64,
    /// Calls that counted as failures (errors, timeouts and panics).
    pub failures: u64,
    /// Of the failures, the calls that timed out.
    pub timeouts: u64,
    /// Calls rejected without running (open, or half-open with every probe slot taken).
    pub rejections: u64,
    /// Calls whose caller gave up before they finished.
    pub cancelled: u64,
    /// Calls that returned an error `failure_if` does not count.
    pub ignored: u64,
    /// Of the rejections, the calls that found every bulkhead slot taken.
    pub bulkhead_full: u64,
    /// Bulkhead slots taken now, which are the calls running now (admitted and not yet
    /// finished), for a breaker with a bulkhead; `None` (JSON `null`) without one.
    ///
    /// Every running call of a breaker with a bulkhead holds one of its slots, so the count
    /// comes from the bulkhead's own semaphore, which that policy already updates on every
    /// call. Without a bulkhead, knowing it would take a second count on every call (one when
    /// it is admitted, besides the one that counts its outcome) on the closed-state success
    /// path, which is kept to one load of the state word and one count; so it is not counted. A
    /// breaker that needs the figure can have a bulkhead too large ever to fill
    /// (`max_concurrent = 4294967295`), which pays that cost only for that breaker.
    pub bulkhead_in_use: Option<u32>,
    /// The bulkhead's size, if the breaker has one.
    pub max_concurrent: Option<u32>,
    /// How long ago the last counted failure happened.
    #[cfg_attr(
        feature = "serde",
        serde(rename = "last_failure_ms_ago", serialize_with = "as_millis")
    )]
    pub last_failure_ago: Option<Duration>,
    /// While open, how long until a probe will be allowed.
    #[cfg_attr(
        feature = "serde",
        serde(rename = "next_probe_in_ms", serialize_with = "as_millis")
    )]
    pub next_probe_in: Option<Duration>,
    /// What the retries of the breaker's calls did (all zero for a breaker none of whose
    /// calls retries). The attempts are the calls above: each retry is one more call, so
    /// `calls - retry.retries` of them were first attempts.
    pub retry: RetryStats,
    /// For a keyed family's entry, the family's own snapshot (its keys, its tripped keys,
    /// what it forgot): see [`FamilyStats::to_stats`]. `None` for a breaker of its own, and
    /// then left out of the JSON.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub family: Option<FamilyStats>,
}

/// What a breaker's retries did, counted since it registered (or was last reset): JSON
/// `"retry": {"retries": 1, "refused_by_budget": 0, ...}` in [`Stats`].
///
/// Each call of a fn with `retries` (or of [`Breaker::call_with_retries`]) whose first
/// attempt failed ends as one of `recovered`, `exhausted` or `not_retried`; a call that
/// succeeds at once counts in none of them, and neither does one whose caller gives up while
/// it waits.
///
/// [`Breaker::call_with_retries`]: crate::Breaker::call_with_retries
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct RetryStats {
    /// Retries that ran: attempts after the first.
    pub retries: u64,
    /// Retries the budget refused (the fallback answered instead).
    pub refused_by_budget: u64,
    /// Retries not begun because their wait would have ended past `retry_deadline`, or
    /// because the error's [`RetryAfter`](crate::RetryAfter) hint was longer than
    /// `retry_max_backoff`.
    pub refused_by_deadline: u64,
    /// Retries the breaker rejected: the circuit opened (or the bulkhead filled) during the
    /// wait.
    pub refused_by_circuit: u64,
    /// Calls that succeeded on a retry (resilience4j's `successful_with_retry`).
    pub recovered: u64,
    /// Calls that retried and still failed: their retries all failed, or were refused
    /// (resilience4j's `failed_with_retry`).
    pub exhausted: u64,
    /// Calls whose first attempt failed and that did not retry: an error `retry_if` refuses,
    /// a rejection, no retry left, or a first retry refused (resilience4j's
    /// `failed_without_retry`).
    pub not_retried: u64,
}

#[cfg(feature = "serde")]
fn millis<S: Serializer>(value: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_u128(value.as_millis())
}

// serde's `serialize_with` hands the field by reference.
#[cfg(feature = "serde")]
#[allow(clippy::ref_option)]
fn as_millis<S: Serializer>(value: &Option<Duration>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(duration) => serializer.serialize_some(&duration.as_millis()),
        None => serializer.serialize_none(),
    }
}

/// How the process stands, from the states of all its breakers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Health {
    /// No breaker is tripped (open, half-open or forced open).
    Healthy,
    /// Some breakers are tripped, but not more than half of the critical ones.
    Degraded,
    /// More than half of the critical breakers are tripped.
    Critical,
}

impl Health {
    /// The health of a set of breakers, each a state and whether it is critical: `Healthy`
    /// when none is tripped (open, half-open or forced open: [`State::is_tripped`]),
    /// `Critical` when more than half of the critical ones are, `Degraded` otherwise.
    pub fn from_breakers(breakers: impl IntoIterator<Item = (State, bool)>) -> Health {
        let (mut tripped, mut critical, mut critical_tripped) = (0_usize, 0_usize, 0_usize);
        for (state, is_critical) in breakers {
            tripped += usize::from(state.is_tripped());
            critical += usize::from(is_critical);
            critical_tripped += usize::from(is_critical && state.is_tripped());
        }
        if tripped == 0 {
            Health::Healthy
        } else if critical_tripped * 2 > critical {
            Health::Critical
        } else {
            Health::Degraded
        }
    }

    /// The health of the breakers and keyed families `stats` shows (each family's entry is
    /// tripped as [`Registry::health`](crate::Registry::health) counts it): for a reader that
    /// already holds [`Registry::stats`](crate::Registry::stats), so that the health it shows
    /// agrees with those stats and nothing is read twice.
    pub fn from_stats(stats: &[Stats]) -> Health {
        Health::from_breakers(stats.iter().map(|stats| (stats.state, stats.critical)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use State::{Closed, HalfOpen, Open};

    /// The health of breakers in these states, every one critical.
    fn from_states<const N: usize>(states: [State; N]) -> Health {
        Health::from_breakers(states.map(|state| (state, true)))
    }

    #[test]
    fn health_follows_the_share_of_tripped_breakers() {
        assert_eq!(from_states([]), Health::Healthy);
        assert_eq!(from_states([Closed, Closed]), Health::Healthy);
        assert_eq!(from_states([Open, Closed]), Health::Degraded);
        assert_eq!(from_states([HalfOpen, Closed, Closed]), Health::Degraded);
        assert_eq!(from_states([Open, HalfOpen, Closed]), Health::Critical);
    }
}
