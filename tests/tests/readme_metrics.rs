//! The README's metrics snippet ("Metrics"), served on a loopback port and scraped while a
//! breaker is open: `readme.rs` checks that the README shows these lines.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{BuildError, PrometheusBuilder, PrometheusHandle};

/// `/metrics` for the app's router; installs the process's `metrics` recorder.
fn metrics_router() -> Result<Router, BuildError> {
    // metrics-exporter-prometheus = { version = "0.18", default-features = false }: no
    // listener of its own; the app's router serves what it renders.
    let handle = PrometheusBuilder::new().install_recorder()?;
    fusebox::metrics::describe(); // the help text, once
    Ok(Router::new()
        .route("/metrics", get(render))
        .with_state(handle))
}

async fn render(State(handle): State<PrometheusHandle>) -> impl IntoResponse {
    fusebox::metrics::record(); // every breaker, as it is now
    let text_format = "text/plain; version=0.0.4; charset=utf-8";
    ([(header::CONTENT_TYPE, text_format)], handle.render())
}

#[tokio::test]
async fn the_readme_router_serves_an_open_breaker_to_a_scrape() {
    let inventory = fusebox::registry().register("inventory", fusebox::Config::new().threshold(1));
    let failed: Result<(), Box<dyn std::error::Error + Send + Sync>> =
        inventory.call(async { Err("unreachable".into()) }).await;
    assert!(failed.is_err());

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = metrics_router().expect("the first recorder of this process");
    tokio::spawn(async move { axum::serve(listener, app).await });
    let scrape = scrape(&format!("http://{address}/metrics")).await;

    for line in [
        "# TYPE resilience4j_circuitbreaker_state gauge",
        r#"resilience4j_circuitbreaker_state{name="inventory",state="open"} 1"#,
        r#"resilience4j_circuitbreaker_state{name="inventory",state="closed"} 0"#,
        r#"resilience4j_circuitbreaker_calls_total{name="inventory",kind="failed"} 1"#,
    ] {
        assert!(
            scrape.lines().any(|got| got == line),
            "no `{line}` in\n{scrape}"
        );
    }
}

/// The body of a GET of `url`, with hyper's client.
async fn scrape(url: &str) -> String {
    use http_body_util::{BodyExt, Empty};
    use hyper::body::Bytes;
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;

    let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
    let response = client.get(url.parse().unwrap()).await.unwrap();
    assert_eq!(response.status(), 200);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(body.to_vec()).unwrap()
}
