//! A keyed family takes its start-up overrides under its name, as a named breaker does,
//! `max_keys` and `key_idle` included. One test in its own binary: the environment belongs to
//! the whole process.

use std::time::Duration;

use fusebox::{registry, BreakerError, Config};

#[tokio::test(start_paused = true)]
async fn the_environment_overrides_a_familys_settings_and_bound() {
    std::env::set_var("FUSEBOX_KEYED_OVERRIDDEN_MAX_KEYS", "2");
    std::env::set_var("FUSEBOX_KEYED_OVERRIDDEN_KEY_IDLE", "90s");
    std::env::set_var("FUSEBOX_KEYED_OVERRIDDEN_THRESHOLD", "1");

    let family = registry()
        .keyed::<String>("keyed_overridden", Config::new().max_keys(100))
        .expect("a family");
    let config = family.config();
    assert_eq!(config.max_keys_value(), 2);
    assert_eq!(config.key_idle_value(), Duration::from_secs(90));
    assert_eq!(config.threshold_value(), 1);

    for key in ["a", "b"] {
        let failed: Result<(), BreakerError> = family
            .call(key, async {
                Err(BreakerError::HalfOpenFull { name: "upstream" })
            })
            .await;
        assert!(failed.is_err());
    }
    // Both keys open at the first failure, and the bound is the overridden one.
    assert!(matches!(
        family.get("c"),
        Err(BreakerError::FamilyFull { max_keys: 2, .. })
    ));
    let stats = family.stats();
    assert_eq!(
        (stats.max_keys, stats.key_idle),
        (2, Duration::from_secs(90))
    );
}
