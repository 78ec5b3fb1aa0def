//! End to end: each region of the weather service is a service of its own behind a breaker of
//! its own in the `weather_api` family. One region failing trips only its breaker; the other
//! regions' calls keep reaching their services and answer live.

mod common;

use std::time::Duration;

use common::{family, region_state, source, start_bare, stats, weather, weather_in};
use mcp_weather::cli::Latency;
use mcp_weather::upstream::{Faults, Upstream};

const FAILING: Faults = Faults {
    failure_rate: 1.0,
    latency: Latency::fixed(Duration::ZERO),
};

/// A healthy service for each region, eu, us and asia.
async fn services() -> [Upstream; 3] {
    let start = |seed| Upstream::start(Faults::HEALTHY, seed);
    [start(1).await, start(2).await, start(3).await].map(Result::unwrap)
}

/// The arguments that give each region its own service.
fn upstream_args([eu, us, asia]: &[Upstream; 3]) -> Vec<String> {
    [("eu", eu), ("us", us), ("asia", asia)]
        .into_iter()
        .flat_map(|(region, upstream)| {
            [
                "--upstream".to_owned(),
                format!("{region}={}", upstream.url()),
            ]
        })
        .collect()
}

#[tokio::test]
async fn one_region_failing_trips_only_its_breaker_and_the_others_answer_live() {
    let services = services().await;
    let [eu, us, asia] = &services;
    let dir = tempfile::tempdir().unwrap();
    let env = [
        ("FUSEBOX_WEATHER_API_THRESHOLD", "2"),
        ("FUSEBOX_WEATHER_API_RECOVERY", "10m"),
        ("FUSEBOX_WEATHER_API_RETRIES", "0"),
    ];
    let args = upstream_args(&services);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let client = start_bare(dir.path(), &env, &args).await;
    for (city, region) in [("Oslo", "eu"), ("Lima", "us"), ("Tokyo", "asia")] {
        let answer = weather(&client, city).await;
        assert_eq!(answer["source"], "live_api", "{answer}");
        assert_eq!(answer["region"], region, "{answer}");
    }
    let served = |upstreams: &[Upstream; 3]| upstreams.each_ref().map(Upstream::requests);
    assert_eq!(served(&services), [1, 1, 1], "each city asked its region");

    eu.set_faults(FAILING);
    for _ in 0..2 {
        assert_eq!(source(&client, "Oslo").await, "cache_fallback");
    }
    assert_eq!(region_state(&client, "eu").await, "open");
    let weather_api = family(&client, "weather_api").await;
    assert_eq!(weather_api["tripped"], 1, "{weather_api}");
    assert_eq!(
        weather_api["tripped_keys"],
        serde_json::json!([{ "key": "eu", "state": "open" }])
    );

    // us and asia keep calling their services, and answer live.
    for _ in 0..3 {
        for (city, region) in [("Lima", "us"), ("Tokyo", "asia")] {
            let answer = weather(&client, city).await;
            assert_eq!(answer["source"], "live_api", "{answer}");
            assert_eq!(answer["region"], region, "{answer}");
        }
    }
    assert_eq!(served(&services), [3, 4, 4]);
    assert_eq!(region_state(&client, "us").await, "closed");
    assert_eq!(region_state(&client, "asia").await, "closed");

    // eu is not called while its circuit is open: the cache answers, or the static answer for
    // a city it never answered; a call may name a healthy region instead.
    assert_eq!(source(&client, "Oslo").await, "cache_fallback");
    let berlin = weather(&client, "Berlin").await;
    assert_eq!(berlin["source"], "static_fallback", "{berlin}");
    assert_eq!(berlin["region"], "eu", "{berlin}");
    let rerouted = weather_in(&client, "Oslo", "us").await;
    assert_eq!(rerouted["source"], "live_api", "{rerouted}");
    assert_eq!(rerouted["region"], "us", "{rerouted}");
    assert_eq!(eu.requests(), 3, "an open circuit does not call eu");
    assert_eq!((us.requests(), asia.requests()), (5, 4));

    // One region of three tripped is the family doing its job: the process is healthy.
    assert_eq!(stats(&client).await["health"], "healthy");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn a_region_given_no_service_gets_a_built_in_one() {
    let us = Upstream::start(Faults::HEALTHY, 1).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let args = ["--upstream".to_owned(), format!("us={}", us.url())];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let client = start_bare(dir.path(), &[], &args).await;

    assert_eq!(
        weather_in(&client, "Oslo", "us").await["source"],
        "live_api"
    );
    assert_eq!(us.requests(), 1, "us is the service given");
    // eu and asia were given none: each has a built-in, healthy one.
    for (city, region) in [("Oslo", "eu"), ("Tokyo", "asia")] {
        let answer = weather(&client, city).await;
        assert_eq!(answer["source"], "live_api", "{answer}");
        assert_eq!(answer["region"], region, "{answer}");
    }
    assert_eq!(us.requests(), 1);
    client.cancel().await.unwrap();
}
