//! Transitions before anything subscribes go nowhere (a program that never subscribes links
//! no channel), and the first subscriber hears every transition after it; in its own binary
//! so that no other test subscribes first.

mod support;

use std::sync::LazyLock;

use fusebox::Reason::{FailureThreshold, Manual, Reset};
use fusebox::State::{Closed, ForcedOpen, Open};
use fusebox::{circuit_breaker, registry};
use support::{transitions, AppError, Upstream};

#[tokio::test(start_paused = true)]
async fn the_first_subscriber_hears_every_later_transition_and_none_before() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(name = "unheard", threshold = 1, recovery = "5s")]
    async fn call() -> Result<u32, AppError> {
        UPSTREAM.call().await
    }

    UPSTREAM.fail(true);
    let _ = call().await;
    let breaker = registry().get("unheard").unwrap();
    breaker.reset();

    let mut events = registry().subscribe();
    let _ = call().await;
    breaker.force_open();
    breaker.reset();
    assert_eq!(
        transitions(&mut events, "unheard"),
        [
            (Closed, Open, FailureThreshold),
            (Open, ForcedOpen, Manual),
            (ForcedOpen, Closed, Reset),
        ]
    );
}
