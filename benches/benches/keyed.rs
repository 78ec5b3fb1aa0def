//! A keyed family's call (its key present) against a named breaker's call, in one run; the
//! same through the attribute (`key = ...` against a static site's call); and the lookup of a present key in the concurrent maps weighed for the family.
//!
//! `cargo bench -p fusebox-bench --bench keyed`; the figures go to BENCHMARKS.md.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use fusebox::{circuit_breaker, registry, Breaker, Config};
use fusebox_bench::{protected, trivial, AppError};
use tokio::runtime::Runtime;

/// Keys in each family and map: a server's worth of upstreams.
const KEYS: u64 = 1000;

fn current_thread() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

fn host(n: u64) -> String {
    format!("host-{n}.eu-west.example.com")
}

/// A request to one of the hosts: the attribute keys its breaker by the host, borrowed.
struct Request {
    host: String,
}

/// `trivial` behind the attribute, one breaker per host (row `attribute_keyed_string`).
#[circuit_breaker(name = "bench_keyed_attribute_host", key = request.host)]
async fn keyed_by_host(request: &Request) -> Result<u32, AppError> {
    trivial().await
}

/// `trivial` behind the attribute, one breaker per id (row `attribute_keyed_u64`).
#[circuit_breaker(name = "bench_keyed_attribute_id", key = id)]
async fn keyed_by_id(id: u64) -> Result<u32, AppError> {
    trivial().await
}

fn keyed_call(c: &mut Criterion) {
    let rt = current_thread();
    let named = registry().register("bench_static_call", Config::new());
    let by_host = registry()
        .keyed::<String>("bench_keyed_host", Config::new())
        .expect("a family");
    let by_id = registry()
        .keyed::<u64>("bench_keyed_id", Config::new())
        .expect("a family");
    for n in 0..KEYS {
        by_host.get(&host(n)).expect("room");
        by_id.get(&n).expect("room");
    }
    let key = host(KEYS / 2);
    let mut group = c.benchmark_group("keyed_call");
    group.bench_function("static_call", |b| {
        b.to_async(&rt).iter(|| named.call(trivial()));
    });
    group.bench_function("keyed_call_string", |b| {
        b.to_async(&rt)
            .iter(|| by_host.call(black_box(key.as_str()), trivial()));
    });
    group.bench_function("keyed_call_u64", |b| {
        b.to_async(&rt)
            .iter(|| by_id.call(black_box(&(KEYS / 2)), trivial()));
    });
    group.finish();
}

/// The attribute's keyed call (its key present among `KEYS`) against the attribute's call of
/// a static breaker, in one run.
fn keyed_attribute(c: &mut Criterion) {
    let rt = current_thread();
    let by_host = registry()
        .keyed::<String>("bench_keyed_attribute_host", Config::new())
        .expect("a family");
    let by_id = registry()
        .keyed::<u64>("bench_keyed_attribute_id", Config::new())
        .expect("a family");
    for n in 0..KEYS {
        by_host.get(&host(n)).expect("room");
        by_id.get(&n).expect("room");
    }
    let request = Request {
        host: host(KEYS / 2),
    };
    let mut group = c.benchmark_group("keyed_attribute");
    group.bench_function("attribute_static", |b| {
        b.to_async(&rt).iter(protected);
    });
    group.bench_function("attribute_keyed_string", |b| {
        b.to_async(&rt).iter(|| keyed_by_host(black_box(&request)));
    });
    group.bench_function("attribute_keyed_u64", |b| {
        b.to_async(&rt).iter(|| keyed_by_id(black_box(KEYS / 2)));
    });
    group.finish();
}

fn present_key_lookup(c: &mut Criterion) {
    let breaker: &'static Breaker = registry().register("bench_lookup", Config::new());
    let keys: Vec<String> = (0..KEYS).map(host).collect();
    let key = host(KEYS / 2);

    let papaya = papaya::HashMap::builder()
        .hasher(foldhash::fast::RandomState::default())
        .build();
    let papaya_sip = papaya::HashMap::new();
    let scc = scc::HashIndex::with_hasher(foldhash::fast::RandomState::default());
    let moka = moka::sync::Cache::builder()
        .max_capacity(KEYS * 2)
        .build_with_hasher(foldhash::fast::RandomState::default());
    for name in &keys {
        papaya.pin().insert(name.clone(), breaker);
        papaya_sip.pin().insert(name.clone(), breaker);
        let _ = scc.insert_sync(name.clone(), breaker);
        moka.insert(name.clone(), breaker);
    }

    let mut group = c.benchmark_group("present_key_lookup");
    group.bench_function("papaya_foldhash", |b| {
        b.iter(|| papaya.pin().get(black_box(key.as_str())).copied());
    });
    group.bench_function("papaya_siphash", |b| {
        b.iter(|| papaya_sip.pin().get(black_box(key.as_str())).copied());
    });
    group.bench_function("scc_hash_index_foldhash", |b| {
        b.iter(|| scc.peek_with(black_box(key.as_str()), |_, breaker| *breaker));
    });
    group.bench_function("moka_sync_foldhash", |b| {
        b.iter(|| moka.get(black_box(key.as_str())));
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default();
    targets = keyed_call, keyed_attribute, present_key_lookup
}
criterion_main!(benches);
