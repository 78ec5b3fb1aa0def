//! The names and labels [`record`](super::record) writes, and the help text
//! [`describe`](super::describe) gives each.
//!
//! resilience4j's names, as its Micrometer binder shows them in Prometheus, for what the two
//! libraries share, so that the dashboards and alerts written for resilience4j read fusebox's
//! breakers too; `fusebox_` names for what only fusebox counts. Counters end in `_total`.

/// resilience4j: one series per state for each breaker (label [`STATE_LABEL`]), 1 for the
/// state it is in and 0 for the others.
pub const STATE: &str = "resilience4j_circuitbreaker_state";
/// resilience4j: calls by outcome (label [`KIND`]: `successful`, `failed`, `ignored`,
/// `not_permitted`), a counter. resilience4j times these calls (`..._calls_seconds`);
/// fusebox does not time every call, so it gives their counts under the name the
/// resilience4j dashboard's call-rate panel also reads.
pub const CALLS: &str = "resilience4j_circuitbreaker_calls_total";
/// resilience4j: calls rejected without running (label [`KIND`] `not_permitted`), a counter.
pub const NOT_PERMITTED_CALLS: &str = "resilience4j_circuitbreaker_not_permitted_calls_total";
/// resilience4j: the failure rate over the window in percent, or -1 without a window or
/// below `min_calls`.
pub const FAILURE_RATE: &str = "resilience4j_circuitbreaker_failure_rate";
/// resilience4j: the slow-call rate over the window in percent, or -1 without `slow_rate`
/// or below `min_calls`.
pub const SLOW_CALL_RATE: &str = "resilience4j_circuitbreaker_slow_call_rate";
/// resilience4j: the calls the rate window holds now (label [`KIND`]: `successful`,
/// `failed`); only for a breaker with a window.
pub const BUFFERED_CALLS: &str = "resilience4j_circuitbreaker_buffered_calls";
/// resilience4j: how many calls the rate window holds at most; only for a window of calls.
pub const MAX_BUFFERED_CALLS: &str = "resilience4j_circuitbreaker_max_buffered_calls";
/// resilience4j: bulkhead slots free now; only for a breaker with a bulkhead.
pub const BULKHEAD_AVAILABLE: &str = "resilience4j_bulkhead_available_concurrent_calls";
/// resilience4j: the bulkhead's size; only for a breaker with a bulkhead.
pub const BULKHEAD_MAX_ALLOWED: &str = "resilience4j_bulkhead_max_allowed_concurrent_calls";
/// resilience4j's Retry: the calls of a breaker with retries, by how their retries went
/// (label [`KIND`]: `successful_without_retry`, `successful_with_retry`, `failed_with_retry`,
/// `failed_without_retry`), a counter; only for a breaker with `retries`. resilience4j names
/// a Retry instance as fusebox names the breaker its retries go through, so its retry
/// dashboards read these unchanged. `successful_without_retry` counts every success that was
/// a first attempt, through any fn of the breaker.
pub const RETRY_CALLS: &str = "resilience4j_retry_calls_total";

/// fusebox: the failures that were timeouts, a counter.
pub const TIMEOUTS: &str = "fusebox_circuitbreaker_timeouts_total";
/// fusebox: calls whose caller gave up before they finished, a counter.
pub const CANCELLED_CALLS: &str = "fusebox_circuitbreaker_cancelled_calls_total";
/// fusebox: calls that took at least `slow_call`, a counter.
pub const SLOW_CALLS: &str = "fusebox_circuitbreaker_slow_calls_total";
/// fusebox: the rejections that found every bulkhead slot taken, a counter.
pub const BULKHEAD_FULL_CALLS: &str = "fusebox_circuitbreaker_bulkhead_full_calls_total";
/// fusebox: retries that ran (attempts after the first; each is also one of the
/// [`CALLS`]), a counter; only for a breaker with `retries`.
pub const RETRIES: &str = "fusebox_circuitbreaker_retries_total";
/// fusebox: retries that did not run although retries were left (label [`REASON`]: `budget`,
/// the retry budget was spent; `deadline`, the wait would end past `retry_deadline` or the
/// error's hint was past `retry_max_backoff`; `circuit`, the breaker rejected the retry), a
/// counter; only for a breaker with `retries`.
pub const RETRIES_REFUSED: &str = "fusebox_circuitbreaker_retries_refused_total";
/// fusebox: consecutive counted failures while closed.
pub const CONSECUTIVE_FAILURES: &str = "fusebox_circuitbreaker_consecutive_failures";
/// fusebox: the consecutive-failure threshold in force (it moves when `adaptive` is on).
pub const FAILURE_THRESHOLD: &str = "fusebox_circuitbreaker_failure_threshold";
/// fusebox: how long the breaker has been in its state, in seconds.
pub const TIME_IN_STATE: &str = "fusebox_circuitbreaker_time_in_state_seconds";
/// fusebox: the keys a keyed family holds now (its breakers; never more than `max_keys`).
pub const FAMILY_KEYS: &str = "fusebox_circuitbreaker_family_keys";
/// fusebox: the most keys a keyed family holds (`max_keys`).
pub const FAMILY_MAX_KEYS: &str = "fusebox_circuitbreaker_family_max_keys";
/// fusebox: the keys of a keyed family whose circuit is tripped (open, half-open, forced open).
pub const FAMILY_TRIPPED_KEYS: &str = "fusebox_circuitbreaker_family_tripped_keys";
/// fusebox: the keys a keyed family forgot (idle, or the least used when it needed room).
pub const FAMILY_FORGOTTEN_KEYS: &str = "fusebox_circuitbreaker_family_forgotten_keys_total";
/// fusebox: new keys a keyed family refused, full of keys it may not forget.
pub const FAMILY_FULL_CALLS: &str = "fusebox_circuitbreaker_family_full_calls_total";
/// fusebox: the process health, one series per value (label [`STATUS`]: `healthy`,
/// `degraded`, `critical`), 1 for the current one and 0 for the others.
pub const HEALTH: &str = "fusebox_health";

/// The label with the breaker's name, on every metric but [`HEALTH`].
pub const NAME: &str = "name";
/// The label with a call's outcome.
pub const KIND: &str = "kind";
/// The label with a state's name, on [`STATE`]: `closed`, `open`, `half_open`,
/// `forced_open`, `disabled`, `metrics_only` (resilience4j's six states, named alike).
pub const STATE_LABEL: &str = "state";
/// The label with why a retry did not run, on [`RETRIES_REFUSED`].
pub const REASON: &str = "reason";
/// The label with a health's name, on [`HEALTH`].
pub const STATUS: &str = "status";

/// What a metric is, for its description.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Type {
    /// Only goes up (until the process restarts).
    Counter,
    /// Goes up and down.
    Gauge,
}

/// Every metric with its type and help text, in the order `describe` gives them.
pub(super) const ALL: [(&str, Type, &str); 25] = [
    (
        STATE,
        Type::Gauge,
        "The states of the circuit breaker: 1 for the current one",
    ),
    (
        CALLS,
        Type::Counter,
        "Calls by outcome: successful, failed, ignored, not_permitted",
    ),
    (
        NOT_PERMITTED_CALLS,
        Type::Counter,
        "Calls rejected without running",
    ),
    (
        FAILURE_RATE,
        Type::Gauge,
        "The failure rate in percent, -1 when not known",
    ),
    (
        SLOW_CALL_RATE,
        Type::Gauge,
        "The slow-call rate in percent, -1 when not known",
    ),
    (
        BUFFERED_CALLS,
        Type::Gauge,
        "The calls in the rate window, by outcome",
    ),
    (
        MAX_BUFFERED_CALLS,
        Type::Gauge,
        "The most calls the rate window holds",
    ),
    (BULKHEAD_AVAILABLE, Type::Gauge, "Bulkhead slots free now"),
    (BULKHEAD_MAX_ALLOWED, Type::Gauge, "The bulkhead's size"),
    (
        RETRY_CALLS,
        Type::Counter,
        "Calls of a breaker with retries, by how their retries went",
    ),
    (
        TIMEOUTS,
        Type::Counter,
        "Calls that timed out (counted as failures)",
    ),
    (
        CANCELLED_CALLS,
        Type::Counter,
        "Calls whose caller gave up before they finished",
    ),
    (
        SLOW_CALLS,
        Type::Counter,
        "Calls that took at least slow_call",
    ),
    (
        BULKHEAD_FULL_CALLS,
        Type::Counter,
        "Rejections that found every bulkhead slot taken",
    ),
    (
        RETRIES,
        Type::Counter,
        "Retries that ran (attempts after the first)",
    ),
    (
        RETRIES_REFUSED,
        Type::Counter,
        "Retries that did not run, by reason: budget, deadline, circuit",
    ),
    (
        CONSECUTIVE_FAILURES,
        Type::Gauge,
        "Consecutive counted failures while closed",
    ),
    (
        FAILURE_THRESHOLD,
        Type::Gauge,
        "The consecutive-failure threshold in force",
    ),
    (
        TIME_IN_STATE,
        Type::Gauge,
        "Seconds since the breaker entered its state",
    ),
    (
        FAMILY_KEYS,
        Type::Gauge,
        "The keys a keyed family holds, each with its breaker",
    ),
    (
        FAMILY_MAX_KEYS,
        Type::Gauge,
        "The most keys a keyed family holds (max_keys)",
    ),
    (
        FAMILY_TRIPPED_KEYS,
        Type::Gauge,
        "The keys of a keyed family whose circuit is open, half-open or forced open",
    ),
    (
        FAMILY_FORGOTTEN_KEYS,
        Type::Counter,
        "Keys a keyed family forgot: idle, or the least used when it needed room",
    ),
    (
        FAMILY_FULL_CALLS,
        Type::Counter,
        "New keys a keyed family refused, full of keys it may not forget",
    ),
    (
        HEALTH,
        Type::Gauge,
        "The process health from every breaker: 1 for the current one",
    ),
];
