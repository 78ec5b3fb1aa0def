//! A breaker's retry budget, as tower's `Budget` and Envoy's retry budget: over the last
//! [`SECONDS`] seconds, retries stay below `percent` of the calls that were not retries, plus a
//! floor of [`FLOOR`] retries, so a failing dependency sees at most that much extra load.
//!
//! The calls are read from the breaker's own count of admitted calls (a retry is one of them,
//! and is taken back out), so the budget costs nothing on a call that needs no retry: it is
//! read and written only when a call would retry. Time is kept in ten one-second buckets, each
//! holding the breaker's call count when it was first touched and the retries it allowed.

use std::sync::{Mutex, PoisonError};

use fusebox_settings::limits::{RETRY_BUDGET_FLOOR, RETRY_BUDGET_SECONDS};

/// How many seconds a budget looks back over.
pub const SECONDS: u64 = RETRY_BUDGET_SECONDS;
/// The retries a budget allows over [`SECONDS`] whatever the calls.
pub const FLOOR: u64 = RETRY_BUDGET_FLOOR;

const BUCKETS: usize = 10;

/// One breaker's retry budget.
#[derive(Debug)]
pub struct Budget {
    percent: u8,
    buckets: Mutex<[Bucket; BUCKETS]>,
}

/// One second of a budget.
#[derive(Clone, Copy, Debug, Default)]
struct Bucket {
    /// The second it holds (`u64::MAX` before it is first used).
    second: u64,
    /// The breaker's count of admitted calls when this second was first touched.
    calls_mark: u64,
    /// The retries allowed in this second.
    retries: u64,
}

impl Budget {
    /// A budget of `percent` of the recent calls (1 to 100), plus the floor.
    pub fn new(percent: u8) -> Budget {
        let empty = Bucket {
            second: u64::MAX,
            ..Bucket::default()
        };
        Budget {
            percent,
            buckets: Mutex::new([empty; BUCKETS]),
        }
    }

    /// Whether a retry would be allowed at `second`, with the breaker's count of admitted
    /// calls at `calls`; takes nothing.
    pub fn allows(&self, second: u64, calls: u64) -> bool {
        self.decide(second, calls, false)
    }

    /// Takes one retry at `second` if the budget allows it, with the breaker's count of
    /// admitted calls at `calls`.
    pub fn withdraw(&self, second: u64, calls: u64) -> bool {
        self.decide(second, calls, true)
    }

    /// Gives back a retry taken at `second` that did not run.
    pub fn refund(&self, second: u64) {
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        let current = usize::try_from(second % SECONDS).unwrap_or(0) % BUCKETS;
        if buckets[current].second == second {
            buckets[current].retries = buckets[current].retries.saturating_sub(1);
        }
    }

    fn decide(&self, second: u64, calls: u64, take: bool) -> bool {
        // Held for a few loads and stores, never across an `.await`.
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        let current = usize::try_from(second % SECONDS).unwrap_or(0) % BUCKETS;
        if buckets[current].second != second {
            buckets[current] = Bucket {
                second,
                calls_mark: calls,
                retries: 0,
            };
        }
        let fresh = buckets
            .iter()
            .filter(|bucket| bucket.second <= second && second - bucket.second < SECONDS);
        let (oldest_mark, retries) = fresh.fold((calls, 0_u64), |(mark, retries), bucket| {
            (mark.min(bucket.calls_mark), retries + bucket.retries)
        });
        let first_attempts = calls.saturating_sub(oldest_mark).saturating_sub(retries);
        let share = first_attempts.saturating_mul(u64::from(self.percent)) / 100;
        let allowed = retries < FLOOR.saturating_add(share);
        if allowed && take {
            buckets[current].retries += 1;
        }
        allowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_allows_some_retries_with_no_calls() {
        let budget = Budget::new(20);
        let taken = (0..100).filter(|_| budget.withdraw(5, 0)).count();
        assert_eq!(taken, usize::try_from(FLOOR).unwrap());
        assert!(!budget.allows(5, 0));
        // Ten seconds later the old retries no longer count.
        assert!(budget.allows(5 + SECONDS, 0));
    }

    #[test]
    fn retries_stay_below_their_share_of_the_calls() {
        let budget = Budget::new(20);
        let mut calls = 0;
        let mut retries = 0;
        // A thousand failing calls a second for a minute, each asking for a retry.
        for second in 0..60 {
            for _ in 0..1_000 {
                calls += 1;
                if budget.withdraw(second, calls) {
                    retries += 1;
                    calls += 1;
                }
            }
        }
        let first_attempts = calls - retries;
        // At most the share, plus the floor in each stretch of ten seconds.
        assert!(
            retries * 100 <= first_attempts * 20 + FLOOR * 100 * 6,
            "{retries}"
        );
        assert!(retries * 100 >= first_attempts * 15, "{retries}");
    }
}
