//! `fusebox::tower` against real sockets: the layer on an axum route, and on a hyper-util
//! client that talks to a loopback server failing on command. Every test has a breaker of its
//! own name: the registry is the process's.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State as Shared;
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use fusebox::tower::{CircuitBreaker, CircuitBreakerLayer, Error, Verdict};
use fusebox::{circuit_breaker, registry, BreakerError, Cause, Config, State};
use http_body_util::{BodyExt, Empty};
use hyper::body::Incoming;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::net::TcpListener;
use tower::{service_fn, Layer, Service, ServiceExt};

/// A loopback HTTP server that answers 200, or 503 while told to fail, and counts the
/// requests that reach it.
struct Upstream {
    failing: AtomicBool,
    hits: AtomicU32,
    address: SocketAddr,
}

impl Upstream {
    /// Starts the server on a free loopback port.
    async fn start() -> Arc<Upstream> {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let upstream = Arc::new(Upstream {
            failing: AtomicBool::new(false),
            hits: AtomicU32::new(0),
            address: listener.local_addr().unwrap(),
        });
        let app = Router::new()
            .route("/", get(answer))
            .with_state(Arc::clone(&upstream));
        tokio::spawn(async move { axum::serve(listener, app).await });
        upstream
    }

    fn fail(&self, failing: bool) {
        self.failing.store(failing, SeqCst);
    }

    /// The requests that reached the server.
    fn hits(&self) -> u32 {
        self.hits.load(SeqCst)
    }

    /// A request for the server's root.
    fn request(&self) -> Request<Empty<Bytes>> {
        Request::get(format!("http://{}/", self.address))
            .body(Empty::new())
            .unwrap()
    }
}

/// The server's one route.
async fn answer(Shared(upstream): Shared<Arc<Upstream>>) -> StatusCode {
    upstream.hits.fetch_add(1, SeqCst);
    if upstream.failing.load(SeqCst) {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    }
}

/// A plain hyper-util client.
fn client() -> Client<HttpConnector, Empty<Bytes>> {
    Client::builder(TokioExecutor::new()).build_http()
}

/// What the client answers.
type Answer = Result<hyper::Response<Incoming>, hyper_util::client::legacy::Error>;

/// A 5xx inside an `Ok` is a failure, a 4xx counts as nothing.
fn server_errors(answer: &Answer) -> Verdict {
    match answer {
        Ok(response) if response.status().is_server_error() => Verdict::Failure,
        Ok(response) if response.status().is_client_error() => Verdict::Ignored,
        Ok(_) => Verdict::Success,
        Err(_) => Verdict::Failure,
    }
}

/// A client behind a breaker, counting 5xx responses as failures.
type GuardedClient = CircuitBreaker<Client<HttpConnector, Empty<Bytes>>, fn(&Answer) -> Verdict>;

/// A client behind the breaker `name`, counting 5xx responses as failures.
fn guarded_client(name: &str, config: Config) -> GuardedClient {
    CircuitBreakerLayer::named(name, config)
        .classify(server_errors as fn(&Answer) -> Verdict)
        .layer(client())
}

/// `future`, checked to be `Send`.
fn send<F: Future + Send>(future: F) -> F {
    future
}

/// Waits, without a clock, for the event that takes breaker `name` to `to`.
async fn transition(
    events: &mut tokio::sync::broadcast::Receiver<fusebox::Event>,
    name: &str,
    to: State,
) {
    let wait = async {
        loop {
            match events.recv().await {
                Ok(event) if event.name == name && event.to == to => return,
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(error) => panic!("no more events: {error}"),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .expect("the breaker never made the transition");
}

fn breaker(name: &str) -> &'static fusebox::Breaker {
    registry().get(name).unwrap()
}

#[tokio::test]
async fn client_circuit_opens_on_503s_and_rejections_never_reach_the_server() {
    let upstream = Upstream::start().await;
    upstream.fail(true);
    let name = "tower_client_opens";
    let mut service = guarded_client(name, Config::new().threshold(3));
    for _ in 0..3 {
        let response = send(service.ready().await.unwrap().call(upstream.request())).await;
        assert_eq!(response.unwrap().status(), StatusCode::SERVICE_UNAVAILABLE);
    }
    assert_eq!(upstream.hits(), 3);
    assert_eq!(breaker(name).state(), State::Open);

    let rejected = service
        .ready()
        .await
        .unwrap()
        .call(upstream.request())
        .await;
    let error = rejected.unwrap_err();
    assert!(matches!(error, Error::Breaker(BreakerError::Open { .. })));
    assert!(error.is_rejection());
    assert_eq!(upstream.hits(), 3, "a rejected request reached the server");
    let stats = breaker(name).stats();
    assert_eq!((stats.failures, stats.rejections), (3, 1));
}

#[tokio::test]
async fn a_503_is_a_success_by_default_and_a_failure_only_to_the_classifier() {
    let upstream = Upstream::start().await;
    upstream.fail(true);
    let plain = CircuitBreakerLayer::named("tower_default_classifier", Config::new().threshold(1))
        .layer(client());
    let response = plain.oneshot(upstream.request()).await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let stats = breaker("tower_default_classifier").stats();
    assert_eq!((stats.state, stats.successes), (State::Closed, 1));

    let classified = guarded_client("tower_classifier", Config::new().threshold(1));
    classified.oneshot(upstream.request()).await.unwrap();
    let stats = breaker("tower_classifier").stats();
    assert_eq!((stats.state, stats.failures), (State::Open, 1));
}

#[tokio::test]
async fn an_ignored_answer_counts_as_nothing() {
    let upstream = Upstream::start().await;
    let name = "tower_ignored";
    let mut service = guarded_client(name, Config::new().threshold(1));
    let missing = Request::get(format!("http://{}/missing", upstream.address))
        .body(Empty::new())
        .unwrap();
    let response = service.ready().await.unwrap().call(missing).await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let stats = breaker(name).stats();
    assert_eq!(
        (stats.state, stats.ignored, stats.failures),
        (State::Closed, 1, 0)
    );
}

#[tokio::test]
async fn client_recovers_through_a_half_open_probe() {
    let upstream = Upstream::start().await;
    let name = "tower_client_recovers";
    let mut events = registry().subscribe();
    let config = Config::new()
        .threshold(1)
        .recovery(Duration::from_millis(50))
        .success_threshold(1);
    let mut service = guarded_client(name, config);
    upstream.fail(true);
    service
        .ready()
        .await
        .unwrap()
        .call(upstream.request())
        .await
        .unwrap();
    let rejected = service
        .ready()
        .await
        .unwrap()
        .call(upstream.request())
        .await;
    assert!(rejected.unwrap_err().is_rejection());

    upstream.fail(false);
    transition(&mut events, name, State::HalfOpen).await;
    let probe = service
        .ready()
        .await
        .unwrap()
        .call(upstream.request())
        .await;
    assert_eq!(probe.unwrap().status(), StatusCode::OK);
    assert_eq!(breaker(name).state(), State::Closed);
    assert_eq!(upstream.hits(), 2);
}

#[tokio::test]
async fn clones_and_services_of_one_layer_share_one_breaker() {
    let upstream = Upstream::start().await;
    upstream.fail(true);
    let name = "tower_clones_share";
    let layer =
        CircuitBreakerLayer::named(name, Config::new().threshold(3)).classify(server_errors);
    let first = layer.layer(client());
    let second = first.clone();
    let third = layer.layer(client());
    first.clone().oneshot(upstream.request()).await.unwrap();
    second.clone().oneshot(upstream.request()).await.unwrap();
    third.clone().oneshot(upstream.request()).await.unwrap();

    let stats = registry().stats();
    let shared = stats.iter().find(|stats| stats.name == name).unwrap();
    assert_eq!((shared.state, shared.failures), (State::Open, 3));
    for service in [first, second, third] {
        let error = service.oneshot(upstream.request()).await.unwrap_err();
        assert!(error.is_rejection());
    }
    assert_eq!(upstream.hits(), 3);
}

/// Yields until `done` holds, within a bounded number of turns.
async fn until(done: impl Fn() -> bool) {
    for _ in 0..10_000 {
        if done() {
            return;
        }
        tokio::task::yield_now().await;
    }
    panic!("the condition never held");
}

#[tokio::test(start_paused = true)]
async fn poll_ready_holds_no_half_open_probe_slot() {
    let name = "tower_poll_ready";
    let calls = Arc::new(AtomicU32::new(0));
    let counted = Arc::clone(&calls);
    let inner = service_fn(move |fail: bool| {
        counted.fetch_add(1, SeqCst);
        async move {
            if fail {
                Err(std::io::Error::other("upstream down"))
            } else {
                Ok(())
            }
        }
    });
    let config = Config::new()
        .threshold(1)
        .recovery(Duration::from_secs(1))
        .success_threshold(1);
    let mut service = CircuitBreakerLayer::named(name, config).layer(inner);
    service.ready().await.unwrap().call(true).await.unwrap_err();
    tokio::time::advance(Duration::from_millis(1001)).await;
    until(|| breaker(name).state() == State::HalfOpen).await;

    // One service made ready and kept, another made ready and dropped: neither holds the
    // one probe slot.
    let mut kept = service.clone();
    kept.ready().await.unwrap();
    let mut dropped = service.clone();
    dropped.ready().await.unwrap();
    drop(dropped);
    assert_eq!(breaker(name).stats().half_open_in_flight, 0);

    service.ready().await.unwrap().call(false).await.unwrap();
    assert_eq!(breaker(name).state(), State::Closed);
    kept.call(false).await.unwrap();
    assert_eq!(calls.load(SeqCst), 3);
}

#[tokio::test(start_paused = true)]
async fn a_call_past_the_timeout_is_a_counted_timeout() {
    let name = "tower_timeout";
    let inner = service_fn(|(): ()| std::future::pending::<Result<(), Infallible>>());
    let service = CircuitBreakerLayer::named(name, Config::new())
        .timeout(Duration::from_secs(2))
        .layer(inner);
    let error = service.oneshot(()).await.unwrap_err();
    assert!(error.is_timeout());
    assert!(matches!(
        error,
        Error::Breaker(BreakerError::TimedOut { limit, .. }) if limit == Duration::from_secs(2)
    ));
    assert_eq!(breaker(name).stats().timeouts, 1);
}

#[tokio::test(start_paused = true)]
async fn a_fallback_service_answers_timeouts_failures_and_rejections_with_their_cause() {
    type Outcome = Result<&'static str, std::io::Error>;
    let inner = service_fn(|hang: bool| async move {
        if hang {
            std::future::pending::<()>().await;
        }
        Err::<&'static str, _>(std::io::Error::other("upstream down"))
    });
    let fallback = service_fn(|cause: Cause<Outcome>| async move {
        Ok::<_, std::io::Error>(match cause {
            Cause::TimedOut(_) => "timed out",
            Cause::Failed(Err(_)) => "failed",
            Cause::Rejected(BreakerError::Open { .. }) => "open",
            _ => "other",
        })
    });
    let service = CircuitBreakerLayer::named("tower_fallback_service", Config::new().threshold(2))
        .timeout(Duration::from_secs(1))
        .fallback(fallback)
        .layer(inner);
    assert_eq!(service.clone().oneshot(true).await.unwrap(), "timed out");
    assert_eq!(service.clone().oneshot(false).await.unwrap(), "failed");
    assert_eq!(service.oneshot(false).await.unwrap(), "open");
}

/// What the route answers while failing, and what its fallback says.
type RouteAnswer = Result<Response, Infallible>;

#[tokio::test]
async fn an_axum_route_behind_the_layer_is_answered_by_its_fallback_when_open() {
    let failing = Arc::new(AtomicBool::new(false));
    let hits = Arc::new(AtomicU32::new(0));
    let layer = CircuitBreakerLayer::named("tower_axum_route", Config::new().threshold(2))
        .classify(|answer: &RouteAnswer| match answer {
            Ok(response) if response.status().is_server_error() => Verdict::Failure,
            _ => Verdict::Success,
        })
        .fallback_fn(|cause: Cause<RouteAnswer>| async move {
            let why = if cause.is_rejection() {
                "open"
            } else {
                "failed"
            };
            Ok::<_, Infallible>((StatusCode::OK, format!("stock unknown ({why})")).into_response())
        });
    let route = {
        let (failing, hits) = (Arc::clone(&failing), Arc::clone(&hits));
        get(move || async move {
            hits.fetch_add(1, SeqCst);
            if failing.load(SeqCst) {
                (StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response()
            } else {
                "12 in stock".into_response()
            }
        })
    };
    let app = Router::new().route("/stock", route).route_layer(layer);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });

    let client = Client::builder(TokioExecutor::new()).build_http::<Body>();
    let stock = || async {
        let request = Request::get(format!("http://{address}/stock"))
            .body(Body::empty())
            .unwrap();
        let body = client.request(request).await.unwrap().into_body();
        String::from_utf8(body.collect().await.unwrap().to_bytes().to_vec()).unwrap()
    };
    assert_eq!(stock().await, "12 in stock");
    failing.store(true, SeqCst);
    assert_eq!(stock().await, "stock unknown (failed)");
    assert_eq!(stock().await, "stock unknown (failed)");
    assert_eq!(breaker("tower_axum_route").state(), State::Open);
    assert_eq!(stock().await, "stock unknown (open)");
    assert_eq!(
        hits.load(SeqCst),
        3,
        "a rejected request reached the handler"
    );
}

/// The error of the attribute's fn.
#[derive(Debug)]
enum ReserveError {
    Upstream,
    Breaker(BreakerError),
}

impl From<BreakerError> for ReserveError {
    fn from(error: BreakerError) -> Self {
        ReserveError::Breaker(error)
    }
}

#[circuit_breaker(name = "tower_shared_with_attribute", threshold = 2)]
async fn reserve(fail: bool) -> Result<u32, ReserveError> {
    if fail {
        Err(ReserveError::Upstream)
    } else {
        Ok(1)
    }
}

#[tokio::test]
async fn a_layer_and_an_attribute_of_one_name_share_one_breaker() {
    let name = "tower_shared_with_attribute";
    let calls = Arc::new(AtomicU32::new(0));
    let counted = Arc::clone(&calls);
    let inner = service_fn(move |(): ()| {
        counted.fetch_add(1, SeqCst);
        async { Err::<u32, _>(std::io::Error::other("upstream down")) }
    });
    // The attribute's settings win over the layer's.
    let layer = CircuitBreakerLayer::named(name, Config::new().threshold(100));
    assert!(std::ptr::eq(layer.breaker(), breaker(name)));
    assert_eq!(layer.breaker().config().threshold_value(), 2);
    let service = layer.layer(inner);

    // One failure through the layer, one through the attribute: two in a row open it.
    assert!(service
        .clone()
        .oneshot(())
        .await
        .unwrap_err()
        .inner()
        .is_some());
    assert!(matches!(reserve(true).await, Err(ReserveError::Upstream)));
    assert_eq!(breaker(name).state(), State::Open);

    assert!(service.oneshot(()).await.unwrap_err().is_rejection());
    assert!(matches!(
        reserve(false).await,
        Err(ReserveError::Breaker(BreakerError::Open { .. }))
    ));
    assert_eq!(calls.load(SeqCst), 1);
    assert_eq!(breaker(name).stats().rejections, 2);
}
