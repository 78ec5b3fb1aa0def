//! `failure_if`: errors the predicate does not count are returned as they are, run no
//! fallback, change no count and give back a half-open probe slot.

// Fallbacks are async fns by contract, even when they do not wait for anything.
#![allow(clippy::unused_async)]

mod support;

use std::sync::atomic::{AtomicU32, Ordering::SeqCst};
use std::time::Duration;

use fusebox::{circuit_breaker, BreakerError, State};
use support::{state, stats};

#[derive(Debug, Clone, PartialEq, Eq)]
enum ToolError {
    BadInput(String),
    Server,
    Breaker(BreakerError),
}

impl From<BreakerError> for ToolError {
    fn from(error: BreakerError) -> Self {
        ToolError::Breaker(error)
    }
}

fn is_server_error(error: &ToolError) -> bool {
    matches!(error, ToolError::Server)
}

static FALLBACKS: AtomicU32 = AtomicU32::new(0);

#[circuit_breaker(name = "classified", threshold = 2, recovery = "10s", success_threshold = 1, failure_if = is_server_error, fallback = fallback)]
async fn lookup(input: Result<u32, ToolError>) -> Result<u32, ToolError> {
    tokio::task::yield_now().await;
    input
}

async fn fallback(_input: Result<u32, ToolError>) -> Result<u32, ToolError> {
    FALLBACKS.fetch_add(1, SeqCst);
    Ok(0)
}

#[circuit_breaker(name = "classified_plain", threshold = 1, failure_if = is_server_error)]
async fn plain(input: Result<u32, ToolError>) -> Result<u32, ToolError> {
    input
}

#[tokio::test(start_paused = true)]
async fn ignored_errors_pass_through_and_count_nothing() {
    let bad = || Err(ToolError::BadInput("no such city".into()));
    for _ in 0..10 {
        assert_eq!(lookup(bad()).await, bad(), "an ignored error was replaced");
    }
    assert_eq!(
        FALLBACKS.load(SeqCst),
        0,
        "an ignored error ran the fallback"
    );
    let counted = stats("classified");
    assert_eq!(
        (counted.state, counted.ignored, counted.failures),
        (State::Closed, 10, 0)
    );

    // One counted failure, then an ignored error: the count is neither reset nor raised.
    assert_eq!(lookup(Err(ToolError::Server)).await, Ok(0));
    assert_eq!(lookup(bad()).await, bad());
    assert_eq!(stats("classified").consecutive_failures, 1);
    assert_eq!(lookup(Err(ToolError::Server)).await, Ok(0));
    assert_eq!(state("classified"), State::Open);
    assert_eq!(FALLBACKS.load(SeqCst), 2);

    // In half-open, an ignored error gives its probe slot back without deciding anything.
    tokio::time::advance(Duration::from_secs(10)).await;
    assert_eq!(lookup(bad()).await, bad());
    assert_eq!(state("classified"), State::HalfOpen);
    assert_eq!(stats("classified").half_open_in_flight, 0);
    assert_eq!(lookup(Ok(7)).await, Ok(7));
    assert_eq!(state("classified"), State::Closed);
}

#[tokio::test(start_paused = true)]
async fn without_a_fallback_ignored_errors_still_pass_through() {
    assert_eq!(
        plain(Err(ToolError::BadInput("x".into()))).await,
        Err(ToolError::BadInput("x".into()))
    );
    assert_eq!(state("classified_plain"), State::Closed);
    assert_eq!(plain(Err(ToolError::Server)).await, Err(ToolError::Server));
    assert!(matches!(
        plain(Ok(1)).await,
        Err(ToolError::Breaker(BreakerError::Open { .. }))
    ));
}
