//! End to end: the real server on stdio, a real weather service on loopback, rmcp's client.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::{breaker, call, eventually, family, region_state, source, start, stats, weather};
use mcp_weather::cli::Latency;
use mcp_weather::upstream::{Faults, Upstream};
use rmcp::model::{CallToolRequestParams, ClientRequest, ReadResourceRequestParams, Request};
use rmcp::service::PeerRequestOptions;
use serde_json::json;

const FAILING: Faults = Faults {
    failure_rate: 1.0,
    latency: Latency::fixed(Duration::ZERO),
};

fn text(result: &rmcp::model::CallToolResult) -> String {
    result
        .content
        .iter()
        .filter_map(|content| content.as_text().map(|text| text.text.clone()))
        .collect()
}

#[tokio::test]
async fn lists_both_tools_with_input_schemas_and_the_stats_resource() {
    let upstream = Upstream::start(Faults::HEALTHY, 1).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let client = start(dir.path(), &upstream.url(), &[]).await;

    let tools = client.list_all_tools().await.unwrap();
    let names: BTreeSet<&str> = tools.iter().map(|tool| tool.name.as_ref()).collect();
    assert_eq!(names, BTreeSet::from(["get_weather", "store_data"]));
    for (tool, argument, kind) in [
        ("get_weather", "city", "string"),
        ("store_data", "data", "object"),
    ] {
        let tool = tools.iter().find(|t| t.name == tool).unwrap();
        let schema = serde_json::Value::Object((*tool.input_schema).clone());
        assert_eq!(schema["properties"][argument]["type"], kind, "{schema}");
        assert_eq!(schema["required"], json!([argument]), "{schema}");
        assert!(
            tool.output_schema.is_some(),
            "{} has no output schema",
            tool.name
        );
    }

    let get_weather = tools.iter().find(|t| t.name == "get_weather").unwrap();
    let region = serde_json::to_string(&get_weather.input_schema["properties"]["region"]).unwrap();
    for name in ["eu", "us", "asia"] {
        assert!(region.contains(&format!("\"{name}\"")), "{region}");
    }

    let resources = client.list_all_resources().await.unwrap();
    assert!(
        resources
            .iter()
            .any(|resource| resource.uri == "circuit-breaker://stats"),
        "{resources:?}"
    );
    let stats = stats(&client).await;
    assert_eq!(stats["health"], "healthy");
    // The regions' breakers are there from the start, closed, before any call.
    let weather_api = family(&client, "weather_api").await;
    assert_eq!(weather_api["keys"], 3, "{weather_api}");
    assert_eq!(weather_api["totals"]["calls"], 0, "{weather_api}");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn answers_live_and_refuses_bad_arguments_clearly() {
    let upstream = Upstream::start(Faults::HEALTHY, 1).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let client = start(dir.path(), &upstream.url(), &[]).await;

    let answer = weather(&client, "Oslo").await;
    assert_eq!(answer["source"], "live_api");
    assert_eq!(answer["city"], "Oslo");
    assert_eq!(answer["region"], "eu", "Oslo's region: {answer}");
    assert!(answer["temperature_c"].is_number(), "{answer}");
    assert_eq!(upstream.requests(), 1);

    for (tool, arguments, message) in [
        (
            "get_weather",
            json!({ "city": "  " }),
            "`city` must not be empty",
        ),
        ("get_weather", json!({}), "missing field `city`"),
        (
            "get_weather",
            json!({ "city": "Oslo", "region": "mars" }),
            "unknown variant `mars`, expected one of `eu`, `us`, `asia`",
        ),
        (
            "store_data",
            json!({ "data": "order 42" }),
            "`data` must be a JSON object, like {\"order\": 42}, not a string",
        ),
        (
            "store_data",
            json!({ "data": [42] }),
            "`data` must be a JSON object, like {\"order\": 42}, not an array",
        ),
        (
            "store_data",
            json!({ "data": {} }),
            "`data` must not be an empty object",
        ),
        (
            "store_data",
            json!({ "data": { "note": "x".repeat(70_000) } }),
            "`data` must be at most 65536 bytes as JSON, got 70011",
        ),
    ] {
        let result = call(&client, tool, arguments).await;
        assert_eq!(result.is_error, Some(true), "{result:?}");
        assert!(text(&result).contains(message), "{}", text(&result));
    }
    assert_eq!(
        upstream.requests(),
        1,
        "bad arguments never reach the service"
    );

    let unknown = client
        .read_resource(ReadResourceRequestParams::new("circuit-breaker://nothing"))
        .await;
    assert!(unknown.is_err(), "{unknown:?}");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn an_open_breaker_stops_calling_the_service_and_the_fallbacks_answer() {
    let upstream = Upstream::start(Faults::HEALTHY, 1).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Without retries (an override turns them off), so that each call is one attempt.
    let env = [
        ("FUSEBOX_WEATHER_API_THRESHOLD", "3"),
        ("FUSEBOX_WEATHER_API_RECOVERY", "10m"),
        ("FUSEBOX_WEATHER_API_RETRIES", "0"),
    ];
    // One service for every region: when it fails, each region's breaker counts its own calls.
    let client = start(dir.path(), &upstream.url(), &env).await;
    assert_eq!(source(&client, "Oslo").await, "live_api");

    upstream.set_faults(FAILING);
    for _ in 0..3 {
        assert_eq!(source(&client, "Oslo").await, "cache_fallback");
    }
    assert_eq!(upstream.requests(), 4);
    assert_eq!(region_state(&client, "eu").await, "open");
    assert_eq!(region_state(&client, "us").await, "closed");
    let weather_api = family(&client, "weather_api").await;
    assert_eq!(weather_api["totals"]["failures"], 3, "{weather_api}");

    for _ in 0..5 {
        assert_eq!(source(&client, "Oslo").await, "cache_fallback");
    }
    assert_eq!(
        upstream.requests(),
        4,
        "an open breaker does not call the service"
    );
    let weather_api = family(&client, "weather_api").await;
    assert_eq!(weather_api["totals"]["rejections"], 5, "{weather_api}");
    // One region of three tripped is the family doing its job: the process is healthy.
    assert_eq!(stats(&client).await["health"], "healthy");

    // Lima (us) was never answered live: the cache misses, which is an answer, not a failure.
    for _ in 0..3 {
        assert_eq!(source(&client, "Lima").await, "static_fallback");
    }
    assert_eq!(region_state(&client, "us").await, "open");
    let stats = stats(&client).await;
    // Every breaker is listed from the start: `database`, never called, is closed. Two regions
    // of three are tripped, so the family counts as tripped: one of the two critical breakers
    // (the family and the database) is, which is degraded; the cache is not critical.
    assert_eq!(breaker(&client, "database").await["calls"], 0);
    assert_eq!(stats["health"], "degraded", "{stats}");
    assert_eq!(breaker(&client, "cache").await["critical"], false);
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn a_cache_miss_answers_statically_for_that_city_only_and_is_no_failure_of_the_cache() {
    let upstream = Upstream::start(Faults::HEALTHY, 1).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let env = [
        ("FUSEBOX_WEATHER_API_THRESHOLD", "1"),
        ("FUSEBOX_WEATHER_API_RECOVERY", "10m"),
    ];
    let client = start(dir.path(), &upstream.url(), &env).await;
    assert_eq!(source(&client, "Oslo").await, "live_api");

    upstream.set_faults(FAILING);
    for city in ["Lima", "Kyiv", "Tokyo", "Quito", "Accra"] {
        assert_eq!(source(&client, city).await, "static_fallback", "{city}");
    }
    let answer = weather(&client, "Oslo").await;
    assert_eq!(answer["source"], "cache_fallback", "{answer}");
    assert!(answer["temperature_c"].is_number(), "{answer}");

    let cache = breaker(&client, "cache").await;
    assert_eq!(cache["state"], "closed", "{cache}");
    assert_eq!(cache["failures"], 0, "{cache}");
    assert_eq!(cache["successes"], 6, "five misses and a hit: {cache}");
    // The cities are in every region, and each region's breaker opened at its first failure.
    assert_eq!(family(&client, "weather_api").await["tripped"], 3);
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn the_breaker_probes_and_closes_when_the_service_recovers() {
    let upstream = Upstream::start(Faults::HEALTHY, 1).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let env = [
        ("FUSEBOX_WEATHER_API_THRESHOLD", "2"),
        ("FUSEBOX_WEATHER_API_RECOVERY", "300ms"),
    ];
    let client = start(dir.path(), &upstream.url(), &env).await;
    assert_eq!(source(&client, "Oslo").await, "live_api");
    upstream.set_faults(FAILING);
    assert_eq!(source(&client, "Oslo").await, "cache_fallback");
    assert_eq!(source(&client, "Oslo").await, "cache_fallback");
    assert_eq!(region_state(&client, "eu").await, "open");

    upstream.set_faults(Faults::HEALTHY);
    // Until the recovery period ends, the cache answers without calling the service.
    eventually("a live answer after the recovery period", || async {
        let source = source(&client, "Oslo").await;
        assert_ne!(source, "static_fallback");
        (source == "live_api").then_some(())
    })
    .await;
    // Two probe successes close it (success_threshold = 2).
    assert_eq!(region_state(&client, "eu").await, "half_open");
    assert_eq!(source(&client, "Oslo").await, "live_api");
    assert_eq!(region_state(&client, "eu").await, "closed");
    assert_eq!(stats(&client).await["health"], "healthy");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn a_call_the_client_cancels_stops_and_is_not_a_failure() {
    let slow = Faults {
        failure_rate: 0.0,
        latency: Latency::fixed(Duration::from_secs(60)),
    };
    let upstream = Upstream::start(slow, 1).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let env = [("FUSEBOX_WEATHER_API_THRESHOLD", "1")];
    let client = start(dir.path(), &upstream.url(), &env).await;

    let arguments = json!({ "city": "Oslo" }).as_object().unwrap().clone();
    let request = ClientRequest::CallToolRequest(Request::new(
        CallToolRequestParams::new("get_weather").with_arguments(arguments),
    ));
    let handle = client
        .peer()
        .send_cancellable_request(request, PeerRequestOptions::no_options())
        .await
        .unwrap();
    eventually("the call to reach the service", || async {
        (upstream.requests() == 1).then_some(())
    })
    .await;
    handle
        .cancel(Some("the user gave up".to_owned()))
        .await
        .unwrap();

    // The call is dropped: its request to the service is given up, long before its timeout.
    eventually("the call to be dropped", || async {
        (upstream.in_flight() == 0).then_some(())
    })
    .await;
    let weather_api = family(&client, "weather_api").await;
    assert_eq!(weather_api["totals"]["calls"], 1, "{weather_api}");
    assert_eq!(weather_api["totals"]["failures"], 0, "{weather_api}");
    assert_eq!(weather_api["totals"]["successes"], 0, "{weather_api}");
    assert_eq!(region_state(&client, "eu").await, "closed");

    upstream.set_faults(Faults::HEALTHY);
    assert_eq!(source(&client, "Oslo").await, "live_api");
    client.cancel().await.unwrap();
}
