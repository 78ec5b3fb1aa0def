//! State transition events, emitted through `tracing` (target `fusebox`).

use std::fmt;

use crate::State;

/// Why a breaker changed state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reason {
    /// Consecutive counted failures reached the threshold.
    FailureThreshold,
    /// The recovery period passed and a probe was admitted.
    RecoveryElapsed,
    /// Enough probes succeeded.
    ProbesSucceeded,
    /// A probe failed.
    ProbeFailed,
}

impl Reason {
    fn as_str(self) -> &'static str {
        match self {
            Reason::FailureThreshold => "failure_threshold",
            Reason::RecoveryElapsed => "recovery_elapsed",
            Reason::ProbesSucceeded => "probes_succeeded",
            Reason::ProbeFailed => "probe_failed",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Emits the one event that describes a transition.
pub(crate) fn transition(name: &str, from: State, to: State, reason: Reason) {
    let (from, to, reason) = (from.as_str(), to.as_str(), reason.as_str());
    if to == State::Open.as_str() {
        tracing::warn!(target: "fusebox", name, from, to, reason, "circuit breaker opened");
    } else {
        tracing::info!(target: "fusebox", name, from, to, reason, "circuit breaker changed state");
    }
}
