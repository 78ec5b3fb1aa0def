//! The weather half of the demo: three regional endpoints of the weather service, each its
//! own service behind its own breaker of the `weather_api` family. The eu endpoint turns
//! flaky, goes down and comes back, while us and asia keep answering live.

use std::time::{Duration, Instant};

use mcp_weather::cli::Latency;
use mcp_weather::region::Region;
use mcp_weather::upstream::{Faults, Upstream};

use crate::report::{print_request, Request};
use crate::session::{Error, Session};

/// The region the demo makes fail.
const FAILING: Region = Region::Eu;

/// The seed of the first region's service (the others take the next ones). With it, the flaky
/// phase shows a retry that answers and a call whose two attempts fail, without three failed
/// attempts in a row: the circuit opens in the next phase, when the service is down.
const FIRST_SEED: u64 = 90;

/// How long the demo waits for the failing region's circuit to go half-open before it gives
/// up (its recovery period is 2 s).
const PROBE_DEADLINE: Duration = Duration::from_secs(10);

/// Each region's weather service, started by the demo.
pub struct Services {
    latency: Latency,
    regions: Vec<(Region, Upstream)>,
}

impl Services {
    /// Starts a healthy service for every region, each with a seed of its own.
    pub async fn start(latency: Latency) -> std::io::Result<Services> {
        let mut regions = Vec::new();
        for (seed, region) in (FIRST_SEED..).zip(Region::ALL) {
            regions.push((region, Upstream::start(healthy(latency), seed).await?));
        }
        Ok(Services { latency, regions })
    }

    /// Each region and its service's URL.
    pub fn urls(&self) -> Vec<(Region, String)> {
        self.regions
            .iter()
            .map(|(region, upstream)| (*region, upstream.url()))
            .collect()
    }

    /// How many requests each service had, like `eu 21, us 6, asia 5`.
    pub fn requests(&self) -> String {
        self.regions
            .iter()
            .map(|(region, upstream)| format!("{region} {}", upstream.requests()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn total_requests(&self) -> u64 {
        self.regions
            .iter()
            .map(|(_, upstream)| upstream.requests())
            .sum()
    }

    /// Makes `region`'s service fail this share of its requests.
    fn fail(&self, region: Region, failure_rate: f64) {
        let latency = self.latency;
        for (_, upstream) in self.regions.iter().filter(|(r, _)| *r == region) {
            upstream.set_faults(Faults {
                failure_rate,
                latency,
            });
        }
    }
}

fn healthy(latency: Latency) -> Faults {
    Faults {
        failure_rate: 0.0,
        latency,
    }
}

/// Phases 1 to 4: every region healthy, eu flaky, eu down while us and asia answer live, eu
/// back.
pub async fn run(
    session: &Session,
    services: &Services,
    request: &mut Request,
) -> Result<(), Error> {
    phase("1. Every region is healthy: live answers from each region's endpoint, which fill the cache");
    println!(
        "   (a line per call: the city, the region asked, where the answer came from, how long \
         it took, whether that region's service was called, and every region's circuit after \
         the call)"
    );
    let cities = ["Oslo", "Lima", "Tokyo", "Kyiv"];
    ask(session, services, request, &cities).await?;

    phase(
        "2. The eu endpoint turns flaky (half its requests fail): a failure is retried once \
         (`retries = 1`), which often succeeds; a call whose two attempts fail falls back to the \
         cache",
    );
    services.fail(FAILING, 0.5);
    ask(
        session,
        services,
        request,
        &["Oslo", "Kyiv", "Oslo", "Kyiv"],
    )
    .await?;

    phase(
        "3. The eu endpoint goes down: 3 failed attempts in a row (a call and its retry are \
         two) open eu's circuit, then eu is not called. us and asia have circuits of their own \
         and keep answering live",
    );
    services.fail(FAILING, 1.0);
    let cities = [
        "Oslo", "Lima", "Kyiv", "Tokyo", "Oslo", "Berlin", "Lima", "Kyiv",
    ];
    ask(session, services, request, &cities).await?;
    println!(
        "   Overall health: {} (one region tripped of three: the family counts as tripped only \
         when more than half of its regions are)",
        session.stats().await?["health"].as_str().unwrap_or("?")
    );

    phase(
        "4. The eu endpoint comes back: after the 2 s recovery period eu's circuit is half-open, \
         and two probe calls that succeed close it",
    );
    services.fail(FAILING, 0.0);
    wait_for_half_open(session).await?;
    let cities = ["Oslo", "Kyiv", "Lima", "Oslo", "Tokyo"];
    ask(session, services, request, &cities).await
}

fn phase(title: &str) {
    println!("\n{title}");
}

/// Asks the weather of each city in turn and prints a line for each.
async fn ask(
    session: &Session,
    services: &Services,
    request: &mut Request,
    cities: &[&str],
) -> Result<(), Error> {
    for city in cities {
        let calls_before = services.total_requests();
        let started = Instant::now();
        let answer = session.weather(city).await;
        let elapsed = started.elapsed();
        // Two requests for one call: the first attempt failed and was retried.
        let attempts = services.total_requests() - calls_before;
        let states = session.region_states("weather_api").await?;
        request.count += 1;
        print_request(request, city, &answer, elapsed, attempts, &states);
    }
    Ok(())
}

/// Waits until the failing region's circuit is half-open: its probe timer moves it there when
/// the recovery period ends, without waiting for a call.
async fn wait_for_half_open(session: &Session) -> Result<(), Error> {
    let started = Instant::now();
    loop {
        let states = session.region_states("weather_api").await?;
        if states
            .iter()
            .any(|(region, state)| *region == FAILING && state == "half_open")
        {
            println!(
                "   (waited {} ms for eu's recovery period to end: eu is half_open)",
                started.elapsed().as_millis()
            );
            return Ok(());
        }
        if started.elapsed() > PROBE_DEADLINE {
            return Err("eu's circuit did not go half-open in time".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
