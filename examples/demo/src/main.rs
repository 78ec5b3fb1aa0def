//! The fusebox demo: a flaky weather service behind a circuit breaker, with a fallback chain
//! live -> cache -> static. Watch the breaker open at its threshold, fail fast while open,
//! probe after the recovery period and close again.
//!
//! Run it with `cargo run -p fusebox-demo`. State changes are logged to stderr by `tracing`.

mod upstream;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use fusebox::{circuit_breaker, registry, BreakerError};
use upstream::{Upstream, UpstreamDown};

/// The weather service everything depends on.
static UPSTREAM: Upstream = Upstream::new();

/// Answers the live service gave, served by the cache fallback.
static CACHE: Mutex<Option<HashMap<String, String>>> = Mutex::new(None);

/// An answer and which source gave it.
struct Report {
    source: &'static str,
    text: String,
}

/// Why a weather request failed.
#[derive(Debug)]
enum DemoError {
    Upstream(UpstreamDown),
    CacheBroken,
    Breaker(BreakerError),
}

impl fmt::Display for DemoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DemoError::Upstream(error) => write!(f, "upstream: {error}"),
            DemoError::CacheBroken => f.write_str("the cache is broken"),
            DemoError::Breaker(error) => error.fmt(f),
        }
    }
}

impl From<BreakerError> for DemoError {
    fn from(error: BreakerError) -> Self {
        DemoError::Breaker(error)
    }
}

/// The live service, protected: 3 failures open it, a call may take 200 ms, it probes after 2 s.
#[circuit_breaker(name = "weather_api", threshold = 3, timeout = "200ms", recovery = "2s", success_threshold = 2, fallback = cached_weather)]
async fn live_weather(city: String) -> Result<Report, DemoError> {
    let text = UPSTREAM
        .forecast(&city)
        .await
        .map_err(DemoError::Upstream)?;
    remember(city, text.clone());
    Ok(Report {
        source: "live",
        text,
    })
}

/// The first fallback: the last live answer for the city. It has its own breaker, which counts
/// the cache's own failures only: a city not in the cache is an answer (the static one, for
/// that city), not a fault of the cache, so misses never send other cities to the static one.
#[circuit_breaker(name = "cache", threshold = 2, recovery = "30s", fallback = static_weather)]
async fn cached_weather(city: String) -> Result<Report, DemoError> {
    if UPSTREAM.cache_is_broken() {
        return Err(DemoError::CacheBroken);
    }
    match recall(&city) {
        Some(text) => Ok(Report {
            source: "cache",
            text: format!("{text} (cached)"),
        }),
        None => static_weather(city).await,
    }
}

/// The last fallback: always answers.
#[expect(clippy::unused_async, reason = "a fallback is an async fn")]
async fn static_weather(city: String) -> Result<Report, DemoError> {
    Ok(Report {
        source: "static",
        text: format!("{city}: weather unavailable, try again soon"),
    })
}

/// Keeps a live answer for the cache fallback.
fn remember(city: String, text: String) {
    let mut cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
    cache.get_or_insert_with(HashMap::new).insert(city, text);
}

/// The last live answer for `city`, if any.
fn recall(city: &str) -> Option<String> {
    let cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
    cache.as_ref().and_then(|cache| cache.get(city).cloned())
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    let mut requests = Requests::default();

    phase("1. The upstream is healthy: answers are live and fill the cache");
    requests.ask(&["Oslo", "Lima", "Kyiv"]).await;

    phase(
        "2. One answer hangs: the 200 ms timeout drops it, counts a failure, and the cache answers",
    );
    UPSTREAM.hang_next();
    requests.ask(&["Oslo"]).await;
    println!("  (the next success resets the failure count)");
    requests.ask(&["Lima"]).await;

    phase("3. The upstream goes down: the breaker opens at 3 consecutive failures");
    UPSTREAM.set_down(true);
    requests.ask(&["Lima", "Kyiv", "Oslo"]).await;

    phase("4. While open, calls fail fast: the upstream is not called at all");
    requests.ask(&["Oslo", "Lima", "Kyiv"]).await;

    phase("5. The cache breaks too: its own breaker opens and the static fallback answers");
    UPSTREAM.set_cache_broken(true);
    requests.ask(&["Oslo", "Lima", "Kyiv"]).await;

    phase("6. The upstream recovers; after the 2 s recovery period, probes close the breaker");
    UPSTREAM.set_down(false);
    wait_for_probe().await;
    requests.ask(&["Oslo", "Lima", "Kyiv"]).await;

    summary();
}

/// Numbers and prints each request.
#[derive(Default)]
struct Requests {
    count: u32,
}

impl Requests {
    async fn ask(&mut self, cities: &[&str]) {
        for city in cities {
            self.count += 1;
            let upstream_before = UPSTREAM.calls();
            let started = tokio::time::Instant::now();
            let answer = live_weather((*city).to_owned()).await;
            let elapsed = started.elapsed();
            let called = if UPSTREAM.calls() > upstream_before {
                "called"
            } else {
                "not called"
            };
            let (source, text) = match answer {
                Ok(report) => (report.source, report.text),
                Err(error) => ("error", error.to_string()),
            };
            println!(
                "  #{:<2} {city:<5} -> {source:<6} {text:<42} {:>4} ms  upstream {called:<10}  weather_api: {}",
                self.count,
                elapsed.as_millis(),
                state("weather_api"),
            );
        }
    }
}

fn phase(title: &str) {
    println!("\n{title}");
}

fn state(name: &str) -> String {
    registry()
        .get(name)
        .map_or_else(|| "-".to_owned(), |breaker| breaker.state().to_string())
}

/// Sleeps until the `weather_api` breaker allows a probe, saying how long that is.
async fn wait_for_probe() {
    let wait = registry()
        .get("weather_api")
        .and_then(|breaker| breaker.stats().next_probe_in)
        .unwrap_or_default();
    println!(
        "  (waiting {} ms for the recovery period to end)",
        wait.as_millis()
    );
    tokio::time::sleep(wait + Duration::from_millis(5)).await;
}

fn summary() {
    println!("\nEvery breaker, from fusebox::registry().stats():\n");
    println!(
        "  {:<12} {:<10} {:>6} {:>10} {:>9} {:>9} {:>11}",
        "name", "state", "calls", "successes", "failures", "timeouts", "rejections"
    );
    for stats in registry().stats() {
        println!(
            "  {:<12} {:<10} {:>6} {:>10} {:>9} {:>9} {:>11}",
            stats.name,
            stats.state.to_string(),
            stats.calls,
            stats.successes,
            stats.failures,
            stats.timeouts,
            stats.rejections
        );
    }
    println!("\nOverall health: {:?}", registry().health());
    println!("Upstream calls made: {}", UPSTREAM.calls());
    match serde_json::to_string_pretty(&registry().stats()) {
        Ok(json) => println!("\nAs JSON (what a stats endpoint would serve):\n{json}"),
        Err(error) => eprintln!("could not serialize the stats: {error}"),
    }
}
