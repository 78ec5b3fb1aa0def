//! The randomness of the backoff's jitter: a xorshift64* generator per thread, seeded once
//! from the standard library's per-process random hasher keys and the thread's id.
//!
//! Jitter only has to keep many callers from retrying in step, so a small generator with no
//! lock and no dependency is enough; it is not cryptographic and is not meant to be.

use std::cell::Cell;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

thread_local! {
    static STATE: Cell<u64> = Cell::new(seed());
}

/// A seed that differs between processes and threads, never zero (xorshift's fixed point).
fn seed() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write(format!("{:?}", std::thread::current().id()).as_bytes());
    hasher.finish() | 1
}

/// The next pseudo-random number of this thread.
pub(super) fn next_u64() -> u64 {
    STATE.with(|state| {
        let mut x = state.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        state.set(x);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    })
}

/// A number drawn uniformly from `low ..= high` (`low` when `high` is below it).
pub(super) fn between(low: u64, high: u64) -> u64 {
    match high.checked_sub(low).and_then(|span| span.checked_add(1)) {
        Some(count) => low + next_u64() % count,
        // The whole range of `u64`, or an empty one.
        None if high > low => next_u64(),
        None => low,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_stay_in_their_range_and_cover_it() {
        let mut seen = [false; 5];
        for _ in 0..1_000 {
            let drawn = between(10, 14);
            assert!((10..=14).contains(&drawn));
            seen[usize::try_from(drawn - 10).unwrap()] = true;
        }
        assert!(seen.iter().all(|seen| *seen));
        assert_eq!(between(7, 7), 7);
        assert_eq!(between(9, 3), 9);
        let _ = between(0, u64::MAX);
    }
}
