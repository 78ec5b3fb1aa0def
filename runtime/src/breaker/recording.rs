//! Recording how an admitted call ended: the windows, the counters and slow calls here, the
//! change of state by the rules (`Input::Succeeded`, `Failed`, `Released`) through
//! [`Breaker::apply`]. A success of a healthy closed circuit changes no word and takes no
//! locked instruction.

use std::sync::atomic::Ordering;

use super::machine::{Breaker, OnSuccess};
use super::rules::{self, Input, Now, Rules};
use super::word::{Generation, Word};
use crate::clock;
use crate::observe::{Kind, Reason, State};

/// How a finished call turned out, as the breaker counts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The fn returned an error or panicked.
    Error,
    /// The call ran past its deadline.
    Timeout,
}

impl Breaker {
    /// Records a success of a call admitted in `generation`.
    #[inline]
    pub(crate) fn record_success(&'static self, generation: Generation, started_ms: u32) {
        let word = self.load();
        if rules::success_keeps(word, generation) {
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
        let tripped = closed_in(word, generation)
            .then(|| self.record_closed(false, slow, clock::now_nanos))
            .flatten();
        self.settle_success(word, generation, tripped);
    }

    /// The end of a success of a call admitted in `generation`, already recorded in the
    /// windows and read as `word`: counts it and moves the state, to open if it `tripped` a
    /// rate.
    #[inline(never)]
    fn settle_success(&'static self, word: Word, generation: Generation, tripped: Option<Reason>) {
        if tripped.is_none() && rules::success_keeps(word, generation) {
            self.counts.per_call.incr(Kind::Successes);
            return;
        }
        if word.records_nothing(generation) {
            return;
        }
        self.counts.per_call.incr(Kind::Successes);
        let input = Input::Succeeded {
            generation,
            tripped,
        };
        let (_, step) = self.apply(self.load(), input, self.rules());
        self.arm_if_opened(step);
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
        let tripped = closed_in(word, generation)
            .then(|| self.record_closed(true, slow, || now))
            .flatten();
        let rules = Rules {
            threshold: self.effective_threshold(),
            now: Some(Now {
                nanos: now,
                probing_since_nanos: self.probing_since_nanos.load(Ordering::Relaxed),
            }),
            ..self.rules()
        };
        let input = Input::Failed {
            generation,
            tripped,
        };
        let (_, step) = self.apply(self.load(), input, rules);
        self.arm_if_opened(step);
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

    /// Records a call admitted in `generation` that found the bulkhead full: a rejection; a
    /// half-open probe gives its slot back.
    pub(crate) fn record_bulkhead_full(&'static self, generation: Generation) {
        self.counts.per_call.incr(Kind::Rejections);
        self.counts.bulkhead_full.incr();
        self.release(generation);
    }

    /// Gives a half-open probe slot back; a closed or open state is left as it is.
    fn release(&'static self, generation: Generation) {
        self.apply(self.load(), Input::Released { generation }, self.rules());
    }

    /// When a call starts, in wrapping milliseconds, if slow calls are watched (else 0, and
    /// no clock is read).
    #[inline]
    pub(crate) fn call_started_ms(&self) -> u32 {
        if !self.times_calls {
            return 0;
        }
        now_wrapping_millis()
    }

    /// Whether a call that started at `started_ms` was slow; counts it if so.
    #[inline]
    fn is_slow(&self, started_ms: u32) -> bool {
        let Some(limit) = self.config.slow_call_millis() else {
            return false;
        };
        let took = u64::from(now_wrapping_millis().wrapping_sub(started_ms));
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

    /// The failure rate over the window in percent: `None` without a window or below
    /// `min_calls`.
    pub(crate) fn failure_rate(&self) -> Option<f64> {
        let rates = self.config.rates();
        rates.failure_rate?;
        let window = self.window.as_ref()?;
        window.tally().failure_rate(rates.min_calls)
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
}

/// True if `word` is the closed state of `generation`: its outcomes go into the windows.
#[inline]
fn closed_in(word: Word, generation: Generation) -> bool {
    word.generation() == generation && word.state() == State::Closed
}

/// The clock now in milliseconds, wrapping every 49 days: enough to time one call. Out of
/// line: a call's admission inlines only the check before it, into every fn's future, and
/// reading the clock costs far more than the call.
#[inline(never)]
fn now_wrapping_millis() -> u32 {
    // Truncation is the point: differences of wrapping values time calls shorter than 49 days.
    #[allow(clippy::cast_possible_truncation)]
    let millis = clock::millis(clock::now_nanos()) as u32;
    millis
}
