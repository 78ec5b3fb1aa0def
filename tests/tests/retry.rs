//! Retries declared with the breaker, in the order fallback <- retry <- breaker <- timeout:
//! each attempt is a call of the breaker, the waits follow the backoff or the error's hint
//! within the deadline and the budget, a rejection is never retried, and the fallback answers
//! once, after the last attempt. Every test runs on tokio's paused clock.

// Fallbacks are async fns by contract, even when they do not wait for anything.
#![allow(clippy::unused_async)]

mod support;

use std::sync::atomic::{AtomicU32, Ordering::SeqCst};
use std::sync::LazyLock;
use std::time::Duration;

use fusebox::{circuit_breaker, registry, BreakerError, RetryStats, State};
use support::flaky::{answer_zero, causes, retry_stats, Flaky};
use support::{state, stats, AppError};
use tokio::time::Instant;

const MS: Duration = Duration::from_millis(1);

#[tokio::test(start_paused = true)]
async fn a_transient_failure_succeeds_on_the_second_attempt() {
    static UPSTREAM: LazyLock<Flaky> = LazyLock::new(Flaky::new);
    #[circuit_breaker(name = "retry_once", retries = 2, fallback = answer_zero)]
    async fn call(id: u32) -> Result<u32, AppError> {
        UPSTREAM.call().await.map(|answer| answer + id)
    }

    UPSTREAM.fail_next(1);
    assert_eq!(call(1).await, Ok(2));
    let (calls, waits) = UPSTREAM.take();
    assert_eq!(calls, 2);
    assert!((100 * MS..=200 * MS).contains(&waits[0]), "{waits:?}");
    assert!(causes().is_empty());
    let stats = stats("retry_once");
    assert_eq!((stats.calls, stats.failures, stats.successes), (2, 1, 1));
    let retries = retry_stats("retry_once");
    assert_eq!(
        (retries.retries, retries.recovered, retries.exhausted),
        (1, 1, 0)
    );

    // A call that needs no retry makes one attempt and waits for nothing.
    let started = Instant::now();
    assert_eq!(call(1).await, Ok(2));
    assert_eq!(UPSTREAM.take().0, 1);
    assert_eq!(started.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn the_fallback_runs_once_after_the_last_attempt_with_the_last_cause() {
    static UPSTREAM: LazyLock<Flaky> = LazyLock::new(Flaky::new);
    #[circuit_breaker(
        name = "retry_exhausted",
        threshold = 10,
        retries = 3,
        retry_backoff = "100ms",
        retry_max_backoff = "300ms",
        fallback = answer_zero
    )]
    async fn call(id: u32) -> Result<u32, AppError> {
        UPSTREAM.call().await.map(|answer| answer + id)
    }

    UPSTREAM.fail_next(10);
    assert_eq!(call(1).await, Ok(0));
    let (calls, waits) = UPSTREAM.take();
    assert_eq!(calls, 4);
    // Retry n waits between 100ms and min(100ms * 2^n, 300ms).
    for (retry, wait) in (1..).zip(&waits) {
        let ceiling = (100 * MS * (1 << retry)).min(300 * MS);
        assert!(
            (100 * MS..=ceiling).contains(wait),
            "retry {retry}: {wait:?}"
        );
    }
    assert_eq!(causes(), ["failed: Upstream"]);
    assert_eq!(stats("retry_exhausted").failures, 4);
    let retries = retry_stats("retry_exhausted");
    assert_eq!((retries.retries, retries.exhausted), (3, 1));
}

#[tokio::test(start_paused = true)]
async fn an_open_circuit_stops_the_retries_and_a_rejection_is_not_retried() {
    static UPSTREAM: LazyLock<Flaky> = LazyLock::new(Flaky::new);
    #[circuit_breaker(name = "retry_opens", threshold = 2, retries = 5, fallback = answer_zero)]
    async fn call(id: u32) -> Result<u32, AppError> {
        UPSTREAM.call().await.map(|answer| answer + id)
    }

    UPSTREAM.fail_next(10);
    assert_eq!(call(1).await, Ok(0));
    // Two attempts opened the circuit; the third was rejected and went to the fallback.
    assert_eq!(UPSTREAM.take().0, 2);
    assert_eq!(state("retry_opens"), State::Open);
    assert_eq!(causes(), ["rejected: open"]);

    // Rejected from the start: the fallback answers at once, nothing waits or retries.
    let started = Instant::now();
    assert_eq!(call(1).await, Ok(0));
    assert_eq!(started.elapsed(), Duration::ZERO);
    assert_eq!(UPSTREAM.take().0, 0);
    assert_eq!(causes(), ["rejected: open"]);
    assert_eq!(retry_stats("retry_opens").retries, 1);
}

fn is_transient(error: &AppError) -> bool {
    matches!(error, AppError::Upstream)
}

fn counts(error: &AppError) -> bool {
    !matches!(error, AppError::Breaker(_))
}

#[tokio::test(start_paused = true)]
async fn only_counted_errors_that_retry_if_accepts_are_retried() {
    static UPSTREAM: LazyLock<Flaky> = LazyLock::new(Flaky::new);
    static ACCEPT: AtomicU32 = AtomicU32::new(0);
    fn accept(_: &AppError) -> bool {
        ACCEPT.load(SeqCst) == 1
    }
    #[circuit_breaker(name = "retry_if", retries = 2, retry_if = accept, fallback = answer_zero)]
    async fn call(id: u32) -> Result<u32, AppError> {
        UPSTREAM.call().await.map(|answer| answer + id)
    }
    #[circuit_breaker(
        name = "retry_uncounted",
        retries = 2,
        failure_if = counts,
        retry_if = is_transient,
        fallback = answer_zero
    )]
    async fn uncounted(id: u32) -> Result<u32, AppError> {
        assert_eq!(id, 1);
        Err(AppError::Breaker(BreakerError::HalfOpenFull {
            name: "elsewhere",
        }))
    }

    UPSTREAM.fail_next(1);
    assert_eq!(call(1).await, Ok(0));
    assert_eq!(UPSTREAM.take().0, 1);
    ACCEPT.store(1, SeqCst);
    UPSTREAM.fail_next(1);
    assert_eq!(call(1).await, Ok(2));
    assert_eq!(UPSTREAM.take().0, 2);

    // An error `failure_if` does not count is returned as it is, without a retry.
    assert!(uncounted(1).await.is_err());
    assert_eq!(stats("retry_uncounted").calls, 1);
}

#[tokio::test(start_paused = true)]
async fn cancelled_during_a_wait_it_takes_and_counts_nothing() {
    static UPSTREAM: LazyLock<Flaky> = LazyLock::new(Flaky::new);
    #[circuit_breaker(
        name = "retry_cancelled",
        retries = 2,
        retry_backoff = "1s",
        fallback = answer_zero
    )]
    async fn call(id: u32) -> Result<u32, AppError> {
        UPSTREAM.call().await.map(|answer| answer + id)
    }

    UPSTREAM.fail_next(1);
    let dropped = tokio::time::timeout(500 * MS, call(1)).await;
    assert!(dropped.is_err());
    assert_eq!(UPSTREAM.take().0, 1);
    let stats = stats("retry_cancelled");
    assert_eq!((stats.calls, stats.failures, stats.cancelled), (1, 1, 0));
    assert_eq!(
        retry_stats("retry_cancelled"),
        RetryStats::default(),
        "no retry begun, none refused"
    );
    assert!(causes().is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_method_retries_with_its_receiver_and_cloned_arguments() {
    struct Client {
        upstream: Flaky,
    }
    impl Client {
        #[circuit_breaker(name = "retry_method", retries = 1, fallback = offline)]
        async fn fetch(&self, city: String, mut tries: Vec<u32>) -> Result<String, AppError> {
            tries.push(1);
            self.upstream.call().await?;
            Ok(format!("{city} {}", tries.len()))
        }

        async fn offline(&self, city: String, _: Vec<u32>) -> Result<String, AppError> {
            Ok(format!("{city} offline"))
        }
    }

    let client = Client {
        upstream: Flaky::new(),
    };
    client.upstream.fail_next(1);
    // The retry got a fresh clone of the arguments, not the first attempt's changed ones.
    assert_eq!(client.fetch("Oslo".into(), vec![]).await.unwrap(), "Oslo 1");
    client.upstream.fail_next(2);
    assert_eq!(
        client.fetch("Oslo".into(), vec![]).await.unwrap(),
        "Oslo offline"
    );
}

#[tokio::test(start_paused = true)]
async fn the_handle_retries_as_the_attribute_does() {
    let breaker = registry().register(
        "retry_handle",
        fusebox::Config::new().threshold(3).retries(2),
    );
    let upstream = Flaky::new();
    upstream.fail_next(1);
    assert_eq!(breaker.call_with_retries(|| upstream.call()).await, Ok(1));
    let (calls, waits) = upstream.take();
    assert_eq!(calls, 2);
    assert!((100 * MS..=200 * MS).contains(&waits[0]), "{waits:?}");

    // Three failed attempts open the circuit: the third retry is rejected, not run.
    upstream.fail_next(10);
    let rejected = breaker.call_with_retries(|| upstream.call()).await;
    assert!(matches!(rejected, Err(AppError::Upstream)), "{rejected:?}");
    assert_eq!(upstream.take().0, 3);
    assert_eq!(breaker.state(), State::Open);
    let rejected = breaker.call_with_retries(|| upstream.call()).await;
    assert!(
        matches!(rejected, Err(AppError::Breaker(BreakerError::Open { .. }))),
        "{rejected:?}"
    );
    assert_eq!(upstream.take().0, 0);
    assert_eq!(breaker.retry_stats().retries, 3);
}

#[test]
fn retry_settings_are_overridden_at_start_up_like_any_other() {
    std::env::set_var("FUSEBOX_RETRY_OVERRIDDEN_RETRIES", "4");
    std::env::set_var("FUSEBOX_RETRY_OVERRIDDEN_RETRY_BUDGET", "50");
    let breaker = registry().register(
        "retry_overridden",
        fusebox::Config::new().retries(1).retry_budget(20),
    );
    assert_eq!(breaker.config().retries_value(), 4);
    assert_eq!(breaker.config().retry_budget_value(), 50);
}

#[test]
fn retry_settings_are_fixed_once_the_breaker_is_built() {
    let breaker = registry().register("retry_fixed", fusebox::Config::new().retries(1));
    let refused = breaker
        .reconfigure(breaker.config().retries(3))
        .unwrap_err();
    assert_eq!(
        refused.to_string(),
        "`retries` cannot change once the breaker is built: its retries and their budget are \
         made with it; the settings in force were kept"
    );
    assert_eq!(breaker.config().retries_value(), 1);
    breaker.reconfigure(breaker.config().threshold(9)).unwrap();
    assert_eq!(breaker.config().retries_value(), 1);
}

#[tokio::test(start_paused = true)]
async fn without_a_fallback_the_last_attempt_answers() {
    static UPSTREAM: LazyLock<Flaky> = LazyLock::new(Flaky::new);
    #[circuit_breaker(name = "retry_no_fallback", threshold = 3, retries = 1, timeout = "1s")]
    async fn call(id: u32) -> Result<u32, AppError> {
        UPSTREAM.call().await.map(|answer| answer + id)
    }
    #[circuit_breaker(name = "retry_no_fallback_if", retries = 2, retry_if = is_transient)]
    async fn picky(error: AppError) -> Result<u32, AppError> {
        Err(error)
    }

    UPSTREAM.fail_next(1);
    assert_eq!(call(1).await, Ok(2));
    assert_eq!(UPSTREAM.take().0, 2);
    // Both attempts fail: the last error is the answer.
    UPSTREAM.fail_next(2);
    assert_eq!(call(1).await, Err(AppError::Upstream));
    assert_eq!(UPSTREAM.take().0, 2);
    // The third failed attempt opens the circuit: the retry is rejected, as the fn's error.
    UPSTREAM.fail_next(10);
    assert!(matches!(
        call(1).await,
        Err(AppError::Breaker(BreakerError::Open { .. }))
    ));
    assert_eq!(UPSTREAM.take().0, 1);
    assert_eq!(retry_stats("retry_no_fallback").retries, 2);

    // `retry_if` refuses an error it does not accept: one attempt.
    let refused = AppError::Breaker(BreakerError::ForcedOpen { name: "elsewhere" });
    assert_eq!(picky(refused.clone()).await, Err(refused));
    assert_eq!(stats("retry_no_fallback_if").calls, 1);
    assert_eq!(picky(AppError::Upstream).await, Err(AppError::Upstream));
    assert_eq!(stats("retry_no_fallback_if").calls, 4);
}
