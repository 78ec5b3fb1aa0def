//! Reading a breaker into its [`Stats`]: its state word, its counters and its windows, at
//! one clock reading.

use std::sync::atomic::Ordering;
use std::time::Duration;

use super::machine::Breaker;
use super::word::Word;
use crate::clock;
use crate::observe::{Counts, Kind, RetryCounts, State, Stats};

impl Breaker {
    /// A snapshot of the breaker's state and counters.
    pub fn stats(&self) -> Stats {
        Stats::read(self, self.load(), &self.counts, clock::now_nanos())
    }

    /// The counters of this breaker's retries, which `retry/` writes and the snapshot reads.
    pub(crate) fn retry_counts(&self) -> &RetryCounts {
        &self.counts.retry
    }

    /// True if a keyed family may forget this breaker at `now_nanos` without handing a
    /// failing key a fresh closed circuit early: it is closed (or disabled, or metrics only),
    /// open past its probe deadline, or half-open with no probe running. Forced open, never.
    pub(crate) fn may_forget(&self, now_nanos: u64) -> bool {
        let word = self.load();
        match word.state() {
            State::Closed | State::Disabled | State::MetricsOnly => true,
            State::Open => word.deadline_ms() <= clock::millis(now_nanos),
            State::HalfOpen => word.in_flight() == 0,
            State::ForcedOpen => false,
        }
    }
}

impl Stats {
    pub(crate) fn read(breaker: &Breaker, word: Word, counts: &Counts, now: u64) -> Stats {
        let config = breaker.config();
        let bulkhead = config.max_concurrent_value();
        // Every running call of a breaker with a bulkhead holds one of its slots.
        let in_use = bulkhead.and(breaker.bulkhead_in_use());
        let (successes, failures) = (counts.per_call.get(Kind::Successes), counts.failures.get());
        let (cancelled, ignored) = (counts.cancelled.get(), counts.ignored.get());
        let last_failure = counts.last_failure_nanos.load(Ordering::Relaxed);
        Stats {
            name: breaker.name(),
            state: word.state(),
            state_for: Duration::from_nanos(
                now.saturating_sub(counts.state_since_nanos.load(Ordering::Relaxed)),
            ),
            critical: config.critical_value(),
            consecutive_failures: word.failures(),
            effective_threshold: breaker.effective_threshold(),
            failure_rate: breaker.failure_rate(),
            slow_rate: breaker.slow_rate(),
            slow: counts.slow.get(),
            half_open_successes: word.successes(),
            half_open_in_flight: word.in_flight(),
            calls: successes + failures + cancelled + ignored,
            successes,
            failures,
            timeouts: counts.timeouts.get(),
            rejections: counts.per_call.get(Kind::Rejections),
            cancelled,
            ignored,
            bulkhead_full: counts.bulkhead_full.get(),
            bulkhead_in_use: in_use,
            max_concurrent: bulkhead,
            last_failure_ago: (last_failure != 0)
                .then(|| Duration::from_nanos(now.saturating_sub(last_failure))),
            next_probe_in: (word.state() == State::Open)
                .then(|| clock::until(word.deadline_ms(), now)),
            retry: counts.retry.read(),
            family: None,
        }
    }
}

#[cfg(all(test, feature = "serde"))]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn durations_serialize_as_milliseconds() {
        let counts = Counts::new(crate::observe::Striped::single());
        let breaker = Breaker::new("db", Config::new());
        let word = Word::open(1, 5_000);
        let stats = Stats::read(&breaker, word, &counts, 3_000_000_000);
        let json = serde_json::to_value(&stats).unwrap();
        assert_eq!(json["state"], "open");
        assert_eq!(json["next_probe_in_ms"], 2_000);
        assert_eq!(json["last_failure_ms_ago"], serde_json::Value::Null);
    }
}
