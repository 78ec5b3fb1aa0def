//! Anchor scenario 13: counts stay exact under contention. Many tasks on several threads share
//! one breaker; every success and failure is counted once, and so is every outcome in a time
//! window.

mod support;

use std::time::Duration;

use fusebox::{registry, Config, State};
use support::AppError;

const TASKS: u64 = 16;
const CALLS: u64 = 500;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_outcome_is_counted_once_under_contention() {
    let breaker = registry().register(
        "contended",
        Config::new()
            .threshold(u32::MAX)
            .failure_rate(100)
            .window_duration(Duration::from_secs(3600))
            .min_calls(u32::try_from(TASKS * CALLS).unwrap())
            .validate()
            .unwrap(),
    );
    let tasks: Vec<_> = (0..TASKS)
        .map(|task| {
            tokio::spawn(async move {
                for call in 0..CALLS {
                    let fails = (task + call) % 4 == 0;
                    let _ = breaker
                        .call(async move {
                            tokio::task::yield_now().await;
                            if fails {
                                Err(AppError::Upstream)
                            } else {
                                Ok(call)
                            }
                        })
                        .await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let stats = breaker.stats();
    let failures = TASKS * CALLS / 4;
    assert_eq!(
        (stats.calls, stats.successes, stats.failures),
        (TASKS * CALLS, TASKS * CALLS - failures, failures)
    );
    assert_eq!(stats.state, State::Closed);
    assert_eq!(
        stats.failure_rate,
        Some(25.0),
        "the window lost or doubled a count"
    );
}
