//! No call through the `fusebox::tower` layer allocates, on any path it takes call after call:
//! closed (success, a timeout set and not reached, a classifier, a failure answered by the
//! fallback) and open (rejected, with and without a fallback). Counted by the benchmarks'
//! counting allocator, on a current-thread runtime, each service made ready and called, over
//! a `tower::service_fn` that does not allocate either. tower-resilience's layer is counted
//! alongside, for the figures (`cargo test -p fusebox-bench --test tower_allocations --
//! --nocapture`).

use std::time::Duration;

use fusebox::tower::{CircuitBreakerLayer, Verdict};
use fusebox::{Cause, Config, State};
use fusebox_bench::counting::{allocations_per_call, Counting};
use fusebox_bench::{maybe_fail, trivial, AppError};
use tower::{Layer, Service, ServiceExt};

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations per `ready` then `call` of `service` with `request`.
fn per_call<S, R>(rt: &tokio::runtime::Runtime, service: &S, request: R) -> f64
where
    S: Service<R> + Clone,
    R: Copy,
{
    allocations_per_call(rt, || {
        let mut service = service.clone();
        async move {
            if let Ok(ready) = service.ready().await {
                let _ = ready.call(request).await;
            }
        }
    })
}

/// A failure counts, a success does not: the classifier of the fallback's rows.
fn errors(result: &Result<u32, AppError>) -> Verdict {
    if result.is_err() {
        Verdict::Failure
    } else {
        Verdict::Success
    }
}

/// The fallback: a constant.
async fn cached(_: Cause<Result<u32, AppError>>) -> Result<u32, AppError> {
    Ok(0)
}

// One test, so that no other test thread allocates while a path is counted.
#[test]
fn no_path_through_the_layer_allocates() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let inner = tower::service_fn(maybe_fail);
    let closed = CircuitBreakerLayer::named("tower_alloc_closed", Config::new()).layer(inner);
    let failing =
        CircuitBreakerLayer::named("tower_alloc_failing", Config::new().threshold(u32::MAX))
            .layer(inner);
    let timed = CircuitBreakerLayer::named("tower_alloc_timeout", Config::new())
        .timeout(Duration::from_secs(1))
        .layer(inner);
    let classified = CircuitBreakerLayer::named("tower_alloc_classified", Config::new())
        .classify(errors as fn(&Result<u32, AppError>) -> Verdict)
        .layer(inner);
    let rescued =
        CircuitBreakerLayer::named("tower_alloc_rescued", Config::new().threshold(u32::MAX))
            .fallback_fn(cached)
            .layer(inner);
    let open = CircuitBreakerLayer::named("tower_alloc_open", Config::new().threshold(1));
    let open_plain = open.clone().layer(inner);
    let open_rescued = open.fallback_fn(cached).layer(inner);
    rt.block_on(async {
        let _ = open_plain.clone().oneshot(true).await;
    });
    assert_eq!(open_plain.breaker().state(), State::Open);
    let paths = [
        ("closed, success", per_call(&rt, &closed, false)),
        ("closed, failure", per_call(&rt, &failing, true)),
        ("timeout set, not reached", per_call(&rt, &timed, false)),
        ("classifier, success", per_call(&rt, &classified, false)),
        ("fallback answers a failure", per_call(&rt, &rescued, true)),
        ("open, rejected", per_call(&rt, &open_plain, false)),
        (
            "open, fallback answers",
            per_call(&rt, &open_rescued, false),
        ),
    ];
    assert_eq!(
        open_plain.breaker().state(),
        State::Open,
        "rejections were measured"
    );

    let resilience = tower_resilience_circuitbreaker::CircuitBreakerLayer::builder()
        .build()
        .expect("a valid configuration")
        .layer_fn(tower::service_fn(|(): ()| trivial()));
    let peer = per_call(&rt, &resilience, ());
    println!("| path | fusebox layer, allocations per call |\n|---|---|");
    for (path, per_call) in &paths {
        println!("| {path} | {per_call:.2} |");
    }
    println!("tower-resilience layer, closed, success: {peer:.2} allocations per call");
    let allocating: Vec<_> = paths
        .iter()
        .filter(|(_, per_call)| *per_call > 0.0)
        .collect();
    assert!(
        allocating.is_empty(),
        "allocations per call: {allocating:?}"
    );
}
