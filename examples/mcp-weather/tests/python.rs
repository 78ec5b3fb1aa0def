//! End to end with the official Python MCP SDK (`mcp`, installed by `.ci/install-python-mcp`
//! into `target/python-mcp`): it lists the tools, subscribes to `circuit-breaker://stats`,
//! hears the eu breaker of the `weather_api` family open and reads it open
//! (`tests/python/subscribe_client.py`). Skipped,
//! saying so on stderr, where that environment is not there.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use mcp_weather::cli::Latency;
use mcp_weather::upstream::{Faults, Upstream};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::Command;

/// How long the Python client may take for its whole run.
const DEADLINE: Duration = Duration::from_secs(60);

/// The virtual environment's Python with `mcp`, if `.ci/install-python-mcp` made it.
fn python() -> Option<PathBuf> {
    let targets = [
        std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target")),
    ];
    targets
        .into_iter()
        .flatten()
        .map(|target| target.join("python-mcp/bin/python"))
        .find(|python| {
            std::process::Command::new(python)
                .args(["-c", "import mcp"])
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|status| status.success())
        })
}

#[tokio::test]
async fn the_python_client_subscribes_and_hears_a_region_open() {
    let Some(python) = python() else {
        // Straight to stderr: the test harness captures `eprintln!` of a passing test.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED the_python_client_subscribes_and_hears_a_region_open: no Python with \
             `mcp` in <target>/python-mcp; run `bash .ci/install-python-mcp` first"
        );
        return;
    };
    let upstream = Upstream::start(Faults::HEALTHY, 1).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/subscribe_client.py");
    let mut client = Command::new(python)
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_mcp-weather"))
        .arg(dir.path())
        .arg(upstream.url())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start the Python client");
    let mut stdin = client.stdin.take().unwrap();
    let mut lines = BufReader::new(client.stdout.take().unwrap()).lines();

    let run = async {
        let mut said = Vec::new();
        while let Some(line) = lines.next_line().await.unwrap() {
            if line == "FAIL_UPSTREAM" {
                upstream.set_faults(Faults {
                    failure_rate: 1.0,
                    latency: Latency::fixed(Duration::ZERO),
                });
                stdin.write_all(b"go\n").await.unwrap();
                stdin.flush().await.unwrap();
            }
            said.push(line);
        }
        (said, client.wait().await.unwrap())
    };
    let (said, status) = tokio::time::timeout(DEADLINE, run)
        .await
        .expect("the Python client finishes within the deadline");
    assert!(
        status.success(),
        "the Python client failed ({status}); it said {said:?}"
    );
    assert_eq!(said, ["FAIL_UPSTREAM", "OK"]);
    assert_eq!(
        upstream.requests(),
        3,
        "one live answer, then two failed attempts"
    );
}
