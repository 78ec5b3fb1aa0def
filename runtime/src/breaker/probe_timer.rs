//! The timer that ends an open period: armed when a circuit opens inside a tokio runtime, it
//! moves the circuit to half-open at the probe deadline without waiting for a call, and until
//! then lets open rejections skip the clock.
//!
//! It is two alarms on tokio's time driver, and no task: each is a [`Sleep`] polled once, when
//! the circuit opens, with a waker of its own that does the alarm's work when the driver fires
//! it. The first, at most 1 ms before the deadline (tokio rounds a timer up to its next
//! millisecond tick, so it is never late), disarms the open word: calls then read the clock
//! again, so the deadline is exact even on a paused clock moved by `tokio::time::advance`. The
//! second, at the deadline, moves the circuit on, if nothing else has (a call, or a change by
//! hand, which starts a new generation and so makes the alarm a no-op). A runtime that shuts
//! down fires every alarm early: an alarm that finds its time has not come only disarms, so
//! calls fall back to reading the clock.
//!
//! An alarm owns its sleep, whose registration holds the alarm's waker: tokio takes that waker
//! out when it fires and calls it with none of its locks held, and the alarm then drops its
//! sleep, so nothing is left behind. With no task, no task machinery is compiled for it (about
//! 0.5 MB of a debug binary, 30 KB of a release one).
//!
//! The timer knows the breaker only through [`OpenPeriod`], the two moves it makes: the
//! breaker owns its timers and implements the trait, so the dependency runs one way.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe, UnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Wake, Waker};

use tokio::runtime::Handle;
use tokio::time::{sleep_until, Sleep};

use super::word::Word;
use crate::clock;

/// False once a runtime without a timer has made one panic: from then on no timer is made in
/// this process; timeouts are not applied, and open circuits are checked against the clock
/// by each call.
static TIMERS_WORK: AtomicBool = AtomicBool::new(true);

/// The runtime to run a timer on: the current tokio runtime, if there is one and timers work.
pub(crate) fn runtime() -> Option<Handle> {
    if !TIMERS_WORK.load(Relaxed) {
        return None;
    }
    Handle::try_current().ok()
}

/// A timer made by `make`, or `None` in a runtime built without its timer: tokio panics making
/// it, which is caught, said once, and no timer is made again in this process.
pub(crate) fn timer(make: impl FnOnce() -> Sleep + UnwindSafe) -> Option<Sleep> {
    match catch_unwind(make) {
        Ok(sleep) => Some(sleep),
        Err(_) => {
            timers_do_not_work();
            None
        }
    }
}

/// What a timer does to the breaker whose open period it ends.
pub(super) trait OpenPeriod: Sync {
    /// Calls to the open circuit `armed` read the clock again: its timer is about to fire,
    /// or will never fire. A no-op if the state moved on.
    fn disarm(&self, armed: Word);

    /// The probe deadline of the open circuit `open` has come: it moves to half-open. A
    /// no-op if the state moved on.
    fn probe_due(&self, open: Word);
}

/// Sets the two alarms of the armed open word `armed` of `breaker`, in the current runtime.
/// Where they cannot be set, the word is disarmed at once, so calls read the clock.
pub(super) fn arm(breaker: &'static dyn OpenPeriod, armed: Word) {
    let deadline_ms = armed.deadline_ms();
    let early = Alarm::new(breaker, armed, Ring::Disarm);
    if !early.set(deadline_ms.saturating_sub(1)) {
        breaker.disarm(armed);
        return;
    }
    let due = Alarm::new(breaker, armed, Ring::ProbeDue { deadline_ms });
    if !due.set(deadline_ms) {
        breaker.disarm(armed);
    }
}

/// What an alarm does when it fires.
#[derive(Clone, Copy)]
enum Ring {
    /// Disarms the open word: calls read the clock again.
    Disarm,
    /// Disarms the open word and, if the deadline has come, moves the circuit to half-open.
    ProbeDue { deadline_ms: u64 },
}

/// One alarm of an open period: what it rings, and its sleep while the driver holds it.
struct Alarm {
    breaker: &'static dyn OpenPeriod,
    armed: Word,
    ring: Ring,
    sleep: Mutex<Option<Pin<Box<Sleep>>>>,
}

impl Alarm {
    fn new(breaker: &'static dyn OpenPeriod, armed: Word, ring: Ring) -> Arc<Alarm> {
        Arc::new(Alarm {
            breaker,
            armed,
            ring,
            sleep: Mutex::new(None),
        })
    }

    /// Registers the alarm with the time driver for `millis` on the breaker clock; rings at
    /// once if that time has passed. False if no timer could be made, or the runtime is
    /// shutting down (tokio panics polling a timer then, which is caught).
    fn set(self: Arc<Self>, millis: u64) -> bool {
        let Some(sleep) = timer(|| sleep_until(clock::instant_at(millis))) else {
            return false;
        };
        let mut sleep = Box::pin(sleep);
        let waker = Waker::from(Arc::clone(&self));
        let first = catch_unwind(AssertUnwindSafe(|| {
            sleep.as_mut().poll(&mut Context::from_waker(&waker))
        }));
        match first {
            Ok(Poll::Pending) => {
                // Should the driver have fired it already (on another thread), the alarm has
                // rung and no longer needs its sleep: then the sleep goes with the alarm.
                *self.slot() = Some(sleep);
                true
            }
            Ok(Poll::Ready(())) => {
                self.ring();
                true
            }
            Err(_) => false,
        }
    }

    /// Does the alarm's work: disarms the open word and, for the alarm at the deadline, moves
    /// the circuit to half-open if the deadline has come (a runtime shutting down fires its
    /// timers early).
    fn ring(&self) {
        self.breaker.disarm(self.armed);
        if let Ring::ProbeDue { deadline_ms } = self.ring {
            if clock::millis(clock::now_nanos()) >= deadline_ms {
                self.breaker.probe_due(self.armed.disarmed());
            }
        }
    }

    /// The alarm's sleep, while the driver holds it.
    fn slot(&self) -> std::sync::MutexGuard<'_, Option<Pin<Box<Sleep>>>> {
        self.sleep.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Wake for Alarm {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    /// Called by the time driver with none of its locks held, once it has taken this waker
    /// out of the fired sleep: rings, then drops the sleep, so that nothing of the alarm
    /// outlives its wake-up.
    fn wake_by_ref(self: &Arc<Self>) {
        self.ring();
        let fired = self.slot().take();
        drop(fired);
    }
}

/// Records that a tokio runtime without its timer made a timer panic: from then on no timer
/// is made in this process. Says so once.
pub(crate) fn timers_do_not_work() {
    if TIMERS_WORK.swap(false, Relaxed) {
        warn_without_timer(
            "a tokio runtime without its timer: timeouts are not applied, and open circuits are \
             checked against the clock by each call",
        );
    }
}

/// Says that a timer could not be made, and what follows: one event for every such warning.
pub(crate) fn warn_without_timer(message: &'static str) {
    tracing::warn!(target: "fusebox", "{message}");
}
