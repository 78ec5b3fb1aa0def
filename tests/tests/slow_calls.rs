//! Slow calls: a circuit opens when too many calls are slow, even if every one succeeds.

mod support;

use std::time::Duration;

use fusebox::{circuit_breaker, State};
use support::{state, stats, AppError};

#[circuit_breaker(
    name = "slow",
    threshold = 100,
    slow_call = "2s",
    slow_rate = 50,
    window = 4
)]
async fn call(takes: Duration) -> Result<u32, AppError> {
    tokio::time::sleep(takes).await;
    Ok(1)
}

#[tokio::test(start_paused = true)]
async fn slow_successes_open_the_circuit() {
    let (fast, slow) = (Duration::from_millis(10), Duration::from_secs(3));
    for takes in [fast, slow, fast] {
        assert_eq!(call(takes).await, Ok(1));
    }
    assert_eq!(state("slow"), State::Closed);
    assert_eq!(stats("slow").slow_rate, None, "unknown below min_calls");
    assert_eq!(
        call(Duration::from_secs(2)).await,
        Ok(1),
        "exactly slow_call is slow"
    );
    assert_eq!(state("slow"), State::Open, "2 slow calls in 4 is 50%");
    let counted = stats("slow");
    assert_eq!(
        (counted.slow, counted.failures, counted.successes),
        (2, 0, 4)
    );
    assert_eq!(
        counted.slow_rate,
        Some(50.0),
        "the window shows what tripped it"
    );
}
