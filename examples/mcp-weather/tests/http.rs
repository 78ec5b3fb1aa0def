//! End to end over streamable HTTP: the real server with `--http`, rmcp's HTTP client.

use std::process::Stdio;
use std::time::Duration;

use mcp_weather::upstream::{Faults, Upstream};
use rmcp::model::{CallToolRequestParams, ReadResourceRequestParams};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::ServiceExt;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStderr, Command};

/// Starts the server on a free loopback port; gives the process and its MCP endpoint.
async fn start_http(data_dir: &std::path::Path, upstream: &str) -> (Child, String) {
    let mut server = Command::new(env!("CARGO_BIN_EXE_mcp-weather"))
        .args([
            "--http",
            "127.0.0.1:0",
            "--upstream",
            upstream,
            "--data-dir",
        ])
        .arg(data_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn mcp-weather --http");
    let stderr = server.stderr.take().expect("the server's stderr");
    let url = tokio::time::timeout(Duration::from_secs(20), endpoint(stderr))
        .await
        .expect("the server to say where it listens");
    (server, url)
}

/// Reads the server's log until it gives its endpoint, then keeps draining it.
async fn endpoint(stderr: ChildStderr) -> String {
    let mut lines = BufReader::new(stderr).lines();
    while let Some(line) = lines.next_line().await.expect("read the server's log") {
        if let Some((_, url)) = line.split_once("serving MCP over streamable HTTP url=") {
            let url = url.trim().to_owned();
            tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
            return url;
        }
    }
    panic!("the server exited before listening");
}

#[tokio::test]
async fn serves_the_tools_and_the_stats_over_streamable_http() {
    let upstream = Upstream::start(Faults::HEALTHY, 1).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (_server, url) = start_http(dir.path(), &upstream.url()).await;

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
