//! The three states of a circuit breaker.

use std::fmt;

use serde::Serialize;

/// Where a circuit breaker stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Calls run; consecutive counted failures are tallied.
    Closed,
    /// Calls are rejected at once until the recovery period has passed.
    Open,
    /// A limited number of probe calls run; enough successes close the circuit, a failure
    /// opens it again.
    HalfOpen,
}

impl State {
    /// The state's name as it appears in events and stats: `closed`, `open` or `half_open`.
    pub const fn as_str(self) -> &'static str {
        match self {
            State::Closed => "closed",
            State::Open => "open",
            State::HalfOpen => "half_open",
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
