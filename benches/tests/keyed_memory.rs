//! A keyed family's memory stays bounded by `max_keys` whatever the keys that pass through
//! it, and a call of a key present allocates nothing, but once: the call that finds the key
//! busy gives its breaker counter stripes of its own. Counted by the benchmarks' counting
//! allocator; one test, so that no other test thread allocates while it counts.

use fusebox::{registry, Config};
use fusebox_bench::counting::{allocations_over, allocations_per_call, heap_bytes, Counting};
use fusebox_bench::trivial;

#[global_allocator]
static GLOBAL: Counting = Counting;

const MAX_KEYS: u32 = 1000;

/// The heap a key may hold at most (issue 14), its breaker, its key, the key's text for
/// events and its map entry included, and its share of the family's own.
const BYTES_PER_KEY: u64 = 400;

#[test]
fn a_million_keys_through_a_family_of_a_thousand_stay_bounded_and_a_present_key_allocates_nothing()
{
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let before = heap_bytes();
    let family = registry()
        .keyed::<u64>("keyed_memory", Config::new().max_keys(MAX_KEYS))
        .expect("a family");
    for key in 0..u64::from(MAX_KEYS) {
        family.get(&key).expect("room");
    }
    let full = heap_bytes() - before;
    println!(
        "a family of {MAX_KEYS} keys holds {full} heap bytes: {} a key",
        full / u64::from(MAX_KEYS)
    );
    assert!(full <= u64::from(MAX_KEYS) * BYTES_PER_KEY, "{full} bytes");

    let mut most = 0;
    for key in u64::from(MAX_KEYS)..1_000_000 {
        family.get(&key).expect("closed keys make room");
        if key % 1000 == 0 {
            most = most.max(heap_bytes() - before);
        }
    }
    println!(
        "a million keys later: at most {most} heap bytes, {} keys",
        family.len()
    );
    assert!(family.len() <= MAX_KEYS as usize);
    assert!(
        most <= u64::from(MAX_KEYS) * BYTES_PER_KEY * 5 / 4,
        "{most} heap bytes for at most {MAX_KEYS} keys"
    );

    // A key's breaker counts its first 4096 successes on one pair of atomics; the next call
    // gives it per-thread stripes (one allocation, once), as busy as a named breaker's.
    let present = 999_999;
    let quiet = allocations_over(&rt, 4000, || family.call(&present, trivial()));
    assert_eq!(quiet, 0, "a quiet present key's calls allocate");
    let turning_busy = allocations_over(&rt, 1000, || family.call(&present, trivial()));
    assert_eq!(
        turning_busy, 1,
        "a key turning busy allocates its stripes once"
    );
    let per_call = allocations_per_call(&rt, || family.call(&present, trivial()));
    assert!(
        per_call == 0.0,
        "a present key's call allocates {per_call} times"
    );
}
