//! `/metrics`, served beside `/mcp` with `--http`: every breaker's state and counters in the
//! Prometheus text format, under resilience4j's metric names (`fusebox::metrics`).
//!
//! The recorder is `metrics-exporter-prometheus` without its own HTTP listener: this router
//! serves what it renders, and each scrape first has fusebox read its breakers into it, so
//! that no tool call pays for metrics.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::transport::Error;

/// The content type of the Prometheus text format.
const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Installs the Prometheus recorder as the process's `metrics` recorder, gives it the help
/// text of fusebox's metrics, and returns the router that serves them at `/metrics`. Fails if
/// the process has a `metrics` recorder already.
pub fn router() -> Result<Router, Error> {
    let handle = PrometheusBuilder::new().install_recorder()?;
    fusebox::metrics::describe();
    Ok(Router::new()
        .route("/metrics", get(render))
        .with_state(handle))
}

/// One scrape: the breakers as they are now, rendered.
async fn render(State(handle): State<PrometheusHandle>) -> impl IntoResponse {
    fusebox::metrics::record();
    ([(header::CONTENT_TYPE, TEXT_FORMAT)], handle.render())
}
