//! End to end over streamable HTTP: the real server with `--http`, rmcp's HTTP client.

use mcp_weather::upstream::{Faults, Upstream};
use rmcp::model::{CallToolRequestParams, ReadResourceRequestParams};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::ServiceExt;
use serde_json::json;

mod common;

use common::start_http;

#[tokio::test]
async fn serves_the_tools_and_the_stats_over_streamable_http() {
    let upstream = Upstream::start(Faults::HEALTHY, 1).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (_server, url) = start_http(dir.path(), &upstream.url(), &[], &[]).await;

    let client =
        ().serve(StreamableHttpClientTransport::from_uri(url))
            .await
            .expect("initialize over HTTP");
    let tools = client.list_all_tools().await.unwrap();
    assert_eq!(tools.len(), 2, "{tools:?}");

    let arguments = json!({ "city": "Oslo" }).as_object().unwrap().clone();
    let result = client
        .call_tool(CallToolRequestParams::new("get_weather").with_arguments(arguments))
        .await
        .unwrap();
    let answer = result.structured_content.expect("a structured answer");
    assert_eq!(answer["source"], "live_api", "{answer}");
    assert_eq!(upstream.requests(), 1);

    let stats = client
        .read_resource(ReadResourceRequestParams::new("circuit-breaker://stats"))
        .await
        .unwrap();
    let text = serde_json::to_string(&stats.contents).unwrap();
    assert!(text.contains("weather_api"), "{text}");
    client.cancel().await.unwrap();
}

/// The HTTP status of an `initialize` request to `url`, sent with `origin` if any.
async fn initialize_status(url: &str, origin: Option<&str>) -> u16 {
    let body = json!({
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": { "name": "origin-test", "version": "1" }
        }
    });
    let mut request = reqwest::Client::new()
        .post(url)
        .header("accept", "application/json, text/event-stream")
        .json(&body);
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    request
        .send()
        .await
        .expect("an HTTP answer")
        .status()
        .as_u16()
}

#[tokio::test]
async fn refuses_a_foreign_origin_with_403_and_serves_loopback_ones_and_those_allowed() {
    let upstream = Upstream::start(Faults::HEALTHY, 1).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let allowed = ["--allow-origin", "https://app.example.com"];
    let (_server, url) = start_http(dir.path(), &upstream.url(), &allowed, &[]).await;

    for (origin, status) in [
        (Some("http://evil.example"), 403),
        (Some("https://app.example.com.evil.example"), 403),
        (Some("https://app.example.com:8443"), 403),
        (Some("http://app.example.com"), 403),
        (Some("null"), 403),
        (None, 200),
        (Some("http://localhost:6274"), 200),
        (Some("http://127.0.0.1:3000"), 200),
        (Some("https://[::1]"), 200),
        (Some("https://app.example.com"), 200),
    ] {
        assert_eq!(
            initialize_status(&url, origin).await,
            status,
            "Origin: {origin:?}"
        );
    }
    assert_eq!(upstream.requests(), 0);
}
