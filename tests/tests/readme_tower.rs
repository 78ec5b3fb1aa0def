//! The README's tower snippet ("A tower Layer"), run against a loopback server that answers
//! 503: `readme.rs` checks that the README shows these lines.

use std::time::Duration;

use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use fusebox::tower::{CircuitBreakerLayer, Error, Verdict};
use fusebox::Config;
use http_body_util::Empty;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::net::TcpListener;
use tower::{Layer, ServiceExt};

type Answer = Result<Response<Incoming>, hyper_util::client::legacy::Error>;

/// Asks the weather service at `url` seven times through the breaker `weather_api`.
async fn ask_weather(url: &str) -> Vec<String> {
    let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
    let weather = CircuitBreakerLayer::named("weather_api", Config::new().threshold(5))
        .timeout(Duration::from_secs(15))
        // A 5xx inside an `Ok` response counts as a failure, a 4xx as nothing.
        .classify(|answer: &Answer| match answer {
            Ok(response) if response.status().is_server_error() => Verdict::Failure,
            Ok(response) if response.status().is_client_error() => Verdict::Ignored,
            Ok(_) => Verdict::Success,
            Err(_) => Verdict::Failure,
        })
        .layer(client);
    let mut answers = Vec::new();
    for _ in 0..7 {
        let request = Request::get(url).body(Empty::new()).unwrap();
        answers.push(match weather.clone().oneshot(request).await {
            Ok(response) => format!("answered {}", response.status()),
            Err(Error::Breaker(error)) => format!("not sent: {error}"),
            Err(Error::Inner(error)) => format!("client error: {error}"),
        });
    }
    answers
}

#[tokio::test]
async fn the_readme_client_opens_after_five_503s_and_sends_nothing_more() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let app = Router::new().route("/", get(|| async { StatusCode::SERVICE_UNAVAILABLE }));
    tokio::spawn(async move { axum::serve(listener, app).await });

    let answers = ask_weather(&url).await;

    assert_eq!(answers[..5], ["answered 503 Service Unavailable"; 5]);
    for answer in &answers[5..] {
        assert!(
            answer.starts_with("not sent: circuit breaker `weather_api` is open"),
            "{answer}"
        );
    }
}
