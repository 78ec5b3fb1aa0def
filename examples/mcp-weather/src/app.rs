//! The server process: what `mcp-weather` runs, and what `demo --serve` runs, so that the demo
//! needs no other binary.

use std::process::ExitCode;
use std::sync::Arc;

use tracing_subscriber::EnvFilter;

use crate::cache::WeatherCache;
use crate::cli::{Cli, DB_DOWN_FILE};
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

/// Opens the store, starts the built-in weather service unless `--upstream` names one, and
/// serves until the transport ends.
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
