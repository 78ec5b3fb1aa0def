//! Every transition is published once, in order, to every subscriber; in its own binary so
//! that no other test's breakers add events.

mod support;

use std::sync::LazyLock;
use std::time::Duration;

use fusebox::Reason::{FailureThreshold, Manual, ProbesSucceeded, RecoveryElapsed, Reset};
use fusebox::State::{Closed, Disabled, ForcedOpen, HalfOpen, MetricsOnly, Open};
use fusebox::{circuit_breaker, registry};
use support::{transitions, AppError, Upstream};

#[tokio::test(start_paused = true)]
async fn each_transition_is_published_once_in_order() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(name = "events", threshold = 2, recovery = "5s", success_threshold = 1)]
    async fn call() -> Result<u32, AppError> {
        UPSTREAM.call().await
    }

    let mut events = registry().subscribe();
    UPSTREAM.fail(true);
    for _ in 0..4 {
        let _ = call().await;
    }
    tokio::time::advance(Duration::from_secs(5)).await;
    UPSTREAM.fail(false);
    let _ = call().await;
    registry().get("events").unwrap().force_open();
    registry().get("events").unwrap().force_open();
    registry().get("events").unwrap().reset();

    assert_eq!(
        transitions(&mut events, "events"),
        [
            (Closed, Open, FailureThreshold),
            (Open, HalfOpen, RecoveryElapsed),
            (HalfOpen, Closed, ProbesSucceeded),
            (Closed, ForcedOpen, Manual),
            (ForcedOpen, Closed, Reset),
        ]
    );
}

/// As the README's "Control by hand" and `Reason`'s rustdoc say: every change by hand that
/// moves the state emits reason `manual`, except `reset()`, which emits `reset`; a call that
/// leaves the state as it was emits nothing.
#[tokio::test(start_paused = true)]
async fn each_change_by_hand_emits_the_reason_the_docs_give() {
    let breaker = registry().register("events_by_hand", fusebox::Config::new());
    let mut events = registry().subscribe();
    breaker.force_open();
    breaker.disable();
    breaker.metrics_only();
    breaker.force_closed();
    breaker.force_closed();
    breaker.reset();
    breaker.metrics_only();
    breaker.reset();
    breaker.disable();
    breaker.reset();
    breaker.force_open();
    breaker.reset();
    assert_eq!(
        transitions(&mut events, "events_by_hand"),
        [
            (Closed, ForcedOpen, Manual),
            (ForcedOpen, Disabled, Manual),
            (Disabled, MetricsOnly, Manual),
            (MetricsOnly, Closed, Manual),
            (Closed, MetricsOnly, Manual),
            (MetricsOnly, Closed, Reset),
            (Closed, Disabled, Manual),
            (Disabled, Closed, Reset),
            (Closed, ForcedOpen, Manual),
            (ForcedOpen, Closed, Reset),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_failures_open_the_circuit_exactly_once() {
    #[circuit_breaker(name = "events_race", threshold = 5, recovery = "1h")]
    async fn call() -> Result<u32, AppError> {
        tokio::task::yield_now().await;
        Err(AppError::Upstream)
    }

    let mut events = registry().subscribe();
    let calls: Vec<_> = (0..200).map(|_| tokio::spawn(call())).collect();
    for call in calls {
        let _ = call.await;
    }
    assert_eq!(
        transitions(&mut events, "events_race"),
        [(Closed, Open, FailureThreshold)]
    );
}

#[tokio::test(start_paused = true)]
async fn a_panicking_listener_does_no_harm() {
    #[circuit_breaker(
        name = "events_listener",
        threshold = 1,
        recovery = "5s",
        success_threshold = 1
    )]
    async fn call(fails: bool) -> Result<u32, AppError> {
        if fails {
            Err(AppError::Upstream)
        } else {
            Ok(1)
        }
    }

    let mut calm = registry().subscribe();
    let mut panicky = registry().subscribe();
    let listener = tokio::spawn(async move {
        loop {
            let event = panicky.recv().await.expect("events keep coming");
            assert!(event.name != "events_listener", "the listener panics");
        }
    });

    let _ = call(true).await;
    tokio::task::yield_now().await;
    let panicked = listener.await.expect_err("the listener panicked");
    assert!(panicked.is_panic());

    // The breaker goes on, and every other subscriber still hears every transition.
    tokio::time::advance(Duration::from_secs(5)).await;
    assert_eq!(call(false).await, Ok(1));
    assert_eq!(
        transitions(&mut calm, "events_listener"),
        [
            (Closed, Open, FailureThreshold),
            (Open, HalfOpen, RecoveryElapsed),
            (HalfOpen, Closed, ProbesSucceeded),
        ]
    );
}
