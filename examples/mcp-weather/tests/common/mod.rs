//! Starting the real `mcp-weather` binary and talking to it with rmcp's client over stdio.

#![allow(dead_code, reason = "each test binary uses a part of these helpers")]

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use rmcp::model::{CallToolRequestParams, CallToolResult, ReadResourceRequestParams};
use rmcp::service::{Peer, RunningService};
use rmcp::transport::TokioChildProcess;
use rmcp::{ClientHandler, RoleClient, ServiceExt};
use serde_json::{json, Value};
use tokio::process::Command;

/// A client connected to a running server.
pub type Client = RunningService<RoleClient, ()>;

/// How long any awaited state may take before a test fails.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// Starts the server on stdio with its data in `data_dir`, calling `upstream` for every
/// region (more `--upstream REGION=URL` in `args` give a region its own), with the
/// breaker overrides `env` (like `("FUSEBOX_WEATHER_API_RECOVERY", "1s")`). Its log goes to
/// `data_dir/server-N.log`.
pub async fn start(data_dir: &Path, upstream: &str, env: &[(&str, &str)]) -> Client {
    start_with(data_dir, upstream, env, &[]).await
}

/// [`start`], with more command-line arguments.
pub async fn start_with(
    data_dir: &Path,
    upstream: &str,
    env: &[(&str, &str)],
    args: &[&str],
) -> Client {
    start_as((), data_dir, upstream, env, args).await
}

/// [`start_with`], with `handler` as the client's handler (to hear notifications).
pub async fn start_as<H: ClientHandler>(
    handler: H,
    data_dir: &Path,
    upstream: &str,
    env: &[(&str, &str)],
    args: &[&str],
) -> RunningService<RoleClient, H> {
    let mut all = args.to_vec();
    all.extend(["--upstream", upstream]);
    serve(handler, data_dir, env, &all).await
}

/// Starts the server with the arguments `args` only (no `--upstream` of its own: a region
/// `args` gives no service gets a built-in one), with its data in `data_dir`.
pub async fn start_bare(data_dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Client {
    serve((), data_dir, env, args).await
}

async fn serve<H: ClientHandler>(
    handler: H,
    data_dir: &Path,
    env: &[(&str, &str)],
    args: &[&str],
) -> RunningService<RoleClient, H> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mcp-weather"));
    command.args(args);
    command
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--replay-every")
        .arg("50ms")
        .envs(env.iter().copied());
    let log = std::fs::File::create(log_path(data_dir)).expect("create the server log");
    let (transport, _) = TokioChildProcess::builder(command)
        .stderr(Stdio::from(log))
        .spawn()
        .expect("spawn mcp-weather");
    handler
        .serve(transport)
        .await
        .expect("initialize the MCP session")
}

/// A log file name not used yet in `dir`.
fn log_path(dir: &Path) -> PathBuf {
    (0..1000)
        .map(|n| dir.join(format!("server-{n}.log")))
        .find(|path| !path.exists())
        .expect("a free log name")
}

/// Calls tool `name` with `arguments`.
pub async fn call(
    client: &Peer<RoleClient>,
    name: &'static str,
    arguments: Value,
) -> CallToolResult {
    let Value::Object(arguments) = arguments else {
        panic!("arguments must be a JSON object");
    };
    client
        .call_tool(CallToolRequestParams::new(name).with_arguments(arguments))
        .await
        .expect("tools/call")
}

/// The structured answer of a successful tool call.
pub fn answer(result: &CallToolResult) -> &Value {
    assert_ne!(result.is_error, Some(true), "the tool failed: {result:?}");
    result
        .structured_content
        .as_ref()
        .expect("a structured answer")
}

/// The answer of `get_weather` for `city`.
pub async fn weather(client: &Peer<RoleClient>, city: &str) -> Value {
    answer(&call(client, "get_weather", json!({ "city": city })).await).clone()
}

/// The answer of `get_weather` for `city` from the endpoint of `region`.
pub async fn weather_in(client: &Peer<RoleClient>, city: &str, region: &str) -> Value {
    let arguments = json!({ "city": city, "region": region });
    answer(&call(client, "get_weather", arguments).await).clone()
}

/// The `source` of the answer of `get_weather` for `city`.
pub async fn source(client: &Peer<RoleClient>, city: &str) -> String {
    weather(client, city).await["source"]
        .as_str()
        .expect("a source")
        .to_owned()
}

/// The JSON of the resource `circuit-breaker://stats`.
pub async fn stats(client: &Peer<RoleClient>) -> Value {
    let result = client
        .read_resource(ReadResourceRequestParams::new("circuit-breaker://stats"))
        .await
        .expect("resources/read");
    let text = match &result.contents[..] {
        [rmcp::model::ResourceContents::TextResourceContents { text, .. }] => text,
        other => panic!("expected one text content, got {other:?}"),
    };
    serde_json::from_str(text).expect("stats are JSON")
}

/// The stats of breaker `name`.
pub async fn breaker(client: &Peer<RoleClient>, name: &str) -> Value {
    let stats = stats(client).await;
    stats["breakers"]
        .as_array()
        .and_then(|breakers| breakers.iter().find(|b| b["name"] == name))
        .unwrap_or_else(|| panic!("no breaker {name} in {stats}"))
        .clone()
}

/// The stats of the keyed family `name`: its entry among the breakers, its keys under
/// `"family"`.
pub async fn family(client: &Peer<RoleClient>, name: &str) -> Value {
    let entry = breaker(client, name).await;
    let family = &entry["family"];
    assert!(family.is_object(), "{name} is no keyed family: {entry}");
    family.clone()
}

/// The state of `region`'s breaker in the `weather_api` family: as its tripped keys list it,
/// else `closed` (the server makes every region's breaker at start).
pub async fn region_state(client: &Peer<RoleClient>, region: &str) -> String {
    let weather_api = family(client, "weather_api").await;
    assert_eq!(
        weather_api["keys"], 3,
        "every region has its breaker: {weather_api}"
    );
    weather_api["tripped_keys"]
        .as_array()
        .and_then(|keys| keys.iter().find(|key| key["key"] == region))
        .map_or("closed", |key| key["state"].as_str().expect("a state"))
        .to_owned()
}

/// Polls `check` until it gives `Some`, failing the test after [`DEADLINE`].
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Starts the server with `--http` on a free loopback port, its data in `data_dir`, calling
/// `upstream`, with more arguments `args` and the breaker overrides `env`; gives the process
/// (killed when dropped) and its MCP endpoint.
pub async fn start_http(
    data_dir: &Path,
    upstream: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> (tokio::process::Child, String) {
    let mut server = Command::new(env!("CARGO_BIN_EXE_mcp-weather"))
        .args([
            "--http",
            "127.0.0.1:0",
            "--upstream",
            upstream,
            "--data-dir",
        ])
        .arg(data_dir)
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn mcp-weather --http");
    let stderr = server.stderr.take().expect("the server's stderr");
    let url = tokio::time::timeout(DEADLINE, http_endpoint(stderr))
        .await
        .expect("the server to say where it listens");
    (server, url)
}

/// Reads the server's log until it gives its MCP endpoint, then keeps draining it.
async fn http_endpoint(stderr: tokio::process::ChildStderr) -> String {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let mut lines = BufReader::new(stderr).lines();
    while let Some(line) = lines.next_line().await.expect("read the server's log") {
        if let Some((_, url)) = line.split_once("serving MCP over streamable HTTP url=") {
            let url = url.split_whitespace().next().unwrap_or_default().to_owned();
            tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
            return url;
        }
    }
    panic!("the server exited before listening");
}
