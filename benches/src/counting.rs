//! A global allocator that counts, for the allocation figures of the benchmarks and the test
//! that keeps every path without a fallback free of allocations. A binary that measures
//! installs it with `#[global_allocator] static GLOBAL: Counting = Counting;`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// The system allocator, counting allocations (per thread) and bytes (per process).
pub struct Counting;

/// Bytes allocated and not yet freed.
static BYTES: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// Allocations made by this thread: what [`allocations_per_call`] counts, so that another
    /// thread of the process (the test harness's, saying a test runs long) is not charged to
    /// the calls measured. A `const` cell without a destructor: reading it allocates nothing.
    static THREAD_ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

/// This thread's allocations so far (none counted once its thread-locals are gone).
fn thread_allocations() -> u64 {
    THREAD_ALLOCATIONS.try_with(Cell::get).unwrap_or(0)
}

// SAFETY: every call is forwarded unchanged to the system allocator; only counters are added.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = THREAD_ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
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

/// Calls measured per path.
const CALLS: u64 = 10_000;

/// Allocations per call of `call` on `rt`, after one warm-up call. Counts the allocations of
/// the thread that calls it: measure on a current-thread runtime, which runs every task of
/// the calls on that thread.
pub fn allocations_per_call<F, Fut>(rt: &tokio::runtime::Runtime, mut call: F) -> f64
where
    F: FnMut() -> Fut,
    Fut: Future,
{
    rt.block_on(async {
        call().await;
        #[allow(clippy::cast_precision_loss)]
        let per_call = allocations_of(CALLS, &mut call).await as f64 / CALLS as f64;
        per_call
    })
}

/// The allocations of `calls` calls of `call` on `rt`, counted as
/// [`allocations_per_call`] counts them, without a warm-up call.
pub fn allocations_over<F, Fut>(rt: &tokio::runtime::Runtime, calls: u64, mut call: F) -> u64
where
    F: FnMut() -> Fut,
    Fut: Future,
{
    rt.block_on(allocations_of(calls, &mut call))
}

/// The allocations of `calls` calls of `call`, awaited one after the other.
async fn allocations_of<F, Fut>(calls: u64, call: &mut F) -> u64
where
    F: FnMut() -> Fut,
    Fut: Future,
{
    let before = thread_allocations();
    for _ in 0..calls {
        call().await;
    }
    thread_allocations() - before
}

/// Heap bytes that building a value leaves allocated (transient allocations excluded), and
/// the size of the value itself. The value is leaked, as a registered breaker would be.
pub fn bytes_for<T>(make: impl FnOnce() -> T) -> (u64, usize) {
    let before = BYTES.load(Relaxed);
    let value = make();
    let heap = BYTES.load(Relaxed) - before;
    let inline = std::mem::size_of_val(&value);
    std::mem::forget(value);
    (heap, inline)
}

/// Heap bytes allocated and not yet freed, by every thread, now.
pub fn heap_bytes() -> u64 {
    BYTES.load(Relaxed)
}
