//! The counters every call touches (successes, rejections). A named breaker splits them into
//! per-thread stripes, so that counting takes no locked instruction and moves no cache line
//! between cores; a breaker of a keyed family, one of many that each see a share of the
//! traffic, counts on one pair of atomics, so that a key costs 48 bytes of counters, not 640,
//! until it has counted [`STRIPED_AFTER`] events of a kind: a key that busy gets its stripes
//! (allocated once, on that call, and kept by its breaker for the rest of the process).
//!
//! Each thread leases one stripe index from a global pool the first time it counts and gives
//! it back when it exits, through a mutex, so the next owner sees every count the last one
//! made. A stripe is written only by its owner, with a plain load and store; a reader sums the
//! stripes and the pair. Threads beyond the pool's size, threads counting while they exit, and
//! every thread counting for a breaker without stripes, count on a shared stripe with
//! `fetch_add`: a striped breaker's own cache line, or the unstriped breaker's inline pair.
//! Which one is decided off the owned path. Under `--cfg fusebox_loom` every thread counts on
//! the shared stripe, the path loom can model, and no breaker gets stripes on the way.

use std::sync::atomic::Ordering::Relaxed;

use once_cell::race::OnceBox;

use crate::sync::AtomicU64;

/// Stripes a thread may own; any further thread counts on the shared stripe.
pub(crate) const OWNED: usize = 8;

/// Events of one kind a breaker without stripes counts on its pair before it gets stripes:
/// from then on its owner threads count without a locked instruction, as a named breaker's do.
pub(crate) const STRIPED_AFTER: u64 = 4096;

/// The index of a thread that owns no stripe.
const SHARED: usize = OWNED;

/// Where a striped breaker's shared stripe is, after the owned ones.
const SHARED_STRIPE: usize = OWNED;

/// What a stripe counts.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind {
    /// Calls that succeeded.
    Successes = 0,
    /// Calls rejected without running.
    Rejections = 1,
}

const KINDS: usize = 2;

/// One thread's counts, alone in its cache line.
#[derive(Debug, Default)]
#[repr(align(64))]
struct Stripe([AtomicU64; KINDS]);

/// Successes and rejections: striped per thread, or one pair of atomics.
#[derive(Debug)]
pub(crate) struct Striped {
    /// The stripes of owner threads (`OWNED`), then the shared stripe; none (no allocation)
    /// for a breaker that counts on `single`, until it has counted `STRIPED_AFTER` events.
    stripes: OnceBox<[Stripe; OWNED + 1]>,
    /// What every thread counts on, with `fetch_add`, when there are no stripes.
    single: [AtomicU64; KINDS],
    /// What each counter read at the last reset: a reset never writes a stripe, which only
    /// its owner may do.
    base: [AtomicU64; KINDS],
}

impl Striped {
    /// Counters striped per thread, for a breaker many threads may call at once.
    pub(crate) fn per_thread() -> Striped {
        Striped {
            stripes: OnceBox::with_value(Box::default()),
            ..Striped::single()
        }
    }

    /// One pair of atomics, for a breaker that shares the traffic with many others, until it
    /// has counted `STRIPED_AFTER` events of a kind.
    pub(crate) fn single() -> Striped {
        Striped {
            stripes: OnceBox::new(),
            single: Default::default(),
            base: Default::default(),
        }
    }

    /// Counts one more event of `kind`; how many this thread's stripe had counted before it.
    #[inline]
    pub(crate) fn incr(&self, kind: Kind) -> u64 {
        let index = lease::index();
        if let (true, Some(stripes)) = (index < OWNED, self.stripes.get()) {
            let cell = &stripes[index].0[kind as usize];
            let before = cell.load(Relaxed);
            cell.store(before.wrapping_add(1), Relaxed);
            return before;
        }
        let before = self.shared(kind).fetch_add(1, Relaxed);
        if before == STRIPED_AFTER {
            self.stripe();
        }
        before
    }

    /// Gives the breaker its stripes, once it has counted `STRIPED_AFTER` events on its pair
    /// (a no-op for a breaker that has them).
    #[cold]
    #[inline(never)]
    fn stripe(&self) {
        #[cfg(not(fusebox_loom))]
        self.stripes.get_or_init(Box::default);
    }

    /// Takes back one event of `kind` this thread counted by mistake.
    pub(crate) fn decr(&self, kind: Kind) {
        let index = lease::index();
        if let (true, Some(stripes)) = (index < OWNED, self.stripes.get()) {
            let cell = &stripes[index].0[kind as usize];
            cell.store(cell.load(Relaxed).wrapping_sub(1), Relaxed);
        } else {
            self.shared(kind).fetch_sub(1, Relaxed);
        }
    }

    /// The counter of `kind` that threads without a stripe of their own share.
    #[inline]
    fn shared(&self, kind: Kind) -> &AtomicU64 {
        self.stripes
            .get()
            .map_or(&self.single[kind as usize], |stripes| {
                &stripes[SHARED_STRIPE].0[kind as usize]
            })
    }

    /// The events of `kind` counted since the last reset.
    pub(crate) fn get(&self, kind: Kind) -> u64 {
        self.sum(kind)
            .wrapping_sub(self.base[kind as usize].load(Relaxed))
    }

    /// Starts every count from zero again.
    pub(crate) fn reset(&self) {
        for kind in [Kind::Successes, Kind::Rejections] {
            self.base[kind as usize].store(self.sum(kind), Relaxed);
        }
    }

    fn sum(&self, kind: Kind) -> u64 {
        self.stripes
            .get()
            .into_iter()
            .flat_map(|stripes| stripes.iter())
            .map(|stripe| &stripe.0[kind as usize])
            .chain([&self.single[kind as usize]])
            .map(|cell| cell.load(Relaxed))
            .fold(0, u64::wrapping_add)
    }
}

#[cfg(not(fusebox_loom))]
mod lease {
    //! The pool of stripe indices, and each thread's lease on one.

    use std::cell::Cell;
    use std::sync::{Mutex, PoisonError};

    use super::{OWNED, SHARED};

    /// A thread that has not counted yet.
    const NONE: usize = usize::MAX;

    /// The free indices, one bit each.
    static FREE: Mutex<u64> = Mutex::new((1 << OWNED) - 1);

    /// A thread's stripe index, given back to the pool when the thread exits.
    struct Lease(Cell<usize>);

    impl Drop for Lease {
        fn drop(&mut self) {
            let index = self.0.get();
            if index < OWNED {
                *FREE.lock().unwrap_or_else(PoisonError::into_inner) |= 1 << index;
            }
        }
    }

    thread_local! {
        static LEASE: Lease = const { Lease(Cell::new(NONE)) };
    }

    /// This thread's stripe index: its own below `OWNED`, else the shared stripe.
    #[inline]
    pub(super) fn index() -> usize {
        LEASE
            .try_with(|lease| match lease.0.get() {
                NONE => take(lease),
                index => index,
            })
            .unwrap_or(SHARED)
    }

    #[cold]
    fn take(lease: &Lease) -> usize {
        let mut free = FREE.lock().unwrap_or_else(PoisonError::into_inner);
        let index = if *free == 0 {
            SHARED
        } else {
            let index = free.trailing_zeros();
            *free &= !(1 << index);
            index as usize
        };
        lease.0.set(index);
        index
    }
}

#[cfg(fusebox_loom)]
mod lease {
    /// Under loom every thread counts on the shared stripe.
    #[inline]
    pub(super) fn index() -> usize {
        super::SHARED
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Barrier};
    use std::thread;

    use super::*;

    #[test]
    fn no_count_is_lost_with_more_threads_than_stripes() {
        no_count_is_lost(Striped::per_thread());
    }

    #[test]
    fn no_count_is_lost_on_a_single_pair() {
        no_count_is_lost(Striped::single());
    }

    fn no_count_is_lost(counts: Striped) {
        let threads = OWNED * 2 + 3;
        let counts = Arc::new(counts);
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let counts = Arc::clone(&counts);
                thread::spawn(move || {
                    for _ in 0..10_000 {
                        counts.incr(Kind::Successes);
                    }
                    counts.incr(Kind::Rejections);
                    counts.decr(Kind::Rejections);
                })
            })
            .collect();
        for handle in handles {
            handle.join().unwrap();
        }
        assert_eq!(counts.get(Kind::Successes), 10_000 * threads as u64);
        assert_eq!(counts.get(Kind::Rejections), 0);
    }

    #[test]
    fn a_single_pair_gets_stripes_once_busy_and_loses_no_count() {
        let counts = Striped::single();
        for _ in 0..STRIPED_AFTER {
            counts.incr(Kind::Successes);
        }
        assert!(counts.stripes.get().is_none(), "striped before it was busy");
        counts.incr(Kind::Successes);
        assert!(counts.stripes.get().is_some(), "busy and still on its pair");
        let owner = thread::scope(|scope| {
            scope
                .spawn(|| {
                    counts.incr(Kind::Successes);
                    counts.incr(Kind::Rejections);
                    lease::index()
                })
                .join()
                .unwrap()
        });
        assert_eq!(counts.get(Kind::Successes), STRIPED_AFTER + 2);
        assert_eq!(counts.get(Kind::Rejections), 1);
        if owner < OWNED {
            let stripes = counts.stripes.get().unwrap();
            assert_eq!(stripes[owner].0[Kind::Successes as usize].load(Relaxed), 1);
        }
    }

    #[test]
    fn threads_alive_together_never_own_the_same_stripe() {
        let threads = OWNED + 4;
        let barrier = Arc::new(Barrier::new(threads));
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let barrier = Arc::clone(&barrier);
                thread::spawn(move || {
                    let index = lease::index();
                    barrier.wait();
                    index
                })
            })
            .collect();
        let mut owned: Vec<_> = handles
            .into_iter()
            .map(|handle| handle.join().unwrap())
            .filter(|&index| index < OWNED)
            .collect();
        let leased = owned.len();
        owned.sort_unstable();
        owned.dedup();
        assert_eq!(owned.len(), leased, "an index owned twice");
    }

    #[test]
    fn a_reset_starts_from_zero_and_counting_goes_on() {
        for counts in [Striped::per_thread(), Striped::single()] {
            a_reset_starts_from_zero(&counts);
        }
    }

    fn a_reset_starts_from_zero(counts: &Striped) {
        counts.incr(Kind::Successes);
        counts.incr(Kind::Rejections);
        counts.reset();
        assert_eq!(
            (counts.get(Kind::Successes), counts.get(Kind::Rejections)),
            (0, 0)
        );
        let before = counts.incr(Kind::Successes);
        assert_eq!((before, counts.get(Kind::Successes)), (1, 1));
    }

    #[test]
    fn an_exited_thread_gives_its_stripe_back() {
        // More threads than there are stripes get one, one after the other: each gave its
        // stripe back when it exited (other tests may hold some of them meanwhile).
        let owned = (0..OWNED * 20)
            .filter(|_| thread::spawn(lease::index).join().unwrap() < OWNED)
            .count();
        assert!(owned > OWNED, "only {owned} threads got a stripe");
    }
}
