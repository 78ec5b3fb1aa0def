//! The failure-rate window: trips exactly at its limit, never below `min_calls`, forgets old
//! calls, and starts fresh when the circuit closes again.

mod support;

use std::sync::LazyLock;
use std::time::Duration;

use fusebox::{circuit_breaker, State};
use support::{state, stats, AppError, Upstream};

#[tokio::test(start_paused = true)]
async fn trips_exactly_at_the_rate_and_never_below_min_calls() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(
        name = "rate",
        threshold = 100,
        failure_rate = 50,
        window = 10,
        min_calls = 4
    )]
    async fn call(fails: bool) -> Result<u32, AppError> {
        UPSTREAM.fail(fails);
        UPSTREAM.call().await
    }

    for fails in [true, true, true] {
        let _ = call(fails).await;
    }
    assert_eq!(
        stats("rate").failure_rate,
        None,
        "the rate is unknown below min_calls"
    );
    assert_eq!(state("rate"), State::Closed, "tripped below min_calls");

    // The success that makes the window hold `min_calls` calls makes the rate known: 75% is
    // over the limit, so it opens the circuit, though it did not fail itself.
    let _ = call(false).await;
    assert_eq!(stats("rate").failure_rate, Some(75.0));
    assert_eq!(state("rate"), State::Open);
}

#[tokio::test(start_paused = true)]
async fn trips_at_the_boundary_itself() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(name = "rate_boundary", threshold = 100, failure_rate = 50, window = 4)]
    async fn call(fails: bool) -> Result<u32, AppError> {
        UPSTREAM.fail(fails);
        UPSTREAM.call().await
    }

    for fails in [false, true, false] {
        let _ = call(fails).await;
    }
    assert_eq!(state("rate_boundary"), State::Closed);
    let _ = call(true).await;
    assert_eq!(stats("rate_boundary").failure_rate, Some(50.0));
    assert_eq!(
        state("rate_boundary"),
        State::Open,
        "2 failures in 4 calls is 50%"
    );
}

#[tokio::test(start_paused = true)]
async fn old_calls_leave_the_window() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(
        name = "rate_forgets",
        threshold = 100,
        failure_rate = 50,
        window = 10,
        recovery = "1s",
        success_threshold = 1
    )]
    async fn call(fails: bool) -> Result<u32, AppError> {
        UPSTREAM.fail(fails);
        UPSTREAM.call().await
    }

    for _ in 0..1000 {
        let _ = call(false).await;
    }
    for failures in 1..5 {
        let _ = call(true).await;
        assert_eq!(
            state("rate_forgets"),
            State::Closed,
            "opened after {failures} failures"
        );
    }
    let _ = call(true).await;
    assert_eq!(
        state("rate_forgets"),
        State::Open,
        "1000 old successes still counted"
    );

    // Closing again starts a fresh window.
    tokio::time::advance(Duration::from_secs(1)).await;
    assert!(call(false).await.is_ok());
    assert_eq!(state("rate_forgets"), State::Closed);
    assert_eq!(stats("rate_forgets").failure_rate, None);
}
