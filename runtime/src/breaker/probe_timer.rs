//! The timer that ends an open period: armed when a circuit opens inside a tokio runtime, it
//! moves the circuit to half-open at the probe deadline without waiting for a call, and until
//! then lets open rejections skip the clock.
//!
//! The timer's first wake-up, at most 1 ms before the deadline (tokio rounds a timer up to its
//! next millisecond tick, so this wake-up is never late), disarms the open word from inside
//! the waker, which tokio's time driver calls as soon as the time has come, before any task or
//! `block_on` future runs again: calls then read the clock again, so the deadline is exact
//! even on a paused clock moved by `tokio::time::advance`. The timer task then sleeps until the
//! deadline and moves the circuit on, if nothing else has (a call, or a change by hand, which
//! starts a new generation and so makes the timer a no-op). A timer dropped before it fires
//! (its runtime shut down) disarms the word too, so calls fall back to reading the clock.
//!
//! The timer knows the breaker only through [`OpenPeriod`], the two moves it makes: the
//! breaker owns its timers and implements the trait, so the dependency runs one way.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::Arc;
use std::task::{Context, Wake, Waker};

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

/// What a timer does to the breaker whose open period it ends.
pub(super) trait OpenPeriod: Sync {
    /// Calls to the open circuit `armed` read the clock again: its timer is about to fire,
    /// or will never fire. A no-op if the state moved on.
    fn disarm(&self, armed: Word);

    /// The probe deadline of the open circuit `open` has come: it moves to half-open. A
    /// no-op if the state moved on.
    fn probe_due(&self, open: Word);
}

/// The timer of one open period: the breaker and the armed open word it belongs to.
pub(super) struct ProbeTimer {
    breaker: &'static dyn OpenPeriod,
    armed: Word,
}

impl ProbeTimer {
    /// The timer of the armed open word `armed` of `breaker`.
    pub(super) fn new(breaker: &'static dyn OpenPeriod, armed: Word) -> ProbeTimer {
        ProbeTimer { breaker, armed }
    }

    /// Sleeps until the probe deadline, then moves the circuit to half-open.
    pub(super) async fn run(self) {
        let deadline_ms = self.armed.deadline_ms();
        let mut early = pin!(sleep_at(deadline_ms.saturating_sub(1)));
        let mut disarming = None;
        poll_fn(|cx| {
            let waker = disarming.get_or_insert_with(|| {
                Waker::from(Arc::new(DisarmOnWake {
                    breaker: self.breaker,
                    armed: self.armed,
                    task: cx.waker().clone(),
                }))
            });
            early.as_mut().poll(&mut Context::from_waker(waker))
        })
        .await;
        self.breaker.disarm(self.armed);
        if clock::millis(clock::now_nanos()) < deadline_ms {
            sleep_at(deadline_ms).await;
        }
        self.breaker.probe_due(self.armed.disarmed());
    }
}

impl Drop for ProbeTimer {
    fn drop(&mut self) {
        self.breaker.disarm(self.armed);
    }
}

/// The waker of the timer's first wake-up: disarms the open word the moment the time driver
/// fires, then wakes the timer's task.
struct DisarmOnWake {
    breaker: &'static dyn OpenPeriod,
    armed: Word,
    task: Waker,
}

impl Wake for DisarmOnWake {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.breaker.disarm(self.armed);
        self.task.wake_by_ref();
    }
}

/// A sleep until `millis` on the breaker clock. A runtime built without its timer panics
/// here; the panic ends this timer's task only, and no timer is armed after it.
fn sleep_at(millis: u64) -> Sleep {
    let watch = NoTimerWatch;
    let sleep = sleep_until(clock::instant_at(millis));
    std::mem::forget(watch);
    sleep
}

/// Dropped only while a panic unwinds out of creating a timer.
struct NoTimerWatch;

impl Drop for NoTimerWatch {
    fn drop(&mut self) {
        timers_do_not_work();
    }
}

/// Records that a tokio runtime without its timer made a timer panic: from then on no timer
/// is made in this process. Says so once.
pub(crate) fn timers_do_not_work() {
    if TIMERS_WORK.swap(false, Relaxed) {
        tracing::warn!(
            target: "fusebox",
            "a tokio runtime without its timer: timeouts are not applied, and open circuits are \
             checked against the clock by each call"
        );
    }
}
