//! The first thing to run: a real MCP client drives the `mcp-weather` server over stdio while
//! one regional endpoint of its weather service (eu) turns flaky, goes down and comes back,
//! the other regions (us, asia) answering live all along with circuits of their own, and while
//! its database goes down and comes back. Watch a region's breaker open, the fallbacks
//! answer, the other regions carry on, and every record land once.
//!
//! Run it with `cargo run -p mcp-weather --bin demo`. It finishes by itself in a few seconds.
//! The server it talks to is this same executable started again with `--serve` (the rest of
//! the arguments are `mcp-weather`'s), so the demo needs nothing else built.

mod report;
mod session;
mod weather;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use mcp_weather::cli::{Cli, Latency, DB_DOWN_FILE};
use report::{print_breakers, Request};
use serde_json::json;
use session::{Error, Session};
use weather::Services;

/// Breaker settings for the demo, given to the server as start-up overrides: small
/// thresholds and short recoveries, so that everything happens in seconds. The `weather_api`
/// ones are every region's.
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
    let services = Services::start(latency).await?;
    let urls = services.urls();
    let listed: Vec<String> = urls
        .iter()
        .map(|(region, url)| format!("{region} at {url}"))
        .collect();
    println!(
        "mcp-weather demo: an MCP client talks to the mcp-weather server over stdio. The weather \
         service has three regional endpoints, each its own service behind its own circuit \
         breaker of the keyed family `weather_api`: {}.",
        listed.join(", ")
    );
    println!(
        "Breaker settings for this run, read by the server from its environment: {}.",
        settings(&SERVER_ENV)
    );
    let log = dir.join("server.log");
    let session = Session::start(dir, &urls, &SERVER_ENV, &log).await?;
    let mut request = Request::default();
    weather::run(&session, &services, &mut request).await?;

    let ids = store_while_down(&session, dir).await?;
    watch_replay(&session, dir, &ids).await?;

    phase("Every breaker, from the resource circuit-breaker://stats");
    print_breakers(&session.stats().await?);
    println!(
        "\nRequests each region's weather service had: {}.",
        services.requests()
    );
    session.stop().await
}

fn phase(title: &str) {
    println!("\n{title}");
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
