//! Serving the server: over stdio, or over streamable HTTP.

use std::net::SocketAddr;
use std::sync::Arc;

use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::ServiceExt;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::WeatherServer;

/// What serving can fail with.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// Serves MCP on stdin and stdout until the client closes stdin.
pub async fn serve_stdio(server: WeatherServer) -> Result<(), Error> {
    let running = server.serve(rmcp::transport::stdio()).await?;
    tracing::info!("serving MCP on stdio");
    let reason = running.waiting().await?;
    tracing::info!(?reason, "stdio session ended");
    Ok(())
}

/// Serves MCP over streamable HTTP at `http://addr/mcp`, and the breakers' Prometheus metrics
/// at `http://addr/metrics` ([`prometheus`](crate::prometheus)), until Ctrl-C. A request whose
/// `Origin` is not one of `allowed_origins` (rmcp's patterns: `http://localhost:*`, an exact
/// port, ...) is answered 403, as the MCP specification requires against DNS rebinding; a
/// request without `Origin` (not from a browser) is served. rmcp also refuses a `Host` that
/// is not loopback.
pub async fn serve_http(
    server: WeatherServer,
    addr: SocketAddr,
    allowed_origins: &[String],
) -> Result<(), Error> {
    let stop = CancellationToken::new();
    let config = StreamableHttpServerConfig::default()
        .with_allowed_origins(allowed_origins.iter().cloned())
        .with_cancellation_token(stop.child_token());
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    let router = axum::Router::new()
        .nest_service("/mcp", service)
        .merge(crate::prometheus::router()?);
    let listener = TcpListener::bind(addr).await?;
    let url = format!("http://{}/mcp", listener.local_addr()?);
    tracing::info!(
        ?allowed_origins,
        "requests from other browser origins are refused (403)"
    );
    tracing::info!(%url, "serving MCP over streamable HTTP");
    tracing::info!(url = %url.replace("/mcp", "/metrics"), "serving Prometheus metrics");
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            if let Err(error) = tokio::signal::ctrl_c().await {
                tracing::error!(%error, "cannot wait for Ctrl-C");
            }
            stop.cancel();
        })
        .await?;
    Ok(())
}
