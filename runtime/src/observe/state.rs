//! The three states of a circuit breaker.

use std::fmt;

/// Where a circuit breaker stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum State {
    /// Calls run; consecutive counted failures are tallied.
    Closed,
    /// Calls are rejected at once until the recovery period has passed.
    Open,
    /// A limited number of probe calls run; enough successes close the circuit, a failure
    /// opens it again.
    HalfOpen,
    /// Set by hand ([`Breaker::force_open`](crate::Breaker::force_open)): every call is
    /// rejected until the breaker is closed or reset by hand.
    ForcedOpen,
    /// Set by hand ([`Breaker::disable`](crate::Breaker::disable)): every call runs and
    /// nothing is recorded.
    Disabled,
    /// Set by hand ([`Breaker::metrics_only`](crate::Breaker::metrics_only)): every call runs
    /// and is counted in the stats, but the circuit never opens.
    MetricsOnly,
}

impl State {
    /// The state's name as it appears in events and stats: `closed`, `open` or `half_open`.
    pub const fn as_str(self) -> &'static str {
        match self {
            State::Closed => "closed",
            State::Open => "open",
            State::HalfOpen => "half_open",
            State::ForcedOpen => "forced_open",
            State::Disabled => "disabled",
            State::MetricsOnly => "metrics_only",
        }
    }

    /// True when calls are rejected or limited: open, half-open or forced open.
    pub const fn is_tripped(self) -> bool {
        matches!(self, State::Open | State::HalfOpen | State::ForcedOpen)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
