//! The bulkhead: the cap is exact, slots come back however a call ends, a call may wait up to
//! `max_wait`, and a rejected call runs the fallback without counting as a failure.

// Fallbacks are async fns by contract, even when they do not wait for anything.
#![allow(clippy::unused_async)]

mod support;

use std::pin::pin;
use std::sync::LazyLock;
use std::time::Duration;

use fusebox::{circuit_breaker, BreakerError, State};
use futures::FutureExt;
use support::{state, stats, AppError, Upstream};

fn is_bulkhead_full(result: &Result<u32, AppError>) -> bool {
    matches!(
        result,
        Err(AppError::Breaker(BreakerError::BulkheadFull {
            max_concurrent: 3,
            ..
        }))
    )
}

#[tokio::test(start_paused = true)]
async fn the_cap_is_exact_under_a_burst() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(name = "bulkhead_cap", threshold = 1, max_concurrent = 3)]
    async fn call() -> Result<u32, AppError> {
        UPSTREAM.call().await
    }

    UPSTREAM.close_gate();
    let calls: Vec<_> = (0..10).map(|_| tokio::spawn(call())).collect();
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    assert_eq!(
        (UPSTREAM.calls(), stats("bulkhead_cap").bulkhead_in_use),
        (3, Some(3))
    );
    assert_eq!(
        stats("bulkhead_cap").bulkhead_in_use,
        Some(3),
        "calls running now"
    );
    UPSTREAM.release(3);
    let mut results = Vec::new();
    for call in calls {
        results.push(call.await.unwrap());
    }
    assert_eq!(
        results
            .iter()
            .filter(|result| is_bulkhead_full(result))
            .count(),
        7
    );
    assert_eq!(results.iter().filter(|result| result.is_ok()).count(), 3);
    let counted = stats("bulkhead_cap");
    assert_eq!(
        (
            counted.bulkhead_in_use,
            counted.bulkhead_full,
            counted.rejections
        ),
        (Some(0), 7, 7)
    );
    assert_eq!(counted.bulkhead_in_use, Some(0));
    assert_eq!(
        state("bulkhead_cap"),
        State::Closed,
        "a full bulkhead counted as a failure"
    );
}

#[tokio::test(start_paused = true)]
async fn slots_come_back_on_failure_timeout_panic_and_cancellation() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(
        name = "bulkhead_return",
        threshold = 100,
        timeout = "100ms",
        max_concurrent = 1
    )]
    async fn call(explode: bool) -> Result<u32, AppError> {
        assert!(!explode, "exploded");
        UPSTREAM.call().await
    }
    let in_use = || stats("bulkhead_return").bulkhead_in_use;

    UPSTREAM.fail(true);
    assert_eq!(call(false).await, Err(AppError::Upstream));
    assert_eq!(in_use(), Some(0), "after a failure");

    UPSTREAM.hang(true);
    assert!(matches!(
        call(false).await,
        Err(AppError::Breaker(BreakerError::TimedOut { .. }))
    ));
    assert_eq!(in_use(), Some(0), "after a timeout");
    UPSTREAM.hang(false);

    assert!(std::panic::AssertUnwindSafe(call(true))
        .catch_unwind()
        .await
        .is_err());
    assert_eq!(in_use(), Some(0), "after a panic");

    UPSTREAM.close_gate();
    {
        let mut running = pin!(call(false));
        assert!(futures::poll!(running.as_mut()).is_pending());
        assert_eq!(in_use(), Some(1));
    }
    assert_eq!(in_use(), Some(0), "after a cancellation");
    UPSTREAM.fail(false);
    UPSTREAM.release(1);
    assert!(call(false).await.is_ok(), "the single slot was lost");
}

#[tokio::test(start_paused = true)]
async fn a_call_waits_up_to_max_wait_for_a_slot() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(name = "bulkhead_wait", max_concurrent = 1, max_wait = "50ms")]
    async fn call() -> Result<u32, AppError> {
        UPSTREAM.call().await
    }

    UPSTREAM.close_gate();
    let holder = tokio::spawn(call());
    tokio::task::yield_now().await;
    let waiter = tokio::spawn(call());
    tokio::time::advance(Duration::from_millis(40)).await;
    UPSTREAM.release(2);
    assert!(holder.await.unwrap().is_ok());
    assert!(
        waiter.await.unwrap().is_ok(),
        "the waiter got no slot within max_wait"
    );

    let holder = tokio::spawn(call());
    tokio::task::yield_now().await;
    let started = tokio::time::Instant::now();
    let rejected = call().await;
    assert!(matches!(
        rejected,
        Err(AppError::Breaker(BreakerError::BulkheadFull { .. }))
    ));
    assert_eq!(started.elapsed(), Duration::from_millis(50));
    UPSTREAM.release(1);
    assert!(holder.await.unwrap().is_ok());
}

#[tokio::test(start_paused = true)]
async fn a_full_bulkhead_runs_the_fallback() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(name = "bulkhead_fallback", threshold = 1, max_concurrent = 1, fallback = shed)]
    async fn call(id: u32) -> Result<u32, AppError> {
        UPSTREAM.call().await.map(|_| id)
    }
    async fn shed(_id: u32) -> Result<u32, AppError> {
        Ok(0)
    }

    UPSTREAM.close_gate();
    let holder = tokio::spawn(call(7));
    tokio::task::yield_now().await;
    assert_eq!(call(8).await, Ok(0));
    UPSTREAM.release(1);
    assert_eq!(holder.await.unwrap(), Ok(7));
    assert_eq!(state("bulkhead_fallback"), State::Closed);
}

#[tokio::test(start_paused = true)]
async fn a_call_takes_its_slot_when_first_polled_not_when_made() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    let breaker = fusebox::registry().register(
        "bulkhead_first_poll",
        fusebox::Config::new().max_concurrent(1),
    );
    let in_use = || stats("bulkhead_first_poll").bulkhead_in_use;

    UPSTREAM.close_gate();
    let mut made_first = pin!(breaker.call(UPSTREAM.call()));
    let mut polled_first = pin!(breaker.call(UPSTREAM.call()));
    assert_eq!(
        in_use(),
        Some(0),
        "a call that was never polled holds no slot"
    );

    assert!(futures::poll!(polled_first.as_mut()).is_pending());
    assert_eq!(in_use(), Some(1));
    assert!(
        matches!(
            futures::poll!(made_first.as_mut()),
            std::task::Poll::Ready(Err(AppError::Breaker(BreakerError::BulkheadFull { .. })))
        ),
        "the slot went to the call that ran first"
    );
    UPSTREAM.release(1);
    assert_eq!(polled_first.await, Ok(1));
    assert_eq!(in_use(), Some(0));
}
