//! The transition rules of the breaker, as one pure function: [`next`] takes the state word,
//! what happened ([`Input`]) and the settings and time it may need ([`Rules`], plain values),
//! and says what the word becomes ([`Step`]). It reads no atomic, no clock and no setting of
//! its own, so it is tested directly (`rules/tests.rs`); the [`Breaker`](super::Breaker)
//! loads the word, asks `next`, swaps the word it names in and does the side effects (events,
//! counts, timers).
//!
//! What costs a clock reading or a copy of the settings is given only on demand: `next`
//! answers `Err(Need)` when the word it sees calls for a value [`Rules`] does not hold yet,
//! and the breaker asks again with it. A call to a closed circuit never pays for either.

use super::word::{Generation, Word};
use crate::clock;
use crate::observe::{Reason, State};

#[cfg(test)]
mod tests;

/// What moves the state word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Input {
    /// A call asks to run. (A closed word admits it as it is: see [`admits_at_once`].)
    Admit,
    /// A call admitted in `generation` succeeded; `tripped` is the rate it brought to its
    /// limit, if the windows say so.
    Succeeded {
        generation: Generation,
        tripped: Option<Reason>,
    },
    /// A call admitted in `generation` failed, and the failure counts; `tripped` as above.
    Failed {
        generation: Generation,
        tripped: Option<Reason>,
    },
    /// A call admitted in `generation` ended without an outcome that counts (an ignored
    /// error, a cancelled call, a full bulkhead): a half-open probe gives its slot back.
    Released { generation: Generation },
    /// A timer is armed for the deadline of the open word `open`.
    Arm { open: Word },
    /// The timer of the armed open word `armed` is about to fire, or never will: calls read
    /// the clock again.
    Disarm { armed: Word },
    /// The probe deadline of the open word `open` has come, by its timer.
    ProbeDue { open: Word },
    /// A state set by hand (closed, forced open, disabled, metrics only), in a new
    /// generation, for `reason` (`Manual` or `Reset`).
    ByHand { state: State, reason: Reason },
}

/// The settings and the time the rules read, as plain values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Rules {
    /// Consecutive counted failures that open a closed circuit (the adaptive one, if on).
    pub(super) threshold: u32,
    /// Probes that may run at once in half-open, and the successes that close it.
    pub(super) success_threshold: u32,
    /// `max_half_open_wait` in nanoseconds, if set.
    pub(super) max_half_open_wait_nanos: Option<u64>,
    /// The clock now, given when [`Need::Clock`] asks for it.
    pub(super) now: Option<Now>,
    /// The recovery periods, given when [`Need::Recovery`] asks for them.
    pub(super) recovery: Option<Recovery>,
}

/// One clock reading, and when the half-open circuit took its first probe slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Now {
    /// The breaker clock, in nanoseconds.
    pub(super) nanos: u64,
    /// The breaker clock when a half-open circuit last took its first probe slot.
    pub(super) probing_since_nanos: u64,
}

/// How long an opening lasts, in nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Recovery {
    /// After a closed circuit failed: the plain recovery period.
    pub(super) first_nanos: u64,
    /// After a half-open circuit failed: the period grown by backoff for one more re-open.
    pub(super) again_nanos: u64,
}

/// A value [`next`] needs and [`Rules`] does not hold yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Need {
    /// [`Rules::now`].
    Clock,
    /// [`Rules::recovery`].
    Recovery,
}

/// What the word does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Step {
    /// The word stays as it is; an admission lets the call run in its generation.
    Stay,
    /// The word becomes `to`, a transition for `reason` if there is one; an admission lets
    /// the call run in the generation of `to`.
    Move { to: Word, reason: Option<Reason> },
    /// The word stays as it is, and refuses the call asking to run.
    Refuse,
    /// The word becomes `to` (for `reason`), which refuses the call asking to run: a
    /// half-open circuit whose probes took too long opens again.
    RefuseAfter { to: Word, reason: Reason },
}

impl Step {
    /// The word swapped in, if any, and the reason of its transition, if it is one.
    #[inline]
    pub(super) fn moves_to(self) -> Option<(Word, Option<Reason>)> {
        match self {
            Step::Move { to, reason } => Some((to, reason)),
            Step::RefuseAfter { to, reason } => Some((to, Some(reason))),
            Step::Stay | Step::Refuse => None,
        }
    }
}

/// The rules: what `input` makes of `word` under `rules`, or the value it needs first.
/// Always inlined: each caller gives one kind of input, and keeps only its rules.
#[allow(clippy::inline_always)]
#[inline(always)]
pub(super) fn next(word: Word, input: Input, rules: &Rules) -> Result<Step, Need> {
    match input {
        Input::Admit => admit(word, rules),
        Input::Succeeded {
            generation,
            tripped,
        } if word.generation() == generation => succeeded(word, tripped, rules),
        Input::Failed {
            generation,
            tripped,
        } if word.generation() == generation => failed(word, tripped, rules),
        Input::Released { generation } if word.generation() == generation => Ok(released(word)),
        Input::Arm { open } if word == open && word.state() == State::Open => Ok(Step::Move {
            to: open.armed(),
            reason: None,
        }),
        Input::Disarm { armed } if word == armed && word.is_armed_open() => Ok(Step::Move {
            to: armed.disarmed(),
            reason: None,
        }),
        Input::ProbeDue { open } if word == open && word.state() == State::Open => Ok(Step::Move {
            to: Word::half_open(word.next_generation(), 0, 0),
            reason: Some(Reason::RecoveryElapsed),
        }),
        Input::ByHand { state, reason } => Ok(by_hand(word, state, reason)),
        // A result of an earlier generation, or a timer whose open period is over.
        _ => Ok(Step::Stay),
    }
}

/// True if `word` admits a call as it is, without looking further: the closed state's one
/// comparison, the first rule of an admission.
#[inline]
pub(super) fn admits_at_once(word: Word) -> bool {
    word.state() == State::Closed
}

/// True if a success of a call of `generation` that tripped no rate leaves `word` as it is:
/// a closed circuit of that generation without failures. The success path's shortcut.
#[inline]
pub(super) fn success_keeps(word: Word, generation: Generation) -> bool {
    word.generation() == generation && word.state() == State::Closed && word.failures() == 0
}

#[inline]
fn admit(word: Word, rules: &Rules) -> Result<Step, Need> {
    match word.state() {
        State::Closed | State::Disabled | State::MetricsOnly => Ok(Step::Stay),
        State::ForcedOpen => Ok(Step::Refuse),
        State::Open => {
            let now = rules.now.ok_or(Need::Clock)?;
            if clock::millis(now.nanos) < word.deadline_ms() {
                return Ok(Step::Refuse);
            }
            Ok(Step::Move {
                to: Word::half_open(word.next_generation(), 1, 0),
                reason: Some(Reason::RecoveryElapsed),
            })
        }
        State::HalfOpen if word.in_flight() < rules.success_threshold => Ok(Step::Move {
            to: Word::half_open(word.generation(), word.in_flight() + 1, word.successes()),
            reason: None,
        }),
        State::HalfOpen => half_open_full(word, rules),
    }
}

/// A call asks a half-open circuit whose probe slots are all taken: refused; and if its
/// probes have not reported within `max_half_open_wait`, the circuit first opens again.
#[inline]
fn half_open_full(word: Word, rules: &Rules) -> Result<Step, Need> {
    let Some(wait) = rules.max_half_open_wait_nanos else {
        return Ok(Step::Refuse);
    };
    let now = rules.now.ok_or(Need::Clock)?;
    if now.nanos.saturating_sub(now.probing_since_nanos) < wait {
        return Ok(Step::Refuse);
    }
    let recovery = rules.recovery.ok_or(Need::Recovery)?;
    Ok(Step::RefuseAfter {
        to: open_for(word, now.nanos, recovery.again_nanos),
        reason: Reason::HalfOpenTimeout,
    })
}

#[inline]
fn succeeded(word: Word, tripped: Option<Reason>, rules: &Rules) -> Result<Step, Need> {
    match word.state() {
        State::Closed if tripped.is_some() => Ok(Step::Move {
            to: opened(word, rules)?,
            reason: tripped,
        }),
        State::Closed if word.failures() != 0 => Ok(Step::Move {
            to: Word::closed(word.generation(), 0),
            reason: None,
        }),
        State::HalfOpen => Ok(probe_succeeded(word, rules)),
        _ => Ok(Step::Stay),
    }
}

#[inline]
fn probe_succeeded(word: Word, rules: &Rules) -> Step {
    let successes = word.successes() + 1;
    if successes >= rules.success_threshold {
        return Step::Move {
            to: Word::closed(word.next_generation(), 0),
            reason: Some(Reason::ProbesSucceeded),
        };
    }
    let in_flight = word.in_flight().saturating_sub(1);
    Step::Move {
        to: Word::half_open(word.generation(), in_flight, successes),
        reason: None,
    }
}

#[inline]
fn failed(word: Word, tripped: Option<Reason>, rules: &Rules) -> Result<Step, Need> {
    match word.state() {
        State::Closed => {
            let failures = word.failures() + 1;
            let reason = if failures >= u64::from(rules.threshold) {
                Some(Reason::FailureThreshold)
            } else {
                tripped
            };
            let to = match reason {
                Some(_) => opened(word, rules)?,
                None => Word::closed(word.generation(), failures),
            };
            Ok(Step::Move { to, reason })
        }
        State::HalfOpen => {
            let now = rules.now.ok_or(Need::Clock)?;
            let recovery = rules.recovery.ok_or(Need::Recovery)?;
            Ok(Step::Move {
                to: open_for(word, now.nanos, recovery.again_nanos),
                reason: Some(Reason::ProbeFailed),
            })
        }
        _ => Ok(Step::Stay),
    }
}

#[inline]
fn released(word: Word) -> Step {
    if word.state() != State::HalfOpen || word.in_flight() == 0 {
        return Step::Stay;
    }
    Step::Move {
        to: Word::half_open(word.generation(), word.in_flight() - 1, word.successes()),
        reason: None,
    }
}

#[inline]
fn by_hand(word: Word, state: State, reason: Reason) -> Step {
    let to = if state == State::Closed {
        Word::closed(word.next_generation(), 0)
    } else {
        Word::manual(word.next_generation(), state)
    };
    // A move to the state the breaker is already in starts a new generation, silently.
    let reason = (to.state() != word.state()).then_some(reason);
    Step::Move { to, reason }
}

/// The open word that follows the closed `word`: the plain recovery period from now.
#[inline]
fn opened(word: Word, rules: &Rules) -> Result<Word, Need> {
    let now = rules.now.ok_or(Need::Clock)?;
    let recovery = rules.recovery.ok_or(Need::Recovery)?;
    Ok(open_for(word, now.nanos, recovery.first_nanos))
}

/// The open word that follows `word`, its probe allowed `recovery_nanos` after `now_nanos`.
#[inline]
fn open_for(word: Word, now_nanos: u64, recovery_nanos: u64) -> Word {
    let deadline = now_nanos.saturating_add(recovery_nanos);
    Word::open(word.next_generation(), clock::millis(deadline))
}
