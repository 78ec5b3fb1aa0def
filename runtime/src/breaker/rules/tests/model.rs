//! The reference model of the rules' tests: the breaker as plain states, and what each
//! happening should do to it, written without the word or the rules.

use crate::breaker::rules::{Now, Recovery, Rules};
use crate::breaker::word::{Generation, Word};
use crate::observe::{Reason, State};

pub(super) const NANOS_PER_MILLI: u64 = 1_000_000;

/// The states of the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mode {
    Closed { failures: u64 },
    Open { deadline_ms: u64, armed: bool },
    HalfOpen { in_flight: u32, successes: u32 },
    ByHand(State),
}

/// What happens next.
#[derive(Clone, Copy, Debug)]
pub(super) enum Op {
    Admit,
    Succeed {
        stale: bool,
        tripped: Option<Reason>,
    },
    Fail {
        stale: bool,
        tripped: Option<Reason>,
    },
    Release {
        stale: bool,
    },
    Arm {
        stale: bool,
    },
    Disarm {
        stale: bool,
    },
    ProbeDue {
        stale: bool,
    },
    ByHand {
        state: State,
        reason: Reason,
    },
    Advance {
        millis: u64,
    },
    Thresholds {
        threshold: u32,
        success_threshold: u32,
    },
}

/// The settings of one run.
#[derive(Clone, Copy, Debug)]
pub(super) struct Settings {
    pub(super) threshold: u32,
    pub(super) success_threshold: u32,
    pub(super) wait_nanos: Option<u64>,
    pub(super) first_nanos: u64,
    pub(super) again_nanos: u64,
}

/// The model, and the time and probe start the harness keeps as the breaker would.
#[derive(Debug)]
pub(super) struct Model {
    mode: Mode,
    generation: Generation,
    now_nanos: u64,
    probing_since_nanos: u64,
    settings: Settings,
}

/// What the model expects of one step.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Expected {
    /// The reason of the transition, if the step is one.
    pub(super) reason: Option<Reason>,
    /// What became of the call asking to run, for an admission.
    pub(super) verdict: Verdict,
}

/// What an admission does with the call asking to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Verdict {
    /// The step was no admission.
    NoCall,
    /// The call runs in this generation.
    Runs(Generation),
    /// The call is rejected.
    Rejected,
}

impl Model {
    pub(super) fn new(settings: Settings) -> Model {
        Model {
            mode: Mode::Closed { failures: 0 },
            generation: 0,
            now_nanos: 1_000 * NANOS_PER_MILLI,
            probing_since_nanos: 0,
            settings,
        }
    }

    fn now_ms(&self) -> u64 {
        self.now_nanos / NANOS_PER_MILLI
    }

    fn open_for(&mut self, recovery_nanos: u64, reason: Reason) -> Reason {
        let deadline_ms = (self.now_nanos + recovery_nanos) / NANOS_PER_MILLI;
        let open = Mode::Open {
            deadline_ms,
            armed: false,
        };
        self.move_to(open, reason)
    }

    fn move_to(&mut self, mode: Mode, reason: Reason) -> Reason {
        self.mode = mode;
        self.generation += 1;
        reason
    }

    /// The model's step for `op` on the current generation (`stale`: an earlier one).
    pub(super) fn step(&mut self, op: Op) -> Expected {
        let reason = match op {
            Op::Admit => return self.admit(),
            Op::Succeed {
                stale: false,
                tripped,
            } => self.succeed(tripped),
            Op::Fail {
                stale: false,
                tripped,
            } => self.fail(tripped),
            Op::Release { stale: false } => {
                if let Mode::HalfOpen { in_flight, .. } = &mut self.mode {
                    *in_flight = in_flight.saturating_sub(1);
                }
                None
            }
            Op::Arm { stale: false } | Op::Disarm { stale: false } => {
                if let Mode::Open { armed, .. } = &mut self.mode {
                    *armed = matches!(op, Op::Arm { .. });
                }
                None
            }
            Op::ProbeDue { stale: false } => match self.mode {
                Mode::Open { .. } => Some(self.move_to(
                    Mode::HalfOpen {
                        in_flight: 0,
                        successes: 0,
                    },
                    Reason::RecoveryElapsed,
                )),
                _ => None,
            },
            Op::ByHand { state, reason } => {
                let before = self.state();
                self.mode = match state {
                    State::Closed => Mode::Closed { failures: 0 },
                    _ => Mode::ByHand(state),
                };
                self.generation += 1;
                (self.state() != before).then_some(reason)
            }
            Op::Advance { millis } => {
                self.now_nanos += millis * NANOS_PER_MILLI;
                None
            }
            Op::Thresholds {
                threshold,
                success_threshold,
            } => {
                self.settings.threshold = threshold;
                self.settings.success_threshold = success_threshold;
                None
            }
            _ => None,
        };
        Expected {
            reason,
            verdict: Verdict::NoCall,
        }
    }

    fn admit(&mut self) -> Expected {
        let mut reason = None;
        let admitted = match self.mode {
            Mode::Closed { .. } | Mode::ByHand(State::Disabled | State::MetricsOnly) => true,
            Mode::Open { deadline_ms, .. } if self.now_ms() >= deadline_ms => {
                let half_open = Mode::HalfOpen {
                    in_flight: 1,
                    successes: 0,
                };
                reason = Some(self.move_to(half_open, Reason::RecoveryElapsed));
                self.probing_since_nanos = self.now_nanos;
                true
            }
            Mode::HalfOpen {
                in_flight,
                successes,
            } if in_flight < self.settings.success_threshold => {
                if in_flight == 0 {
                    self.probing_since_nanos = self.now_nanos;
                }
                self.mode = Mode::HalfOpen {
                    in_flight: in_flight + 1,
                    successes,
                };
                true
            }
            Mode::HalfOpen { .. } => {
                let waited = self.now_nanos - self.probing_since_nanos;
                if self.settings.wait_nanos.is_some_and(|wait| waited >= wait) {
                    reason =
                        Some(self.open_for(self.settings.again_nanos, Reason::HalfOpenTimeout));
                }
                false
            }
            _ => false,
        };
        let verdict = if admitted {
            Verdict::Runs(self.generation)
        } else {
            Verdict::Rejected
        };
        Expected { reason, verdict }
    }

    fn succeed(&mut self, tripped: Option<Reason>) -> Option<Reason> {
        match self.mode {
            Mode::Closed { .. } if tripped.is_some() => {
                Some(self.open_for(self.settings.first_nanos, tripped?))
            }
            Mode::Closed { .. } => {
                self.mode = Mode::Closed { failures: 0 };
                None
            }
            Mode::HalfOpen {
                in_flight,
                successes,
            } => {
                if successes + 1 >= self.settings.success_threshold {
                    let closed = Mode::Closed { failures: 0 };
                    return Some(self.move_to(closed, Reason::ProbesSucceeded));
                }
                self.mode = Mode::HalfOpen {
                    in_flight: in_flight.saturating_sub(1),
                    successes: successes + 1,
                };
                None
            }
            _ => None,
        }
    }

    fn fail(&mut self, tripped: Option<Reason>) -> Option<Reason> {
        match self.mode {
            Mode::Closed { failures } if failures + 1 >= u64::from(self.settings.threshold) => {
                Some(self.open_for(self.settings.first_nanos, Reason::FailureThreshold))
            }
            Mode::Closed { .. } if tripped.is_some() => {
                Some(self.open_for(self.settings.first_nanos, tripped?))
            }
            Mode::Closed { failures } => {
                self.mode = Mode::Closed {
                    failures: failures + 1,
                };
                None
            }
            Mode::HalfOpen { .. } => {
                Some(self.open_for(self.settings.again_nanos, Reason::ProbeFailed))
            }
            _ => None,
        }
    }

    fn state(&self) -> State {
        match self.mode {
            Mode::Closed { .. } => State::Closed,
            Mode::Open { .. } => State::Open,
            Mode::HalfOpen { .. } => State::HalfOpen,
            Mode::ByHand(state) => state,
        }
    }

    /// The rules of this moment, with the clock and the recovery periods.
    pub(super) fn rules(&self) -> Rules {
        Rules {
            threshold: self.settings.threshold,
            success_threshold: self.settings.success_threshold,
            max_half_open_wait_nanos: self.settings.wait_nanos,
            now: Some(Now {
                nanos: self.now_nanos,
                probing_since_nanos: self.probing_since_nanos,
            }),
            recovery: Some(Recovery {
                first_nanos: self.settings.first_nanos,
                again_nanos: self.settings.again_nanos,
            }),
        }
    }

    /// Whether `word` says what the model says.
    pub(super) fn agrees_with(&self, word: Word) -> bool {
        let fields = match self.mode {
            Mode::Closed { failures } => word.failures() == failures,
            Mode::Open { deadline_ms, armed } => {
                word.deadline_ms() == deadline_ms && word.is_armed_open() == armed
            }
            Mode::HalfOpen {
                in_flight,
                successes,
            } => word.in_flight() == in_flight && word.successes() == successes,
            Mode::ByHand(_) => true,
        };
        fields && word.state() == self.state() && word.generation() == self.generation
    }
}
