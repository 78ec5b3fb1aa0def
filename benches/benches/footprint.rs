//! Allocations per call on every path, and memory per breaker, counted by a global allocator.
//!
//! `cargo bench -p fusebox-bench --bench footprint` prints a Markdown table.

use std::alloc::{GlobalAlloc, Layout, System};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use failsafe::futures::CircuitBreaker as _;
use fusebox::{registry, Config};
use fusebox_bench::{
    maybe_fail, protected, protected_to_open, protected_waiting, protected_window,
    protected_with_timeout, trivial, AppError,
};
use tower::{Service, ServiceExt};

/// The system allocator, counting allocations and bytes.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
/// Bytes allocated and not yet freed.
static BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; only counters are added.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size() as u64, Relaxed);
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, passed on as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        BYTES.fetch_sub(layout.size() as u64, Relaxed);
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const CALLS: u64 = 10_000;
const LONG: Duration = Duration::from_secs(3600);

/// Allocations per call of `call`, after one warm-up call.
fn allocations_per_call<F, Fut>(rt: &tokio::runtime::Runtime, mut call: F) -> f64
where
    F: FnMut() -> Fut,
    Fut: Future,
{
    rt.block_on(async {
        call().await;
        let before = ALLOCATIONS.load(Relaxed);
        for _ in 0..CALLS {
            call().await;
        }
        #[allow(clippy::cast_precision_loss)]
        let per_call = (ALLOCATIONS.load(Relaxed) - before) as f64 / CALLS as f64;
        per_call
    })
}

/// Heap bytes that building one breaker leaves allocated (transient allocations excluded),
/// and the size of the value itself.
fn bytes_for<T>(make: impl FnOnce() -> T) -> (u64, usize) {
    let before = BYTES.load(Relaxed);
    let value = make();
    let heap = BYTES.load(Relaxed) - before;
    let inline = std::mem::size_of_val(&value);
    std::mem::forget(value);
    (heap, inline)
}

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

/// A half-open breaker whose only probe slot is held by a call that never finishes.
fn half_open_breaker() -> &'static fusebox::Breaker {
    let breaker = registry().register(
        "footprint_half_open",
        Config::new()
            .threshold(1)
            .recovery(Duration::ZERO)
            .success_threshold(1),
    );
    // Outside a runtime, so that no probe timer is armed: the held call is admitted in
    // half-open, as its only probe.
    let waker = std::task::Waker::noop();
    let mut context = std::task::Context::from_waker(waker);
    let opened = std::pin::pin!(breaker.call(maybe_fail(true))).poll(&mut context);
    assert!(opened.is_ready());
    let probe = Box::pin(breaker.call(std::future::pending::<Result<u32, AppError>>()));
    assert_eq!(breaker.state(), fusebox::State::HalfOpen);
    // The probe is kept for the life of the process.
    let probe = Box::leak(Box::new(probe));
    assert!(probe.as_mut().poll(&mut context).is_pending());
    let rejected = std::pin::pin!(breaker.call(trivial())).poll(&mut context);
    assert!(matches!(rejected, std::task::Poll::Ready(Err(AppError))));
    breaker
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
}
