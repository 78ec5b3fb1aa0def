//! Retries through the handle API, with the same policy the attribute has: `retry_if`, the
//! error's `RetryAfter` hint and a timeout per attempt (`RetryOptions`), and the retry counts
//! every breaker's `Stats` shows. Every test runs on tokio's paused clock.

mod support;

use std::sync::atomic::{AtomicU32, Ordering::SeqCst};
use std::sync::Mutex;
use std::time::Duration;

use fusebox::{registry, BreakerError, Config, RetryAfter, RetryOptions, RetryStats, State};
use tokio::time::Instant;

const MS: Duration = Duration::from_millis(1);

/// The error of the upstream: a 503, a 400, or a 429 that says when to come back.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ApiError {
    Unavailable,
    BadRequest,
    RateLimited(Duration),
    Breaker(BreakerError),
}

impl From<BreakerError> for ApiError {
    fn from(error: BreakerError) -> Self {
        ApiError::Breaker(error)
    }
}

impl RetryAfter for ApiError {
    fn retry_after(&self) -> Option<Duration> {
        match self {
            ApiError::RateLimited(wait) => Some(*wait),
            _ => None,
        }
    }
}

fn is_transient(error: &ApiError) -> bool {
    !matches!(error, ApiError::BadRequest)
}

/// An upstream that answers each call with the next of its scripted answers (`None` hangs),
/// then `Ok`, and notes when each call came.
struct Scripted {
    answers: Mutex<Vec<Option<Result<u32, ApiError>>>>,
    calls: Mutex<Vec<Instant>>,
}

impl Scripted {
    fn new(mut answers: Vec<Option<Result<u32, ApiError>>>) -> Scripted {
        answers.reverse();
        Scripted {
            answers: Mutex::new(answers),
            calls: Mutex::new(Vec::new()),
        }
    }

    async fn call(&self) -> Result<u32, ApiError> {
        self.calls.lock().unwrap().push(Instant::now());
        let answer = self.answers.lock().unwrap().pop().unwrap_or(Some(Ok(1)));
        match answer {
            Some(answer) => answer,
            None => std::future::pending().await,
        }
    }

    /// The waits between the calls so far.
    fn waits(&self) -> Vec<Duration> {
        let calls = self.calls.lock().unwrap();
        calls.windows(2).map(|pair| pair[1] - pair[0]).collect()
    }
}

#[tokio::test(start_paused = true)]
async fn retry_if_returns_an_error_not_worth_a_retry_at_once() {
    let breaker = registry().register("handle_retry_if", Config::new().retries(3));
    let options = RetryOptions::new().retry_if(is_transient);
    let upstream = Scripted::new(vec![
        Some(Err(ApiError::Unavailable)),
        Some(Err(ApiError::BadRequest)),
    ]);
    let answer = breaker
        .call_with_retry_options(options, || upstream.call())
        .await;
    assert_eq!(answer, Err(ApiError::BadRequest));
    assert_eq!(
        upstream.waits().len(),
        1,
        "two attempts: the 400 stopped them"
    );
    let retry = breaker.stats().retry;
    assert_eq!(
        (retry.retries, retry.exhausted, retry.not_retried),
        (1, 1, 0)
    );

    // Without the options every error is retried.
    let upstream = Scripted::new(vec![Some(Err(ApiError::BadRequest))]);
    assert_eq!(breaker.call_with_retries(|| upstream.call()).await, Ok(1));
    assert_eq!(breaker.stats().retry.recovered, 1);
}

#[tokio::test(start_paused = true)]
async fn the_hint_sets_the_wait_when_the_options_follow_it() {
    let config = Config::new()
        .retries(2)
        .retry_backoff(10 * MS)
        .retry_max_backoff(Duration::from_secs(5));
    let breaker = registry().register("handle_hint", config);
    let limited = || Some(Err(ApiError::RateLimited(Duration::from_secs(3))));
    let upstream = Scripted::new(vec![limited()]);
    let follow = RetryOptions::new().follow_retry_after();
    assert_eq!(
        breaker
            .call_with_retry_options(follow, || upstream.call())
            .await,
        Ok(1)
    );
    assert_eq!(upstream.waits(), [Duration::from_secs(3)]);

    // Not followed, the backoff decides: between 10 and 20 ms.
    let upstream = Scripted::new(vec![limited()]);
    assert_eq!(breaker.call_with_retries(|| upstream.call()).await, Ok(1));
    assert!((10 * MS..=20 * MS).contains(&upstream.waits()[0]));

    // A hint past `retry_max_backoff` means no retry, counted as refused by the deadline.
    let upstream = Scripted::new(vec![Some(Err(ApiError::RateLimited(Duration::from_secs(
        60,
    ))))]);
    let answer = breaker
        .call_with_retry_options(follow, || upstream.call())
        .await;
    assert_eq!(answer, Err(ApiError::RateLimited(Duration::from_secs(60))));
    let retry = breaker.retry_stats();
    assert_eq!((retry.refused_by_deadline, retry.not_retried), (1, 1));
}

#[tokio::test(start_paused = true)]
async fn each_attempt_has_the_timeout_and_a_timed_out_attempt_is_retried() {
    let breaker = registry().register("handle_timeout", Config::new().retries(2).retry_backoff(MS));
    let options = RetryOptions::new().timeout(Duration::from_secs(1));
    let upstream = Scripted::new(vec![None]);
    let started = Instant::now();
    let answer = breaker
        .call_with_retry_options(options, || upstream.call())
        .await;
    assert_eq!(answer, Ok(1));
    let waited = Instant::now() - started;
    assert!((1_001 * MS..=1_002 * MS).contains(&waited), "{waited:?}");
    let stats = breaker.stats();
    assert_eq!(
        (stats.calls, stats.timeouts, stats.retry.recovered),
        (2, 1, 1)
    );

    // Every attempt times out: the last timeout comes back as the error.
    let upstream = Scripted::new(vec![None, None, None]);
    let answer = breaker
        .call_with_retry_options(options, || upstream.call())
        .await;
    assert!(
        matches!(
            answer,
            Err(ApiError::Breaker(BreakerError::TimedOut { .. }))
        ),
        "{answer:?}"
    );
    assert_eq!(upstream.waits().len(), 2, "three attempts");
    assert_eq!(breaker.stats().timeouts, 4);
}

#[tokio::test(start_paused = true)]
async fn the_timer_of_a_timed_out_attempt_serves_the_wait_then_the_next_attempt_afresh() {
    // One timer per call: each attempt's timeout and each wait between attempts are set on it
    // in turn, each in full.
    let breaker = registry().register(
        "handle_timeout_shared_timer",
        Config::new()
            .retries(3)
            .retry_backoff(100 * MS)
            .retry_max_backoff(100 * MS),
    );
    let options = RetryOptions::new().timeout(Duration::from_secs(1));
    let upstream = Scripted::new(vec![None, Some(Err(ApiError::Unavailable)), None]);
    let answer = breaker
        .call_with_retry_options(options, || upstream.call())
        .await;
    assert_eq!(answer, Ok(1));
    assert_eq!(
        upstream.waits(),
        vec![1_100 * MS, 100 * MS, 1_100 * MS],
        "a timeout, a wait, a failure, a wait, a timeout, a wait, a success"
    );
    assert_eq!(breaker.stats().timeouts, 2);
}

#[tokio::test(start_paused = true)]
async fn the_retry_deadline_counts_from_the_call_and_cuts_an_attempt() {
    let config = Config::new()
        .retries(5)
        .retry_backoff(100 * MS)
        .retry_max_backoff(100 * MS)
        .retry_deadline(Duration::from_millis(250));
    let breaker = registry().register("handle_deadline", config);
    let upstream = Scripted::new(vec![Some(Err(ApiError::Unavailable)), None]);
    let started = Instant::now();
    let answer = breaker.call_with_retries(|| upstream.call()).await;
    // The second attempt hangs and is cut at the deadline, 250 ms after the call started;
    // the retry after it would end past the deadline, so none begins.
    assert!(
        matches!(
            answer,
            Err(ApiError::Breaker(BreakerError::TimedOut { .. }))
        ),
        "{answer:?}"
    );
    assert_eq!(Instant::now() - started, 250 * MS);
    let retry = breaker.retry_stats();
    assert_eq!(
        (retry.retries, retry.refused_by_deadline, retry.exhausted),
        (1, 1, 1)
    );
}

#[tokio::test(start_paused = true)]
async fn a_retry_the_circuit_rejects_is_counted_as_refused_by_it() {
    let breaker = registry().register("handle_circuit", Config::new().threshold(2).retries(3));
    let upstream = Scripted::new(vec![Some(Err(ApiError::Unavailable)); 5]);
    let answer = breaker.call_with_retries(|| upstream.call()).await;
    assert!(
        matches!(answer, Err(ApiError::Breaker(BreakerError::Open { .. }))),
        "{answer:?}"
    );
    assert_eq!(breaker.state(), State::Open);
    let retry = breaker.stats().retry;
    assert_eq!(
        (retry.retries, retry.refused_by_circuit, retry.exhausted),
        (1, 1, 1)
    );
}

#[tokio::test(start_paused = true)]
async fn the_stats_show_the_retry_counts_and_a_reset_clears_them() {
    let breaker = registry().register("handle_stats", Config::new().retries(1));
    let attempts = AtomicU32::new(0);
    let failing_first = || async {
        match attempts.fetch_add(1, SeqCst) % 2 {
            0 => Err(ApiError::Unavailable),
            _ => Ok(1),
        }
    };
    assert_eq!(breaker.call_with_retries(failing_first).await, Ok(1));
    let options = RetryOptions::new().retry_if(is_transient);
    let bad =
        breaker.call_with_retry_options(options, || async { Err::<u32, _>(ApiError::BadRequest) });
    assert_eq!(bad.await, Err(ApiError::BadRequest));

    let stats = breaker.stats();
    assert_eq!(stats.calls, 3, "every attempt is a call");
    assert_eq!(stats.retry, breaker.retry_stats());
    let retry = stats.retry;
    assert_eq!(
        (
            retry.retries,
            retry.recovered,
            retry.not_retried,
            retry.exhausted
        ),
        (1, 1, 1, 0)
    );
    breaker.reset();
    assert_eq!(breaker.stats().retry, RetryStats::default());
}
