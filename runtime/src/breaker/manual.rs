//! Control by hand: forcing a state (open, closed, disabled, metrics only) or resetting the
//! breaker, each a move to a new generation from whatever the state is.

use super::machine::Breaker;
use super::rules::Input;
use crate::observe::{Reason, State};

impl Breaker {
    /// Rejects every call until [`force_closed`](Breaker::force_closed) or
    /// [`reset`](Breaker::reset). Calls already running finish, but their results change
    /// nothing.
    pub fn force_open(&self) {
        self.set_by_hand(State::ForcedOpen);
    }

    /// Lets every call run and records nothing, until another state is set by hand.
    pub fn disable(&self) {
        self.set_by_hand(State::Disabled);
    }

    /// Lets every call run and counts it in the stats, but never opens the circuit, until
    /// another state is set by hand.
    pub fn metrics_only(&self) {
        self.set_by_hand(State::MetricsOnly);
    }

    /// Closes the circuit by hand, from any state; the consecutive failures start from zero.
    pub fn force_closed(&self) {
        self.set_by_hand(State::Closed);
    }

    /// Closes the circuit and clears every count the stats show, the rates' window and the
    /// adaptive threshold's history; emits reason `reset` unless the circuit was closed. A
    /// call admitted before the reset that ends after it is counted, but changes no state.
    pub fn reset(&self) {
        self.move_to(State::Closed, Reason::Reset);
        self.counts.reset();
        if let Some(window) = &self.window {
            window.clear();
        }
        if let Some(recent) = &self.recent {
            recent.clear();
        }
    }

    fn set_by_hand(&self, state: State) {
        self.move_to(state, Reason::Manual);
    }

    /// Moves to `state` in a new generation, from whatever the state is, by the rules
    /// (`Input::ByHand`). A move to the state the breaker is already in emits no event.
    fn move_to(&self, state: State, reason: Reason) {
        self.apply(self.load(), Input::ByHand { state, reason }, self.rules());
    }
}
