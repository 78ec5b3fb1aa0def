//! The [`Breaker`] itself: what it owns, and the one loop that moves its state word. Every
//! change of the word goes through [`Breaker::apply`]: load the word, ask the pure
//! [`rules::next`] what it becomes, swap that in; a lost race starts over from the word that
//! won. A swap that is a transition emits its event; one that opens the circuit arms the
//! probe timer. What happens around a change (windows, counters, the rejection) is the
//! business of `admission` and `recording`.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, PoisonError};

use super::bulkhead::Bulkhead;
use super::probe_timer::{self, OpenPeriod};
use super::rules::{self, Input, Need, Now, Recovery, Rules, Step};
use super::word::Word;
use crate::clock;
use crate::config::{Config, LiveConfig, ADAPTIVE_WINDOW};
use crate::observe::event::{self, Event, Reason};
use crate::observe::{Counts, State, Striped};
use crate::sync::{AtomicU32, AtomicU64};
use crate::window::{CallWindow, RateWindow};

/// One named circuit breaker, shared by every fn that names it.
///
/// Breakers live in the global [`registry`](crate::registry()) for the life of the process;
/// look one up with `fusebox::registry().get(name)`.
///
/// What a breaker keeps is sized for what it is: a named breaker counts successes and
/// rejections on per-thread stripes and has settings of its own; a breaker of a keyed family
/// (one of up to `max_keys`) counts on one pair of atomics until its key turns busy (4096
/// successes or rejections: then it gets stripes too) and shares its family's settings.
/// The optional policies (bulkhead, rate window, adaptive ring) are boxed, allocated only
/// when set.
#[derive(Debug)]
pub struct Breaker {
    pub(super) name: &'static str,
    /// Its own settings (a named breaker), or its family's (a keyed one).
    pub(super) config: Arc<LiveConfig>,
    word: AtomicU64,
    pub(super) counts: Counts,
    /// Consecutive re-opens from half-open, for the recovery backoff.
    reopens: AtomicU32,
    bulkhead: Option<Box<Bulkhead>>,
    pub(super) window: Option<Box<RateWindow>>,
    /// The last 100 counted outcomes, for the adaptive threshold.
    pub(super) recent: Option<Box<CallWindow>>,
    /// What a success in a closed state without failures takes.
    pub(super) on_success: OnSuccess,
    /// Whether calls are timed for slow calls (a fixed setting), read by every call without
    /// following the pointer to the settings.
    pub(super) times_calls: bool,
    /// Clock reading of the last time a half-open circuit's first probe slot was taken, for
    /// `max_half_open_wait`.
    pub(super) probing_since_nanos: AtomicU64,
    /// The key of a keyed family's breaker, which its events carry; read only by a transition.
    key: Mutex<Option<Arc<str>>>,
}

/// What a success in a closed state without failures takes, fixed when the breaker is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum OnSuccess {
    /// Counting it: no window, no adaptive ring, no slow-call timing.
    Count,
    /// Counting it and recording it in the rate window: no adaptive ring, no slow calls.
    RecordInWindow,
    /// The whole of the recording of a success.
    Full,
}

impl OnSuccess {
    fn of(config: &Config) -> OnSuccess {
        if config.adaptive_value() || config.slow_call_value().is_some() {
            OnSuccess::Full
        } else if config.has_window() {
            OnSuccess::RecordInWindow
        } else {
            OnSuccess::Count
        }
    }
}

impl Breaker {
    /// A named breaker: settings of its own, counters striped per thread.
    pub(crate) fn new(name: &'static str, config: Config) -> Breaker {
        Breaker::with(
            name,
            Arc::new(LiveConfig::new(config)),
            Counts::new(Striped::per_thread()),
        )
    }

    /// A breaker of a keyed family: the family's `settings`, shared, and one pair of atomics
    /// for its successes and rejections, striped once the key turns busy.
    pub(crate) fn keyed(name: &'static str, settings: &Arc<LiveConfig>) -> Breaker {
        Breaker::with(name, Arc::clone(settings), Counts::new(Striped::single()))
    }

    fn with(name: &'static str, settings: Arc<LiveConfig>, counts: Counts) -> Breaker {
        let config = settings.load();
        counts
            .state_since_nanos
            .store(clock::now_nanos(), Ordering::Relaxed);
        Breaker {
            name,
            config: settings,
            word: AtomicU64::new(Word::INITIAL.bits()),
            counts,
            reopens: AtomicU32::new(0),
            bulkhead: config
                .max_concurrent_value()
                .map(|calls| Box::new(Bulkhead::new(calls, config.max_wait_value()))),
            window: config
                .has_window()
                .then(|| Box::new(RateWindow::new(config.window_value()))),
            recent: config
                .adaptive_value()
                .then(|| Box::new(CallWindow::new(ADAPTIVE_WINDOW))),
            on_success: OnSuccess::of(&config),
            times_calls: config.slow_call_value().is_some(),
            probing_since_nanos: AtomicU64::new(0),
            key: Mutex::new(None),
        }
    }

    /// The settings the breaker reads: its own, or its family's.
    pub(crate) fn settings(&self) -> &Arc<LiveConfig> {
        &self.config
    }

    /// Gives the breaker the key of a keyed family it now serves, for its events.
    pub(crate) fn set_key(&self, key: Option<Arc<str>>) {
        *self.key.lock().unwrap_or_else(PoisonError::into_inner) = key;
    }

    /// The breaker's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The current state. An open breaker whose recovery period has passed reads `Open` until
    /// its probe timer or the next call moves it to half-open.
    pub fn state(&self) -> State {
        self.load().state()
    }

    /// Bulkhead slots taken now, if the breaker has a bulkhead.
    #[inline]
    pub(crate) fn bulkhead_in_use(&self) -> Option<u32> {
        self.bulkhead.as_deref().map(Bulkhead::in_use)
    }

    /// The bulkhead, if the breaker has one.
    #[inline]
    pub(crate) fn bulkhead(&'static self) -> Option<&'static Bulkhead> {
        self.bulkhead.as_deref()
    }

    /// The state word now.
    #[inline]
    pub(super) fn load(&self) -> Word {
        Word::from_bits(self.word.load(Ordering::Acquire))
    }

    /// Swaps `current` for `next`; on a race, returns the word that won.
    fn swap(&self, current: Word, next: Word) -> Result<(), Word> {
        self.word
            .compare_exchange(
                current.bits(),
                next.bits(),
                Ordering::AcqRel,
                Ordering::Acquire,
            )
            .map(drop)
            .map_err(Word::from_bits)
    }

    /// The settings the rules read, with the configured threshold, and without the clock or
    /// the recovery periods (given when a rule asks for them).
    #[inline]
    pub(super) fn rules(&self) -> Rules {
        Rules {
            threshold: self.config.threshold(),
            success_threshold: self.config.success_threshold(),
            max_half_open_wait_nanos: self.config.max_half_open_wait_nanos(),
            now: None,
            recovery: None,
        }
    }

    /// Applies `input` to the state word, read as `word`, until its step sticks: returns the
    /// word the step was taken from, and the step. A transition emits its event. Always
    /// inlined, so that each caller's loop holds the rules of its one kind of input.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    pub(super) fn apply(&self, mut word: Word, input: Input, mut rules: Rules) -> (Word, Step) {
        loop {
            let step = match rules::next(word, input, &rules) {
                Ok(step) => step,
                Err(need) => {
                    self.provide(need, &mut rules);
                    continue;
                }
            };
            let Some((to, reason)) = step.moves_to() else {
                return (word, step);
            };
            match self.swap(word, to) {
                Ok(()) => {
                    if let Some(reason) = reason {
                        self.transitioned(word, to, reason);
                    }
                    return (word, step);
                }
                Err(actual) => word = actual,
            }
        }
    }

    /// Gives the rules the value they asked for: a clock reading, or the recovery periods.
    #[inline]
    fn provide(&self, need: Need, rules: &mut Rules) {
        match need {
            Need::Clock => {
                rules.now = Some(Now {
                    nanos: clock::now_nanos(),
                    probing_since_nanos: self.probing_since_nanos.load(Ordering::Relaxed),
                });
            }
            Need::Recovery => {
                let config = self.config.load();
                let reopens = self.reopens.load(Ordering::Relaxed).saturating_add(1);
                rules.recovery = Some(Recovery {
                    first_nanos: clock::saturating_nanos(config.recovery_value()),
                    again_nanos: clock::saturating_nanos(config.recovery_after(reopens)),
                });
            }
        }
    }

    /// Arms the probe timer if `step` opened the circuit.
    #[inline]
    pub(super) fn arm_if_opened(&'static self, step: Step) {
        if let Some((to, Some(_))) = step.moves_to() {
            if to.state() == State::Open {
                self.arm_probe_timer(to);
            }
        }
    }

    /// Arms a timer for the probe deadline of the circuit just opened as `open`, if a tokio
    /// runtime is there to run it; until it fires, open rejections read no clock.
    #[cold]
    fn arm_probe_timer(&'static self, open: Word) {
        if probe_timer::runtime().is_none() {
            return;
        }
        let (_, step) = self.apply(open, Input::Arm { open }, self.rules());
        if let Some((armed, _)) = step.moves_to() {
            probe_timer::arm(self, armed);
        }
    }

    /// The side effects of a transition from `from` to `to`: the time of the change, the
    /// re-open count, a fresh window on closing, and the event.
    fn transitioned(&self, from: Word, to: Word, reason: Reason) {
        self.counts
            .state_since_nanos
            .store(clock::now_nanos(), Ordering::Relaxed);
        // Only the winner of a transition writes: consecutive re-opens grow the recovery period.
        match (from.state(), to.state()) {
            (State::HalfOpen, State::Open) => {
                self.reopens.fetch_add(1, Ordering::Relaxed);
            }
            (_, State::Open | State::HalfOpen) => {}
            _ => self.reopens.store(0, Ordering::Relaxed),
        }
        // A circuit that closes again starts a fresh window.
        if let (Some(window), State::Closed) = (&self.window, to.state()) {
            window.clear();
        }
        let key = self
            .key
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        event::transition(Event {
            name: self.name,
            from: from.state(),
            to: to.state(),
            reason,
            key,
        });
    }
}

impl OpenPeriod for Breaker {
    fn disarm(&self, armed: Word) {
        self.apply(self.load(), Input::Disarm { armed }, self.rules());
    }

    fn probe_due(&self, open: Word) {
        self.apply(self.load(), Input::ProbeDue { open }, self.rules());
    }
}
