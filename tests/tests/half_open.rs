//! Half-open admission under concurrency, and probe slots given back by callers who give up.

mod support;

use std::future::Future;
use std::pin::pin;
use std::sync::LazyLock;
use std::time::Duration;

use fusebox::{circuit_breaker, BreakerError, State};
use support::{state, stats, AppError, Upstream};
use tokio::task::JoinHandle;

/// Yields until `done` holds, giving up after a bounded number of turns (a paused clock never
/// advances while tasks keep yielding, so a time limit would not bound this loop). The bound
/// is generous: on two threads the test's own task, polled by `block_on`, yields far faster in
/// an optimised build than the workers start the calls it waits for (100,000 turns were often
/// not enough there).
async fn until(done: impl Fn() -> bool) {
    for _ in 0..10_000_000 {
        if done() {
            return;
        }
        tokio::task::yield_now().await;
    }
    panic!("the condition never held");
}

/// Fails calls until the breaker named `name` opens, giving up after a bounded number of
/// calls (a test that waits for a state it can never see fails, not hangs). With no recovery
/// period its probe timer may move it on to half-open before the opening call returns, so any
/// state but closed says it has opened.
async fn open<F: Future<Output = Result<u32, AppError>>>(
    call: fn() -> F,
    upstream: &Upstream,
    name: &str,
) {
    upstream.fail(true);
    for _ in 0..1_000 {
        let _ = call().await;
        if state(name) != State::Closed {
            upstream.fail(false);
            return;
        }
    }
    panic!("breaker {name} never opened");
}

fn is_half_open_full(result: &Result<u32, AppError>) -> bool {
    matches!(
        result,
        Err(AppError::Breaker(BreakerError::HalfOpenFull { .. }))
    )
}

/// Starts 50 concurrent calls while `name` is ready to probe (success threshold 3), checks
/// that exactly 3 reach the upstream and 47 are rejected, then lets the probes close it.
async fn burst(
    spawn: impl Fn() -> JoinHandle<Result<u32, AppError>>,
    upstream: &Upstream,
    name: &str,
) {
    let (before, rejections) = (upstream.calls(), stats(name).rejections);
    upstream.close_gate();
    let handles: Vec<_> = (0..50).map(|_| spawn()).collect();
    until(|| upstream.calls() == before + 3 && stats(name).rejections == rejections + 47).await;
    assert_eq!(state(name), State::HalfOpen);
    assert_eq!(stats(name).half_open_in_flight, 3);

    upstream.release(3);
    let mut results = Vec::new();
    for handle in handles {
        results.push(handle.await.expect("no call panics"));
    }
    let rejected = results
        .iter()
        .filter(|result| is_half_open_full(result))
        .count();
    assert_eq!((results.len() - rejected, rejected), (3, 47));
    assert_eq!(upstream.calls(), before + 3, "more probes ran than allowed");
    assert_eq!(state(name), State::Closed);
}

#[tokio::test(start_paused = true)]
async fn fifty_concurrent_calls_let_exactly_success_threshold_probes_run() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(
        name = "burst_paused",
        threshold = 1,
        recovery = "10s",
        success_threshold = 3
    )]
    async fn call() -> Result<u32, AppError> {
        UPSTREAM.call().await
    }

    open(call, &UPSTREAM, "burst_paused").await;
    tokio::time::advance(Duration::from_secs(10)).await;
    burst(|| tokio::spawn(call()), &UPSTREAM, "burst_paused").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_calls_on_two_threads_let_exactly_success_threshold_probes_run() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(
        name = "burst_threads",
        threshold = 1,
        recovery = "0s",
        success_threshold = 3
    )]
    async fn call() -> Result<u32, AppError> {
        UPSTREAM.call().await
    }

    open(call, &UPSTREAM, "burst_threads").await;
    // The probe timer, on a worker thread, moves it on to half-open: a burst begun before then
    // would find it open.
    until(|| state("burst_threads") == State::HalfOpen).await;
    burst(|| tokio::spawn(call()), &UPSTREAM, "burst_threads").await;
}

#[tokio::test(start_paused = true)]
async fn a_probe_whose_caller_gives_up_frees_its_slot() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(
        name = "abandoned_probe",
        threshold = 1,
        recovery = "10s",
        success_threshold = 1
    )]
    async fn call() -> Result<u32, AppError> {
        UPSTREAM.call().await
    }

    open(call, &UPSTREAM, "abandoned_probe").await;
    tokio::time::advance(Duration::from_secs(10)).await;
    UPSTREAM.close_gate();

    // A probe dropped by its caller mid-call.
    {
        let mut probe = pin!(call());
        assert!(futures::poll!(probe.as_mut()).is_pending());
        assert!(
            is_half_open_full(&call().await),
            "a second probe was admitted"
        );
    }
    assert_eq!(stats("abandoned_probe").half_open_in_flight, 0);

    // A probe abandoned by a caller's own deadline.
    let gave_up = tokio::time::timeout(Duration::from_secs(1), call()).await;
    assert!(gave_up.is_err());
    assert_eq!(stats("abandoned_probe").half_open_in_flight, 0);
    assert_eq!(state("abandoned_probe"), State::HalfOpen);
    assert_eq!(stats("abandoned_probe").cancelled, 2);

    UPSTREAM.release(1);
    assert!(
        call().await.is_ok(),
        "the freed slot was not given to the next caller"
    );
    assert_eq!(state("abandoned_probe"), State::Closed);
}

/// Anchor scenario 7: a probe that times out or panics is a failure, so its slot is not left
/// taken: the circuit opens again, and after the next recovery a new probe runs.
#[tokio::test(start_paused = true)]
async fn a_probe_that_times_out_or_panics_reopens_the_circuit() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(
        name = "probe_fails_hard",
        threshold = 1,
        recovery = "10s",
        success_threshold = 1,
        timeout = "1s"
    )]
    async fn call(explode: bool) -> Result<u32, AppError> {
        assert!(!explode, "the probe exploded");
        UPSTREAM.call().await
    }
    let call_ok = || call(false);

    open(call_ok, &UPSTREAM, "probe_fails_hard").await;

    // A probe that hangs past the timeout.
    tokio::time::advance(Duration::from_secs(10)).await;
    UPSTREAM.hang(true);
    assert!(matches!(
        call(false).await,
        Err(AppError::Breaker(BreakerError::TimedOut { .. }))
    ));
    assert_eq!(state("probe_fails_hard"), State::Open);
    assert_eq!(stats("probe_fails_hard").half_open_in_flight, 0);
    UPSTREAM.hang(false);

    // A probe that panics.
    tokio::time::advance(Duration::from_secs(10)).await;
    let panicked = tokio::spawn(call(true))
        .await
        .expect_err("the probe panicked");
    assert!(panicked.is_panic());
    assert_eq!(state("probe_fails_hard"), State::Open);

    // The slot is free: the next probe runs and closes the circuit.
    tokio::time::advance(Duration::from_secs(10)).await;
    assert!(call(false).await.is_ok());
    assert_eq!(state("probe_fails_hard"), State::Closed);
}
