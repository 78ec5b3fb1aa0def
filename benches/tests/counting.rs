//! The counting allocator counts what the measured calls allocate, on the measuring thread,
//! and nothing another thread allocates meanwhile.

use std::hint::black_box;
use std::sync::mpsc;

use fusebox_bench::counting::{allocations_per_call, Counting};

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn a_call_that_boxes_once_counts_one_allocation_and_another_threads_count_none() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    assert!(
        (allocations_per_call(&rt, || async { black_box(Box::new(1_u64)) }) - 1.0).abs()
            < f64::EPSILON
    );

    let (stop, stopped) = mpsc::channel::<()>();
    let busy = std::thread::spawn(move || {
        while stopped.try_recv().is_err() {
            black_box(Box::new(1_u64));
        }
    });
    let per_call = allocations_per_call(&rt, || async { black_box(1_u64) });
    stop.send(()).unwrap();
    busy.join().unwrap();
    assert!(per_call.abs() < f64::EPSILON, "{per_call}");
}
