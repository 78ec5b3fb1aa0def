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
