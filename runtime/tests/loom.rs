//! Model check of the breaker's atomic transitions with loom: every interleaving of a few
//! threads sharing one breaker, under the C++11 memory model loom simulates. Built only with
//! `--cfg fusebox_loom`, which swaps the breaker's atomics for loom's (`runtime/src/sync.rs`):
//!
//! ```sh
//! RUSTFLAGS="--cfg fusebox_loom" cargo test -p fusebox --test loom --release
//! ```
//!
//! Covered: the open -> half-open race and half-open probe slots, results of an earlier
//! generation, concurrent failures opening the circuit once, the settings' seqlock, and the
//! count window, including a rate brought to its limit by two records that end together.
//! Not covered: the bulkhead, whose slots are a tokio `Semaphore` that loom
//! cannot see into (its cap is tested under real contention in `tests/tests/bulkhead.rs`).

#![cfg(fusebox_loom)]

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

use fusebox::__private::{Permit, Site};
use fusebox::{registry, Breaker, Config, Reason, State};
use loom::thread;

/// A site of a breaker new to this run of the model (loom atomics live for one run only).
fn site(config: Config) -> &'static Site {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let name = format!("loom_{}", RUNS.fetch_add(1, Relaxed));
    Box::leak(Box::new(Site::new(
        Box::leak(name.into_boxed_str()),
        Box::leak(Box::new(config)),
    )))
}

fn breaker(config: Config) -> &'static Breaker {
    site(config).acquire().expect("closed").breaker()
}

#[test]
fn a_half_open_burst_admits_exactly_success_threshold_probes() {
    loom::model(|| {
        let site = site(
            Config::new()
                .threshold(1)
                .recovery(Duration::ZERO)
                .success_threshold(2),
        );
        // Opens with its probe due at once (no tokio runtime here, so no timer).
        site.acquire().expect("closed").failure();
        let callers: Vec<_> = (0..3)
            .map(|_| thread::spawn(move || site.acquire().ok()))
            .collect();
        let probes: Vec<_> = callers
            .into_iter()
            .filter_map(|caller| caller.join().unwrap())
            .collect();
        assert_eq!(probes.len(), 2, "probes admitted");
        let breaker = probes[0].breaker();
        let stats = breaker.stats();
        assert_eq!(
            (stats.state, stats.half_open_in_flight),
            (State::HalfOpen, 2)
        );
        assert_eq!(stats.rejections, 1);
        for probe in probes {
            probe.success();
        }
        assert_eq!(breaker.state(), State::Closed);
    });
}

#[test]
fn a_result_from_an_earlier_generation_never_changes_the_new_state() {
    loom::model(|| {
        let site = site(Config::new().threshold(1));
        let late = site.acquire().expect("closed");
        let breaker = late.breaker();
        let failing = thread::spawn(move || late.failure());
        let closing = thread::spawn(move || breaker.force_closed());
        failing.join().unwrap();
        closing.join().unwrap();
        // Either the failure opened it and the close came after, or the close came first and
        // the failure, from the generation before it, changed nothing.
        let stats = breaker.stats();
        assert_eq!(
            (stats.state, stats.consecutive_failures),
            (State::Closed, 0)
        );
    });
}

#[test]
fn concurrent_failures_open_the_circuit_exactly_once() {
    loom::model(|| {
        let site = site(Config::new().threshold(2).recovery(Duration::from_secs(60)));
        let mut events = registry().subscribe();
        let permits = [site.acquire().unwrap(), site.acquire().unwrap()];
        let breaker = permits[0].breaker();
        let failing: Vec<_> = permits
            .into_iter()
            .map(|permit| thread::spawn(move || permit.failure()))
            .collect();
        for failure in failing {
            failure.join().unwrap();
        }
        let stats = breaker.stats();
        assert_eq!((stats.state, stats.failures), (State::Open, 2));
        let mut openings = 0;
        while let Ok(event) = events.try_recv() {
            if event.name == breaker.name() {
                assert_eq!(event.reason, Reason::FailureThreshold);
                openings += 1;
            }
        }
        assert_eq!(openings, 1);
    });
}

#[test]
fn a_reader_never_sees_half_of_a_change_of_settings() {
    // The reader spins while a write is half done; two preemptions cover every way a read
    // can straddle a write (before, inside, after) and keep the search finite.
    let mut model = loom::model::Builder::new();
    model.preemption_bound = Some(1);
    model.check(|| {
        let before = Config::new().threshold(3).recovery(Duration::from_secs(3));
        let after = Config::new().threshold(8).recovery(Duration::from_secs(8));
        let breaker = breaker(before);
        let writer = thread::spawn(move || breaker.reconfigure(after).unwrap());
        let reader = thread::spawn(move || breaker.config());
        let seen = reader.join().unwrap();
        assert!(seen == before || seen == after, "a torn read: {seen:?}");
        writer.join().unwrap();
        assert_eq!(breaker.config(), after);
    });
}

/// A site whose breaker opens only on its failure rate, over its last two calls.
fn window_of_two() -> &'static Site {
    site(
        Config::new()
            .threshold(100)
            .failure_rate(100)
            .window(2)
            .min_calls(2),
    )
}

/// Records a failure and a success of two admitted calls on two threads at once.
fn race_failure_and_success([failed, succeeded]: [Permit; 2]) {
    let failing = thread::spawn(move || failed.failure());
    let succeeding = thread::spawn(move || succeeded.success());
    failing.join().unwrap();
    succeeding.join().unwrap();
}

#[test]
fn the_count_window_loses_no_outcome() {
    loom::model(|| {
        let site = window_of_two();
        let permits = [site.acquire().unwrap(), site.acquire().unwrap()];
        let breaker = permits[0].breaker();
        race_failure_and_success(permits);
        assert_eq!(breaker.stats().failure_rate, Some(50.0));
    });
}

#[test]
fn a_success_that_skips_a_healthy_window_never_hides_a_failure() {
    loom::model(|| {
        let site = window_of_two();
        for _ in 0..2 {
            site.acquire().unwrap().success();
        }
        let permits = [site.acquire().unwrap(), site.acquire().unwrap()];
        let breaker = permits[0].breaker();
        assert_eq!(breaker.stats().failure_rate, Some(0.0), "a healthy window");
        race_failure_and_success(permits);
        assert_eq!(breaker.stats().failure_rate, Some(50.0));
    });
}

#[test]
fn a_failure_and_a_success_that_fill_the_window_together_open_the_circuit() {
    loom::model(|| {
        let site = site(
            Config::new()
                .threshold(100)
                .failure_rate(50)
                .window(2)
                .min_calls(2),
        );
        let permits = [site.acquire().unwrap(), site.acquire().unwrap()];
        let breaker = permits[0].breaker();
        race_failure_and_success(permits);
        assert_eq!(breaker.stats().failure_rate, Some(50.0));
        assert_eq!(
            breaker.state(),
            State::Open,
            "whichever of the two came last saw the window at 50%"
        );
    });
}
