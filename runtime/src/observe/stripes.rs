//! The counters every call touches (successes, rejections), split into per-thread stripes so
//! that counting takes no locked instruction and moves no cache line between cores.
//!
//! Each thread leases one stripe index from a global pool the first time it counts and gives
//! it back when it exits, through a mutex, so the next owner sees every count the last one
//! made. A stripe is written only by its owner, with a plain load and store; a reader sums the
//! stripes. Threads beyond the pool's size, and threads counting while they exit, share one
//! more stripe, counted with `fetch_add`. Under `--cfg fusebox_loom` every thread counts on
//! the shared stripe, the path loom can model.

use std::sync::atomic::Ordering::Relaxed;

use crate::sync::AtomicU64;

/// Stripes a thread may own; any further thread counts on the shared stripe.
pub(crate) const OWNED: usize = 8;

/// The stripe counted with `fetch_add`, by threads that own none.
const SHARED: usize = OWNED;

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

/// Counters split into per-thread stripes.
#[derive(Debug, Default)]
pub(crate) struct Striped {
    stripes: [Stripe; OWNED + 1],
    /// What each counter read at the last reset: a reset never writes a stripe, which only
    /// its owner may do.
    base: [AtomicU64; KINDS],
}

impl Striped {
    /// Counts one more event of `kind`; how many this thread's stripe had counted before it.
    #[inline]
    pub(crate) fn incr(&self, kind: Kind) -> u64 {
        let index = lease::index();
        let cell = &self.stripes[index.min(SHARED)].0[kind as usize];
        if index < OWNED {
            let before = cell.load(Relaxed);
            cell.store(before.wrapping_add(1), Relaxed);
            before
        } else {
            cell.fetch_add(1, Relaxed)
        }
    }

    /// Takes back one event of `kind` this thread counted by mistake.
    pub(crate) fn decr(&self, kind: Kind) {
        let index = lease::index();
        let cell = &self.stripes[index.min(SHARED)].0[kind as usize];
        if index < OWNED {
            cell.store(cell.load(Relaxed).wrapping_sub(1), Relaxed);
        } else {
            cell.fetch_sub(1, Relaxed);
        }
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
            .iter()
            .map(|stripe| stripe.0[kind as usize].load(Relaxed))
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
        let threads = OWNED * 2 + 3;
        let counts = Arc::new(Striped::default());
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
        let counts = Striped::default();
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
