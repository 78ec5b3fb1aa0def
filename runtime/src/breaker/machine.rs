//! The lock-free breaker state machine: admission, outcome recording and transitions, all by
//! compare-and-swap on one state word.

use std::sync::atomic::Ordering;
use std::time::Duration;

use super::bulkhead::Bulkhead;
use super::permit::Permit;
use super::probe_timer::{self, ProbeTimer};
use super::word::{Generation, Word};
use crate::clock;
use crate::config::{Config, LiveConfig, ADAPTIVE_WINDOW};
use crate::error::BreakerError;
use crate::observe::event::{self, Event, Reason};
use crate::observe::{Counts, Kind, State};
use crate::retry_at::RetryAt;
use crate::sync::{AtomicU32, AtomicU64};
use crate::window::{CallWindow, RateWindow};

/// One named circuit breaker, shared by every fn that names it.
///
/// Breakers live in the global [`registry`](crate::registry()) for the life of the process;
/// look one up with `fusebox::registry().get(name)`.
#[derive(Debug)]
pub struct Breaker {
    pub(super) name: &'static str,
    pub(super) config: LiveConfig,
    word: AtomicU64,
    pub(super) counts: Counts,
    /// Consecutive re-opens from half-open, for the recovery backoff.
    reopens: AtomicU32,
    bulkhead: Option<Bulkhead>,
    pub(super) window: Option<RateWindow>,
    /// The last 100 counted outcomes, for the adaptive threshold.
    pub(super) recent: Option<CallWindow>,
    /// What a success in a closed state without failures takes.
    on_success: OnSuccess,
    /// Clock reading of the last time a half-open circuit's first probe slot was taken, for
    /// `max_half_open_wait`.
    probing_since_nanos: AtomicU64,
}

/// How a finished call turned out, as the breaker counts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The fn returned an error or panicked.
    Error,
    /// The call ran past its deadline.
    Timeout,
}

impl Breaker {
    pub(crate) fn new(name: &'static str, config: Config) -> Breaker {
        let counts = Counts::default();
        counts
            .state_since_nanos
            .store(clock::now_nanos(), Ordering::Relaxed);
        Breaker {
            name,
            config: LiveConfig::new(config),
            word: AtomicU64::new(Word::INITIAL.bits()),
            counts,
            reopens: AtomicU32::new(0),
            bulkhead: config
                .max_concurrent_value()
                .map(|calls| Bulkhead::new(calls, config.max_wait_value())),
            window: config
                .has_window()
                .then(|| RateWindow::new(config.window_value())),
            recent: config
                .adaptive_value()
                .then(|| CallWindow::new(ADAPTIVE_WINDOW)),
            on_success: OnSuccess::of(&config),
            probing_since_nanos: AtomicU64::new(0),
        }
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

    #[inline]
    /// Bulkhead slots taken now, if the breaker has a bulkhead.
    pub(crate) fn bulkhead_in_use(&self) -> Option<u32> {
        self.bulkhead.as_ref().map(Bulkhead::in_use)
    }

    /// The bulkhead, if the breaker has one.
    #[inline]
    pub(crate) fn bulkhead(&'static self) -> Option<&'static Bulkhead> {
        self.bulkhead.as_ref()
    }

    /// Records a call admitted in `generation` that found the bulkhead full: a rejection; a
    /// half-open probe gives its slot back.
    pub(crate) fn record_bulkhead_full(&'static self, generation: Generation) {
        self.counts.per_call.incr(Kind::Rejections);
        self.counts.bulkhead_full.incr();
        self.release(generation);
    }

    #[inline]
    pub(super) fn load(&self) -> Word {
        Word::from_bits(self.word.load(Ordering::Acquire))
    }

    /// Swaps `current` for `next`; on a race, returns the word that won.
    pub(super) fn swap(&self, current: Word, next: Word) -> Result<(), Word> {
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

    /// Admits a call, or says why not. The closed-state path is one atomic load; so is the
    /// open-state rejection while a timer is armed for the probe deadline.
    #[inline]
    pub(crate) fn try_acquire(&'static self) -> Result<Permit, BreakerError> {
        let word = self.load();
        if word.state() == State::Closed {
            return Ok(Permit::new(self, word.generation()));
        }
        // The error is built here, in the caller, from the word that rejected the call: a
        // word comes back in a register, an error through memory, read back at once.
        self.acquire_not_closed(word)
            .map_err(|rejected_by| self.rejection(rejected_by))
    }

    /// [`try_acquire`](Breaker::try_acquire) past the closed state, out of line so that the
    /// closed-state path stays as short as it was: an open circuit with its timer armed
    /// rejects at once, without reading the clock.
    #[inline(never)]
    fn acquire_not_closed(&'static self, word: Word) -> Result<Permit, Word> {
        if word.is_armed_open() {
            // Every so often a rejection checks the clock anyway: a timer whose runtime never
            // gets to run it (a `block_on` loop whose calls never wait) cannot keep the circuit
            // open past its deadline.
            let rejected = self.counts.per_call.incr(Kind::Rejections);
            if !rejected.is_multiple_of(CLOCK_CHECK_EVERY) {
                return Err(word);
            }
            self.counts.per_call.decr(Kind::Rejections);
        }
        self.acquire_contended(word)
    }

    /// The error for a call rejected by `word`: open, with the deadline it opened with (no
    /// clock read), a full half-open circuit, or one forced open.
    #[inline]
    fn rejection(&self, word: Word) -> BreakerError {
        match word.state() {
            State::Open => BreakerError::Open {
                name: self.name,
                retry_at: RetryAt::from_millis(word.deadline_ms()),
            },
            State::HalfOpen => BreakerError::HalfOpenFull { name: self.name },
            _ => BreakerError::ForcedOpen { name: self.name },
        }
    }

    #[cold]
    fn acquire_contended(&'static self, mut word: Word) -> Result<Permit, Word> {
        loop {
            let next = match word.state() {
                State::Closed => return Ok(Permit::new(self, word.generation())),
                State::Open => {
                    if clock::millis(clock::now_nanos()) < word.deadline_ms() {
                        return Err(self.reject(word));
                    }
                    Word::half_open(word.next_generation(), 1, 0)
                }
                State::ForcedOpen => {
                    return Err(self.reject(word));
                }
                State::Disabled | State::MetricsOnly => {
                    return Ok(Permit::new(self, word.generation()));
                }
                State::HalfOpen => {
                    if word.in_flight() >= self.config.success_threshold() {
                        return Err(self.reject_half_open_full(word));
                    }
                    Word::half_open(word.generation(), word.in_flight() + 1, word.successes())
                }
            };
            match self.swap(word, next) {
                Ok(()) => {
                    if next.in_flight() == 1 {
                        self.probing_since_nanos
                            .store(clock::now_nanos(), Ordering::Relaxed);
                    }
                    if word.state() == State::Open {
                        self.transitioned(word, next, Reason::RecoveryElapsed);
                    }
                    return Ok(Permit::new(self, next.generation()));
                }
                Err(actual) => word = actual,
            }
        }
    }

    /// The probe timer's deadline has come: an open circuit still in the generation `open`
    /// moves to half-open without waiting for a call. Anything that moved the state on since
    /// (a call, a change by hand) makes this a no-op.
    pub(crate) fn probe_due(&self, open: Word) {
        let next = Word::half_open(open.next_generation(), 0, 0);
        if self.swap(open, next).is_ok() {
            self.transitioned(open, next, Reason::RecoveryElapsed);
        }
    }

    /// Calls to the open circuit `armed` read the clock again: its timer is about to fire, or
    /// will never fire (its runtime is gone). A no-op if the state moved on.
    pub(crate) fn disarm(&self, armed: Word) {
        let _ = self.swap(armed, armed.disarmed());
    }

    /// Arms a timer for the probe deadline of the circuit just opened as `open`, if a tokio
    /// runtime is there to run it; until it fires, open rejections read no clock.
    fn arm_probe_timer(&'static self, open: Word) {
        let Some(runtime) = probe_timer::runtime() else {
            return;
        };
        let armed = open.armed();
        if self.swap(open, armed).is_ok() {
            runtime.spawn(ProbeTimer::new(self, armed).run());
        }
    }

    /// Rejects a call to a full half-open circuit; if its probes have not reported within
    /// `max_half_open_wait`, the circuit first opens again, in a new generation.
    fn reject_half_open_full(&'static self, word: Word) -> Word {
        let Some(wait) = self.config.max_half_open_wait_nanos() else {
            return self.reject(word);
        };
        let now = clock::now_nanos();
        let since = self.probing_since_nanos.load(Ordering::Relaxed);
        if now.saturating_sub(since) < wait {
            return self.reject(word);
        }
        let reopened = self.reopened_word(word, now);
        if self.swap(word, reopened).is_ok() {
            self.transitioned(word, reopened, Reason::HalfOpenTimeout);
            self.arm_probe_timer(reopened);
        }
        self.reject(reopened)
    }

    /// Counts a rejection by `word`, the word it is reported with.
    fn reject(&self, word: Word) -> Word {
        self.counts.per_call.incr(Kind::Rejections);
        word
    }

    /// Records a success of a call admitted in `generation`.
    #[inline]
    pub(crate) fn record_success(&'static self, generation: Generation, started_ms: u32) {
        let word = self.load();
        let closed_now = word.generation() == generation && word.state() == State::Closed;
        if closed_now && word.failures() == 0 {
            match (self.on_success, &self.window) {
                (OnSuccess::Count, _) => {
                    self.counts.per_call.incr(Kind::Successes);
                    return;
                }
                // A success reads the rates only if it may have raised one (over a full
                // count window, never): see `RateWindow::record`.
                (OnSuccess::RecordInWindow, Some(window)) => {
                    match window.record(false, false, clock::now_nanos, &self.config) {
                        None => {
                            self.counts.per_call.incr(Kind::Successes);
                        }
                        tripped => self.settle_success(word, generation, tripped),
                    }
                    return;
                }
                _ => {}
            }
        }
        self.record_success_in(word, generation, started_ms);
    }

    /// The rest of [`record_success`](Breaker::record_success): windows, slow calls, resetting
    /// the failure count, and half-open probes.
    #[inline(never)]
    fn record_success_in(&'static self, word: Word, generation: Generation, started_ms: u32) {
        let slow = self.is_slow(started_ms);
        let closed_now = word.generation() == generation && word.state() == State::Closed;
        let tripped = closed_now
            .then(|| self.record_closed(false, slow, clock::now_nanos))
            .flatten();
        self.settle_success(word, generation, tripped);
    }

    /// The end of a success of a call admitted in `generation`, already recorded in the
    /// windows and read as `word`: counts it and moves the state, to open if it `tripped` a
    /// rate.
    #[inline(never)]
    fn settle_success(&'static self, word: Word, generation: Generation, tripped: Option<Reason>) {
        let closed_now = word.generation() == generation && word.state() == State::Closed;
        if closed_now && word.failures() == 0 && tripped.is_none() {
            self.counts.per_call.incr(Kind::Successes);
            return;
        }
        if word.records_nothing(generation) {
            return;
        }
        self.counts.per_call.incr(Kind::Successes);
        self.update(generation, |word| match word.state() {
            State::Closed if tripped.is_some() => {
                Some((self.opened_word(word, clock::now_nanos()), tripped))
            }
            State::Closed if word.failures() != 0 => {
                Some((Word::closed(word.generation(), 0), None))
            }
            State::HalfOpen => Some(self.probe_succeeded(word)),
            _ => None,
        });
    }

    fn probe_succeeded(&self, word: Word) -> (Word, Option<Reason>) {
        let successes = word.successes() + 1;
        if successes >= self.config.success_threshold() {
            (
                Word::closed(word.next_generation(), 0),
                Some(Reason::ProbesSucceeded),
            )
        } else {
            let in_flight = word.in_flight().saturating_sub(1);
            (
                Word::half_open(word.generation(), in_flight, successes),
                None,
            )
        }
    }

    /// Records a counted failure of a call admitted in `generation`.
    pub(crate) fn record_failure(
        &'static self,
        generation: Generation,
        failure: Failure,
        started_ms: u32,
    ) {
        let word = self.load();
        if word.records_nothing(generation) {
            return;
        }
        let slow = self.is_slow(started_ms);
        let now = clock::now_nanos();
        self.counts.failures.incr();
        if failure == Failure::Timeout {
            self.counts.timeouts.incr();
        }
        self.counts.last_failure_nanos.store(now, Ordering::Relaxed);
        let closed_now = word.generation() == generation && word.state() == State::Closed;
        let tripped = closed_now
            .then(|| self.record_closed(true, slow, || now))
            .flatten();
        let threshold = self.effective_threshold();
        self.update(generation, |word| match word.state() {
            State::Closed => {
                let failures = word.failures() + 1;
                if failures >= u64::from(threshold) {
                    Some((self.opened_word(word, now), Some(Reason::FailureThreshold)))
                } else if tripped.is_some() {
                    Some((self.opened_word(word, now), tripped))
                } else {
                    Some((Word::closed(word.generation(), failures), None))
                }
            }
            State::HalfOpen => Some((self.reopened_word(word, now), Some(Reason::ProbeFailed))),
            _ => None,
        });
    }

    /// When a call starts, in wrapping milliseconds, if slow calls are watched (else 0, and
    /// no clock is read).
    #[inline]
    pub(crate) fn call_started_ms(&self) -> u32 {
        if !self.config.times_calls() {
            return 0;
        }
        wrapping_millis(clock::now_nanos())
    }

    /// Whether a call that started at `started_ms` was slow; counts it if so.
    #[inline]
    fn is_slow(&self, started_ms: u32) -> bool {
        let Some(limit) = self.config.slow_call_millis() else {
            return false;
        };
        let took = u64::from(wrapping_millis(clock::now_nanos()).wrapping_sub(started_ms));
        let slow = took >= limit;
        if slow {
            self.counts.slow.incr();
        }
        slow
    }

    /// Records an outcome of a call admitted while closed in the current generation into the
    /// windows; the reason to open, if a rate has reached its limit.
    #[inline]
    fn record_closed(&self, failed: bool, slow: bool, now: impl FnOnce() -> u64) -> Option<Reason> {
        if let Some(recent) = &self.recent {
            recent.add(failed, slow);
        }
        let window = self.window.as_ref()?;
        window.record(failed, slow, now, &self.config)
    }

    /// The slow-call rate over the window in percent: `None` without a window or below
    /// `min_calls`.
    pub(crate) fn slow_rate(&self) -> Option<f64> {
        let rates = self.config.rates();
        rates.slow_rate?;
        let window = self.window.as_ref()?;
        window.tally().slow_rate(rates.min_calls)
    }

    /// The consecutive-failure threshold in force: the configured one, or what the adaptive
    /// rule makes of it from the last 100 calls.
    pub(crate) fn effective_threshold(&self) -> u32 {
        let Some(recent) = &self.recent else {
            return self.config.threshold();
        };
        let tally = recent.tally();
        let successes = tally.recorded.saturating_sub(tally.failures);
        self.config
            .load()
            .adapted_threshold(successes, tally.recorded)
    }

    /// The failure rate over the window in percent: `None` without a window or below
    /// `min_calls`.
    pub(crate) fn failure_rate(&self) -> Option<f64> {
        let rates = self.config.rates();
        rates.failure_rate?;
        let window = self.window.as_ref()?;
        window.tally().failure_rate(rates.min_calls)
    }

    /// Records that a call admitted in `generation` was dropped before it finished: neither a
    /// success nor a failure, but a half-open probe gives its slot back.
    pub(crate) fn record_cancelled(&'static self, generation: Generation) {
        self.counts.cancelled.incr();
        self.release(generation);
    }

    /// Records an error that does not count (`failure_if` said no): the call changes no
    /// count, and a half-open probe gives its slot back.
    pub(crate) fn record_ignored(&'static self, generation: Generation) {
        self.counts.ignored.incr();
        self.release(generation);
    }

    /// Gives a half-open probe slot back; a closed or open state is left as it is.
    fn release(&'static self, generation: Generation) {
        self.update(generation, |word| match word.state() {
            State::HalfOpen => {
                let in_flight = word.in_flight().saturating_sub(1);
                Some((
                    Word::half_open(word.generation(), in_flight, word.successes()),
                    None,
                ))
            }
            _ => None,
        });
    }

    /// Open after a closed circuit failed: the plain recovery period.
    fn opened_word(&self, word: Word, now_nanos: u64) -> Word {
        open_for(word, now_nanos, self.config.load().recovery_value())
    }

    /// Open again after a half-open circuit failed: the recovery period grown by backoff.
    fn reopened_word(&self, word: Word, now_nanos: u64) -> Word {
        let reopens = self.reopens.load(Ordering::Relaxed).saturating_add(1);
        open_for(word, now_nanos, self.config.load().recovery_after(reopens))
    }

    /// Applies `step` to the state word until it sticks, as long as the word is still in
    /// `generation`: a result from an earlier generation never changes the state. `step`
    /// returns the next word and, for a transition, its reason; `None` leaves the word as is.
    fn update(
        &'static self,
        generation: Generation,
        step: impl Fn(Word) -> Option<(Word, Option<Reason>)>,
    ) {
        let mut word = self.load();
        while word.generation() == generation {
            let Some((next, reason)) = step(word) else {
                return;
            };
            match self.swap(word, next) {
                Ok(()) => {
                    if let Some(reason) = reason {
                        self.transitioned(word, next, reason);
                    }
                    if next.state() == State::Open {
                        self.arm_probe_timer(next);
                    }
                    return;
                }
                Err(actual) => word = actual,
            }
        }
    }

    pub(super) fn transitioned(&self, from: Word, to: Word, reason: Reason) {
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
        event::transition(Event {
            name: self.name,
            from: from.state(),
            to: to.state(),
            reason,
        });
    }
}

/// What a success in a closed state without failures takes, fixed when the breaker is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OnSuccess {
    /// Counting it: no window, no adaptive ring, no slow-call timing.
    Count,
    /// Counting it and recording it in the rate window: no adaptive ring, no slow calls.
    RecordInWindow,
    /// The whole of `record_success_in`.
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

/// How often an open rejection reads the clock although a timer is armed (one in this many).
const CLOCK_CHECK_EVERY: u64 = 256;

/// The open word that follows `word`, its probe allowed `recovery` after `now_nanos`.
fn open_for(word: Word, now_nanos: u64, recovery: Duration) -> Word {
    let deadline = now_nanos.saturating_add(clock::saturating_nanos(recovery));
    Word::open(word.next_generation(), clock::millis(deadline))
}

/// A clock reading in milliseconds, wrapping every 49 days: enough to time one call.
fn wrapping_millis(nanos: u64) -> u32 {
    // Truncation is the point: differences of wrapping values time calls shorter than 49 days.
    #[allow(clippy::cast_possible_truncation)]
    let millis = clock::millis(nanos) as u32;
    millis
}
