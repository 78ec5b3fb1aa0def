//! State transitions: each one emits exactly one `tracing` event (target `fusebox`) and is
//! published to every subscriber of [`Registry::subscribe`](crate::Registry::subscribe).

use std::fmt;
use std::sync::{Arc, OnceLock};

use tokio::sync::broadcast;

use super::State;

/// How many events a subscriber may fall behind before it misses some (it is told how many).
const BUFFERED_EVENTS: usize = 1024;

/// Why a breaker changed state.
///
/// A change by hand through a breaker's handle gives `Manual`, except
/// [`reset`](crate::Breaker::reset), which gives `Reset`. A change by hand to the state the
/// breaker is in already is no transition and emits no event.
///
/// ```
/// use fusebox::{registry, Config, Reason};
///
/// let breaker = registry().register("reason_by_hand", Config::new());
/// let mut events = registry().subscribe();
/// breaker.force_open();
/// breaker.reset();
/// breaker.reset(); // already closed: counts cleared, no event
/// let reasons: Vec<Reason> = std::iter::from_fn(|| events.try_recv().ok())
///     .map(|event| event.reason)
///     .collect();
/// assert_eq!(reasons, [Reason::Manual, Reason::Reset]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Reason {
    /// Consecutive counted failures reached the threshold.
    FailureThreshold,
    /// The failure rate over the window reached its limit.
    FailureRate,
    /// The slow-call rate over the window reached its limit.
    SlowRate,
    /// The recovery period passed and a probe was admitted.
    RecoveryElapsed,
    /// Enough probes succeeded.
    ProbesSucceeded,
    /// A probe failed.
    ProbeFailed,
    /// Every probe slot stayed taken for longer than `max_half_open_wait`.
    HalfOpenTimeout,
    /// Set by hand through the breaker's handle: `force_open`, `force_closed`, `disable` or
    /// `metrics_only`.
    Manual,
    /// Reset by hand with `reset`: circuit closed, every count cleared.
    Reset,
}

impl Reason {
    /// The reason as it appears in events: `failure_threshold`, `recovery_elapsed`, ...
    pub const fn as_str(self) -> &'static str {
        match self {
            Reason::FailureThreshold => "failure_threshold",
            Reason::FailureRate => "failure_rate",
            Reason::SlowRate => "slow_rate",
            Reason::RecoveryElapsed => "recovery_elapsed",
            Reason::ProbesSucceeded => "probes_succeeded",
            Reason::ProbeFailed => "probe_failed",
            Reason::HalfOpenTimeout => "half_open_timeout",
            Reason::Manual => "manual",
            Reason::Reset => "reset",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One state transition of one breaker.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Event {
    /// The breaker's name: for a breaker of a keyed family, the family's name.
    pub name: &'static str,
    /// The state it left.
    pub from: State,
    /// The state it entered.
    pub to: State,
    /// Why.
    pub reason: Reason,
    /// For a breaker of a keyed family, its key as it displays; `None` for a named breaker.
    /// (JSON: a string or `null`.)
    #[cfg_attr(feature = "serde", serde(serialize_with = "key_text"))]
    pub key: Option<Arc<str>>,
}

#[cfg(feature = "serde")]
#[allow(clippy::ref_option)]
fn key_text<S: serde::Serializer>(
    key: &Option<Arc<str>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match key {
        Some(key) => serializer.serialize_some(&**key),
        None => serializer.serialize_none(),
    }
}

/// The events' channel, made by the first subscriber.
fn channel() -> &'static broadcast::Sender<Event> {
    static CHANNEL: OnceLock<broadcast::Sender<Event>> = OnceLock::new();
    CHANNEL.get_or_init(|| broadcast::Sender::new(BUFFERED_EVENTS))
}

/// Where transitions are sent once something has subscribed. Only [`subscribe`] names
/// [`publish`], so a program that never subscribes links no channel, and its transitions
/// skip it; a receiver sees only the events sent after it subscribed in any case.
static PUBLISH: OnceLock<fn(Event)> = OnceLock::new();

/// Sends `event` to every receiver; no receiver left is not an error.
fn publish(event: Event) {
    let _ = channel().send(event);
}

/// A new receiver of every later event.
pub(crate) fn subscribe() -> broadcast::Receiver<Event> {
    let receiver = channel().subscribe();
    PUBLISH.get_or_init(|| publish);
    receiver
}

/// Emits the one event that describes a transition. Publishing never waits: a subscriber
/// that falls behind misses the oldest events and is told so when it next receives.
pub(crate) fn transition(event: Event) {
    let Event {
        name,
        from,
        to,
        reason,
        ref key,
    } = event;
    let (from_name, to_name, reason_name) = (from.as_str(), to.as_str(), reason.as_str());
    let key = key.as_deref();
    if matches!(to, State::Open | State::ForcedOpen) {
        tracing::warn!(target: "fusebox", name, key, from = from_name, to = to_name, reason = reason_name, "circuit breaker opened");
    } else {
        tracing::info!(target: "fusebox", name, key, from = from_name, to = to_name, reason = reason_name, "circuit breaker changed state");
    }
    if let Some(publish) = PUBLISH.get() {
        publish(event);
    }
}
