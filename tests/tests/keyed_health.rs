//! A keyed family counts as one breaker in the process health, tripped only when more than
//! half of its keys are. In its own binary, one test: health reads every breaker and family.

use fusebox::{registry, BreakerError, Config, Health};

async fn fail(family: &fusebox::Family<String>, key: &str) {
    let failed: Result<(), BreakerError> = family
        .call(key, async {
            Err(BreakerError::HalfOpenFull { name: "upstream" })
        })
        .await;
    assert!(failed.is_err());
}

#[tokio::test(start_paused = true)]
async fn a_family_is_tripped_when_more_than_half_its_keys_are() {
    let family = registry()
        .keyed::<String>("keyed_health", Config::new().threshold(1))
        .expect("a family");
    for host in ["a", "b", "c"] {
        family.get(host).expect("room");
    }
    assert_eq!(registry().health(), Health::Healthy);

    fail(&family, "a").await;
    assert_eq!(
        registry().health(),
        Health::Healthy,
        "one host of three tripped the family"
    );

    fail(&family, "b").await;
    assert_eq!(registry().health(), Health::Critical);

    assert!(registry().remove("keyed_health"));
    assert_eq!(registry().health(), Health::Healthy);

    // A family marked `critical = false` (a cache's) only degrades the process.
    let cache = registry()
        .keyed::<String>(
            "keyed_health_cache",
            Config::new().threshold(1).critical(false),
        )
        .expect("a family");
    fail(&cache, "only").await;
    assert_eq!(registry().health(), Health::Degraded);
}
