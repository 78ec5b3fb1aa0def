//! The five scenarios every breaker must pass, on tokio's paused clock.

// Fallbacks are async fns by contract, even when they do not wait for anything.
#![allow(clippy::unused_async)]

mod support;

use std::sync::atomic::{AtomicU32, Ordering::SeqCst};
use std::sync::LazyLock;
use std::time::Duration;

use fusebox::{circuit_breaker, BreakerError, State};
use support::{state, stats, AppError, Upstream};
use tokio::time::{advance, Instant};

#[tokio::test(start_paused = true)]
async fn normal_operation_stays_closed() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(name = "normal", threshold = 5)]
    async fn call() -> Result<u32, AppError> {
        UPSTREAM.call().await
    }

    for expected in 1..=100 {
        assert_eq!(call().await, Ok(expected));
    }
    // Failures below the threshold, each run broken by a success, never open it.
    for _ in 0..3 {
        UPSTREAM.fail(true);
        for _ in 0..4 {
            assert_eq!(call().await, Err(AppError::Upstream));
        }
        assert_eq!(stats("normal").consecutive_failures, 4);
        UPSTREAM.fail(false);
        assert!(call().await.is_ok());
        assert_eq!(stats("normal").consecutive_failures, 0);
    }
    let stats = stats("normal");
    assert_eq!(stats.state, State::Closed);
    assert_eq!(
        stats.bulkhead_in_use, None,
        "not counted without a bulkhead"
    );
    assert_eq!(
        (stats.successes, stats.failures, stats.rejections),
        (103, 12, 0)
    );
    assert_eq!(stats.calls, 115);
}

#[tokio::test(start_paused = true)]
async fn degradation_opens_at_exactly_the_threshold() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(name = "degradation", threshold = 5, recovery = "30s")]
    async fn call() -> Result<u32, AppError> {
        UPSTREAM.call().await
    }

    UPSTREAM.fail(true);
    for failures in 1..5 {
        assert_eq!(call().await, Err(AppError::Upstream));
        assert_eq!(
            state("degradation"),
            State::Closed,
            "opened after {failures} failures"
        );
    }
    assert_eq!(call().await, Err(AppError::Upstream));
    assert_eq!(state("degradation"), State::Open);

    advance(Duration::from_secs(10)).await;
    for _ in 0..20 {
        let Err(AppError::Breaker(error)) = call().await else {
            panic!("an open breaker let a call through");
        };
        assert_eq!(error.name(), "degradation");
        let retry_after = error
            .retry_after()
            .expect("an open rejection says when to retry");
        assert!(
            retry_after <= Duration::from_secs(20) && retry_after > Duration::from_millis(19_999)
        );
        assert!(
            error.to_string().contains("`degradation` is open"),
            "{error}"
        );
    }
    assert_eq!(UPSTREAM.calls(), 5, "the fn ran while the circuit was open");
    let stats = stats("degradation");
    assert_eq!((stats.failures, stats.rejections), (5, 20));
    assert!(stats.next_probe_in.is_some());
}

#[tokio::test(start_paused = true)]
async fn recovery_probes_then_closes_and_a_failed_probe_reopens() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(
        name = "recovery",
        threshold = 2,
        recovery = "60s",
        success_threshold = 3
    )]
    async fn call() -> Result<u32, AppError> {
        UPSTREAM.call().await
    }

    UPSTREAM.fail(true);
    for _ in 0..2 {
        let _ = call().await;
    }
    assert_eq!(state("recovery"), State::Open);
    UPSTREAM.fail(false);

    advance(Duration::from_millis(59_999)).await;
    assert!(matches!(
        call().await,
        Err(AppError::Breaker(BreakerError::Open { .. }))
    ));
    advance(Duration::from_millis(1)).await;
    for probe in 1..=2 {
        assert!(call().await.is_ok());
        assert_eq!(
            state("recovery"),
            State::HalfOpen,
            "closed after {probe} probes"
        );
        assert_eq!(stats("recovery").half_open_successes, probe);
    }
    assert!(call().await.is_ok());
    assert_eq!(state("recovery"), State::Closed);

    // Open it again; this time the first probe fails and the circuit re-opens for a full period.
    UPSTREAM.fail(true);
    for _ in 0..2 {
        let _ = call().await;
    }
    advance(Duration::from_secs(60)).await;
    assert_eq!(call().await, Err(AppError::Upstream));
    assert_eq!(state("recovery"), State::Open);
    let calls = UPSTREAM.calls();
    let Err(AppError::Breaker(error)) = call().await else {
        panic!("a re-opened breaker let a call through");
    };
    assert!(error.retry_after().unwrap() > Duration::from_millis(59_999));
    assert_eq!(UPSTREAM.calls(), calls);
}

#[tokio::test(start_paused = true)]
async fn timeouts_count_as_failures_and_open_it() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(name = "timeouts", threshold = 2, timeout = "100ms")]
    async fn call() -> Result<u32, AppError> {
        UPSTREAM.call().await
    }

    assert_eq!(
        call().await,
        Ok(1),
        "a fast call is not affected by the timeout"
    );
    UPSTREAM.hang(true);
    for _ in 0..2 {
        let started = Instant::now();
        let error = call().await.unwrap_err();
        assert_eq!(started.elapsed(), Duration::from_millis(100));
        assert_eq!(
            error,
            AppError::Breaker(BreakerError::TimedOut {
                name: "timeouts",
                limit: Duration::from_millis(100)
            })
        );
    }
    assert_eq!(state("timeouts"), State::Open);
    assert_eq!(UPSTREAM.finished(), 1, "a timed-out call kept running");
    let stats = stats("timeouts");
    assert_eq!((stats.timeouts, stats.failures, stats.successes), (2, 2, 1));
}

#[tokio::test(start_paused = true)]
async fn fallbacks_answer_on_rejection_timeout_and_failure_and_chain() {
    static LIVE: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    static CACHE: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    static STATIC_ANSWERS: AtomicU32 = AtomicU32::new(0);

    #[circuit_breaker(name = "fallback_live", threshold = 2, timeout = "1s", fallback = cached)]
    async fn live(city: String) -> Result<String, AppError> {
        LIVE.call().await.map(|_| format!("{city}: live"))
    }

    #[circuit_breaker(name = "fallback_cache", threshold = 1, fallback = fixed)]
    async fn cached(city: String) -> Result<String, AppError> {
        CACHE.call().await.map(|_| format!("{city}: cache"))
    }

    async fn fixed(city: String) -> Result<String, AppError> {
        STATIC_ANSWERS.fetch_add(1, SeqCst);
        Ok(format!("{city}: static"))
    }

    let oslo = || "Oslo".to_owned();
    for _ in 0..3 {
        assert_eq!(live(oslo()).await.unwrap(), "Oslo: live");
    }
    assert_eq!(CACHE.calls(), 0, "a fallback ran after a success");

    LIVE.fail(true);
    assert_eq!(live(oslo()).await.unwrap(), "Oslo: cache", "failure");
    LIVE.fail(false);
    LIVE.hang(true);
    assert_eq!(live(oslo()).await.unwrap(), "Oslo: cache", "timeout");
    assert_eq!(state("fallback_live"), State::Open);
    let live_calls = LIVE.calls();
    assert_eq!(live(oslo()).await.unwrap(), "Oslo: cache", "rejection");
    assert_eq!(LIVE.calls(), live_calls);

    // The cache fails too: its own breaker opens and the static answer takes over.
    CACHE.fail(true);
    assert_eq!(live(oslo()).await.unwrap(), "Oslo: static");
    assert_eq!(state("fallback_cache"), State::Open);
    let cache_calls = CACHE.calls();
    assert_eq!(live(oslo()).await.unwrap(), "Oslo: static");
    assert_eq!(
        CACHE.calls(),
        cache_calls,
        "an open cache breaker let a call through"
    );
    assert_eq!(STATIC_ANSWERS.load(SeqCst), 2);
    assert_eq!(stats("fallback_live").rejections, 3);
}
