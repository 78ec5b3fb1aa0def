//! Keyed families: one breaker per key, bounded by `max_keys`, idle keys forgotten, tripped
//! keys kept, a full family rejecting new keys, and `registry().remove`.

use std::sync::{Arc, Barrier};
use std::time::Duration;

use fusebox::{registry, BreakerError, Config, Family, State};

const RECOVERY: Duration = Duration::from_secs(30);
const IDLE: Duration = Duration::from_secs(60);

/// A family of `String` keys named `name`, tripping at the first failure.
fn family(name: &str, max_keys: u32) -> Arc<Family<String>> {
    let config = Config::new()
        .threshold(1)
        .recovery(RECOVERY)
        .max_keys(max_keys)
        .key_idle(IDLE);
    registry()
        .keyed(name, config)
        .expect("a family of String keys")
}

async fn fail(family: &Family<String>, key: &str) -> Result<(), BreakerError> {
    family
        .call(key, async {
            Err(BreakerError::HalfOpenFull {
                name: "the upstream",
            })
        })
        .await
}

async fn succeed(family: &Family<String>, key: &str) -> Result<(), BreakerError> {
    family.call(key, async { Ok(()) }).await
}

fn state(family: &Family<String>, key: &str) -> State {
    family.get(key).expect("a breaker").state()
}

#[tokio::test(start_paused = true)]
async fn two_keys_trip_independently() {
    let family = family("keyed_independent", 8);
    fail(&family, "eu.example").await.unwrap_err();
    assert_eq!(state(&family, "eu.example"), State::Open);
    assert_eq!(state(&family, "us.example"), State::Closed);
    assert_eq!(succeed(&family, "us.example").await, Ok(()));
    assert!(matches!(
        succeed(&family, "eu.example").await,
        Err(BreakerError::Open {
            name: "keyed_independent",
            ..
        })
    ));
    fail(&family, "us.example").await.unwrap_err();
    assert_eq!(state(&family, "us.example"), State::Open);

    tokio::time::advance(RECOVERY).await;
    assert_eq!(succeed(&family, "eu.example").await, Ok(()));
    assert_eq!(state(&family, "eu.example"), State::HalfOpen);
}

#[tokio::test(start_paused = true)]
async fn a_key_present_gets_the_same_breaker_and_a_borrowed_key_finds_it() {
    let family = family("keyed_same", 8);
    let first = family.get(&"db-1".to_owned()).unwrap();
    let again = family.get("db-1").unwrap();
    assert!(std::ptr::eq(first, again));
    assert_eq!(first.name(), "keyed_same");
    assert_eq!(family.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn idle_closed_keys_are_forgotten() {
    let family = family("keyed_idle", 8);
    succeed(&family, "old").await.unwrap();
    tokio::time::advance(IDLE / 2).await;
    succeed(&family, "recent").await.unwrap();
    tokio::time::advance(IDLE / 2 + Duration::from_millis(1)).await;
    // A new key sweeps: "old" has been idle for `key_idle`, "recent" has not.
    succeed(&family, "new").await.unwrap();
    assert!(!family.contains("old"));
    assert!(family.contains("recent"));
    assert!(family.contains("new"));

    tokio::time::advance(IDLE * 2).await;
    family.sweep();
    assert!(family.is_empty());
    let stats = family.stats();
    assert_eq!((stats.forgotten, stats.totals.successes), (3, 3));
}

#[tokio::test(start_paused = true)]
async fn a_key_in_use_is_not_forgotten_while_idle_ones_are() {
    let family = family("keyed_in_use", 8);
    succeed(&family, "busy").await.unwrap();
    succeed(&family, "quiet").await.unwrap();
    for _ in 0..4 {
        tokio::time::advance(IDLE / 2).await;
        succeed(&family, "busy").await.unwrap();
        family.sweep();
    }
    assert!(family.contains("busy"));
    assert!(!family.contains("quiet"));
}

#[tokio::test(start_paused = true)]
async fn an_open_key_survives_eviction_pressure() {
    let family = family("keyed_pressure", 4);
    fail(&family, "failing").await.unwrap_err();
    // The least recently used key by far, and still before its probe deadline (30 s).
    tokio::time::advance(Duration::from_secs(29)).await;
    for n in 0..100 {
        succeed(&family, &format!("host-{n}")).await.unwrap();
        assert!(family.len() <= 4);
    }
    assert!(family.contains("failing"), "an open key was forgotten");
    assert_eq!(state(&family, "failing"), State::Open);
    assert!(matches!(
        succeed(&family, "failing").await,
        Err(BreakerError::Open { .. })
    ));
}

#[tokio::test(start_paused = true)]
async fn a_forced_open_key_is_never_forgotten() {
    let family = family("keyed_forced", 2);
    family.get("pinned").unwrap().force_open();
    tokio::time::advance(RECOVERY * 100).await;
    for n in 0..10 {
        succeed(&family, &format!("host-{n}")).await.unwrap();
    }
    assert_eq!(state(&family, "pinned"), State::ForcedOpen);
}

#[tokio::test(start_paused = true)]
async fn the_bound_holds_for_many_keys() {
    let family = family("keyed_bound", 16);
    for n in 0..1000 {
        succeed(&family, &format!("tenant-{n}")).await.unwrap();
        assert!(family.len() <= 16, "{} keys", family.len());
    }
    let stats = family.stats();
    assert_eq!(stats.keys, family.len());
    assert_eq!(stats.forgotten + stats.keys as u64, 1000);
    assert_eq!(stats.totals.successes, 1000);
}

#[tokio::test(start_paused = true)]
async fn a_family_full_of_tripped_keys_rejects_a_new_key_until_one_recovers() {
    let family = family("keyed_full", 2);
    fail(&family, "a").await.unwrap_err();
    fail(&family, "b").await.unwrap_err();
    assert_eq!(
        succeed(&family, "c").await,
        Err(BreakerError::FamilyFull {
            name: "keyed_full",
            max_keys: 2
        })
    );
    assert!(!family.contains("c"));
    assert_eq!(family.stats().family_full, 1);
    assert!(succeed(&family, "c").await.unwrap_err().is_rejection());

    // Once "a" has been half-open with no probe running, it may be forgotten.
    tokio::time::advance(RECOVERY).await;
    assert_eq!(succeed(&family, "c").await, Ok(()));
    assert_eq!(family.len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_forgotten_key_comes_back_closed_and_counted_afresh() {
    let family = family("keyed_back", 8);
    succeed(&family, "a").await.unwrap();
    tokio::time::advance(IDLE).await;
    family.sweep();
    assert!(!family.contains("a"));
    let breaker = family.get("a").unwrap();
    assert_eq!(breaker.state(), State::Closed);
    assert_eq!(breaker.stats().calls, 0);
}

#[tokio::test(start_paused = true)]
async fn stats_list_the_tripped_keys() {
    let family = family("keyed_stats", 8);
    fail(&family, "down").await.unwrap_err();
    succeed(&family, "up-1").await.unwrap();
    succeed(&family, "up-2").await.unwrap();
    let stats = family.stats();
    assert_eq!((stats.keys, stats.tripped), (3, 1));
    assert_eq!(stats.tripped_keys.len(), 1);
    assert_eq!(stats.tripped_keys[0].key, "down");
    assert_eq!(stats.tripped_keys[0].state, State::Open);
    assert_eq!((stats.totals.calls, stats.totals.failures), (3, 1));
    assert!(!stats.is_tripped(), "one key of three is not the family");

    fail(&family, "up-1").await.unwrap_err();
    assert!(family.stats().is_tripped(), "two keys of three are");
    let listed = registry()
        .families()
        .into_iter()
        .find(|family| family.name == "keyed_stats")
        .expect("listed");
    assert_eq!(listed.tripped, 2);
}

#[test]
fn many_threads_creating_one_key_get_one_breaker() {
    let family = family("keyed_race", 64);
    let threads = 16;
    let barrier = Barrier::new(threads);
    let breakers: Vec<usize> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    barrier.wait();
                    let breaker = family.get("same").unwrap();
                    std::ptr::from_ref(breaker) as usize
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(breakers.windows(2).all(|pair| pair[0] == pair[1]));
    assert_eq!(family.len(), 1);
}

#[test]
fn a_family_of_another_key_type_is_refused() {
    let _strings = family("keyed_types", 8);
    let numbers = registry().keyed::<u64>("keyed_types", Config::new());
    let mismatch = numbers.unwrap_err();
    assert_eq!(mismatch.name, "keyed_types");
    assert!(mismatch.to_string().contains("u64"));
}

#[test]
fn the_same_name_gives_the_same_family() {
    let first = family("keyed_shared", 8);
    let again = family("keyed_shared", 8);
    assert!(Arc::ptr_eq(&first, &again));
}

#[tokio::test(start_paused = true)]
async fn remove_forgets_a_family_and_its_stats() {
    let first = family("keyed_removed", 8);
    fail(&first, "down").await.unwrap_err();
    assert!(registry().remove("keyed_removed"));
    assert!(!registry()
        .families()
        .iter()
        .any(|f| f.name == "keyed_removed"));
    assert!(!registry().remove("keyed_removed"));

    let again = family("keyed_removed", 8);
    assert!(!Arc::ptr_eq(&first, &again));
    assert!(again.is_empty());
    assert_eq!(again.stats().totals.calls, 0);
    drop(first);
    // The removed family's breakers serve the new one, reset.
    assert_eq!(state(&again, "down"), State::Closed);
}

#[tokio::test(start_paused = true)]
async fn remove_forgets_a_named_breaker_and_a_later_register_starts_afresh() {
    let breaker = registry().register("keyed_removed_breaker", Config::new().threshold(1));
    let _ = breaker
        .call(async { Err::<(), _>(BreakerError::HalfOpenFull { name: "x" }) })
        .await;
    assert_eq!(breaker.state(), State::Open);
    assert!(registry().remove("keyed_removed_breaker"));
    assert!(registry().get("keyed_removed_breaker").is_none());
    assert!(!registry()
        .stats()
        .iter()
        .any(|stats| stats.name == "keyed_removed_breaker"));
    let again = registry().register("keyed_removed_breaker", Config::new());
    assert!(!std::ptr::eq(breaker, again));
    assert_eq!(again.state(), State::Closed);
    assert_eq!(again.stats().calls, 0);
}

#[tokio::test(start_paused = true)]
async fn events_carry_the_key() {
    let family = family("keyed_events", 8);
    let mut events = registry().subscribe();
    fail(&family, "eu.example").await.unwrap_err();
    let event = std::iter::from_fn(|| events.try_recv().ok())
        .find(|event| event.name == "keyed_events")
        .expect("an event");
    assert_eq!(event.key.as_deref(), Some("eu.example"));
    assert_eq!((event.from, event.to), (State::Closed, State::Open));

    let named = registry().register("keyed_events_named", Config::new());
    named.force_open();
    let event = std::iter::from_fn(|| events.try_recv().ok())
        .find(|event| event.name == "keyed_events_named")
        .expect("an event");
    assert_eq!(event.key, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_tasks_creating_one_key_get_one_breaker() {
    let family = family("keyed_race_tasks", 64);
    let tasks = 64;
    let barrier = Arc::new(tokio::sync::Barrier::new(tasks));
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let (family, barrier) = (Arc::clone(&family), Arc::clone(&barrier));
            tokio::spawn(async move {
                barrier.wait().await;
                let breaker = family.get("same").unwrap();
                std::ptr::from_ref(breaker) as usize
            })
        })
        .collect();
    let mut breakers = Vec::new();
    for handle in handles {
        breakers.push(handle.await.unwrap());
    }
    breakers.dedup();
    assert_eq!(breakers.len(), 1, "one key, one breaker");
    assert_eq!(family.len(), 1);
}
