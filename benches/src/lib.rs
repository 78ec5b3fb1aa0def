//! Shared pieces of the fusebox benchmarks: the protected fns and the error type every
//! library is measured with.

// The measured calls are async fns that finish at their first poll, on purpose.
#![allow(clippy::unused_async)]

use std::fmt;
use std::future::Future;
use std::hint::black_box;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use fusebox::{circuit_breaker, BreakerError, Cause, State};

pub mod counting;

/// The error of every benchmarked call.
#[derive(Debug)]
pub struct AppError;

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("upstream failed")
    }
}

impl std::error::Error for AppError {}

impl From<BreakerError> for AppError {
    fn from(_: BreakerError) -> Self {
        AppError
    }
}

/// The measured call: an async fn that finishes at its first poll.
#[inline(never)]
pub async fn trivial() -> Result<u32, AppError> {
    Ok(black_box(1))
}

/// Succeeds or fails on demand, to open a breaker.
#[inline(never)]
pub async fn maybe_fail(fail: bool) -> Result<u32, AppError> {
    if black_box(fail) {
        Err(AppError)
    } else {
        Ok(black_box(1))
    }
}

/// `trivial` behind the attribute, consecutive-failure mode.
#[circuit_breaker(name = "bench_closed", threshold = 5)]
pub async fn protected() -> Result<u32, AppError> {
    trivial().await
}

/// The fallback of the benchmarks' fns that have one.
pub async fn fallback_answer() -> Result<u32, AppError> {
    Ok(black_box(0))
}

/// `trivial` behind the attribute with a fallback: what retries are measured against.
#[circuit_breaker(name = "bench_fallback", threshold = 5, fallback = fallback_answer)]
pub async fn protected_fallback() -> Result<u32, AppError> {
    trivial().await
}

/// `trivial` behind the attribute with a fallback and retries, which it never needs.
#[circuit_breaker(
    name = "bench_retries",
    threshold = 5,
    retries = 2,
    fallback = fallback_answer
)]
pub async fn protected_retries() -> Result<u32, AppError> {
    trivial().await
}

/// `trivial` behind the attribute with retries it never needs, without a fallback: what
/// `protected` is with `retries = 2`.
#[circuit_breaker(name = "bench_retries_bare", threshold = 5, retries = 2)]
pub async fn protected_retries_bare() -> Result<u32, AppError> {
    trivial().await
}

/// Fails every other attempt, each failure retried after 1ms: every call is a failed attempt,
/// a retry and a success. The budget allows every retry.
#[circuit_breaker(
    name = "bench_retried",
    threshold = 5,
    retries = 1,
    retry_backoff = "1ms",
    retry_max_backoff = "1ms",
    retry_budget = 100,
    fallback = fallback_answer
)]
pub async fn retried_once() -> Result<u32, AppError> {
    static FAIL: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);
    maybe_fail(FAIL.fetch_xor(true, std::sync::atomic::Ordering::Relaxed)).await
}

/// `trivial` behind the attribute in failure-rate window mode.
#[circuit_breaker(name = "bench_window", threshold = 5, failure_rate = 50, window = 100)]
pub async fn protected_window() -> Result<u32, AppError> {
    trivial().await
}

/// `trivial` behind the attribute with a timeout that is never reached.
#[circuit_breaker(name = "bench_timeout", threshold = 5, timeout = "1s")]
pub async fn protected_with_timeout() -> Result<u32, AppError> {
    trivial().await
}

/// Behind the attribute with a timeout, and waits once before answering: its timer is armed.
#[circuit_breaker(name = "bench_waiting", threshold = 5, timeout = "1s")]
pub async fn protected_waiting() -> Result<u32, AppError> {
    tokio::task::yield_now().await;
    trivial().await
}

/// A protected fn that the benchmarks open before measuring rejections.
#[circuit_breaker(name = "bench_open", threshold = 1, recovery = "1h")]
pub async fn protected_to_open(fail: bool) -> Result<u32, AppError> {
    maybe_fail(fail).await
}

/// The fallback of `protected_to_open_fallback`: the rejected call's argument and its cause.
pub async fn answer_rejected(_fail: bool, cause: Cause<AppError>) -> Result<u32, AppError> {
    Ok(black_box(u32::from(cause.is_rejection())))
}

/// `protected_to_open` with a fallback, which answers the rejections from their cause.
#[circuit_breaker(
    name = "bench_open_fallback",
    threshold = 1,
    recovery = "1h",
    fallback = answer_rejected
)]
pub async fn protected_to_open_fallback(fail: bool) -> Result<u32, AppError> {
    maybe_fail(fail).await
}

/// `trivial` behind a breaker shared by every task of the contention benchmark.
#[circuit_breaker(name = "bench_shared", threshold = 5)]
pub async fn protected_shared() -> Result<u32, AppError> {
    trivial().await
}

/// A half-open breaker whose only probe slot is held by a call that never finishes (kept for
/// the life of the process), and which rejects every other call with `HalfOpenFull`.
///
/// # Panics
///
/// If the breaker does not end half-open with its probe slot taken.
pub fn half_open_breaker() -> &'static fusebox::Breaker {
    let breaker = fusebox::registry().register(
        "bench_half_open",
        fusebox::Config::new()
            .threshold(1)
            .recovery(Duration::ZERO)
            .success_threshold(1),
    );
    // Outside a runtime, so that no probe timer is armed: the next call reads the clock, finds
    // the recovery period over and is admitted as the only probe, in half-open.
    let opened = poll_once(breaker.call(maybe_fail(true)));
    assert!(matches!(opened, Poll::Ready(Err(AppError))));
    assert_eq!(breaker.state(), State::Open);
    let probe = Box::leak(Box::new(Box::pin(
        breaker.call(std::future::pending::<Result<u32, AppError>>()),
    )));
    assert!(poll_once(probe.as_mut()).is_pending());
    assert_eq!(breaker.state(), State::HalfOpen);
    let rejected = poll_once(breaker.call(async { Ok::<u32, BreakerError>(1) }));
    assert!(
        matches!(
            rejected,
            Poll::Ready(Err(BreakerError::HalfOpenFull { .. }))
        ),
        "every probe slot is held: {rejected:?}"
    );
    breaker
}

/// Polls `future` once, outside any runtime.
pub fn poll_once<F: Future>(future: F) -> Poll<F::Output> {
    let mut future = std::pin::pin!(future);
    future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
}

/// Runs `run` `depth` frames further down the stack (each frame keeps a few bytes alive across
/// the call, so that it is not turned into a loop): the same calls, their futures placed
/// elsewhere.
#[inline(never)]
pub fn below<R>(depth: usize, run: &mut dyn FnMut() -> R) -> R {
    if depth == 0 {
        return run();
    }
    let kept = black_box([depth; 2]);
    let answer = below(depth - 1, run);
    black_box(kept);
    answer
}
