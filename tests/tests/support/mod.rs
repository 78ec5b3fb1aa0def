//! A controllable upstream service and the error type the protected fns return.

#![allow(dead_code)] // Each test binary uses its own part of the support code.

pub mod flaky;

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering::SeqCst};

use fusebox::{BreakerError, Event, Reason, State};
use tokio::sync::broadcast::{error::TryRecvError, Receiver};
use tokio::sync::Semaphore;

/// The error of every protected fn in the tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppError {
    /// The upstream answered with an error.
    Upstream,
    /// The breaker rejected the call or it timed out.
    Breaker(BreakerError),
}

impl From<BreakerError> for AppError {
    fn from(error: BreakerError) -> Self {
        AppError::Breaker(error)
    }
}

/// A dependency whose behaviour each test switches: failing, hanging, or held at a gate.
pub struct Upstream {
    failing: AtomicBool,
    hanging: AtomicBool,
    gated: AtomicBool,
    gate: Semaphore,
    calls: AtomicU32,
    finished: AtomicU32,
}

impl Default for Upstream {
    fn default() -> Self {
        Upstream {
            failing: AtomicBool::new(false),
            hanging: AtomicBool::new(false),
            gated: AtomicBool::new(false),
            gate: Semaphore::new(0),
            calls: AtomicU32::new(0),
            finished: AtomicU32::new(0),
        }
    }
}

impl Upstream {
    /// Answers `Ok(call number)`, or `Err(Upstream)` while failing; waits at the gate while
    /// gated and forever while hanging.
    pub async fn call(&self) -> Result<u32, AppError> {
        let number = self.calls.fetch_add(1, SeqCst) + 1;
        if self.hanging.load(SeqCst) {
            std::future::pending::<()>().await;
        }
        if self.gated.load(SeqCst) {
            self.gate
                .acquire()
                .await
                .expect("the gate is never closed")
                .forget();
        }
        self.finished.fetch_add(1, SeqCst);
        if self.failing.load(SeqCst) {
            Err(AppError::Upstream)
        } else {
            Ok(number)
        }
    }

    pub fn fail(&self, failing: bool) {
        self.failing.store(failing, SeqCst);
    }

    pub fn hang(&self, hanging: bool) {
        self.hanging.store(hanging, SeqCst);
    }

    /// Holds every later call at the gate until `release` lets some through.
    pub fn close_gate(&self) {
        self.gated.store(true, SeqCst);
    }

    pub fn release(&self, calls: usize) {
        self.gate.add_permits(calls);
    }

    /// How many calls reached the upstream.
    pub fn calls(&self) -> u32 {
        self.calls.load(SeqCst)
    }

    /// How many calls ran to the end.
    pub fn finished(&self) -> u32 {
        self.finished.load(SeqCst)
    }
}

/// The state of the breaker named `name`.
pub fn state(name: &str) -> State {
    breaker(name).state()
}

/// The stats of the breaker named `name`.
pub fn stats(name: &str) -> fusebox::Stats {
    breaker(name).stats()
}

fn breaker(name: &str) -> &'static fusebox::Breaker {
    fusebox::registry()
        .get(name)
        .unwrap_or_else(|| panic!("no breaker named {name}"))
}

/// The transitions of the breaker `name` received so far, in order; panics if any were lost.
pub fn transitions(events: &mut Receiver<Event>, name: &str) -> Vec<(State, State, Reason)> {
    let mut seen = Vec::new();
    loop {
        match events.try_recv() {
            Ok(event) if event.name == name => seen.push((event.from, event.to, event.reason)),
            Ok(_) => {}
            Err(TryRecvError::Empty) => return seen,
            Err(error) => panic!("the subscriber lost events: {error}"),
        }
    }
}
