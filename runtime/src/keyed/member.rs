//! What a family keeps per key: the key's breaker, and when the key was last used, kept
//! so that a call of a key present writes nothing in the common case.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};

use crate::breaker::Breaker;

/// One key's breaker and its use.
#[derive(Debug)]
pub(super) struct Member {
    pub(super) breaker: &'static Breaker,
    /// Set by a call, cleared by the sweep, which then moves `seen_nanos` to its own clock
    /// reading: a call reads one flag and writes only when it is clear, so a busy key costs
    /// its callers no shared write.
    used: AtomicBool,
    /// The clock when a sweep last found the key used (or when it joined).
    seen_nanos: AtomicU64,
}

impl Member {
    /// A member joining at `now_nanos`.
    pub(super) fn new(breaker: &'static Breaker, now_nanos: u64) -> Member {
        Member {
            breaker,
            used: AtomicBool::new(false),
            seen_nanos: AtomicU64::new(now_nanos),
        }
    }

    /// Notes a call of the key.
    #[inline]
    pub(super) fn touch(&self) {
        if !self.used.load(Relaxed) {
            self.used.store(true, Relaxed);
        }
    }

    /// When the key was last seen used, as a sweep at `now_nanos` finds it.
    pub(super) fn last_seen(&self, now_nanos: u64) -> u64 {
        if self.used.swap(false, Relaxed) {
            self.seen_nanos.store(now_nanos, Relaxed);
        }
        self.seen_nanos.load(Relaxed)
    }
}
