//! The defaults and limits of a breaker's settings: the runtime's `Config` takes them as its
//! own, and the attribute checks its arguments against them at compile time.

/// Consecutive failures that open the circuit, by default.
pub const DEFAULT_THRESHOLD: u32 = 5;
/// How long the circuit stays open before probing, by default, in milliseconds.
pub const DEFAULT_RECOVERY_MILLIS: u64 = 60_000;
/// Half-open successes that close the circuit, by default.
pub const DEFAULT_SUCCESS_THRESHOLD: u32 = 3;
/// The largest `success_threshold` (the runtime's state word checks that its half-open count
/// holds it).
pub const MAX_SUCCESS_THRESHOLD: u32 = 1 << 16;
/// The breakers a keyed family holds at most, by default: a server's upstreams, hosts or
/// tenants, with room to spare, at about 1.3 KB each.
pub const DEFAULT_MAX_KEYS: u32 = 1024;
/// The largest `max_keys`.
pub const MAX_MAX_KEYS: u32 = 1 << 20;
/// How long a key of a keyed family may go unused before its breaker is dropped, by
/// default, in milliseconds (five minutes).
pub const DEFAULT_KEY_IDLE_MILLIS: u64 = 5 * 60 * 1000;
/// The calls a count window holds, by default.
pub const DEFAULT_WINDOW: u32 = 100;
/// The largest count window, in calls; also the largest `min_calls`.
pub const MAX_WINDOW: u32 = 100_000;
/// The shortest time window, in milliseconds.
pub const MIN_WINDOW_MILLIS: u64 = 100;
/// The longest time window, in milliseconds (24 hours).
pub const MAX_WINDOW_MILLIS: u64 = 24 * 60 * 60 * 1000;
/// The calls a time window must hold before its rates count, by default.
pub const DEFAULT_MIN_CALLS: u32 = 100;
/// The shortest wait before a retry, by default, in milliseconds.
pub const DEFAULT_RETRY_BACKOFF_MILLIS: u64 = 100;
/// The share of a breaker's recent calls its retries may add, by default, in percent.
pub const DEFAULT_RETRY_BUDGET: u8 = 20;
/// The stretch of time a retry budget counts calls and retries over, in seconds.
pub const RETRY_BUDGET_SECONDS: u64 = 10;
/// The retries a budget allows in its stretch of time whatever the calls (one a second).
pub const RETRY_BUDGET_FLOOR: u64 = RETRY_BUDGET_SECONDS;
