//! Anchor scenario 5: an open circuit moves to half-open by its timer, without any call, and
//! lazily on the first call after the deadline when no timer runs; a change by hand cancels
//! the timer. In its own binary, so that only these breakers publish events.

mod support;

use std::sync::LazyLock;
use std::time::Duration;

use fusebox::{circuit_breaker, registry, Config, Reason, State};
use support::{state, transitions, AppError, Upstream};
use tokio::time::advance;

/// Advances the paused clock, then lets the tasks it woke run (the probe timer among them).
async fn advance_and_settle(by: Duration) {
    advance(by).await;
    tokio::task::yield_now().await;
}

#[tokio::test(start_paused = true)]
async fn the_timer_moves_an_open_circuit_to_half_open_without_any_call() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(
        name = "timer_driven",
        threshold = 1,
        recovery = "10s",
        success_threshold = 1
    )]
    async fn call() -> Result<u32, AppError> {
        UPSTREAM.call().await
    }

    let mut events = registry().subscribe();
    UPSTREAM.fail(true);
    let _ = call().await;
    assert_eq!(
        transitions(&mut events, "timer_driven"),
        [(State::Closed, State::Open, Reason::FailureThreshold)]
    );

    advance_and_settle(Duration::from_millis(9_999)).await;
    assert_eq!(state("timer_driven"), State::Open, "the timer fired early");
    assert_eq!(transitions(&mut events, "timer_driven"), []);

    advance_and_settle(Duration::from_millis(1)).await;
    assert_eq!(state("timer_driven"), State::HalfOpen);
    assert_eq!(
        transitions(&mut events, "timer_driven"),
        [(State::Open, State::HalfOpen, Reason::RecoveryElapsed)]
    );
    assert_eq!(UPSTREAM.calls(), 1, "the transition needed a call");

    // The next call is the probe, and closes the circuit.
    UPSTREAM.fail(false);
    assert_eq!(call().await, Ok(2));
    assert_eq!(
        transitions(&mut events, "timer_driven"),
        [(State::HalfOpen, State::Closed, Reason::ProbesSucceeded)]
    );
}

#[tokio::test(start_paused = true)]
async fn a_change_by_hand_cancels_the_timer() {
    let mut events = registry().subscribe();
    let breaker = registry().register(
        "timer_cancelled",
        Config::new().threshold(1).recovery(Duration::from_secs(10)),
    );
    let fail = || async { Err::<u32, AppError>(AppError::Upstream) };

    // Closed by hand while open: the timer of that open period does nothing.
    let _ = breaker.call(fail()).await;
    assert_eq!(breaker.state(), State::Open);
    breaker.force_closed();
    advance_and_settle(Duration::from_secs(20)).await;
    assert_eq!(breaker.state(), State::Closed, "a cancelled timer fired");

    // Forced open while open: it stays forced open past the deadline.
    let _ = breaker.call(fail()).await;
    breaker.force_open();
    advance_and_settle(Duration::from_secs(20)).await;
    assert_eq!(
        breaker.state(),
        State::ForcedOpen,
        "a cancelled timer fired"
    );

    // Reset while open, then opened again: only the new period's timer counts.
    breaker.reset();
    let _ = breaker.call(fail()).await;
    advance_and_settle(Duration::from_secs(5)).await;
    breaker.reset();
    let _ = breaker.call(fail()).await;
    advance_and_settle(Duration::from_secs(5)).await;
    assert_eq!(
        breaker.state(),
        State::Open,
        "the first period's timer fired"
    );
    advance_and_settle(Duration::from_secs(5)).await;
    assert_eq!(breaker.state(), State::HalfOpen);

    let recoveries = transitions(&mut events, "timer_cancelled")
        .into_iter()
        .filter(|(_, _, reason)| *reason == Reason::RecoveryElapsed)
        .count();
    assert_eq!(
        recoveries, 1,
        "each open period moves on once, by its own timer"
    );
}

/// Without a timer (its runtime shut down before it fired) the first call after the
/// deadline moves the circuit to half-open, reading the clock.
#[test]
fn without_its_timer_an_open_circuit_moves_on_lazily() {
    let paused = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap()
    };
    let breaker = registry().register(
        "timer_gone",
        Config::new()
            .threshold(1)
            .recovery(Duration::from_secs(3600))
            .success_threshold(1),
    );
    paused().block_on(async {
        let _ = breaker
            .call(async { Err::<u32, AppError>(AppError::Upstream) })
            .await;
        assert_eq!(breaker.state(), State::Open);
    });
    // That runtime, and the timer it ran, are gone. A later runtime's paused clock starts at
    // least as late as the circuit opened.
    paused().block_on(async {
        advance(Duration::from_secs(3600)).await;
        assert_eq!(breaker.state(), State::Open, "no timer moved it");
        let probe = breaker.call(async { Ok::<u32, AppError>(7) }).await;
        assert_eq!(
            probe,
            Ok(7),
            "the first call after the deadline was not a probe"
        );
        assert_eq!(breaker.state(), State::Closed);
    });
}

/// A timer whose runtime never gets to run it (a `block_on` loop whose calls all finish at
/// once) cannot keep the circuit open past its deadline: a rejection now and then reads the
/// clock.
#[test]
fn a_timer_that_never_runs_cannot_keep_the_circuit_open() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let breaker = registry().register(
        "timer_starved",
        Config::new()
            .threshold(1)
            .recovery(Duration::ZERO)
            .success_threshold(1),
    );
    let calls = runtime.block_on(async {
        let _ = breaker
            .call(async { Err::<u32, AppError>(AppError::Upstream) })
            .await;
        // The deadline has come, but this future never waits, so the timer's task never runs.
        for calls in 1..=1000 {
            if breaker.call(async { Ok::<u32, AppError>(1) }).await.is_ok() {
                return calls;
            }
        }
        panic!("1000 calls after the deadline were all rejected");
    });
    assert!(calls <= 257, "{calls} calls before a probe");
    assert_eq!(breaker.state(), State::Closed);
    assert_eq!(
        breaker.stats().rejections,
        u64::try_from(calls - 1).unwrap()
    );
}
