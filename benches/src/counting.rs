//! A global allocator that counts, for the allocation figures of the benchmarks and the test
//! that keeps every path without a fallback free of allocations. A binary that measures
//! installs it with `#[global_allocator] static GLOBAL: Counting = Counting;`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// The system allocator, counting allocations and bytes.
pub struct Counting;

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

/// Calls measured per path.
const CALLS: u64 = 10_000;

/// Allocations per call of `call` on `rt`, after one warm-up call. Counts every thread's
/// allocations: measure on a current-thread runtime with nothing else running.
pub fn allocations_per_call<F, Fut>(rt: &tokio::runtime::Runtime, mut call: F) -> f64
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
