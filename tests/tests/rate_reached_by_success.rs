//! A rate that reaches its limit opens the circuit whichever call brings it there: a success
//! that makes the rate known (the window reaches `min_calls`), a success recorded after older
//! calls left a time window, or a slow success. (Scenarios from resilience4j's suite: there the
//! circuit opens on the call that makes the window hold `minimumNumberOfCalls`.)

mod support;

use std::time::Duration;

use fusebox::{registry, Breaker, Config, Reason, State};
use support::{transitions, AppError};
use tokio::time::advance;

const SECOND: Duration = Duration::from_secs(1);
const FAST: Duration = Duration::from_millis(10);

/// One call through `breaker` that takes `takes` and fails or not.
async fn call(breaker: &'static Breaker, fails: bool, takes: Duration) {
    let _ = breaker
        .call(async move {
            tokio::time::sleep(takes).await;
            if fails {
                Err(AppError::Upstream)
            } else {
                Ok(1)
            }
        })
        .await;
}

/// Only a rate can open these breakers.
fn rated() -> Config {
    Config::new()
        .threshold(1000)
        .recovery(Duration::from_secs(60))
}

fn register(name: &str, config: Config) -> &'static Breaker {
    registry().register(name, config.validate().unwrap())
}

/// failure, failure, failure, success, success with `failure_rate = 50`: the fifth call makes
/// the window hold `min_calls` calls, 60% of them failed.
async fn three_failures_then_two_successes(breaker: &'static Breaker) {
    let mut events = registry().subscribe();
    for fails in [true, true, true, false] {
        call(breaker, fails, FAST).await;
        assert_eq!(breaker.state(), State::Closed, "opened below min_calls");
    }
    assert_eq!(
        breaker.stats().failure_rate,
        None,
        "unknown below min_calls"
    );
    call(breaker, false, FAST).await;
    assert_eq!(breaker.stats().failure_rate, Some(60.0));
    assert_eq!(
        breaker.state(),
        State::Open,
        "60% of the window failed, but the success that made it known did not open it"
    );
    assert_eq!(
        transitions(&mut events, breaker.name()),
        [(State::Closed, State::Open, Reason::FailureRate)]
    );
}

#[tokio::test(start_paused = true)]
async fn the_success_that_fills_a_count_window_to_min_calls_opens_it() {
    let breaker = register("filled_by_success", rated().failure_rate(50).window(5));
    three_failures_then_two_successes(breaker).await;
}

#[tokio::test(start_paused = true)]
async fn the_same_with_calls_timed_for_slow_calls() {
    // `slow_call` sends every success down the full recording path.
    let config = rated()
        .failure_rate(50)
        .window(5)
        .slow_call(Duration::from_secs(5));
    let breaker = register("filled_by_success_timed", config);
    three_failures_then_two_successes(breaker).await;
}

#[tokio::test(start_paused = true)]
async fn the_same_with_a_time_window() {
    let config = rated()
        .failure_rate(50)
        .window_duration(10 * SECOND)
        .min_calls(5);
    let breaker = register("filled_by_success_time", config);
    three_failures_then_two_successes(breaker).await;
}

#[tokio::test(start_paused = true)]
async fn a_success_right_after_old_successes_left_a_time_window_opens_it() {
    let config = rated()
        .failure_rate(50)
        .window_duration(10 * SECOND)
        .min_calls(4);
    let breaker = register("successes_left", config);
    for _ in 0..4 {
        call(breaker, false, FAST).await;
    }
    advance(5 * SECOND).await;
    for _ in 0..3 {
        call(breaker, true, FAST).await;
    }
    assert_eq!(breaker.state(), State::Closed, "3 failures in 7 calls");
    // The successes leave (a call counts for at most the whole window); the failures stay
    // (a call counts for at least nine tenths of it).
    advance(6 * SECOND).await;
    assert_eq!(
        breaker.stats().failure_rate,
        None,
        "3 calls, below min_calls"
    );
    call(breaker, false, FAST).await;
    assert_eq!(breaker.stats().failure_rate, Some(75.0));
    assert_eq!(breaker.state(), State::Open, "3 failures in 4 calls");
}

#[tokio::test(start_paused = true)]
async fn the_fast_success_that_fills_a_count_window_opens_it_on_the_slow_rate() {
    let config = rated().slow_call(SECOND).slow_rate(50).window(5);
    let breaker = register("slow_filled_by_success", config);
    for takes in [2 * SECOND, 2 * SECOND, 2 * SECOND, FAST] {
        call(breaker, false, takes).await;
        assert_eq!(breaker.state(), State::Closed, "opened below min_calls");
    }
    call(breaker, false, FAST).await;
    assert_eq!(breaker.stats().slow_rate, Some(60.0));
    assert_eq!(breaker.state(), State::Open, "3 slow calls in 5");
}

#[tokio::test(start_paused = true)]
async fn a_slow_success_raises_the_slow_rate_over_a_full_window() {
    let config = rated()
        .failure_rate(50)
        .slow_call(SECOND)
        .slow_rate(50)
        .window(4);
    let breaker = register("slow_success_raises", config);
    for _ in 0..8 {
        call(breaker, false, FAST).await;
    }
    call(breaker, false, 2 * SECOND).await;
    assert_eq!(breaker.state(), State::Closed, "1 slow call in 4");
    call(breaker, false, 2 * SECOND).await;
    assert_eq!(breaker.stats().slow_rate, Some(50.0));
    assert_eq!(breaker.state(), State::Open, "2 slow calls in 4");
}

#[tokio::test(start_paused = true)]
async fn a_fast_success_right_after_old_fast_calls_left_a_time_window_opens_it_on_the_slow_rate() {
    let config = rated()
        .slow_call(SECOND)
        .slow_rate(50)
        .window_duration(20 * SECOND)
        .min_calls(3);
    let breaker = register("fast_calls_left", config);
    for _ in 0..3 {
        call(breaker, true, FAST).await;
    }
    advance(8 * SECOND).await;
    for _ in 0..2 {
        call(breaker, false, 2 * SECOND).await;
    }
    assert_eq!(breaker.stats().slow_rate, Some(40.0));
    // The fast failures leave; the slow successes, 12 s later, do not.
    advance(10 * SECOND).await;
    assert_eq!(breaker.stats().slow_rate, None, "2 calls, below min_calls");
    call(breaker, false, FAST).await;
    assert_eq!(breaker.state(), State::Open, "2 slow calls in 3");
}

#[tokio::test(start_paused = true)]
async fn successes_below_the_limit_never_open_it() {
    let breaker = register("healthy_window", rated().failure_rate(50).window(4));
    for fails in [true, false, false, false, false, false, false, false] {
        call(breaker, fails, FAST).await;
        assert_eq!(breaker.state(), State::Closed);
    }
    assert_eq!(breaker.stats().failure_rate, Some(0.0));
}
