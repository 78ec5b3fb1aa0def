//! What one scrape costs with the feature `metrics`: `fusebox::metrics::record()` over every
//! breaker in the registry, into no recorder and into a Prometheus recorder, and that
//! recorder's render after it. Nothing here is on a call's path; it is what `/metrics` pays.
//!
//! `cargo bench -p fusebox-bench --bench scrape`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use fusebox::{registry, Config};
use metrics_exporter_prometheus::PrometheusBuilder;

/// The breakers registered besides those the bench crate's attributes declare.
const BREAKERS: usize = 10;

fn scrape(c: &mut Criterion) {
    for n in 0..BREAKERS {
        let config = Config::new().failure_rate(50).window(100).max_concurrent(8);
        registry().register(&format!("scrape_{n}"), config);
    }
    let breakers = registry().stats().len();
    let mut group = c.benchmark_group(format!("metrics_scrape_{breakers}_breakers"));
    group.bench_function("record_without_recorder", |b| {
        b.iter(fusebox::metrics::record);
    });
    let recorder = PrometheusBuilder::new().build_recorder();
    let handle = recorder.handle();
    metrics::with_local_recorder(&recorder, fusebox::metrics::describe);
    group.bench_function("record_prometheus", |b| {
        b.iter(|| metrics::with_local_recorder(&recorder, fusebox::metrics::record));
    });
    group.bench_function("record_and_render_prometheus", |b| {
        b.iter(|| {
            metrics::with_local_recorder(&recorder, fusebox::metrics::record);
            black_box(handle.render())
        });
    });
    group.finish();
}

criterion_group!(benches, scrape);
criterion_main!(benches);
