//! Retries declared with the breaker, in the order fallback <- retry <- breaker <- timeout:
//! each attempt is a call of the breaker, the waits follow the backoff or the error's hint
//! within the deadline and the budget, a rejection is never retried, and the fallback answers
//! once, after the last attempt. Every test runs on tokio's paused clock.

// Fallbacks are async fns by contract, even when they do not wait for anything.
#![allow(clippy::unused_async)]

mod support;

use std::cell::RefCell;
use std::sync::atomic::{AtomicU32, Ordering::SeqCst};
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use fusebox::{circuit_breaker, registry, BreakerError, Cause, RetryAfter, RetryStats, State};
use support::{state, stats, AppError};
use tokio::time::Instant;

const MS: Duration = Duration::from_millis(1);

/// An upstream that fails its first `failures` calls, then answers, and notes when each call
/// came.
struct Flaky {
    failures: AtomicU32,
    calls: Mutex<Vec<Instant>>,
}

impl Flaky {
    fn new() -> Flaky {
        Flaky {
            failures: AtomicU32::new(0),
            calls: Mutex::new(Vec::new()),
        }
    }

    /// Fails the next `failures` calls.
    fn fail_next(&self, failures: u32) {
        self.failures.store(failures, SeqCst);
    }

    async fn call(&self) -> Result<u32, AppError> {
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
    fn take(&self) -> (usize, Vec<Duration>) {
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

fn causes() -> Vec<String> {
    CAUSES.with(RefCell::take)
}

async fn answer_zero(_: u32, cause: Cause<AppError>) -> Result<u32, AppError> {
    let text = match cause {
        Cause::Failed(error) => format!("failed: {error:?}"),
        Cause::Rejected(BreakerError::Open { .. }) => "rejected: open".to_owned(),
        Cause::TimedOut(_) => "timed out".to_owned(),
        other => format!("{other:?}"),
    };
    CAUSES.with(|causes| causes.borrow_mut().push(text));
    Ok(0)
}

fn retry_stats(name: &str) -> RetryStats {
    registry().get(name).unwrap().retry_stats()
}

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
