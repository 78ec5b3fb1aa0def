//! Every breaker an attribute declares is in the registry from the start: listed, found by
//! name and counted by health before its first call, and the fn finds it when it first runs.
//! In its own binary: health reads every breaker.

mod support;

use std::time::Duration;

use fusebox::{circuit_breaker, registry, BreakerError, Config, Health, State};
use support::AppError;

#[circuit_breaker(name = "declared_weather", threshold = 1)]
async fn weather() -> Result<u32, AppError> {
    Err(AppError::Upstream)
}

// Never called before the test reads the registry.
#[circuit_breaker(name = "declared_store", threshold = 7, recovery = "9s")]
async fn store() -> Result<u32, AppError> {
    Ok(1)
}

#[circuit_breaker(name = "declared_cache", critical = false)]
async fn cache() -> Result<u32, AppError> {
    Ok(2)
}

// Never called at all: a generic fn and a method, with a fallback.
#[allow(dead_code)]
#[circuit_breaker(name = "declared_generic")]
async fn generic<T: Send>(value: T) -> Result<T, AppError> {
    Ok(value)
}

#[allow(dead_code)]
struct Client;

#[allow(dead_code)]
impl Client {
    #[circuit_breaker(name = "declared_method", fallback = cached)]
    async fn fetch(&self, city: String) -> String {
        city
    }

    async fn cached(&self, city: String) -> String {
        tokio::task::yield_now().await;
        city
    }
}

#[tokio::test(start_paused = true)]
async fn breakers_are_known_before_their_first_call() {
    let names: Vec<_> = registry().stats().iter().map(|stats| stats.name).collect();
    assert_eq!(
        names,
        [
            "declared_cache",
            "declared_generic",
            "declared_method",
            "declared_store",
            "declared_weather"
        ]
    );
    let store_breaker = registry().get("declared_store").expect("declared");
    assert_eq!(
        store_breaker.config(),
        Config::new()
            .threshold(7)
            .recovery(Duration::from_secs(9))
            .success_threshold(3)
    );
    assert_eq!(
        (store_breaker.state(), store_breaker.stats().calls),
        (State::Closed, 0)
    );
    assert_eq!(registry().health(), Health::Healthy);

    // One of the four critical breakers tripped: degraded, not critical, though the other
    // three never ran.
    assert_eq!(weather().await, Err(AppError::Upstream));
    assert_eq!(
        registry().get("declared_weather").unwrap().state(),
        State::Open
    );
    assert_eq!(registry().health(), Health::Degraded);
    registry().get("declared_generic").unwrap().force_open();
    assert_eq!(registry().health(), Health::Degraded);
    store_breaker.force_open();
    assert_eq!(registry().health(), Health::Critical);

    // The fn, first called now, goes through the breaker the registry holds.
    assert!(matches!(
        store().await,
        Err(AppError::Breaker(BreakerError::ForcedOpen { .. }))
    ));
    assert_eq!(cache().await, Ok(2));
    assert_eq!(registry().get("declared_cache").unwrap().stats().calls, 1);
}
