//! End to end with a real Prometheus server: the example with `--http` serves `/metrics`,
//! Prometheus scrapes it while a region's breaker of the `weather_api` family trips, and
//! Prometheus's HTTP API reads the family's tripped keys; `promtool check metrics` passes on
//! what `/metrics` serves.
//!
//! Needs `prometheus` and `promtool` on PATH or in /usr/bin (`.ci/install-prometheus` installs
//! Debian's package); where they are missing, the test says so and passes without running.

mod common;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use mcp_weather::cli::Latency;
use mcp_weather::upstream::{Faults, Upstream};
use rmcp::model::CallToolRequestParams;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::ServiceExt;
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;
use tokio::process::{Child, Command};

/// How long the server, Prometheus, or a value in Prometheus may take.
const DEADLINE: Duration = Duration::from_secs(30);

/// How often Prometheus scrapes the example.
const SCRAPE_EVERY: &str = "250ms";

/// Every upstream request fails at once.
const FAILING: Faults = Faults {
    failure_rate: 1.0,
    latency: Latency::fixed(Duration::ZERO),
};

/// The query for the series that says how many regions of `weather_api` are tripped (a family
/// has no series per key: its series stay as few however many keys it holds).
const OPEN: &str = r#"fusebox_circuitbreaker_family_tripped_keys{name="weather_api"}"#;

/// `name` on PATH, or in /usr/bin.
fn find(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin")])
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// A loopback port nobody listens on now.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("its address").port()
}

/// Starts the example with `--http`, calling `upstream` for every region, with each region's
/// `weather_api` breaker opening after two failures and staying open for an hour.
async fn start_server(data_dir: &Path, upstream: &str) -> (Child, String) {
    let env = [
        ("FUSEBOX_WEATHER_API_THRESHOLD", "2"),
        ("FUSEBOX_WEATHER_API_RECOVERY", "1h"),
    ];
    common::start_http(data_dir, upstream, &[], &env).await
}

/// Starts Prometheus on a free loopback port, scraping `target` (`host:port`) every
/// [`SCRAPE_EVERY`], its storage and log in `dir`. Gives the process and its base URL.
fn start_prometheus(prometheus: &Path, dir: &Path, target: &str) -> (Child, String) {
    let config = dir.join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "scrape_configs:\n  - job_name: mcp-weather\n    scrape_interval: {SCRAPE_EVERY}\n    \
             scrape_timeout: {SCRAPE_EVERY}\n    static_configs:\n      - targets: [\"{target}\"]\n"
        ),
    )
    .expect("write prometheus.yml");
    let log = std::fs::File::create(dir.join("prometheus.log")).expect("create its log");
    let address = format!("127.0.0.1:{}", free_port());
    let child = Command::new(prometheus)
        .arg(format!("--config.file={}", config.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.join("data").display()
        ))
        .arg(format!("--web.listen-address={address}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(log))
        .kill_on_drop(true)
        .spawn()
        .expect("spawn prometheus");
    (child, format!("http://{address}"))
}

/// Polls `check` every 100 ms until it gives `Some`, failing the test after [`DEADLINE`]
/// with `what` and the last thing `check` saw.
async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let deadline = Instant::now() + DEADLINE;
    loop {
        let last = match check().await {
            Ok(value) => return value,
            Err(last) => last,
        };
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; last: {last}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The value Prometheus holds now for `query`, which must select one series.
async fn query(http: &reqwest::Client, prometheus: &str, query: &str) -> Result<String, String> {
    let response = http
        .get(format!("{prometheus}/api/v1/query"))
        .query(&[("query", query)])
        .send()
        .await
        .map_err(|error| error.to_string())?;
    let body: Value = response.json().await.map_err(|error| error.to_string())?;
    match body["data"]["result"].as_array().map(Vec::as_slice) {
        Some([series]) => series["value"][1]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| body.to_string()),
        _ => Err(body.to_string()),
    }
}

/// Runs `promtool check metrics` on `text`; gives whether it passed, and what it said.
async fn promtool_check(promtool: &Path, text: &str) -> (bool, String) {
    let mut child = Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn promtool");
    let mut stdin = child.stdin.take().expect("promtool's stdin");
    stdin
        .write_all(text.as_bytes())
        .await
        .expect("write to promtool");
    drop(stdin);
    let output = child.wait_with_output().await.expect("promtool's output");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), said)
}

#[tokio::test]
async fn prometheus_scrapes_metrics_and_sees_a_region_trip() {
    let (Some(prometheus), Some(promtool)) = (find("prometheus"), find("promtool")) else {
        // Straight to stderr: the test harness captures `println!` of a passing test.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED prometheus_scrapes_metrics_and_sees_a_region_trip: `prometheus` and \
             `promtool` are not on PATH or in /usr/bin (run .ci/install-prometheus as root)"
        );
        return;
    };
    let started = Instant::now();
    // Dropped last: the processes below are killed before their files go.
    let dir = tempfile::tempdir().unwrap();
    let upstream = Upstream::start(FAILING, 1).await.unwrap();
    let (_server, mcp_url) = start_server(dir.path(), &upstream.url()).await;
    let metrics_url = mcp_url.replace("/mcp", "/metrics");
    let target = metrics_url
        .trim_start_matches("http://")
        .trim_end_matches("/metrics")
        .to_owned();
    let (_prometheus, prometheus_url) = start_prometheus(&prometheus, dir.path(), &target);
    let http = reqwest::Client::new();

    // Scraped while closed first, so that Prometheus sees the breaker trip.
    let closed = eventually("Prometheus to scrape weather_api closed", || {
        query(&http, &prometheus_url, OPEN)
    })
    .await;
    assert_eq!(closed, "0", "weather_api is closed before any call");

    let client = ().serve(StreamableHttpClientTransport::from_uri(mcp_url)).await.unwrap();
    for _ in 0..2 {
        let arguments = json!({ "city": "Oslo" }).as_object().unwrap().clone();
        let request = CallToolRequestParams::new("get_weather").with_arguments(arguments);
        client.call_tool(request).await.unwrap();
    }
    assert_eq!(upstream.requests(), 2, "two failures reached the service");

    eventually("Prometheus to read weather_api open", || async {
        match query(&http, &prometheus_url, OPEN).await? {
            open if open == "1" => Ok(()),
            other => Err(format!("{OPEN} = {other}")),
        }
    })
    .await;
    let failed = r#"resilience4j_circuitbreaker_calls_total{name="weather_api",kind="failed"}"#;
    assert_eq!(
        query(&http, &prometheus_url, failed).await.as_deref(),
        Ok("2")
    );

    let text = http
        .get(&metrics_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(r#"fusebox_circuitbreaker_family_tripped_keys{name="weather_api"} 1"#),
        "{text}"
    );
    let (passed, said) = promtool_check(&promtool, &text).await;
    assert!(
        passed,
        "promtool check metrics failed:\n{said}\non:\n{text}"
    );
    client.cancel().await.unwrap();
    println!("real Prometheus test took {:?}", started.elapsed());
}
