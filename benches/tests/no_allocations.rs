//! No call without a fallback allocates on any path it takes call after call: closed (success,
//! failure, failure-rate window), a timeout not reached and one whose timer is armed, a
//! bulkhead slot, an open rejection and a half-open one. Counted by the benchmarks' counting
//! allocator, on a current-thread runtime, after a warm-up call that registers the breaker.
//! Two rarer paths do allocate: the call that opens a circuit sets its probe timer (two alarms
//! on tokio's time driver, once per opening), and a call that finds its bulkhead full and may
//! wait for a slot (`max_wait`) boxes its wait. A retried call allocates nothing per retry, through the
//! attribute or the handle (its breaker's retry book is made once, by the warm-up call). A
//! keyed attribute's call allocates nothing once its key is present.

use std::cell::Cell;
use std::time::Duration;

use fusebox::{circuit_breaker, registry, Config, RetryOptions, State};
use fusebox_bench::counting::{allocations_over, allocations_per_call, Counting};
use fusebox_bench::{
    half_open_breaker, maybe_fail, protected, protected_retries, protected_retries_bare,
    protected_to_open, protected_to_open_fallback, protected_waiting, protected_window,
    protected_with_timeout, retried_once, trivial, AppError,
};

#[global_allocator]
static GLOBAL: Counting = Counting;

/// A fn behind a bulkhead with a timeout, which waits once: its slot and its timer are taken.
#[circuit_breaker(name = "no_allocations_bulkhead", max_concurrent = 2, timeout = "1s")]
async fn protected_in_bulkhead() -> Result<u32, AppError> {
    tokio::task::yield_now().await;
    trivial().await
}

/// A request to one host, which the attribute keys its breaker by.
struct Request {
    host: String,
}

/// The attribute with a `key`: after the warm-up call, which admits the key, a call finds it
/// present, borrowed, without a clone.
#[circuit_breaker(name = "no_allocations_keyed", key = request.host)]
async fn protected_keyed(request: &Request) -> Result<u32, AppError> {
    trivial().await
}

// One test, so that no other test thread allocates while a path is counted.
#[test]
fn no_path_without_a_fallback_allocates() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let failing = registry().register("no_allocations_fail", Config::new().threshold(u32::MAX));
    rt.block_on(async {
        let _ = protected_to_open(true).await;
    });
    let opened = registry().get("bench_open").expect("registered");
    assert_eq!(opened.state(), State::Open, "rejections are measured");
    let half_open = half_open_breaker();
    let handle_retries = registry().register(
        "no_allocations_handle_retries",
        Config::new()
            .threshold(u32::MAX)
            .retries(1)
            .retry_backoff(Duration::from_millis(1))
            .retry_max_backoff(Duration::from_millis(1))
            .retry_budget(100),
    );
    let attempts = Cell::new(0_u32);
    let fails_every_other = || {
        attempts.set(attempts.get() + 1);
        maybe_fail(attempts.get() % 2 == 1)
    };
    let timed = RetryOptions::new().timeout(Duration::from_secs(1));
    let paths = [
        ("closed, success", allocations_per_call(&rt, protected)),
        (
            "closed, failure",
            allocations_per_call(&rt, || failing.call(maybe_fail(true))),
        ),
        (
            "failure-rate window, success",
            allocations_per_call(&rt, protected_window),
        ),
        (
            "timeout set, not reached",
            allocations_per_call(&rt, protected_with_timeout),
        ),
        (
            "timeout set, the call waits (timer armed)",
            allocations_per_call(&rt, protected_waiting),
        ),
        (
            "bulkhead slot taken, timer armed",
            allocations_per_call(&rt, protected_in_bulkhead),
        ),
        (
            "open, rejected",
            allocations_per_call(&rt, || protected_to_open(false)),
        ),
        (
            "half-open, every probe slot taken, rejected",
            allocations_per_call(&rt, || half_open.call(trivial())),
        ),
        (
            "retries declared, not needed",
            allocations_per_call(&rt, protected_retries),
        ),
        (
            "retries declared without a fallback, not needed",
            allocations_per_call(&rt, protected_retries_bare),
        ),
        (
            "a failed attempt, a 1ms wait, a retry that succeeds",
            allocations_per_call(&rt, retried_once),
        ),
        (
            "handle, retries declared, not needed",
            allocations_per_call(&rt, || handle_retries.call_with_retries(trivial)),
        ),
        (
            "handle with a timeout per attempt: a failed attempt, a 1ms wait, a retry",
            allocations_per_call(&rt, || {
                handle_retries.call_with_retry_options(timed, fails_every_other)
            }),
        ),
    ];
    assert_eq!(
        opened.state(),
        State::Open,
        "every rejection was measured open"
    );
    assert_eq!(half_open.state(), State::HalfOpen);
    let retried = registry().get("bench_retried").expect("registered");
    assert!(
        retried.retry_stats().retries >= 10_000,
        "every measured call retried once: {:?}",
        retried.retry_stats()
    );
    assert!(handle_retries.retry_stats().recovered >= 10_000);
    let allocating: Vec<_> = paths
        .iter()
        .filter(|(_, per_call)| *per_call > 0.0)
        .collect();
    assert!(
        allocating.is_empty(),
        "allocations per call: {allocating:?}"
    );
}

/// A keyed attribute's call, its `String` key present (admitted by the warm-up calls, which
/// also make it busy enough for counter stripes of its own), borrowed: no allocation. (The counts are per thread, so this may be a test of its own.)
#[test]
fn a_keyed_call_with_its_key_present_does_not_allocate() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let request = Request {
        host: "eu.example".to_owned(),
    };
    allocations_over(&rt, 5000, || protected_keyed(&request));
    let per_call = allocations_per_call(&rt, || protected_keyed(&request));
    assert!(per_call == 0.0, "allocations per call: {per_call}");
    let family = registry()
        .families()
        .into_iter()
        .find(|family| family.name == "no_allocations_keyed")
        .expect("the family");
    assert_eq!(family.keys, 1);
}

/// An open fn's rejection answered by its fallback, which reads the cause: no allocation.
#[test]
fn a_rejection_the_fallback_answers_does_not_allocate() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    rt.block_on(async {
        let _ = protected_to_open_fallback(true).await;
    });
    let opened = registry().get("bench_open_fallback").expect("registered");
    assert_eq!(opened.state(), State::Open, "rejections are measured");
    let per_call = allocations_per_call(&rt, || protected_to_open_fallback(false));
    assert!(per_call == 0.0, "allocations per call: {per_call}");
    assert_eq!(opened.state(), State::Open, "every call was rejected");
}
