//! One call's retries: after each failed attempt, whether to try again and after what wait;
//! before each retry, its permit. The generated retries' loop holds a [`Retrying`]: made only
//! after the first attempt failed, never on a call that needs no retry.

use std::pin::Pin;
use std::time::Duration;

use tokio::time::{Instant, Sleep};

use super::backoff::Backoff;
use super::book::Book;
use super::pause::{Pause, PauseOn};
use crate::breaker::{probe_timer, Breaker, Permit};
use crate::call::Cause;
use crate::clock;
use crate::config::Config;
use crate::error::BreakerError;
use crate::observe::RetryCounts;

/// The retries of one call.
#[derive(Debug)]
pub struct Retrying {
    /// Retries begun so far.
    retries: u32,
    /// When the call's `retry_deadline` started counting: the call's start where the
    /// attribute declares a deadline, else the end of the first failed attempt.
    started: Option<Instant>,
    /// The wait planned before the next retry, in milliseconds (saturated; only reported).
    wait_ms: u32,
    /// The breaker's book, once an attempt failed.
    book: Option<&'static Book>,
}

/// Why a planned retry does not run: its fallback answers instead, with the last cause, or
/// with the rejection.
#[derive(Debug)]
pub enum Refused {
    /// The breaker's retry budget is spent.
    Budget,
    /// The breaker rejected the retry (the circuit opened meanwhile).
    Rejected(BreakerError),
}

/// Why a failed attempt is not retried, for the counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stop {
    /// Not retryable, or no retry left: not a refusal.
    NotRetried,
    /// The wait would end past `retry_deadline`, or the hint is past `retry_max_backoff`.
    PastDeadline,
}

/// The predicate of a call without `retry_if`: every counted error may be retried.
#[inline]
pub fn always<E>(_: &E) -> bool {
    true
}

impl Retrying {
    /// The retries of a call, made when its first attempt failed; `started` is when the call
    /// started, where the attribute declares a `retry_deadline` (else the deadline, if an
    /// override sets one, counts from the first failure).
    #[inline]
    pub fn new(started: Option<Instant>) -> Retrying {
        Retrying {
            retries: 0,
            started,
            wait_ms: 0,
            book: None,
        }
    }

    /// After a failed attempt of `breaker`'s call: the wait before the next attempt, which
    /// ends `true`, or `false` at once when the fallback must answer now. Not retried: a
    /// rejection, a panic, an error `retry_if` refuses, a call with no retry left, a wait past
    /// the deadline or the cap, a retry the budget refuses, and a call outside a tokio runtime
    /// with a timer.
    pub fn plan<E>(
        &mut self,
        breaker: &'static Breaker,
        cause: &Cause<E>,
        retry_if: fn(&E) -> bool,
        hint: Option<Duration>,
    ) -> Pause {
        let retryable = match cause {
            Cause::Failed(error) => retry_if(error),
            Cause::TimedOut(_) => true,
            Cause::Rejected(_) | Cause::BulkheadFull(_) | Cause::Panicked(_) => false,
        };
        self.plan_retryable(breaker, retryable, hint)
    }

    /// As [`plan`](Retrying::plan), for a failure already judged `retryable` or not.
    #[inline]
    pub fn plan_retryable(
        &mut self,
        breaker: &'static Breaker,
        retryable: bool,
        hint: Option<Duration>,
    ) -> Pause {
        Pause::new(self.next_timer(breaker, retryable, hint))
    }

    /// As [`plan_retryable`](Retrying::plan_retryable), the wait set on `timer`, the call's
    /// one timer (the handle API's, which its attempts' deadlines use too).
    #[inline]
    pub(super) fn plan_on<'a>(
        &mut self,
        breaker: &'static Breaker,
        retryable: bool,
        hint: Option<Duration>,
        timer: Pin<&'a mut Option<Sleep>>,
    ) -> PauseOn<'a> {
        PauseOn::new(self.next_timer(breaker, retryable, hint), timer)
    }

    /// The timer to wait on before the next attempt, or `None` when there is none.
    fn next_timer(
        &mut self,
        breaker: &'static Breaker,
        retryable: bool,
        hint: Option<Duration>,
    ) -> Option<Sleep> {
        let config = breaker.config();
        let book = *self.book.get_or_insert_with(|| Book::of(breaker));
        let counts = book.counts();
        let wait = if retryable {
            self.wait_for(&config, hint)
        } else {
            Err(Stop::NotRetried)
        };
        let wait = match wait {
            Ok(wait) => wait,
            Err(stop) => {
                if stop == Stop::PastDeadline {
                    counts.refused_by_deadline.incr();
                }
                self.give_up(counts);
                return None;
            }
        };
        if !book.budget.allows(second(), breaker.stats().calls) {
            counts.refused_by_budget.incr();
            self.give_up(counts);
            return None;
        }
        let sleep = timer(wait);
        if sleep.is_none() {
            self.give_up(counts);
        }
        self.wait_ms = u32::try_from(wait.as_millis()).unwrap_or(u32::MAX);
        sleep
    }

    /// The wait before the next attempt, or why there is none.
    fn wait_for(&mut self, config: &Config, hint: Option<Duration>) -> Result<Duration, Stop> {
        if self.retries >= config.retries_value() {
            return Err(Stop::NotRetried);
        }
        let wait = match hint {
            Some(hinted)
                if config
                    .retry_max_backoff_value()
                    .is_some_and(|cap| hinted > cap) =>
            {
                return Err(Stop::PastDeadline);
            }
            Some(hinted) => hinted,
            None => Backoff::of(config).wait(self.retries + 1),
        };
        if let Some(deadline) = config.retry_deadline_value() {
            let now = Instant::now();
            let started = *self.started.get_or_insert(now);
            if now.saturating_duration_since(started).saturating_add(wait) >= deadline {
                return Err(Stop::PastDeadline);
            }
        }
        Ok(wait)
    }

    /// After the wait: the next attempt's permit, its retry taken from the budget; or why it
    /// does not run. A retry rejected by the breaker gives its budget back.
    pub fn begin(&mut self, breaker: &'static Breaker) -> Result<Permit, Refused> {
        let book = *self.book.get_or_insert_with(|| Book::of(breaker));
        let counts = book.counts();
        let second = second();
        if !book.budget.withdraw(second, breaker.stats().calls) {
            counts.refused_by_budget.incr();
            self.give_up(counts);
            return Err(Refused::Budget);
        }
        match breaker.try_acquire() {
            Ok(permit) => {
                self.retries += 1;
                counts.retries.incr();
                tracing::debug!(
                    target: "fusebox",
                    name = breaker.name(),
                    attempt = self.retries + 1,
                    wait_ms = self.wait_ms,
                    "retrying the call"
                );
                Ok(permit)
            }
            Err(error) => {
                book.budget.refund(second);
                counts.refused_by_circuit.incr();
                self.give_up(counts);
                Err(Refused::Rejected(error))
            }
        }
    }

    /// After an attempt that answered: counts a call saved by a retry.
    #[inline]
    pub fn succeeded(&self) {
        if self.retries > 0 {
            if let Some(book) = self.book {
                book.counts().recovered.incr();
            }
        }
    }

    /// Counts a call that goes to its fallback (or returns its last error): after retries, or
    /// without any.
    fn give_up(&self, counts: &RetryCounts) {
        if self.retries > 0 {
            counts.exhausted.incr();
        } else {
            counts.not_retried.incr();
        }
    }

    /// The retries begun so far.
    pub fn retries(&self) -> u32 {
        self.retries
    }
}

/// Now, for a call whose attribute declares a `retry_deadline`, which counts from its start.
#[inline]
pub fn retry_clock() -> Instant {
    Instant::now()
}

/// The current second of the breaker clock.
fn second() -> u64 {
    clock::now_nanos() / 1_000_000_000
}

/// A timer of `wait`, or `None` where none can run (outside a tokio runtime, or in one built
/// without its timer, where tokio panics making it: caught, and the call does not retry).
fn timer(wait: Duration) -> Option<Sleep> {
    probe_timer::runtime()?;
    probe_timer::timer(|| tokio::time::sleep(wait))
}
