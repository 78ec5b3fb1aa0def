//! `#[circuit_breaker(name = ..., key = <expr>)]`: one breaker per value of the expression, in
//! the keyed family of the name. Keys trip independently, the family is bounded (a full
//! family's refusal is a rejection), every attempt of a retried call uses its key's breaker,
//! and the family is listed by the registry, with no static breaker of its name. Every test
//! runs on tokio's paused clock.

// Fallbacks are async fns by contract, even when they do not wait for anything.
#![allow(clippy::unused_async)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering::SeqCst};
use std::sync::Mutex;
use std::time::Duration;

use fusebox::{circuit_breaker, registry, BreakerError, Cause, Config, State};

const RECOVERY: Duration = Duration::from_secs(30);

/// The error of every protected fn here.
#[derive(Debug, Clone, PartialEq, Eq)]
enum AppError {
    /// The host answered with an error.
    Upstream,
    /// The breaker rejected the call.
    Breaker(BreakerError),
}

impl From<BreakerError> for AppError {
    fn from(error: BreakerError) -> Self {
        AppError::Breaker(error)
    }
}

/// The hosts that fail, and how many calls each host's body saw.
#[derive(Default)]
struct Hosts {
    failing: Mutex<Vec<String>>,
    calls: Mutex<HashMap<String, u32>>,
}

impl Hosts {
    fn fail(&self, host: &str) {
        self.failing.lock().unwrap().push(host.to_owned());
    }

    fn call(&self, host: &str) -> Result<String, AppError> {
        *self
            .calls
            .lock()
            .unwrap()
            .entry(host.to_owned())
            .or_default() += 1;
        if self
            .failing
            .lock()
            .unwrap()
            .iter()
            .any(|failing| failing == host)
        {
            return Err(AppError::Upstream);
        }
        Ok(format!("18°C from {host}"))
    }

    fn calls(&self, host: &str) -> u32 {
        self.calls.lock().unwrap().get(host).copied().unwrap_or(0)
    }
}

/// The state of `key`'s breaker in the String-keyed family `name`.
fn state(name: &str, key: &str) -> State {
    let family = registry()
        .keyed::<String>(name, Config::new())
        .expect("keyed by String");
    family.get(key).expect("a breaker").state()
}

#[tokio::test(start_paused = true)]
async fn two_keys_trip_independently() {
    static HOSTS: std::sync::LazyLock<Hosts> = std::sync::LazyLock::new(Hosts::default);
    #[circuit_breaker(name = "weather_upstream", key = host, threshold = 2, recovery = "30s")]
    async fn forecast(host: String) -> Result<String, AppError> {
        // The key is borrowed, not moved: the body still has `host`.
        HOSTS.call(&host)
    }

    HOSTS.fail("eu.example");
    for _ in 0..2 {
        assert_eq!(forecast("eu.example".into()).await, Err(AppError::Upstream));
    }
    let rejected = forecast("eu.example".into()).await;
    assert!(
        matches!(
            &rejected,
            Err(AppError::Breaker(BreakerError::Open {
                name: "weather_upstream",
                ..
            }))
        ),
        "{rejected:?}"
    );
    assert_eq!(HOSTS.calls("eu.example"), 2);
    // The other host's circuit is closed: its body runs.
    assert_eq!(
        forecast("us.example".into()).await.unwrap(),
        "18°C from us.example"
    );
    assert_eq!(HOSTS.calls("us.example"), 1);
    assert_eq!(state("weather_upstream", "eu.example"), State::Open);
    assert_eq!(state("weather_upstream", "us.example"), State::Closed);

    tokio::time::advance(RECOVERY).await;
    HOSTS.failing.lock().unwrap().clear();
    assert!(forecast("eu.example".into()).await.is_ok());
}

/// A request whose tenant keys the breakers.
struct Request {
    tenant: u64,
    path: String,
}

impl Request {
    fn tenant_id(&self) -> u64 {
        self.tenant
    }
}

#[tokio::test(start_paused = true)]
async fn the_key_may_be_a_method_of_an_argument() {
    static FAILING_TENANT: AtomicU32 = AtomicU32::new(7);
    #[circuit_breaker(name = "attr_tenants", key = req.tenant_id(), threshold = 1)]
    async fn handle(req: Request) -> Result<String, AppError> {
        if req.tenant == u64::from(FAILING_TENANT.load(SeqCst)) {
            return Err(AppError::Upstream);
        }
        Ok(req.path)
    }

    let request = |tenant| Request {
        tenant,
        path: format!("/t/{tenant}"),
    };
    assert_eq!(handle(request(7)).await, Err(AppError::Upstream));
    assert!(matches!(
        handle(request(7)).await,
        Err(AppError::Breaker(BreakerError::Open { .. }))
    ));
    assert_eq!(handle(request(8)).await.unwrap(), "/t/8");
    let family = registry()
        .keyed::<u64>("attr_tenants", Config::new())
        .expect("keyed by u64");
    assert_eq!(family.get(&7).unwrap().state(), State::Open);
    assert_eq!(family.get(&8).unwrap().state(), State::Closed);
}

/// The fallback's record of why it ran.
static FULL_CAUSES: Mutex<Vec<String>> = Mutex::new(Vec::new());

async fn cached(host: String, cause: Cause<AppError>) -> Result<String, AppError> {
    FULL_CAUSES.lock().unwrap().push(match &cause {
        Cause::Rejected(error) => format!("rejected: {error:?}"),
        Cause::Failed(error) => format!("failed: {error:?}"),
        other => format!("{other:?}"),
    });
    Ok(format!("cached for {host}"))
}

#[tokio::test(start_paused = true)]
async fn a_full_family_rejects_a_new_key_through_the_fallback_or_the_error() {
    #[circuit_breaker(
        name = "attr_bounded",
        key = host,
        threshold = 1,
        max_keys = 2,
        fallback = cached
    )]
    async fn with_fallback(host: String) -> Result<String, AppError> {
        Err(AppError::Upstream)
    }
    #[circuit_breaker(name = "attr_bounded", key = host, threshold = 1, max_keys = 2)]
    async fn without_fallback(host: String) -> Result<String, AppError> {
        Ok(host)
    }

    // Two keys, both open: none may be forgotten.
    for host in ["a.example", "b.example"] {
        assert_eq!(
            with_fallback(host.into()).await.unwrap(),
            format!("cached for {host}")
        );
    }
    let full = BreakerError::FamilyFull {
        name: "attr_bounded",
        max_keys: 2,
    };
    // The third key goes to the fallback at once, as a rejection.
    assert_eq!(
        with_fallback("c.example".into()).await.unwrap(),
        "cached for c.example"
    );
    assert_eq!(
        FULL_CAUSES.lock().unwrap().as_slice(),
        [
            "failed: Upstream".to_owned(),
            "failed: Upstream".to_owned(),
            format!("rejected: {full:?}"),
        ]
    );
    // Without a fallback, it is the fn's error, as a rejection's is.
    assert_eq!(
        without_fallback("c.example".into()).await,
        Err(AppError::Breaker(full))
    );
    let stats = registry()
        .families()
        .into_iter()
        .find(|family| family.name == "attr_bounded")
        .expect("the family is listed");
    assert_eq!((stats.keys, stats.tripped, stats.family_full), (2, 2, 2));
}

#[tokio::test(start_paused = true)]
async fn every_attempt_of_a_retried_call_uses_its_key_breaker() {
    static HOSTS: std::sync::LazyLock<Hosts> = std::sync::LazyLock::new(Hosts::default);
    #[circuit_breaker(name = "attr_retries", key = host, retries = 2, threshold = 10)]
    async fn fetch(host: String) -> Result<String, AppError> {
        HOSTS.call(&host)
    }
    #[circuit_breaker(
        name = "attr_retries_fallback",
        key = host,
        retries = 2,
        threshold = 10,
        fallback = cached_quietly
    )]
    async fn fetch_or_cached(host: String) -> Result<String, AppError> {
        HOSTS.call(&host)
    }
    // Not `cached`, whose record another test, running beside this one, reads.
    async fn cached_quietly(host: String) -> Result<String, AppError> {
        Ok(format!("cached for {host}"))
    }

    HOSTS.fail("eu.example");
    assert_eq!(fetch("eu.example".into()).await, Err(AppError::Upstream));
    assert_eq!(
        fetch_or_cached("eu.example".into()).await.unwrap(),
        "cached for eu.example"
    );
    assert_eq!(HOSTS.calls("eu.example"), 6);
    assert_eq!(
        fetch("us.example".into()).await.unwrap(),
        "18°C from us.example"
    );
    for name in ["attr_retries", "attr_retries_fallback"] {
        let family = registry()
            .keyed::<String>(name, Config::new())
            .expect("keyed by String");
        let eu = family.get("eu.example").unwrap().stats();
        assert_eq!(
            (eu.calls, eu.failures, eu.retry.retries),
            (3, 3, 2),
            "{name}"
        );
    }
    let family = registry()
        .keyed::<String>("attr_retries", Config::new())
        .expect("keyed by String");
    let us = family.get("us.example").unwrap().stats();
    assert_eq!((us.calls, us.successes, us.retry.retries), (1, 1, 0));
}

#[tokio::test(start_paused = true)]
async fn the_registry_lists_the_family_and_no_breaker_of_its_name() {
    struct Client {
        region: &'static str,
    }
    impl Client {
        #[circuit_breaker(name = "attr_listed", key = self.region, max_keys = 8)]
        async fn get(&self, path: &str) -> Result<String, AppError> {
            Ok(format!("{}{path}", self.region))
        }
    }

    for region in ["eu", "us", "eu"] {
        let client = Client { region };
        assert_eq!(client.get("/x").await.unwrap(), format!("{region}/x"));
    }
    let listed = registry()
        .families()
        .into_iter()
        .find(|family| family.name == "attr_listed")
        .expect("the family is listed");
    assert_eq!((listed.keys, listed.max_keys), (2, 8));
    assert_eq!(listed.totals.calls, 3);
    // No breaker of the name was registered for the attribute.
    assert!(registry().get("attr_listed").is_none());
}

#[tokio::test(start_paused = true)]
async fn a_family_of_another_key_type_rejects_the_attribute_calls() {
    #[circuit_breaker(name = "attr_mismatch", key = host)]
    async fn fetch(host: String) -> Result<String, AppError> {
        Ok(host)
    }

    registry()
        .keyed::<u64>("attr_mismatch", Config::new())
        .expect("the first family of the name");
    let error = fetch("eu.example".into()).await.unwrap_err();
    assert_eq!(
        error,
        AppError::Breaker(BreakerError::KeyTypeMismatch {
            name: "attr_mismatch",
            registered: "u64",
            asked: "alloc::string::String",
        })
    );
}
