//! What a breaker's retries did: counted per breaker, in its [`Book`](super::book::Book), read with
//! [`Breaker::retry_stats`](crate::Breaker::retry_stats).

/// A breaker's retries, counted since it registered. The attempts themselves are the
/// breaker's calls: each retry is one more call in [`Stats`](crate::Stats).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct RetryStats {
    /// Retries that ran: attempts after the first.
    pub retries: u64,
    /// Retries the budget refused (the fallback answered instead).
    pub refused_by_budget: u64,
    /// Calls that succeeded on a retry.
    pub recovered: u64,
    /// Calls whose retries all failed, or that ran out of time or attempts (the fallback
    /// answered).
    pub exhausted: u64,
}
