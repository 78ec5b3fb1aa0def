//! Changing a breaker's settings while it runs (`Breaker::reconfigure`): a new threshold
//! applies from the next counted failure, changes while open or half-open keep the state,
//! invalid changes are refused whole, calls in flight across a change finish and are counted
//! under the settings in force, and no reader ever sees half of a change. (The tracing event of
//! a change is checked in `reconfigure_event.rs`.)

mod support;

use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use fusebox::{circuit_breaker, registry, BreakerError, Config, ConfigError, Setting, State};
use support::{state, stats, AppError, Upstream};
use tokio::time::advance;

fn breaker(name: &str) -> &'static fusebox::Breaker {
    registry().get(name).expect("registered")
}

#[tokio::test(start_paused = true)]
async fn a_new_threshold_applies_from_the_next_counted_failure() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(name = "reconfigured_threshold", threshold = 5)]
    async fn call() -> Result<u32, AppError> {
        UPSTREAM.call().await
    }

    UPSTREAM.fail(true);
    let _ = call().await;
    let _ = call().await;
    let handle = breaker("reconfigured_threshold");
    handle.reconfigure(Config::new().threshold(8)).unwrap();
    for _ in 0..5 {
        let _ = call().await;
    }
    assert_eq!(state("reconfigured_threshold"), State::Closed, "7 < 8");

    // Lowered below the failures already counted: the next one opens it.
    handle.reconfigure(Config::new().threshold(3)).unwrap();
    assert_eq!(state("reconfigured_threshold"), State::Closed);
    assert_eq!(stats("reconfigured_threshold").consecutive_failures, 7);
    let _ = call().await;
    assert_eq!(state("reconfigured_threshold"), State::Open);
    assert_eq!(stats("reconfigured_threshold").effective_threshold, 3);
}

#[tokio::test(start_paused = true)]
async fn changes_while_open_or_half_open_keep_the_state_and_apply_next_time() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(
        name = "reconfigured_open",
        threshold = 1,
        recovery = "10s",
        success_threshold = 3
    )]
    async fn call() -> Result<u32, AppError> {
        UPSTREAM.call().await
    }

    UPSTREAM.fail(true);
    let _ = call().await;
    assert_eq!(state("reconfigured_open"), State::Open);
    let handle = breaker("reconfigured_open");
    let changed = Config::new()
        .threshold(1)
        .recovery(Duration::from_secs(30))
        .success_threshold(3);
    handle.reconfigure(changed).unwrap();
    assert_eq!(state("reconfigured_open"), State::Open);

    // The open period it started with still ends after 10 s.
    advance(Duration::from_secs(10)).await;
    UPSTREAM.fail(false);
    assert!(call().await.is_ok());
    assert_eq!(state("reconfigured_open"), State::HalfOpen);

    // Half-open with one success of three: now one is enough, and the next success closes.
    handle
        .reconfigure(changed.success_threshold(1))
        .expect("valid");
    assert_eq!(state("reconfigured_open"), State::HalfOpen);
    assert!(call().await.is_ok());
    assert_eq!(state("reconfigured_open"), State::Closed);

    // The next opening lasts the new 30 s.
    UPSTREAM.fail(true);
    let _ = call().await;
    let Err(AppError::Breaker(error)) = call().await else {
        panic!("an open breaker let a call through");
    };
    // The deadline has millisecond resolution.
    let retry_after = error.retry_after().expect("an open rejection");
    assert!(retry_after > Duration::from_millis(29_999) && retry_after <= Duration::from_secs(30));
}

#[tokio::test(start_paused = true)]
async fn invalid_changes_are_refused_and_the_old_settings_kept() {
    #[circuit_breaker(
        name = "reconfigured_refused",
        threshold = 4,
        failure_rate = 50,
        window = 10
    )]
    async fn call() -> Result<u32, AppError> {
        Ok(1)
    }

    assert_eq!(call().await, Ok(1));
    let handle = breaker("reconfigured_refused");
    let before = handle.config();
    assert_eq!(
        handle.reconfigure(before.threshold(0)),
        Err(ConfigError::OutOfRange {
            setting: Setting::Threshold
        })
    );
    let resized = handle.reconfigure(before.threshold(2).window(20));
    assert_eq!(
        resized,
        Err(ConfigError::FixedSetting { setting: "window" })
    );
    assert!(
        resized
            .unwrap_err()
            .to_string()
            .contains("`window` cannot change once the breaker is built"),
        "the error says which setting"
    );
    let bulkhead = handle.reconfigure(before.threshold(2).max_concurrent(3));
    assert_eq!(
        bulkhead,
        Err(ConfigError::FixedSetting {
            setting: "max_concurrent"
        })
    );
    assert_eq!(
        handle.config(),
        before,
        "a refused change changed something"
    );

    // The rates may change, as long as there is still a window.
    handle
        .reconfigure(before.failure_rate(90).min_calls(5))
        .unwrap();
    assert_eq!(handle.config().failure_rate_value(), Some(90));
}

/// Anchor scenario 17: calls admitted under the old settings finish across a change and are
/// counted under the settings in force when they finish.
#[tokio::test(start_paused = true)]
async fn calls_in_flight_across_a_change_finish_and_are_counted_sensibly() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(name = "reconfigured_in_flight", threshold = 10, recovery = "5s")]
    async fn call() -> Result<u32, AppError> {
        UPSTREAM.call().await
    }

    UPSTREAM.fail(true);
    UPSTREAM.close_gate();
    let in_flight: Vec<_> = (0..3).map(|_| tokio::spawn(call())).collect();
    tokio::task::yield_now().await;
    assert_eq!(UPSTREAM.calls(), 3);

    breaker("reconfigured_in_flight")
        .reconfigure(Config::new().threshold(2).recovery(Duration::from_secs(5)))
        .unwrap();
    UPSTREAM.release(3);
    for call in in_flight {
        assert_eq!(
            call.await.unwrap(),
            Err(AppError::Upstream),
            "an admitted call lost its own result"
        );
    }
    let counted = stats("reconfigured_in_flight");
    assert_eq!(
        counted.state,
        State::Open,
        "2 failures reach the new threshold"
    );
    assert_eq!((counted.failures, counted.calls), (3, 3));
    // The call that finished after the circuit opened changed nothing more.
    assert!(matches!(
        call().await,
        Err(AppError::Breaker(BreakerError::Open { .. }))
    ));
}

/// A reader never sees half of a change: every copy of the settings taken while two
/// configurations alternate is one of the two.
#[test]
fn no_reader_sees_half_of_a_change() {
    let odd = Config::new()
        .threshold(3)
        .success_threshold(3)
        .recovery(Duration::from_secs(3))
        .max_half_open_wait(Duration::from_millis(3));
    let even = Config::new()
        .threshold(8)
        .success_threshold(8)
        .recovery(Duration::from_secs(8))
        .max_half_open_wait(Duration::from_millis(8));
    let handle = registry().register("reconfigured_torn", odd);
    let done = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let done = Arc::clone(&done);
            std::thread::spawn(move || {
                let mut reads = 0_u64;
                while !done.load(SeqCst) || reads < 1000 {
                    let seen = handle.config();
                    assert!(seen == odd || seen == even, "a torn read: {seen:?}");
                    reads += 1;
                }
            })
        })
        .collect();
    for round in 0..20_000 {
        let next = if round % 2 == 0 { even } else { odd };
        handle.reconfigure(next).unwrap();
    }
    done.store(true, SeqCst);
    for reader in readers {
        reader.join().unwrap();
    }
}
