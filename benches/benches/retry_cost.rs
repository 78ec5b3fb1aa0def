//! Retries declared but not needed, against the same call without them (issue 13: at most 1 ns
//! more), measured so that no row's figure hangs on one placement of its future on the stack.
//! In `peers` each row keeps one placement for the whole run, and there `call_with_retries`,
//! about 1 instruction a call more than `Breaker::call` under callgrind, came out 1 to 2 ns
//! faster in 6 of 7 rounds: placement, not work. Here each of criterion's samples runs its iterations
//! from the next of 64 stack depths, so that every row is measured over the same placements;
//! the rows of a pair run one after the other. (The code's own alignment still differs from
//! row to row.)
//!
//! `cargo bench -p fusebox-bench --bench retry_cost`

use std::cell::Cell;
use std::future::Future;
use std::hint::black_box;
use std::time::Instant;

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion};
use fusebox::{registry, Config};
use fusebox_bench::{
    below, protected, protected_fallback, protected_retries, protected_retries_bare, trivial,
};
use tokio::runtime::Runtime;

/// The depths the samples run from, in turn: 0 to 63 frames below the bench's own.
const DEPTHS: usize = 64;

/// One row: `routine`'s future awaited `iters` times per sample, each sample from the next
/// depth.
fn row<R, F>(group: &mut BenchmarkGroup<'_, WallTime>, rt: &Runtime, name: &str, mut routine: R)
where
    R: FnMut() -> F,
    F: Future,
{
    let turn = Cell::new(0);
    group.bench_function(name, |b| {
        b.iter_custom(|iters| {
            let depth = turn.get() % DEPTHS;
            turn.set(turn.get() + 1);
            below(depth, &mut || {
                rt.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iters {
                        black_box(routine().await);
                    }
                    start.elapsed()
                })
            })
        });
    });
}

fn retries_not_needed(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let mut group = c.benchmark_group("retries_not_needed");
    row(&mut group, &rt, "attribute", protected);
    row(&mut group, &rt, "attribute_retries", protected_retries_bare);
    row(&mut group, &rt, "fallback", protected_fallback);
    row(&mut group, &rt, "fallback_retries", protected_retries);
    let handle = registry().register("retry_cost_handle", Config::new());
    row(&mut group, &rt, "handle", || handle.call(trivial()));
    let retried = registry().register("retry_cost_handle_retries", Config::new().retries(2));
    row(&mut group, &rt, "handle_retries", || {
        retried.call_with_retries(trivial)
    });
    group.finish();
}

criterion_group!(benches, retries_not_needed);
criterion_main!(benches);
