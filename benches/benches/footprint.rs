//! Allocations per call on every path, and memory per breaker, counted by a global allocator.
//!
//! `cargo bench -p fusebox-bench --bench footprint` prints a Markdown table.

use std::time::Duration;

use failsafe::futures::CircuitBreaker as _;
use fusebox::{registry, Config};
use fusebox_bench::counting::{allocations_per_call, bytes_for, Counting};
use fusebox_bench::{
    half_open_breaker, maybe_fail, protected, protected_to_open, protected_to_open_fallback,
    protected_waiting, protected_window, protected_with_timeout, trivial, AppError,
};
use tower::{Service, ServiceExt};

#[global_allocator]
static GLOBAL: Counting = Counting;

const LONG: Duration = Duration::from_secs(3600);

fn main() {
    allocations_table();
    memory_table();
}

fn allocations_table() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    println!("| path | allocations per call |\n|---|---|");
    let row = |name: &str, per_call: f64| println!("| {name} | {per_call:.2} |");
    row("raw async fn", allocations_per_call(&rt, trivial));
    row(
        "fusebox attribute, closed, success",
        allocations_per_call(&rt, protected),
    );
    row(
        "fusebox attribute, failure-rate window, success",
        allocations_per_call(&rt, protected_window),
    );
    row(
        "fusebox handle, closed, failure",
        allocations_per_call(&rt, || async {
            let breaker = registry().register("footprint_fail", Config::new().threshold(u32::MAX));
            breaker.call(maybe_fail(true)).await
        }),
    );
    row(
        "fusebox attribute, timeout set, not reached",
        allocations_per_call(&rt, protected_with_timeout),
    );
    row(
        "fusebox attribute, timeout set, call waits once (timer armed)",
        allocations_per_call(&rt, protected_waiting),
    );
    rt.block_on(async {
        let _ = protected_to_open(true).await;
    });
    row(
        "fusebox attribute, open, rejected",
        allocations_per_call(&rt, || protected_to_open(false)),
    );
    rt.block_on(async {
        let _ = protected_to_open_fallback(true).await;
    });
    row(
        "fusebox attribute, open, rejected, fallback answers",
        allocations_per_call(&rt, || protected_to_open_fallback(false)),
    );
    let half_open = half_open_breaker();
    row(
        "fusebox handle, half-open, every probe slot taken, rejected",
        allocations_per_call(&rt, || half_open.call(trivial())),
    );
    let handle = registry().register("footprint_handle", Config::new());
    row(
        "fusebox handle, closed, success",
        allocations_per_call(&rt, || handle.call(trivial())),
    );
    let family = registry()
        .keyed::<String>("footprint_keyed_calls", Config::new())
        .expect("a family");
    row(
        "fusebox keyed family, key present, closed, success",
        allocations_per_call(&rt, || family.call("eu.example.com", trivial())),
    );
    let recloser =
        recloser::AsyncRecloser::from(recloser::Recloser::custom().open_wait(LONG).build());
    row(
        "recloser, closed, success",
        allocations_per_call(&rt, || recloser.call(trivial())),
    );
    let failsafe = failsafe::Config::new()
        .failure_policy(failsafe::failure_policy::consecutive_failures(
            5,
            failsafe::backoff::constant(LONG),
        ))
        .build();
    row(
        "failsafe consecutive, closed, success",
        allocations_per_call(&rt, || failsafe.call(trivial())),
    );
    let cbrs =
        circuitbreaker_rs::CircuitBreaker::<circuitbreaker_rs::DefaultPolicy, AppError>::builder()
            .build();
    row(
        "circuitbreaker-rs, closed, success",
        allocations_per_call(&rt, || cbrs.call_async(trivial)),
    );
    let layer = tower_resilience_circuitbreaker::CircuitBreakerLayer::builder()
        .build()
        .expect("valid");
    let service = layer.layer_fn(tower::service_fn(|(): ()| trivial()));
    row(
        "tower-resilience, closed, success",
        allocations_per_call(&rt, || {
            let mut service = service.clone();
            async move {
                let ready = service.ready().await.expect("ready");
                ready.call(()).await
            }
        }),
    );
}

fn memory_table() {
    println!("\n| breaker | heap bytes | inline bytes |\n|---|---|---|");
    let memory =
        |name: &str, (heap, inline): (u64, usize)| println!("| {name} | {heap} | {inline} |");
    let mut names = (0..).map(|n| format!("footprint_breaker_{n}"));
    memory(
        "fusebox (registered, with its name)",
        bytes_for(|| registry().register(&names.next().unwrap_or_default(), Config::new())),
    );
    memory(
        "fusebox keyed family, per key (1000 `u64` keys)",
        keyed_per_key(),
    );
    memory(
        "recloser",
        bytes_for(|| recloser::Recloser::custom().build()),
    );
    memory(
        "failsafe consecutive",
        bytes_for(|| {
            failsafe::Config::new()
                .failure_policy(failsafe::failure_policy::consecutive_failures(
                    5,
                    failsafe::backoff::constant(LONG),
                ))
                .build()
        }),
    );
    memory(
        "circuitbreaker-rs",
        bytes_for(|| {
            circuitbreaker_rs::CircuitBreaker::<circuitbreaker_rs::DefaultPolicy, AppError>::builder().build()
        }),
    );
    memory(
        "tower-resilience",
        bytes_for(|| {
            tower_resilience_circuitbreaker::CircuitBreakerLayer::builder()
                .build()
                .expect("valid")
        }),
    );
    println!(
        "\nA `Breaker` struct: {} bytes (its heap: the stripes of a named breaker, the settings \
         of a named breaker or of a family, the optional policies set).",
        std::mem::size_of::<fusebox::Breaker>()
    );
}

/// Heap bytes a keyed family holds per key, over its first 1000 keys (its breaker, the key
/// and its label for events, the map's entry and table), and the size of a breaker handle.
fn keyed_per_key() -> (u64, usize) {
    const KEYS: u64 = 1000;
    let family = registry()
        .keyed::<u64>("footprint_keyed", Config::new())
        .expect("a family");
    let (heap, _) = bytes_for(|| {
        for key in 0..KEYS {
            family.get(&key).expect("room");
        }
    });
    (heap / KEYS, std::mem::size_of::<&fusebox::Breaker>())
}
