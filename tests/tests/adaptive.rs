//! The adaptive threshold: a healthy history lets a breaker ride out a short burst, a shaky
//! one trips it sooner; stats show the threshold in force.

mod support;

use fusebox::{circuit_breaker, State};
use support::{state, stats, AppError};

fn answer(fails: bool) -> Result<u32, AppError> {
    if fails {
        Err(AppError::Upstream)
    } else {
        Ok(1)
    }
}

#[tokio::test(start_paused = true)]
async fn a_healthy_history_raises_the_threshold() {
    #[circuit_breaker(name = "adaptive_up", threshold = 2, adaptive = true)]
    async fn call(fails: bool) -> Result<u32, AppError> {
        answer(fails)
    }

    for _ in 0..99 {
        let _ = call(false).await;
    }
    assert_eq!(
        stats("adaptive_up").effective_threshold,
        2,
        "adapted before 100 calls"
    );
    let _ = call(false).await;
    assert_eq!(stats("adaptive_up").effective_threshold, 4);
    for failures in 1..4 {
        let _ = call(true).await;
        assert_eq!(
            state("adaptive_up"),
            State::Closed,
            "opened after {failures} failures"
        );
    }
    let _ = call(true).await;
    assert_eq!(state("adaptive_up"), State::Open);
}

#[tokio::test(start_paused = true)]
async fn a_shaky_history_lowers_the_threshold() {
    #[circuit_breaker(name = "adaptive_down", threshold = 5, adaptive = true)]
    async fn call(fails: bool) -> Result<u32, AppError> {
        answer(fails)
    }

    for call_number in 0..102 {
        let _ = call(call_number % 3 == 0).await;
    }
    assert_eq!(stats("adaptive_down").effective_threshold, 4);
    for _ in 0..3 {
        let _ = call(true).await;
    }
    assert_eq!(state("adaptive_down"), State::Closed);
    let _ = call(true).await;
    assert_eq!(
        state("adaptive_down"),
        State::Open,
        "the lowered threshold did not trip it"
    );
}
