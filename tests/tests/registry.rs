//! The global registry: look-up by name, stats for every breaker, health, JSON. One test in
//! its own binary, so that no other test's breakers change the health it reads.

mod support;

use std::time::Duration;

use fusebox::{circuit_breaker, registry, Health, State};
use support::AppError;

#[circuit_breaker(name = "registry_a", threshold = 1)]
async fn a(fail: bool) -> Result<u32, AppError> {
    if fail {
        Err(AppError::Upstream)
    } else {
        Ok(1)
    }
}

#[circuit_breaker(threshold = 1)]
async fn unnamed(fail: bool) -> Result<u32, AppError> {
    if fail {
        Err(AppError::Upstream)
    } else {
        Ok(2)
    }
}

#[circuit_breaker(name = "registry_c", threshold = 1)]
async fn c(fail: bool) -> Result<u32, AppError> {
    if fail {
        Err(AppError::Upstream)
    } else {
        Ok(3)
    }
}

#[tokio::test(start_paused = true)]
async fn the_registry_reports_every_breaker_and_the_health_they_add_up_to() {
    assert_eq!(
        registry()
            .get("registry_a")
            .map(|breaker| breaker.stats().calls),
        Some(0),
        "a declared breaker is registered before its first call"
    );
    assert_eq!(
        (a(false).await, unnamed(false).await, c(false).await),
        (Ok(1), Ok(2), Ok(3))
    );
    let unnamed_name = "registry::unnamed";
    assert_eq!(
        registry().get(unnamed_name).map(fusebox::Breaker::name),
        Some(unnamed_name)
    );
    assert_eq!(registry().health(), Health::Healthy);

    let _ = a(true).await;
    assert_eq!(registry().health(), Health::Degraded);
    let _ = c(true).await;
    assert_eq!(registry().health(), Health::Critical);

    let names: Vec<_> = registry().stats().iter().map(|stats| stats.name).collect();
    assert_eq!(names, ["registry::unnamed", "registry_a", "registry_c"]);

    tokio::time::advance(Duration::from_secs(1)).await;
    let json = serde_json::to_value(registry().get("registry_a").unwrap().stats()).unwrap();
    assert_eq!(json["name"], "registry_a");
    assert_eq!(json["state"], "open");
    assert_eq!(json["calls"], 2);
    assert_eq!(json["failures"], 1);
    assert_eq!(json["last_failure_ms_ago"], 1_000);
    assert_eq!(json["next_probe_in_ms"], 59_000);
    assert_eq!(registry().get("registry_c").unwrap().state(), State::Open);
}
