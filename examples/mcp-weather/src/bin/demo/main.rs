//! The first thing to run: a real MCP client drives the `mcp-weather` server over stdio while
//! its weather service turns flaky, goes down and comes back, and its database goes down and
//! comes back. Watch the breakers open, the fallbacks answer, and every record land once.
//!
//! Run it with `cargo run -p mcp-weather --bin demo`. It finishes by itself in a few seconds.
//! The server it talks to is this same executable started again with `--serve` (the rest of
//! the arguments are `mcp-weather`'s), so the demo needs nothing else built.

mod report;
mod session;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use mcp_weather::cli::{Cli, Latency, DB_DOWN_FILE};
use mcp_weather::upstream::{Faults, Upstream};
use report::{print_breakers, print_request, Request};
use serde_json::json;
use session::{Error, Session};

/// Breaker settings for the demo, given to the server as start-up overrides: small
/// thresholds and short recoveries, so that everything happens in seconds.
const SERVER_ENV: [(&str, &str); 4] = [
    ("FUSEBOX_WEATHER_API_THRESHOLD", "3"),
    ("FUSEBOX_WEATHER_API_RECOVERY", "2s"),
    ("FUSEBOX_DATABASE_THRESHOLD", "2"),
    ("FUSEBOX_DATABASE_RECOVERY", "1s"),
];

/// How long the demo waits for the outbox to be replayed before it gives up.
const REPLAY_DEADLINE: Duration = Duration::from_secs(15);

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    if args
        .next()
        .is_some_and(|first| first == session::SERVE_FLAG)
    {
        // The server side of the demo: `mcp-weather` itself, with the remaining arguments.
        let server_args = std::iter::once(OsString::from("mcp-weather")).chain(args);
        return mcp_weather::app::main(&Cli::parse_from(server_args));
    }
    demo()
}

#[tokio::main]
async fn demo() -> ExitCode {
    let dir = std::env::temp_dir().join(format!("mcp-weather-demo-{}", std::process::id()));
    match run(&dir).await {
        Ok(()) => {
            let _ = std::fs::remove_dir_all(&dir);
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("demo failed: {error}");
            eprintln!("the server's log is in {}", dir.display());
            ExitCode::FAILURE
        }
    }
}

/// The settings, the way a shell would set them: `NAME=value, NAME=value`.
fn settings(env: &[(&str, &str)]) -> String {
    env.iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn run(dir: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(dir)?;
    let latency = Latency {
        min: Duration::from_millis(20),
        max: Duration::from_millis(60),
    };
    let upstream = Upstream::start(healthy(latency), 87).await?;
    println!(
        "mcp-weather demo: an MCP client talks to the mcp-weather server over stdio; the \
         weather service runs at {}.",
        upstream.url()
    );
    println!(
        "Breaker settings for this run, read by the server from its environment: {}.",
        settings(&SERVER_ENV)
    );
    let log = dir.join("server.log");
    let session = Session::start(dir, &upstream.url(), &SERVER_ENV, &log).await?;
    let mut request = Request::default();

    phase("1. The weather service is healthy: live answers, which fill the cache");
    ask(
        &session,
        &upstream,
        &mut request,
        &["Oslo", "Lima", "Kyiv", "Oslo"],
    )
    .await?;

    phase(
        "2. It turns flaky (half the requests fail): a failure is retried once (`retries = 1`), \
         which often succeeds; a call whose two attempts fail falls back to the cache",
    );
    upstream.set_faults(Faults {
        failure_rate: 0.5,
        latency,
    });
    ask(
        &session,
        &upstream,
        &mut request,
        &["Lima", "Kyiv", "Oslo", "Lima"],
    )
    .await?;

    phase(
        "3. It goes down: 3 failed attempts in a row (a call and its retry are two) open \
         `weather_api`, then the service is not called",
    );
    upstream.set_faults(Faults {
        failure_rate: 1.0,
        latency,
    });
    let cities = ["Oslo", "Kyiv", "Lima", "Oslo", "Tokyo", "Kyiv"];
    ask(&session, &upstream, &mut request, &cities).await?;

    phase("4. It comes back: after the 2 s recovery period, probe calls close the breaker");
    upstream.set_faults(healthy(latency));
    wait_for_probe(&session).await?;
    let cities = ["Oslo", "Lima", "Kyiv", "Tokyo", "Oslo", "Lima"];
    ask(&session, &upstream, &mut request, &cities).await?;

    let ids = store_while_down(&session, dir).await?;
    watch_replay(&session, dir, &ids).await?;

    phase("Every breaker, from the resource circuit-breaker://stats");
    print_breakers(&session.stats().await?);
    println!(
        "\nThe weather service was called {} times.",
        upstream.requests()
    );
    session.stop().await
}

fn healthy(latency: Latency) -> Faults {
    Faults {
        failure_rate: 0.0,
        latency,
    }
}

fn phase(title: &str) {
    println!("\n{title}");
}

/// Asks the weather of each city in turn and prints a line for each.
async fn ask(
    session: &Session,
    upstream: &Upstream,
    request: &mut Request,
    cities: &[&str],
) -> Result<(), Error> {
    for city in cities {
        let calls_before = upstream.requests();
        let started = std::time::Instant::now();
        let answer = session.weather(city).await;
        let elapsed = started.elapsed();
        // Two requests for one call: the first attempt failed and was retried.
        let attempts = upstream.requests() - calls_before;
        let state = session.state("weather_api").await?;
        request.count += 1;
        print_request(request, city, &answer, elapsed, attempts, &state);
    }
    Ok(())
}

/// Sleeps until the `weather_api` breaker lets a probe through.
async fn wait_for_probe(session: &Session) -> Result<(), Error> {
    let stats = session.stats().await?;
    let wait = stats["breakers"]
        .as_array()
        .and_then(|breakers| breakers.iter().find(|b| b["name"] == "weather_api"))
        .and_then(|breaker| breaker["next_probe_in_ms"].as_u64())
        .unwrap_or(0);
    println!("  (waiting {wait} ms for the recovery period to end)");
    tokio::time::sleep(Duration::from_millis(wait + 50)).await;
    Ok(())
}

/// Takes the database down and stores three records: each is queued on disk.
async fn store_while_down(session: &Session, dir: &Path) -> Result<Vec<String>, Error> {
    phase("5. The database goes down (the control file db-down exists): records are queued");
    std::fs::write(dir.join(DB_DOWN_FILE), b"")?;
    let mut ids = Vec::new();
    let orders = [
        json!({ "order": 1001, "item": "umbrella", "status": "paid" }),
        json!({ "order": 1002, "item": "raincoat", "status": "paid" }),
        json!({ "order": 1003, "item": "umbrella", "status": "refunded" }),
    ];
    for data in orders {
        let receipt = session.call("store_data", json!({ "data": &data })).await?;
        println!(
            "  store_data({data}) -> {:<7} id {}",
            receipt["status"].as_str().unwrap_or("?"),
            receipt["id"].as_str().unwrap_or("?")
        );
        ids.push(receipt["id"].as_str().unwrap_or_default().to_owned());
    }
    println!(
        "  database breaker: {}; outbox: {} bytes on disk",
        session.state("database").await?,
        file_len(&dir.join("outbox.jsonl"))
    );
    Ok(ids)
}

/// Brings the database back and waits until every queued record is in it, once.
async fn watch_replay(session: &Session, dir: &Path, ids: &[String]) -> Result<(), Error> {
    phase("6. The database comes back: the outbox is replayed, every record lands once");
    std::fs::remove_file(dir.join(DB_DOWN_FILE))?;
    let started = std::time::Instant::now();
    let database = dir.join("weather.db");
    loop {
        let rows = stored(&database)?;
        if ids
            .iter()
            .all(|id| rows.iter().any(|(stored, _)| stored == id))
        {
            println!("  landed after {} ms:", started.elapsed().as_millis());
            for (id, data) in rows.iter().filter(|(id, _)| ids.contains(id)) {
                println!("    {id}  {data}");
            }
            break;
        }
        if started.elapsed() > REPLAY_DEADLINE {
            return Err("the queued records did not land in time".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!(
        "  rows in the database: {}; database breaker: {}",
        stored(&database)?.len(),
        session.state("database").await?
    );
    Ok(())
}

/// Every stored record, id and data (JSON text), read from the database file.
fn stored(database: &PathBuf) -> Result<Vec<(String, String)>, Error> {
    let connection = rusqlite::Connection::open(database)?;
    let mut select = connection.prepare("SELECT id, data FROM records ORDER BY accepted_at_ms")?;
    let rows = select
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |meta| meta.len())
}
