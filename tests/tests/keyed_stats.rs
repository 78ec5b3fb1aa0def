//! A keyed family is one entry of `registry().stats()`, sorted among the named breakers: its
//! totals as the counts, its state as the health counts it, its keys in `Stats::family`.

use std::time::Duration;

use fusebox::{registry, BreakerError, Config, Family, State, Stats};

async fn call(family: &Family<String>, key: &str, fails: bool) -> Result<(), BreakerError> {
    family
        .call(key, async move {
            if fails {
                Err(BreakerError::HalfOpenFull { name: "upstream" })
            } else {
                Ok(())
            }
        })
        .await
}

fn entry(name: &str) -> Stats {
    registry()
        .stats()
        .into_iter()
        .find(|stats| stats.name == name)
        .expect("the family is listed")
}

#[tokio::test(start_paused = true)]
async fn a_family_is_one_entry_of_the_registry_stats() {
    let config = Config::new()
        .threshold(1)
        .recovery(Duration::from_secs(30))
        .max_keys(2);
    let family = registry()
        .keyed::<String>("keyed_stats_entry", config)
        .expect("a family");
    registry().register("keyed_stats_entry_named", Config::new());

    call(&family, "eu", false).await.unwrap();
    call(&family, "us", true).await.unwrap_err();
    let rejected = call(&family, "us", false).await.unwrap_err();
    assert!(matches!(rejected, BreakerError::Open { .. }));

    let stats = entry("keyed_stats_entry");
    assert_eq!(
        stats.state,
        State::Closed,
        "one key of two is not the family"
    );
    assert_eq!(
        (
            stats.calls,
            stats.successes,
            stats.failures,
            stats.rejections
        ),
        (2, 1, 1, 1)
    );
    let keys = stats.family.as_ref().expect("the family's own snapshot");
    assert_eq!((keys.keys, keys.max_keys, keys.tripped), (2, 2, 1));
    assert_eq!(keys.tripped_keys[0].key, "us");
    assert!(entry("keyed_stats_entry_named").family.is_none());

    // A third key takes the room of the closed one, and trips; the closed key, back, finds
    // the family full of keys it may not forget: a rejection, counted.
    call(&family, "asia", true).await.unwrap_err();
    let full = call(&family, "eu", false).await.unwrap_err();
    assert!(matches!(full, BreakerError::FamilyFull { .. }), "{full:?}");
    let stats = entry("keyed_stats_entry");
    assert_eq!(stats.state, State::Open, "both keys are tripped");
    assert_eq!(stats.calls, 3, "the forgotten key's call included");
    assert_eq!(stats.rejections, 2, "the open key's and the full family's");
    let keys = stats.family.expect("a family");
    assert_eq!((keys.family_full, keys.forgotten), (1, 1));

    let names: Vec<_> = registry().stats().iter().map(|stats| stats.name).collect();
    assert!(names.windows(2).all(|pair| pair[0] <= pair[1]), "{names:?}");
}

#[test]
fn a_named_breaker_has_no_family_in_its_json() {
    let breaker = registry().register("keyed_stats_json", Config::new());
    let json = serde_json::to_value(breaker.stats()).expect("JSON");
    assert!(json.get("family").is_none(), "{json}");
}
