//! Writing one snapshot into the recorder: a breaker's [`Stats`] and window, and the
//! [`Health`] of all of them. Only sets values; reading them is `mod.rs`'s job.

use ::metrics::{counter, gauge};

use super::names::{
    BUFFERED_CALLS, BULKHEAD_AVAILABLE, BULKHEAD_FULL_CALLS, BULKHEAD_MAX_ALLOWED, CALLS,
    CANCELLED_CALLS, CONSECUTIVE_FAILURES, FAILURE_RATE, FAILURE_THRESHOLD, FAMILY_FORGOTTEN_KEYS,
    FAMILY_FULL_CALLS, FAMILY_KEYS, FAMILY_MAX_KEYS, FAMILY_TRIPPED_KEYS, HEALTH, KIND,
    MAX_BUFFERED_CALLS, NAME, NOT_PERMITTED_CALLS, REASON, RETRIES, RETRIES_REFUSED, RETRY_CALLS,
    SLOW_CALLS, SLOW_CALL_RATE, STATE, STATE_LABEL, STATUS, TIMEOUTS, TIME_IN_STATE,
};
use crate::keyed::FamilyStats;
use crate::observe::{Health, State, Stats};

/// Every state, each one a series of [`STATE`].
const STATES: [State; 6] = [
    State::Closed,
    State::Open,
    State::HalfOpen,
    State::ForcedOpen,
    State::Disabled,
    State::MetricsOnly,
];

/// What a breaker's rate window holds, beside its stats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct WindowFill {
    /// The calls in the window now, successful and failed; `None` without a window.
    pub(super) buffered: Option<(u32, u32)>,
    /// The most calls the window holds: `None` without a window, or for a time window.
    pub(super) max: Option<u32>,
}

/// Sets every metric of one breaker from its snapshot.
pub(super) fn breaker(stats: &Stats, window: WindowFill) {
    let name = [(NAME, stats.name)];
    let with_kind = |kind: &'static str| [(NAME, stats.name), (KIND, kind)];

    for state in STATES {
        let labels = [(NAME, stats.name), (STATE_LABEL, state.as_str())];
        gauge!(STATE, &labels).set(flag(stats.state == state));
    }

    for (kind, calls) in [
        ("successful", stats.successes),
        ("failed", stats.failures),
        ("ignored", stats.ignored),
        ("not_permitted", stats.rejections),
    ] {
        counter!(CALLS, &with_kind(kind)).absolute(calls);
    }
    counter!(NOT_PERMITTED_CALLS, &with_kind("not_permitted")).absolute(stats.rejections);
    gauge!(FAILURE_RATE, &name).set(stats.failure_rate.unwrap_or(-1.0));
    gauge!(SLOW_CALL_RATE, &name).set(stats.slow_rate.unwrap_or(-1.0));

    if let Some((successful, failed)) = window.buffered {
        gauge!(BUFFERED_CALLS, &with_kind("successful")).set(successful);
        gauge!(BUFFERED_CALLS, &with_kind("failed")).set(failed);
    }
    if let Some(max) = window.max {
        gauge!(MAX_BUFFERED_CALLS, &name).set(max);
    }
    if let (Some(in_use), Some(size)) = (stats.bulkhead_in_use, stats.max_concurrent) {
        gauge!(BULKHEAD_AVAILABLE, &name).set(size.saturating_sub(in_use));
        gauge!(BULKHEAD_MAX_ALLOWED, &name).set(size);
    }

    for (metric, count) in [
        (TIMEOUTS, stats.timeouts),
        (CANCELLED_CALLS, stats.cancelled),
        (SLOW_CALLS, stats.slow),
        (BULKHEAD_FULL_CALLS, stats.bulkhead_full),
    ] {
        counter!(metric, &name).absolute(count);
    }
    gauge!(CONSECUTIVE_FAILURES, &name).set(float(stats.consecutive_failures));
    gauge!(FAILURE_THRESHOLD, &name).set(stats.effective_threshold);
    gauge!(TIME_IN_STATE, &name).set(stats.state_for);
}

/// Sets the retry metrics of one breaker with retries from its snapshot.
pub(super) fn retries(stats: &Stats) {
    let retry = &stats.retry;
    for (kind, calls) in [
        (
            "successful_without_retry",
            stats.successes.saturating_sub(retry.recovered),
        ),
        ("successful_with_retry", retry.recovered),
        ("failed_with_retry", retry.exhausted),
        ("failed_without_retry", retry.not_retried),
    ] {
        counter!(RETRY_CALLS, &[(NAME, stats.name), (KIND, kind)]).absolute(calls);
    }
    counter!(RETRIES, &[(NAME, stats.name)]).absolute(retry.retries);
    for (reason, refused) in [
        ("budget", retry.refused_by_budget),
        ("deadline", retry.refused_by_deadline),
        ("circuit", retry.refused_by_circuit),
    ] {
        counter!(RETRIES_REFUSED, &[(NAME, stats.name), (REASON, reason)]).absolute(refused);
    }
}

/// Sets the metrics of one keyed family from its snapshot: its calls summed over its keys
/// under the breakers' names, and its keys. No series has a key for a label, so a family adds
/// the same few series however many keys pass through it.
pub(super) fn family(stats: &FamilyStats) {
    let name = [(NAME, stats.name)];
    let with_kind = |kind: &'static str| [(NAME, stats.name), (KIND, kind)];
    let totals = &stats.totals;
    let not_permitted = totals.rejections + stats.family_full;
    for (kind, calls) in [
        ("successful", totals.successes),
        ("failed", totals.failures),
        ("not_permitted", not_permitted),
    ] {
        counter!(CALLS, &with_kind(kind)).absolute(calls);
    }
    counter!(NOT_PERMITTED_CALLS, &with_kind("not_permitted")).absolute(not_permitted);
    counter!(TIMEOUTS, &name).absolute(totals.timeouts);
    counter!(FAMILY_FORGOTTEN_KEYS, &name).absolute(stats.forgotten);
    counter!(FAMILY_FULL_CALLS, &name).absolute(stats.family_full);
    gauge!(FAMILY_KEYS, &name).set(float(stats.keys as u64));
    gauge!(FAMILY_MAX_KEYS, &name).set(stats.max_keys);
    gauge!(FAMILY_TRIPPED_KEYS, &name).set(float(stats.tripped as u64));
}

/// Sets [`HEALTH`]: 1 for `health`, 0 for the other two.
pub(super) fn health(health: Health) {
    for (status, value) in [
        ("healthy", Health::Healthy),
        ("degraded", Health::Degraded),
        ("critical", Health::Critical),
    ] {
        gauge!(HEALTH, &[(STATUS, status)]).set(flag(health == value));
    }
}

/// 1 for true, 0 for false: the value of one series of a state.
fn flag(on: bool) -> f64 {
    f64::from(u8::from(on))
}

/// A count as a gauge's value, exact up to 2^53.
#[allow(
    clippy::cast_precision_loss,
    reason = "a count of consecutive failures stays far below 2^53"
)]
fn float(count: u64) -> f64 {
    count as f64
}
