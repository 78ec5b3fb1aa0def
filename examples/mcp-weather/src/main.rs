//! `mcp-weather`: an MCP server whose tools keep answering when their weather service or
//! their database fails. See `mcp-weather --help` and the crate's docs.

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use mcp_weather::cache::WeatherCache;
use mcp_weather::cli::{Cli, DB_DOWN_FILE};
use mcp_weather::store::Store;
use mcp_weather::transport::{self, Error};
use mcp_weather::upstream::{Faults, Upstream};
use mcp_weather::weather::WeatherClient;
use mcp_weather::WeatherServer;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    // stdout carries the protocol: logs go to stderr only.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "mcp-weather stopped");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), Error> {
    let data_dir = cli.data_dir();
    std::fs::create_dir_all(&data_dir)?;
    let down_file = data_dir.join(DB_DOWN_FILE);
    if cli.db_down {
        std::fs::write(&down_file, b"")?;
    }
    tracing::info!(
        data_dir = %data_dir.display(),
        db_down_file = %down_file.display(),
        "the database is down while the control file exists"
    );
    let store = Store::open(&data_dir)?;
    // Kept alive until the server stops: dropping it stops the built-in service.
    let (_built_in, url) = match &cli.upstream {
        Some(url) => (None, url.clone()),
        None => {
            let faults = Faults {
                failure_rate: cli.upstream_failure_rate,
                latency: cli.upstream_latency,
            };
            let upstream = Upstream::start(faults, cli.upstream_seed).await?;
            let url = upstream.url();
            tracing::info!(%url, ?faults, "built-in weather service started (control: GET/POST {url}/control)");
            (Some(upstream), url)
        }
    };
    let weather = WeatherClient::new(&url)?;
    let cache = Arc::new(WeatherCache::new(cli.cache_max_age));
    let server = WeatherServer::new(weather, cache, store.clone());
    tokio::spawn(store.replay_forever(cli.replay_every));
    match cli.http {
        Some(addr) => transport::serve_http(server, addr, &cli.allowed_origins()).await,
        None => transport::serve_stdio(server).await,
    }
}
