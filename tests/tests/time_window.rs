//! The time-based failure-rate window (`window = "60s"`): outcomes leave exactly when their
//! bucket does, failures straddling two buckets leave one bucket at a time, the rate trips the
//! circuit only from `min_calls` on, and a circuit that closes again starts afresh.

mod support;

use std::time::Duration;

use fusebox::{registry, Breaker, Config, State};
use support::AppError;
use tokio::time::advance;

const MS: Duration = Duration::from_millis(1);
const SECOND: Duration = Duration::from_secs(1);

/// A breaker that only the rate over a 10 s window (ten 1 s buckets) can open.
fn breaker(name: &str, failure_rate: u8, min_calls: u32) -> &'static Breaker {
    let config = Config::new()
        .threshold(1000)
        .recovery(SECOND)
        .success_threshold(1)
        .failure_rate(failure_rate)
        .window_duration(Duration::from_secs(10))
        .min_calls(min_calls);
    registry().register(name, config.validate().unwrap())
}

async fn call(breaker: &'static Breaker, fails: bool) {
    let _ = breaker
        .call(async move {
            if fails {
                Err(AppError::Upstream)
            } else {
                Ok(1)
            }
        })
        .await;
}

/// Advances 1 ms at a time until the rate changes from what it reads now; how far that was.
async fn until_the_rate_changes(breaker: &Breaker) -> Duration {
    let rate = breaker.stats().failure_rate;
    let mut waited = Duration::ZERO;
    while breaker.stats().failure_rate == rate {
        assert!(waited <= Duration::from_secs(11), "the rate never changed");
        advance(MS).await;
        waited += MS;
    }
    waited
}

#[tokio::test(start_paused = true)]
async fn outcomes_expire_exactly_at_a_bucket_boundary_and_straddling_ones_one_bucket_at_a_time() {
    let window = breaker("time_window_edges", 100, 4);

    // One success finds a bucket boundary: it leaves after at least nine buckets, at most ten,
    // at the first instant of a bucket.
    for _ in 0..5 {
        call(window, false).await;
    }
    assert_eq!(window.stats().failure_rate, Some(0.0));
    advance(Duration::from_secs(9)).await;
    let left_after = until_the_rate_changes(window).await;
    assert!(left_after > Duration::ZERO && left_after <= SECOND);
    assert_eq!(window.stats().failure_rate, None, "the window is empty");

    // Now at the first instant of a bucket. A failure in the last millisecond of the next
    // bucket, and another with three successes in the first millisecond of the one after.
    advance(Duration::from_millis(999)).await;
    call(window, true).await;
    advance(MS).await;
    call(window, true).await;
    for _ in 0..3 {
        call(window, false).await;
    }
    assert_eq!(window.stats().failure_rate, Some(40.0));

    // The first failure leaves exactly ten buckets after its own began, the rest one later.
    advance(Duration::from_millis(8_999)).await;
    assert_eq!(
        window.stats().failure_rate,
        Some(40.0),
        "left a bucket early"
    );
    advance(MS).await;
    assert_eq!(
        window.stats().failure_rate,
        Some(25.0),
        "1 failure in 4 calls"
    );
    assert_eq!(until_the_rate_changes(window).await, SECOND);
    assert_eq!(window.stats().state, State::Closed);
}

#[tokio::test(start_paused = true)]
async fn the_rate_trips_the_circuit_only_from_min_calls_and_old_failures_do_not_count() {
    let window = breaker("time_window_trips", 50, 4);

    for _ in 0..3 {
        call(window, true).await;
    }
    assert_eq!(window.stats().failure_rate, None, "unknown below min_calls");
    assert_eq!(window.state(), State::Closed, "tripped below min_calls");

    // The three failures leave the window; a success and a failure are not enough calls.
    advance(Duration::from_secs(10)).await;
    call(window, false).await;
    call(window, true).await;
    assert_eq!(window.stats().failure_rate, None);
    assert_eq!(
        window.state(),
        State::Closed,
        "expired failures still counted"
    );

    call(window, false).await;
    call(window, false).await;
    assert_eq!(window.stats().failure_rate, Some(25.0));
    call(window, true).await;
    assert_eq!(window.stats().failure_rate, Some(40.0));
    assert_eq!(window.state(), State::Closed);
    call(window, true).await;
    assert_eq!(window.state(), State::Open, "3 failures in 6 calls is 50%");
    assert_eq!(window.stats().failure_rate, Some(50.0));

    // A circuit that closes again starts with an empty window.
    advance(SECOND).await;
    call(window, false).await;
    assert_eq!(window.state(), State::Closed);
    assert_eq!(window.stats().failure_rate, None);
}

#[test]
fn time_windows_out_of_range_are_refused() {
    for duration in [Duration::from_millis(99), Duration::from_secs(86_401)] {
        let error = Config::new()
            .failure_rate(50)
            .window_duration(duration)
            .validate()
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "`window` must be between 1 and 100000 calls, or a duration between 100ms and 24h"
        );
    }
    let refused = Config::new()
        .window_duration(Duration::from_secs(60))
        .min_calls(0);
    assert!(refused.validate().is_err());
    let many = Config::new()
        .window_duration(Duration::from_secs(60))
        .min_calls(1_000_000);
    assert_eq!(
        many.validate().map(|config| config.min_calls_value()),
        Ok(1_000_000)
    );
    assert_eq!(
        Config::new().window_duration(SECOND).min_calls_value(),
        Config::DEFAULT_MIN_CALLS
    );
}

/// `window = "10s"` on the attribute: the fn's failures leave the rate with their bucket.
#[fusebox::circuit_breaker(
    name = "time_window_attribute",
    threshold = 1000,
    failure_rate = 50,
    window = "10s",
    min_calls = 4
)]
async fn flaky(fails: bool) -> Result<u32, AppError> {
    if fails {
        Err(AppError::Upstream)
    } else {
        Ok(1)
    }
}

#[tokio::test(start_paused = true)]
async fn the_attribute_takes_a_duration_for_a_time_window() {
    for fails in [true, false, false] {
        let _ = flaky(fails).await;
    }
    let breaker = registry().get("time_window_attribute").unwrap();
    assert_eq!(
        breaker.config().window_value(),
        fusebox::Window::Time(10 * SECOND)
    );
    assert_eq!(breaker.stats().failure_rate, None, "below min_calls");

    // Eleven seconds on, the first three calls have left the window: three new calls are
    // below `min_calls` again, and a fourth makes three failures in four, which trips it.
    advance(11 * SECOND).await;
    for fails in [true, false, true] {
        let _ = flaky(fails).await;
    }
    assert_eq!(
        breaker.stats().failure_rate,
        None,
        "the old calls left the window"
    );
    let _ = flaky(true).await;
    assert_eq!(breaker.state(), State::Open);
}
