//! States set by hand through the handle: forced open, disabled, metrics only, closed, reset.

mod support;

use std::sync::LazyLock;
use std::time::Duration;

use fusebox::{circuit_breaker, registry, BreakerError, State};
use support::{state, stats, AppError, Upstream};

#[tokio::test(start_paused = true)]
async fn forced_open_rejects_every_call_until_closed_by_hand() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(name = "forced", threshold = 5, recovery = "1s")]
    async fn call() -> Result<u32, AppError> {
        UPSTREAM.call().await
    }

    assert!(call().await.is_ok());
    let breaker = registry().get("forced").unwrap();
    breaker.force_open();
    tokio::time::advance(Duration::from_secs(3600)).await;
    for _ in 0..5 {
        assert_eq!(
            call().await,
            Err(AppError::Breaker(BreakerError::ForcedOpen {
                name: "forced"
            }))
        );
    }
    assert_eq!((state("forced"), UPSTREAM.calls()), (State::ForcedOpen, 1));

    breaker.force_closed();
    assert_eq!(call().await, Ok(2));
    assert_eq!(state("forced"), State::Closed);
}

#[tokio::test(start_paused = true)]
async fn disabled_lets_calls_through_and_records_nothing() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(name = "disabled", threshold = 2)]
    async fn call() -> Result<u32, AppError> {
        UPSTREAM.call().await
    }

    assert!(call().await.is_ok());
    registry().get("disabled").unwrap().disable();
    UPSTREAM.fail(true);
    for _ in 0..10 {
        assert_eq!(call().await, Err(AppError::Upstream));
    }
    let counted = stats("disabled");
    assert_eq!(
        (counted.state, counted.failures, counted.successes),
        (State::Disabled, 0, 1)
    );
    assert_eq!(UPSTREAM.calls(), 11);
}

#[tokio::test(start_paused = true)]
async fn metrics_only_counts_every_call_but_never_opens() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(name = "metrics_only", threshold = 2)]
    async fn call() -> Result<u32, AppError> {
        UPSTREAM.call().await
    }

    assert!(call().await.is_ok());
    registry().get("metrics_only").unwrap().metrics_only();
    UPSTREAM.fail(true);
    for _ in 0..10 {
        assert_eq!(call().await, Err(AppError::Upstream));
    }
    let counted = stats("metrics_only");
    assert_eq!(
        (counted.state, counted.failures, counted.successes),
        (State::MetricsOnly, 10, 1)
    );
}

#[tokio::test(start_paused = true)]
async fn reset_clears_the_counts_and_ignores_calls_admitted_before_it() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(name = "reset", threshold = 3)]
    async fn call() -> Result<u32, AppError> {
        UPSTREAM.call().await
    }

    UPSTREAM.fail(true);
    let _ = call().await;
    let _ = call().await;
    UPSTREAM.close_gate();
    let before_reset = tokio::spawn(call());
    tokio::task::yield_now().await;

    registry().get("reset").unwrap().reset();
    let cleared = stats("reset");
    assert_eq!(
        (
            cleared.failures,
            cleared.consecutive_failures,
            cleared.calls
        ),
        (0, 0, 0)
    );

    UPSTREAM.release(1);
    assert_eq!(before_reset.await.unwrap(), Err(AppError::Upstream));
    assert_eq!(
        stats("reset").consecutive_failures,
        0,
        "a call from before the reset was counted"
    );
    UPSTREAM.release(2);
    let _ = call().await;
    let _ = call().await;
    assert_eq!(
        state("reset"),
        State::Closed,
        "the stale failure brought the threshold nearer"
    );
}

#[tokio::test(start_paused = true)]
async fn forcing_open_during_half_open_discards_the_probes() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(
        name = "forced_probe",
        threshold = 1,
        recovery = "1s",
        success_threshold = 1
    )]
    async fn call() -> Result<u32, AppError> {
        UPSTREAM.call().await
    }

    UPSTREAM.fail(true);
    let _ = call().await;
    UPSTREAM.fail(false);
    tokio::time::advance(Duration::from_secs(1)).await;
    UPSTREAM.close_gate();
    let probe = tokio::spawn(call());
    tokio::task::yield_now().await;
    assert_eq!(state("forced_probe"), State::HalfOpen);

    registry().get("forced_probe").unwrap().force_open();
    UPSTREAM.release(1);
    assert_eq!(probe.await.unwrap(), Ok(2));
    assert_eq!(
        state("forced_probe"),
        State::ForcedOpen,
        "a probe from before closed it"
    );
}
