//! Retries' waits and limits: the error's hint, the deadline over all attempts, the timeout
//! of each, and the retry budget under sustained failure. Every test runs on tokio's paused
//! clock.

// Fallbacks are async fns by contract, even when they do not wait for anything.
#![allow(clippy::unused_async)]

mod support;

use std::sync::atomic::{AtomicU32, Ordering::SeqCst};
use std::sync::LazyLock;
use std::time::Duration;

use fusebox::{circuit_breaker, RetryAfter};
use support::flaky::{answer_zero, causes, retry_stats, Flaky};
use support::{stats, AppError};
use tokio::time::Instant;

const MS: Duration = Duration::from_millis(1);

/// An error that says how long to wait.
#[derive(Debug)]
struct RateLimited(Duration);

impl RetryAfter for RateLimited {
    fn retry_after(&self) -> Option<Duration> {
        Some(self.0)
    }
}

static LIMITED: AtomicU32 = AtomicU32::new(0);

async fn limited_fallback(_: u64) -> Result<u32, RateLimited> {
    Ok(0)
}

#[tokio::test(start_paused = true)]
async fn the_wait_follows_the_errors_hint_within_the_cap() {
    #[circuit_breaker(
        name = "retry_hint",
        retries = 1,
        retry_max_backoff = "5s",
        fallback = limited_fallback
    )]
    async fn call(wait_secs: u64) -> Result<u32, RateLimited> {
        if LIMITED.fetch_add(1, SeqCst).is_multiple_of(2) {
            Err(RateLimited(Duration::from_secs(wait_secs)))
        } else {
            Ok(1)
        }
    }

    let started = Instant::now();
    assert_eq!(call(3).await.unwrap(), 1);
    assert_eq!(started.elapsed(), Duration::from_secs(3));
    // A hint beyond `retry_max_backoff`: no retry, the fallback answers at once.
    let started = Instant::now();
    assert_eq!(call(60).await.unwrap(), 0);
    assert_eq!(started.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn the_deadline_bounds_the_attempts_and_their_waits() {
    static UPSTREAM: LazyLock<Flaky> = LazyLock::new(Flaky::new);
    #[circuit_breaker(
        name = "retry_deadline",
        threshold = 100,
        retries = 10,
        retry_backoff = "100ms",
        retry_max_backoff = "100ms",
        retry_deadline = "350ms",
        fallback = answer_zero
    )]
    async fn call(id: u32) -> Result<u32, AppError> {
        tokio::time::sleep(10 * MS).await;
        UPSTREAM.call().await.map(|answer| answer + id)
    }

    UPSTREAM.fail_next(100);
    let started = Instant::now();
    assert_eq!(call(1).await, Ok(0));
    // Attempts of 10ms and waits of 100ms: attempts end at 10, 120, 230 and 340ms; the next
    // wait would end at 440ms, past 350ms, so the fallback answers at 340ms.
    assert_eq!(UPSTREAM.take().0, 4);
    assert_eq!(started.elapsed(), 340 * MS);
    assert!(started.elapsed() < 350 * MS, "{:?}", started.elapsed());
    assert_eq!(causes(), ["failed: Upstream"]);
}

#[tokio::test(start_paused = true)]
async fn the_deadline_cuts_an_attempt_that_would_outlast_it() {
    #[circuit_breaker(
        name = "retry_deadline_cut",
        threshold = 100,
        timeout = "2s",
        retries = 3,
        retry_deadline = "500ms",
        fallback = answer_zero
    )]
    async fn call(id: u32) -> Result<u32, AppError> {
        tokio::time::sleep(Duration::from_secs(10)).await;
        Ok(id)
    }

    let started = Instant::now();
    assert_eq!(call(1).await, Ok(0));
    // Cut at the call's deadline, not at the attempt's 2s timeout; no time left to retry.
    assert_eq!(started.elapsed(), 500 * MS);
    assert_eq!(causes(), ["timed out"]);
    assert_eq!(stats("retry_deadline_cut").timeouts, 1);
    assert_eq!(retry_stats("retry_deadline_cut").retries, 0);
}

#[tokio::test(start_paused = true)]
async fn each_attempt_has_its_own_timeout() {
    static UPSTREAM: LazyLock<Flaky> = LazyLock::new(Flaky::new);
    static SLOW: AtomicU32 = AtomicU32::new(1);
    #[circuit_breaker(
        name = "retry_timeout",
        timeout = "1s",
        retries = 1,
        retry_backoff = "100ms",
        retry_max_backoff = "100ms",
        fallback = answer_zero
    )]
    async fn call(id: u32) -> Result<u32, AppError> {
        if SLOW.swap(0, SeqCst) == 1 {
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
        UPSTREAM.call().await.map(|answer| answer + id)
    }

    let started = Instant::now();
    assert_eq!(call(1).await, Ok(2));
    assert_eq!(started.elapsed(), 1100 * MS);
    assert_eq!(stats("retry_timeout").timeouts, 1);
}

#[tokio::test(start_paused = true)]
async fn the_budget_keeps_retries_below_its_share_under_sustained_failure() {
    static UPSTREAM: LazyLock<Flaky> = LazyLock::new(Flaky::new);
    #[circuit_breaker(
        name = "retry_budget",
        threshold = 4294967295,
        retries = 1,
        retry_backoff = "1ms",
        retry_max_backoff = "1ms",
        retry_budget = 20,
        fallback = answer_zero
    )]
    async fn call(id: u32) -> Result<u32, AppError> {
        UPSTREAM.call().await.map(|answer| answer + id)
    }

    UPSTREAM.fail_next(u32::MAX);
    for id in 0..1_000 {
        assert_eq!(call(id).await, Ok(0));
    }
    let retries = retry_stats("retry_budget");
    let (calls, _) = UPSTREAM.take();
    let first_attempts = 1_000;
    assert_eq!(
        u64::try_from(calls).unwrap(),
        first_attempts + retries.retries
    );
    // At most 20% of the calls plus the floor of 10 in the (at most two) 10s stretches.
    assert!(retries.retries <= first_attempts / 5 + 20, "{retries:?}");
    assert!(retries.retries >= first_attempts / 10, "{retries:?}");
    assert_eq!(retries.retries + retries.refused_by_budget, first_attempts);
    causes();
}
