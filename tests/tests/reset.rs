//! `reset()` clears every count the stats show, the rates' window and the adaptive
//! threshold's history, and the breaker counts afresh from there.

mod support;

use std::time::Duration;

use fusebox::{circuit_breaker, registry, BreakerError, State};
use support::stats;

#[derive(Debug, Clone, PartialEq, Eq)]
enum ToolError {
    BadInput,
    Server,
    Breaker(BreakerError),
}

impl From<BreakerError> for ToolError {
    fn from(error: BreakerError) -> Self {
        ToolError::Breaker(error)
    }
}

fn is_server_error(error: &ToolError) -> bool {
    !matches!(error, ToolError::BadInput)
}

#[derive(Clone, Copy, Debug)]
enum How {
    Fast,
    Slow,
    Fails,
    TimesOut,
    BadInput,
    Hangs,
}

#[circuit_breaker(
    name = "reset_every_count",
    threshold = 5,
    adaptive = true,
    failure_rate = 90,
    slow_call = "1s",
    slow_rate = 90,
    timeout = "2s",
    max_concurrent = 1,
    failure_if = is_server_error
)]
async fn call(how: How) -> Result<u32, ToolError> {
    match how {
        How::Fast => Ok(1),
        How::Slow => {
            tokio::time::sleep(Duration::from_millis(1500)).await;
            Ok(1)
        }
        How::Fails => Err(ToolError::Server),
        How::TimesOut => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            Ok(1)
        }
        How::BadInput => Err(ToolError::BadInput),
        How::Hangs => std::future::pending().await,
    }
}

#[tokio::test(start_paused = true)]
async fn reset_clears_every_count_the_stats_show() {
    for _ in 0..100 {
        assert_eq!(call(How::Fast).await, Ok(1));
    }
    assert_eq!(call(How::Slow).await, Ok(1));
    assert_eq!(call(How::Fails).await, Err(ToolError::Server));
    assert!(matches!(
        call(How::TimesOut).await,
        Err(ToolError::Breaker(BreakerError::TimedOut { .. }))
    ));
    assert_eq!(call(How::BadInput).await, Err(ToolError::BadInput));
    let hanging = tokio::spawn(call(How::Hangs));
    tokio::task::yield_now().await;
    assert!(matches!(
        call(How::Fast).await,
        Err(ToolError::Breaker(BreakerError::BulkheadFull { .. }))
    ));
    hanging.abort();
    assert!(hanging.await.unwrap_err().is_cancelled());

    let before = stats("reset_every_count");
    assert_eq!(before.state, State::Closed);
    let counted = [
        before.calls,
        before.successes,
        before.failures,
        before.timeouts,
        before.rejections,
        before.bulkhead_full,
        before.slow,
        before.ignored,
        before.cancelled,
        before.consecutive_failures,
    ];
    assert_eq!(counted, [105, 101, 2, 1, 1, 1, 2, 1, 1, 2], "{before:?}");
    assert!(before.failure_rate.is_some_and(|rate| rate > 0.0));
    assert!(before.slow_rate.is_some_and(|rate| rate > 0.0));
    assert!(before.last_failure_ago.is_some());
    assert_eq!(before.effective_threshold, 7, "a healthy history raised it");

    registry().get("reset_every_count").unwrap().reset();
    let after = stats("reset_every_count");
    let counted = [
        after.calls,
        after.successes,
        after.failures,
        after.timeouts,
        after.rejections,
        after.bulkhead_full,
        after.slow,
        after.ignored,
        after.cancelled,
        after.consecutive_failures,
    ];
    assert_eq!(counted, [0; 10], "a count survived the reset: {after:?}");
    assert_eq!((after.failure_rate, after.slow_rate), (None, None));
    assert_eq!(after.last_failure_ago, None);
    assert_eq!(
        after.effective_threshold, 5,
        "the adaptive history survived the reset"
    );
    assert_eq!(
        (after.state, after.bulkhead_in_use),
        (State::Closed, Some(0))
    );

    // It counts afresh: one slow call is one call, one success and one slow call.
    assert_eq!(call(How::Slow).await, Ok(1));
    let again = stats("reset_every_count");
    assert_eq!((again.calls, again.successes, again.slow), (1, 1, 1));
}
