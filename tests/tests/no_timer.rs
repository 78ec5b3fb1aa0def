//! A timed call in a tokio runtime built without its timer: tokio panics making a timer, which
//! fusebox catches; the call runs without its deadline and answers, and so do later calls.
//! Alone in its binary: the finding holds for the whole process.

mod support;

use fusebox::{circuit_breaker, registry, State};
use support::AppError;

#[circuit_breaker(name = "no_timer", threshold = 1, timeout = "10ms")]
async fn waits_once() -> Result<u32, AppError> {
    tokio::task::yield_now().await;
    Ok(7)
}

#[test]
fn a_runtime_without_its_timer_runs_timed_calls_without_their_deadline() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        assert_eq!(waits_once().await, Ok(7), "the first timer fails");
        assert_eq!(waits_once().await, Ok(7), "no timer is tried again");
    });
    let breaker = registry().get("no_timer").expect("registered");
    assert_eq!(breaker.state(), State::Closed);
    let stats = breaker.stats();
    assert_eq!(
        (stats.successes, stats.failures),
        (2, 0),
        "both calls succeeded"
    );
}
