//! `failure_if_ok`: an `Ok` value the predicate accepts counts as a failure and is returned as
//! it is; once the circuit is open, calls are rejected (and a fallback answers them).

// Fallbacks are async fns by contract, even when they do not wait for anything.
#![allow(clippy::unused_async)]

mod support;

use std::sync::atomic::{AtomicU32, Ordering::SeqCst};

use fusebox::{circuit_breaker, BreakerError, State};
use support::{state, stats, AppError};

/// A search answer: its hits, none when the index was degraded.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Page(Vec<u32>);

fn is_empty(page: &Page) -> bool {
    page.0.is_empty()
}

fn is_upstream(error: &AppError) -> bool {
    matches!(error, AppError::Upstream)
}

#[circuit_breaker(name = "ok_failures_plain", threshold = 2, failure_if_ok = is_empty)]
async fn search(answer: Result<Page, AppError>) -> Result<Page, AppError> {
    answer
}

#[tokio::test(start_paused = true)]
async fn degraded_answers_are_returned_as_they_are_and_open_the_circuit() {
    let empty = || Ok(Page(Vec::new()));
    assert_eq!(search(Ok(Page(vec![1]))).await, Ok(Page(vec![1])));
    assert_eq!(search(empty()).await, empty());
    assert_eq!(state("ok_failures_plain"), State::Closed);
    assert_eq!(search(empty()).await, empty());
    assert_eq!(state("ok_failures_plain"), State::Open);
    let rejected = search(Ok(Page(vec![2]))).await;
    assert!(matches!(
        rejected,
        Err(AppError::Breaker(BreakerError::Open { .. }))
    ));
    let stats = stats("ok_failures_plain");
    assert_eq!(
        (stats.successes, stats.failures, stats.rejections),
        (1, 2, 1)
    );
}

static FALLBACKS: AtomicU32 = AtomicU32::new(0);

#[circuit_breaker(name = "ok_failures_fallback", threshold = 2, failure_if = is_upstream, failure_if_ok = is_empty, fallback = cached)]
async fn search_or_cache(answer: Result<Page, AppError>) -> Result<Page, AppError> {
    answer
}

async fn cached(_: Result<Page, AppError>) -> Result<Page, AppError> {
    FALLBACKS.fetch_add(1, SeqCst);
    Ok(Page(vec![0]))
}

#[tokio::test(start_paused = true)]
async fn with_failure_if_and_a_fallback_the_fallback_answers_only_once_open() {
    let empty = || Ok(Page(Vec::new()));
    // An error `failure_if` does not count: returned, not counted.
    let ignored = Err(AppError::Breaker(BreakerError::ForcedOpen {
        name: "elsewhere",
    }));
    assert_eq!(search_or_cache(ignored.clone()).await, ignored);
    assert_eq!(search_or_cache(empty()).await, empty());
    assert_eq!(
        FALLBACKS.load(SeqCst),
        0,
        "a degraded answer is returned as it is"
    );
    assert_eq!(search_or_cache(empty()).await, empty());
    assert_eq!(state("ok_failures_fallback"), State::Open);
    assert_eq!(search_or_cache(Ok(Page(vec![3]))).await, Ok(Page(vec![0])));
    assert_eq!(FALLBACKS.load(SeqCst), 1);
    let stats = stats("ok_failures_fallback");
    assert_eq!((stats.ignored, stats.failures, stats.rejections), (1, 2, 1));
}

static ATTEMPTS: AtomicU32 = AtomicU32::new(0);

#[circuit_breaker(name = "ok_failures_retried", threshold = 5, retries = 2, failure_if_ok = is_empty, fallback = none_found)]
async fn search_retried(answer: Result<Page, AppError>) -> Result<Page, AppError> {
    ATTEMPTS.fetch_add(1, SeqCst);
    answer
}

async fn none_found(_: Result<Page, AppError>) -> Result<Page, AppError> {
    Ok(Page(vec![0]))
}

#[tokio::test(start_paused = true)]
async fn a_degraded_answer_is_not_retried() {
    let empty = || Ok(Page(Vec::new()));
    assert_eq!(search_retried(empty()).await, empty());
    assert_eq!(ATTEMPTS.load(SeqCst), 1);
    assert_eq!(stats("ok_failures_retried").failures, 1);
    assert_eq!(
        search_retried(Err(AppError::Upstream)).await,
        Ok(Page(vec![0]))
    );
    assert_eq!(ATTEMPTS.load(SeqCst), 4, "an error is retried twice");
}
