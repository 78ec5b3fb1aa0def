//! fusebox side by side with the Rust circuit-breaker peers, in one run.
//!
//! `cargo bench -p fusebox-bench --bench peers`; the figures go to BENCHMARKS.md.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use circuitbreaker_rs::{CircuitBreaker as CbRs, DefaultPolicy};
use criterion::{criterion_group, criterion_main, Criterion};
use failsafe::futures::CircuitBreaker as _;
use fusebox::{registry, Config, State};
use fusebox_bench::{
    half_open_breaker, maybe_fail, protected, protected_fallback, protected_retries,
    protected_retries_bare, protected_shared, protected_to_open, protected_to_open_fallback,
    protected_window, protected_with_timeout, trivial, AppError,
};
use recloser::{AsyncRecloser, Recloser};
use tokio::runtime::Runtime;
use tower::{Layer as _, Service, ServiceExt};
use tower_resilience_circuitbreaker::CircuitBreakerLayer;

const LONG: Duration = Duration::from_secs(3600);

fn current_thread() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

fn failsafe_consecutive() -> impl failsafe::futures::CircuitBreaker + Clone + Send + Sync + 'static
{
    failsafe::Config::new()
        .failure_policy(failsafe::failure_policy::consecutive_failures(
            5,
            failsafe::backoff::constant(LONG),
        ))
        .build()
}

fn recloser() -> AsyncRecloser {
    AsyncRecloser::from(
        Recloser::custom()
            .error_rate(0.5)
            .closed_len(100)
            .half_open_len(10)
            .open_wait(LONG)
            .build(),
    )
}

fn circuitbreaker_rs() -> CbRs<DefaultPolicy, AppError> {
    CbRs::<DefaultPolicy, AppError>::builder()
        .consecutive_failures(5)
        .cooldown(LONG)
        .build()
}

fn tower_layer() -> CircuitBreakerLayer {
    CircuitBreakerLayer::builder()
        .failure_rate_threshold(0.5)
        .sliding_window_size(100)
        .minimum_number_of_calls(10)
        .wait_duration_in_open(LONG)
        .build()
        .expect("a valid configuration")
}

fn closed_success(c: &mut Criterion) {
    let rt = current_thread();
    let mut group = c.benchmark_group("closed_success");
    group.bench_function("raw", |b| b.to_async(&rt).iter(trivial));
    group.bench_function("fusebox_attribute", |b| b.to_async(&rt).iter(protected));
    group.bench_function("fusebox_attribute_window", |b| {
        b.to_async(&rt).iter(protected_window);
    });
    // With a fallback, and with a fallback and retries it never needs: retries must cost
    // nothing (at most 1 ns) on a call that succeeds.
    group.bench_function("fusebox_attribute_fallback", |b| {
        b.to_async(&rt).iter(protected_fallback);
    });
    group.bench_function("fusebox_attribute_retries", |b| {
        b.to_async(&rt).iter(protected_retries);
    });
    // Without a fallback: against `fusebox_attribute`.
    group.bench_function("fusebox_attribute_retries_no_fallback", |b| {
        b.to_async(&rt).iter(protected_retries_bare);
    });
    let handle = registry().register("bench_handle", Config::new());
    group.bench_function("fusebox_handle", |b| {
        b.to_async(&rt).iter(|| handle.call(trivial()));
    });
    // The handle with retries it never needs: against `fusebox_handle`.
    let retried_handle = registry().register("bench_handle_retries", Config::new().retries(2));
    group.bench_function("fusebox_handle_retries", |b| {
        b.to_async(&rt)
            .iter(|| retried_handle.call_with_retries(trivial));
    });
    let recloser = recloser();
    group.bench_function("recloser", |b| {
        b.to_async(&rt).iter(|| recloser.call(trivial()));
    });
    let failsafe = failsafe_consecutive();
    group.bench_function("failsafe_consecutive", |b| {
        b.to_async(&rt).iter(|| failsafe.call(trivial()));
    });
    let failsafe_default = failsafe::Config::new().build();
    group.bench_function("failsafe_default", |b| {
        b.to_async(&rt).iter(|| failsafe_default.call(trivial()));
    });
    let cbrs = circuitbreaker_rs();
    group.bench_function("circuitbreaker_rs", |b| {
        b.to_async(&rt).iter(|| cbrs.call_async(trivial));
    });
    let tower = tower_layer().layer_fn(tower::service_fn(|(): ()| trivial()));
    group.bench_function("tower_resilience", |b| {
        b.to_async(&rt).iter_custom(|iters| {
            let mut service = tower.clone();
            async move {
                let started = Instant::now();
                for _ in 0..iters {
                    let ready = service.ready().await.expect("ready");
                    let _ = black_box(ready.call(()).await);
                }
                started.elapsed()
            }
        });
    });
    group.finish();
}

fn open_rejection(c: &mut Criterion) {
    let rt = current_thread();
    let mut group = c.benchmark_group("open_rejection");
    rt.block_on(async {
        let _ = protected_to_open(true).await;
    });
    group.bench_function("fusebox_attribute", |b| {
        b.to_async(&rt).iter(|| protected_to_open(false));
    });
    rt.block_on(async {
        let _ = protected_to_open_fallback(true).await;
    });
    group.bench_function("fusebox_attribute_fallback", |b| {
        b.to_async(&rt).iter(|| protected_to_open_fallback(false));
    });
    let recloser = recloser();
    let failsafe = failsafe_consecutive();
    let cbrs = circuitbreaker_rs();
    let mut tower = tower_layer().layer_fn(tower::service_fn(maybe_fail));
    rt.block_on(async {
        for _ in 0..100 {
            let _ = recloser.call(maybe_fail(true)).await;
            let _ = failsafe.call(maybe_fail(true)).await;
            let _ = cbrs.call_async(|| maybe_fail(true)).await;
            if let Ok(ready) = tower.ready().await {
                let _ = ready.call(true).await;
            }
        }
    });
    group.bench_function("recloser", |b| {
        b.to_async(&rt).iter(|| recloser.call(trivial()));
    });
    group.bench_function("failsafe_consecutive", |b| {
        b.to_async(&rt).iter(|| failsafe.call(trivial()));
    });
    group.bench_function("circuitbreaker_rs", |b| {
        b.to_async(&rt).iter(|| cbrs.call_async(trivial));
    });
    group.bench_function("tower_resilience", |b| {
        b.to_async(&rt).iter_custom(|iters| {
            let mut service = tower.clone();
            async move {
                let started = Instant::now();
                for _ in 0..iters {
                    let _ = black_box(service.ready().await.map(|ready| ready.call(false)));
                }
                started.elapsed()
            }
        });
    });
    group.finish();
}

fn timeout_not_reached(c: &mut Criterion) {
    let rt = current_thread();
    let mut group = c.benchmark_group("timeout_not_reached");
    group.bench_function("fusebox_without_timeout", |b| {
        b.to_async(&rt).iter(protected);
    });
    group.bench_function("fusebox_with_timeout", |b| {
        b.to_async(&rt).iter(protected_with_timeout);
    });
    group.bench_function("raw_in_tokio_timeout", |b| {
        b.to_async(&rt)
            .iter(|| tokio::time::timeout(Duration::from_secs(1), trivial()));
    });
    group.finish();
}

fn half_open_rejection(c: &mut Criterion) {
    let rt = current_thread();
    let mut group = c.benchmark_group("half_open_rejection");
    let breaker = half_open_breaker();
    group.bench_function("fusebox_handle", |b| {
        b.to_async(&rt).iter(|| breaker.call(trivial()));
    });
    group.finish();
    assert_eq!(
        breaker.state(),
        State::HalfOpen,
        "measured half-open rejections"
    );
}

/// One breaker shared by 8 tasks spawned on a multi-thread runtime of 2 worker threads (4
/// tasks per thread, as tokio balances them); the time is wall time per call.
fn shared_breaker(c: &mut Criterion) {
    const TASKS: u64 = 8;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let mut group = c.benchmark_group("shared_2_threads_x_4_tasks");
    group.bench_function("fusebox_attribute", |b| {
        b.to_async(&rt).iter_custom(|iters| {
            run_tasks(TASKS, iters, || async {
                black_box(protected_shared().await)
            })
        });
    });
    let failsafe = failsafe_consecutive();
    group.bench_function("failsafe_consecutive", |b| {
        b.to_async(&rt).iter_custom(|iters| {
            let failsafe = failsafe.clone();
            run_tasks(TASKS, iters, move || {
                let failsafe = failsafe.clone();
                async move { black_box(failsafe.call(trivial()).await) }
            })
        });
    });
    let recloser = Arc::new(recloser());
    group.bench_function("recloser", |b| {
        b.to_async(&rt).iter_custom(|iters| {
            let recloser = Arc::clone(&recloser);
            run_tasks(TASKS, iters, move || {
                let recloser = Arc::clone(&recloser);
                async move { black_box(recloser.call(trivial()).await) }
            })
        });
    });
    let cbrs = Arc::new(circuitbreaker_rs());
    group.bench_function("circuitbreaker_rs", |b| {
        b.to_async(&rt).iter_custom(|iters| {
            let cbrs = Arc::clone(&cbrs);
            run_tasks(TASKS, iters, move || {
                let cbrs = Arc::clone(&cbrs);
                async move { black_box(cbrs.call_async(trivial).await) }
            })
        });
    });
    group.finish();
}

/// Spreads `iters` calls over `tasks` spawned tasks and returns the wall time.
async fn run_tasks<F, Fut>(tasks: u64, iters: u64, call: F) -> Duration
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future + Send,
{
    let per_task = iters.div_ceil(tasks);
    let started = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let call = call.clone();
            tokio::spawn(async move {
                for _ in 0..per_task {
                    call().await;
                }
            })
        })
        .collect();
    for handle in handles {
        handle.await.expect("no benchmark task panics");
    }
    started.elapsed()
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

/// `service` made ready and called `iters` times in a row; the time taken.
async fn ready_and_call<S, R>(mut service: S, request: impl Fn() -> R, iters: u64) -> Duration
where
    S: Service<R>,
{
    let started = Instant::now();
    for _ in 0..iters {
        if let Ok(ready) = service.ready().await {
            let _ = black_box(ready.call(request()).await);
        }
    }
    started.elapsed()
}

/// The fusebox layer and tower-resilience's over the same `tower::service_fn`, on the same
/// runtime: a closed circuit, every call a success. Each iteration is `ready` then `call`.
fn tower_layer_closed(c: &mut Criterion) {
    let rt = current_thread();
    let mut group = c.benchmark_group("tower_layer_closed");
    let inner = tower::service_fn(|(): ()| trivial());
    group.bench_function("raw_service_fn", |b| {
        b.to_async(&rt)
            .iter_custom(|iters| ready_and_call(inner, || (), iters));
    });
    let consecutive =
        fusebox::tower::CircuitBreakerLayer::named("bench_tower_closed", Config::new())
            .layer(inner);
    group.bench_function("fusebox_layer", |b| {
        b.to_async(&rt)
            .iter_custom(|iters| ready_and_call(consecutive.clone(), || (), iters));
    });
    let window_config = Config::new().failure_rate(50).window(100).min_calls(10);
    let window = fusebox::tower::CircuitBreakerLayer::named("bench_tower_window", window_config)
        .layer(inner);
    group.bench_function("fusebox_layer_window", |b| {
        b.to_async(&rt)
            .iter_custom(|iters| ready_and_call(window.clone(), || (), iters));
    });
    let resilience = tower_layer().layer_fn(inner);
    group.bench_function("tower_resilience", |b| {
        b.to_async(&rt)
            .iter_custom(|iters| ready_and_call(resilience.clone(), || (), iters));
    });
    group.finish();
}

/// The fusebox layer and tower-resilience's over the same `tower::service_fn`, once their
/// circuits are open: every call rejected. Each iteration is `ready` then `call`.
fn tower_layer_open_rejection(c: &mut Criterion) {
    let rt = current_thread();
    let mut group = c.benchmark_group("tower_layer_open_rejection");
    let inner = tower::service_fn(maybe_fail);
    let config = Config::new().threshold(5).recovery(LONG);
    let fusebox =
        fusebox::tower::CircuitBreakerLayer::named("bench_tower_open", config).layer(inner);
    let resilience = tower_layer().layer_fn(inner);
    rt.block_on(async {
        ready_and_call(fusebox.clone(), || true, 100).await;
        ready_and_call(resilience.clone(), || true, 100).await;
    });
    assert_eq!(
        fusebox.breaker().state(),
        State::Open,
        "rejections are measured"
    );
    group.bench_function("fusebox_layer", |b| {
        b.to_async(&rt)
            .iter_custom(|iters| ready_and_call(fusebox.clone(), || false, iters));
    });
    group.bench_function("tower_resilience", |b| {
        b.to_async(&rt)
            .iter_custom(|iters| ready_and_call(resilience.clone(), || false, iters));
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = closed_success, open_rejection, timeout_not_reached, half_open_rejection, shared_breaker,
        tower_layer_closed, tower_layer_open_rejection
}
criterion_main!(benches);
