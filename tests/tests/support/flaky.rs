//! The retry tests' upstream, which fails a given number of calls, and a fallback that notes
//! the cause it was given.

// The upstream and the fallback are async fns by contract, even though they do not wait.
#![allow(clippy::unused_async)]

use std::cell::RefCell;
use std::sync::atomic::{AtomicU32, Ordering::SeqCst};
use std::sync::Mutex;
use std::time::Duration;

use fusebox::{registry, BreakerError, Cause, RetryStats};
use tokio::time::Instant;

use super::AppError;

/// An upstream that fails its first `failures` calls, then answers, and notes when each call
/// came.
pub struct Flaky {
    failures: AtomicU32,
    calls: Mutex<Vec<Instant>>,
}

impl Flaky {
    pub fn new() -> Flaky {
        Flaky {
            failures: AtomicU32::new(0),
            calls: Mutex::new(Vec::new()),
        }
    }

    /// Fails the next `failures` calls.
    pub fn fail_next(&self, failures: u32) {
        self.failures.store(failures, SeqCst);
    }

    pub async fn call(&self) -> Result<u32, AppError> {
        self.calls.lock().unwrap().push(Instant::now());
        let failing = self
            .failures
            .fetch_update(SeqCst, SeqCst, |left| left.checked_sub(1))
            .is_ok();
        if failing {
            Err(AppError::Upstream)
        } else {
            Ok(1)
        }
    }

    /// The calls so far, and the waits between them.
    pub fn take(&self) -> (usize, Vec<Duration>) {
        let calls = std::mem::take(&mut *self.calls.lock().unwrap());
        let waits = calls.windows(2).map(|pair| pair[1] - pair[0]).collect();
        (calls.len(), waits)
    }
}

thread_local! {
    /// The causes the fallbacks were given, as text: per thread, as each test runs on its own
    /// current-thread runtime.
    static CAUSES: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// The causes the fallbacks were given since the last look, as text.
pub fn causes() -> Vec<String> {
    CAUSES.with(RefCell::take)
}

/// A fallback that notes its cause and answers 0.
pub async fn answer_zero(_: u32, cause: Cause<AppError>) -> Result<u32, AppError> {
    let text = match cause {
        Cause::Failed(error) => format!("failed: {error:?}"),
        Cause::Rejected(BreakerError::Open { .. }) => "rejected: open".to_owned(),
        Cause::TimedOut(_) => "timed out".to_owned(),
        other => format!("{other:?}"),
    };
    CAUSES.with(|causes| causes.borrow_mut().push(text));
    Ok(0)
}

/// The retry counts of the breaker `name`.
pub fn retry_stats(name: &str) -> RetryStats {
    registry().get(name).unwrap().retry_stats()
}
