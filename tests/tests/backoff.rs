//! Open-duration backoff on consecutive re-opens, and the way out of a half-open circuit whose
//! probes never report.

mod support;

use std::sync::LazyLock;
use std::time::Duration;

use fusebox::{circuit_breaker, BreakerError, State};
use support::{state, stats, AppError, Upstream};

/// Whole seconds until a probe, from an open rejection (the deadline has millisecond
/// resolution, so it may read up to 1 ms short).
fn retry_after(result: Result<u32, AppError>) -> u64 {
    match result {
        Err(AppError::Breaker(error)) => {
            let millis = error.retry_after().expect("an open rejection").as_millis();
            u64::try_from(millis.div_ceil(1000)).unwrap()
        }
        other => panic!("expected an open rejection, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn recovery_grows_on_each_reopen_up_to_its_limit_and_resets_on_close() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(
        name = "backoff",
        threshold = 1,
        recovery = "10s",
        success_threshold = 1,
        backoff = 2.0,
        max_recovery = "35s"
    )]
    async fn call() -> Result<u32, AppError> {
        UPSTREAM.call().await
    }

    UPSTREAM.fail(true);
    let _ = call().await;
    let mut periods = vec![retry_after(call().await)];
    for _ in 0..3 {
        tokio::time::advance(Duration::from_secs(periods[periods.len() - 1])).await;
        assert_eq!(
            call().await,
            Err(AppError::Upstream),
            "the probe should run and fail"
        );
        periods.push(retry_after(call().await));
    }
    assert_eq!(periods, [10, 20, 35, 35]);

    // A close brings the period back to `recovery`.
    tokio::time::advance(Duration::from_secs(35)).await;
    UPSTREAM.fail(false);
    assert!(call().await.is_ok());
    assert_eq!(state("backoff"), State::Closed);
    UPSTREAM.fail(true);
    let _ = call().await;
    assert_eq!(retry_after(call().await), 10);
}

#[tokio::test(start_paused = true)]
async fn a_half_open_circuit_whose_probes_never_report_opens_again() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(
        name = "stuck_probe",
        threshold = 1,
        recovery = "10s",
        success_threshold = 1,
        max_half_open_wait = "30s"
    )]
    async fn call() -> Result<u32, AppError> {
        UPSTREAM.call().await
    }

    UPSTREAM.fail(true);
    let _ = call().await;
    UPSTREAM.fail(false);
    tokio::time::advance(Duration::from_secs(10)).await;
    UPSTREAM.close_gate();
    let stuck = tokio::spawn(call());
    tokio::task::yield_now().await;

    tokio::time::advance(Duration::from_millis(29_999)).await;
    assert!(matches!(
        call().await,
        Err(AppError::Breaker(BreakerError::HalfOpenFull { .. }))
    ));
    tokio::time::advance(Duration::from_millis(1)).await;
    assert_eq!(retry_after(call().await), 10, "it should open again");
    assert_eq!(state("stuck_probe"), State::Open);

    // The stuck probe's late success changes nothing; after recovery a new probe closes it.
    UPSTREAM.release(1);
    assert!(stuck.await.unwrap().is_ok());
    assert_eq!(state("stuck_probe"), State::Open);
    tokio::time::advance(Duration::from_secs(10)).await;
    UPSTREAM.release(1);
    assert!(call().await.is_ok());
    assert_eq!(state("stuck_probe"), State::Closed);
    assert_eq!(stats("stuck_probe").half_open_in_flight, 0);
}
