//! The pieces an MCP server built on [`rmcp`](::rmcp) needs to serve its breakers (feature
//! `rmcp`):
//!
//! - [`resource`]: the resource `circuit-breaker://stats`, every breaker's stats and the
//!   health as JSON, for `resources/list` ([`stats_resource`]) and `resources/read`
//!   ([`read_stats`]).
//! - [`rejection`]: a [`BreakerError`](crate::BreakerError) returned by a tool becomes a tool
//!   result with `isError: true`, the message, and in `_meta` what a program needs to stop
//!   retrying an open circuit: `retryable`, `retry_after_ms`, the breaker and its state.
//! - [`subscribe`]: [`StatsSubscription`] answers `resources/subscribe` on the stats: the
//!   client is told `notifications/resources/updated` when a breaker changes state,
//!   debounced.
//! - [`cancel`]: [`call_tool`] runs a tool call until the client cancels it, then drops it.
//!
//! Nothing else in fusebox uses this module.

pub mod cancel;
pub mod rejection;
pub mod resource;
pub mod subscribe;

pub use cancel::{call_tool, cancelled_error, REQUEST_CANCELLED};
pub use rejection::{rejection_meta, rejection_result, REJECTION_META_KEY};
pub use resource::{read_only_stats, read_stats, stats_resource, Snapshot, STATS_URI};
pub use subscribe::{StatsSubscription, DEFAULT_DEBOUNCE};
