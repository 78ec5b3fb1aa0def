//! A breaker marked `critical = false` never makes the process critical on its own; stats say
//! how long a breaker has been in its state. In its own binary: health reads every breaker.

mod support;

use std::time::Duration;

use fusebox::{circuit_breaker, registry, Health};
use support::{stats, AppError};

#[circuit_breaker(name = "health_cache", threshold = 1, critical = false)]
async fn cache(fails: bool) -> Result<u32, AppError> {
    if fails {
        Err(AppError::Upstream)
    } else {
        Ok(1)
    }
}

#[circuit_breaker(name = "health_database", threshold = 1)]
async fn database(fails: bool) -> Result<u32, AppError> {
    if fails {
        Err(AppError::Upstream)
    } else {
        Ok(2)
    }
}

#[tokio::test(start_paused = true)]
async fn an_open_cache_alone_degrades_but_an_open_database_is_critical() {
    assert!(cache(false).await.is_ok() && database(false).await.is_ok());
    let _ = cache(true).await;
    assert_eq!(
        registry().health(),
        Health::Degraded,
        "a cache made the process critical"
    );
    assert!(!stats("health_cache").critical);

    tokio::time::advance(Duration::from_secs(5)).await;
    assert_eq!(stats("health_cache").state_for, Duration::from_secs(5));
    let json = serde_json::to_value(stats("health_cache")).unwrap();
    assert_eq!(
        (json["state_for_ms"].as_u64(), json["critical"].as_bool()),
        (Some(5_000), Some(false))
    );

    let _ = database(true).await;
    assert_eq!(registry().health(), Health::Critical);
}
