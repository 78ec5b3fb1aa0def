//! The server process: what `mcp-weather` runs, and what `demo --serve` runs, so that the demo
//! needs no other binary.

use std::process::ExitCode;
use std::sync::Arc;

use tracing_subscriber::EnvFilter;

use crate::cache::WeatherCache;
use crate::cli::{Cli, DB_DOWN_FILE};
use crate::region::Region;
use crate::store::Store;
use crate::transport::{self, Error};
use crate::upstream::{Faults, Upstream};
use crate::weather::WeatherClient;
use crate::WeatherServer;

/// Serves MCP as `cli` says until the client leaves (stdio) or Ctrl-C (HTTP), logging to
/// stderr; builds its own tokio runtime. Gives the process's exit code.
pub fn main(cli: &Cli) -> ExitCode {
    // stdout carries the protocol: logs go to stderr only. A subscriber the caller set
    // already is kept.
    let _already_set = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .try_init();
    let outcome = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(Error::from)
        .and_then(|runtime| runtime.block_on(run(cli)));
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "mcp-weather stopped");
            ExitCode::FAILURE
        }
    }
}

/// Opens the store, starts a built-in weather service for each region `--upstream` gives no
/// URL, and serves until the transport ends.
pub async fn run(cli: &Cli) -> Result<(), Error> {
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
    let given = cli.upstream_urls()?;
    let store = Store::open(&data_dir)?;
    // Kept until the server stops: dropping one stops its built-in service.
    let mut built_in = Vec::new();
    let mut urls = Vec::with_capacity(Region::ALL.len());
    for (region, given) in Region::ALL.into_iter().zip(given) {
        let url = match given {
            Some(url) => url,
            None => {
                let upstream = start_built_in(cli, region).await?;
                let url = upstream.url();
                built_in.push(upstream);
                url
            }
        };
        tracing::info!(%region, %url, "the region's weather service");
        urls.push(url);
    }
    let weather = WeatherClient::new(|region| urls[region.index()].clone())?;
    let cache = Arc::new(WeatherCache::new(cli.cache_max_age));
    let server = WeatherServer::new(weather, cache, store.clone())?;
    tokio::spawn(store.replay_forever(cli.replay_every));
    match cli.http {
        Some(addr) => transport::serve_http(server, addr, &cli.allowed_origins()).await,
        None => transport::serve_stdio(server).await,
    }
}

/// Starts `region`'s built-in weather service with the faults the command line gives, and a
/// seed of its own.
async fn start_built_in(cli: &Cli, region: Region) -> Result<Upstream, Error> {
    let faults = Faults {
        failure_rate: cli.upstream_failure_rate,
        latency: cli.upstream_latency,
    };
    let offset = u64::try_from(region.index()).unwrap_or_default();
    let upstream = Upstream::start(faults, cli.upstream_seed.wrapping_add(offset)).await?;
    let url = upstream.url();
    tracing::info!(%region, %url, ?faults, "built-in weather service started (control: GET/POST {url}/control)");
    Ok(upstream)
}
