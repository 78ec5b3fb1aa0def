//! The flaky weather service the example ships: a small HTTP server on loopback whose
//! failures and latency are injected, and can be changed while it runs.
//!
//! - `GET /weather?city=Oslo`: after the latency, `503` with probability `failure_rate`,
//!   otherwise `{"temperature_c": 12.0, "conditions": "light rain"}` (made up from the name).
//! - `GET /control`: the faults in force and how many weather requests arrived.
//! - `POST /control` with `{"failure_rate": 1.0, "latency": "100ms..500ms"}` (either key):
//!   changes the faults.
//!
//! Randomness comes from a seeded generator, so a run with the same seed and the same
//! requests in the same order fails the same ones.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::cli::{format_latency, parse_latency, Latency};
use crate::weather::Observation;

/// The faults the service injects.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Faults {
    /// The share of weather requests answered `503`, from 0.0 to 1.0.
    pub failure_rate: f64,
    /// How long each weather request takes, drawn evenly from this range.
    pub latency: Latency,
}

impl Faults {
    /// A service that always answers at once.
    pub const HEALTHY: Faults = Faults {
        failure_rate: 0.0,
        latency: Latency::fixed(Duration::ZERO),
    };
}

/// A running weather service; it stops when this is dropped.
#[derive(Debug)]
pub struct Upstream {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

#[derive(Debug)]
struct Shared {
    faults: Mutex<Faults>,
    rng: Mutex<fastrand::Rng>,
    requests: AtomicU64,
    in_flight: AtomicU64,
}

impl Upstream {
    /// Starts the service on `127.0.0.1` at a free port.
    pub async fn start(faults: Faults, seed: u64) -> std::io::Result<Upstream> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            faults: Mutex::new(faults),
            rng: Mutex::new(fastrand::Rng::with_seed(seed)),
            requests: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
        });
        let app = Router::new()
            .route("/weather", get(weather))
            .route("/control", get(read_control).post(write_control))
            .with_state(Arc::clone(&shared));
        let task = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                tracing::error!(%error, "the weather service stopped");
            }
        });
        Ok(Upstream { addr, shared, task })
    }

    /// The base URL, like `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many weather requests have arrived, failed ones included.
    pub fn requests(&self) -> u64 {
        self.shared.requests.load(Ordering::SeqCst)
    }

    /// How many weather requests are being answered now: arrived, and neither answered nor
    /// given up by their client (a client that hangs up stops its request).
    pub fn in_flight(&self) -> u64 {
        self.shared.in_flight.load(Ordering::SeqCst)
    }

    /// Changes the faults for the requests that arrive from now on.
    pub fn set_faults(&self, faults: Faults) {
        *self.shared.lock_faults() = faults;
    }
}

impl Drop for Upstream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Shared {
    fn lock_faults(&self) -> std::sync::MutexGuard<'_, Faults> {
        self.faults.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// This request's latency and whether it fails, drawn under the current faults.
    fn draw(&self) -> (Duration, bool) {
        let faults = *self.lock_faults();
        let mut rng = self.rng.lock().unwrap_or_else(PoisonError::into_inner);
        let (min, max) = (faults.latency.min, faults.latency.max);
        let millis = rng.u64(millis_of(min)..=millis_of(max).max(millis_of(min)));
        let fails = rng.f64() < faults.failure_rate;
        (Duration::from_millis(millis), fails)
    }
}

fn millis_of(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[derive(Deserialize)]
struct CityQuery {
    city: String,
}

/// Counts a request in flight until it is dropped: answered, or stopped by its client.
struct InFlight(Arc<Shared>);

impl InFlight {
    fn start(shared: &Arc<Shared>) -> InFlight {
        shared.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(Arc::clone(shared))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn weather(State(shared): State<Arc<Shared>>, Query(query): Query<CityQuery>) -> Response {
    // In flight first: whoever sees the request counted sees it in flight.
    let _in_flight = InFlight::start(&shared);
    shared.requests.fetch_add(1, Ordering::SeqCst);
    let (latency, fails) = shared.draw();
    tokio::time::sleep(latency).await;
    if fails {
        return (StatusCode::SERVICE_UNAVAILABLE, "injected failure").into_response();
    }
    Json(made_up(&query.city)).into_response()
}

/// Plausible weather that depends only on the city's name.
fn made_up(city: &str) -> Observation {
    const CONDITIONS: [&str; 5] = ["clear", "light rain", "overcast", "windy", "snow showers"];
    let hash = city.to_lowercase().bytes().fold(7_u32, |hash, byte| {
        hash.wrapping_mul(31).wrapping_add(u32::from(byte))
    });
    Observation {
        temperature_c: f64::from(hash % 35) - 5.0,
        conditions: CONDITIONS[(hash / 35) as usize % CONDITIONS.len()].to_owned(),
    }
}

/// What `/control` reads and accepts.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Control {
    #[serde(skip_serializing_if = "Option::is_none")]
    failure_rate: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    latency: Option<String>,
    #[serde(skip_deserializing)]
    requests: u64,
}

async fn read_control(State(shared): State<Arc<Shared>>) -> Json<Control> {
    let faults = *shared.lock_faults();
    Json(Control {
        failure_rate: Some(faults.failure_rate),
        latency: Some(format_latency(faults.latency)),
        requests: shared.requests.load(Ordering::SeqCst),
    })
}

async fn write_control(
    State(shared): State<Arc<Shared>>,
    Json(control): Json<Control>,
) -> Result<Json<Control>, (StatusCode, String)> {
    let bad = |message: String| (StatusCode::BAD_REQUEST, message);
    let mut faults = *shared.lock_faults();
    if let Some(rate) = control.failure_rate {
        if !(0.0..=1.0).contains(&rate) {
            return Err(bad(format!(
                "failure_rate must be in 0.0..=1.0, got {rate}"
            )));
        }
        faults.failure_rate = rate;
    }
    if let Some(latency) = control.latency {
        faults.latency = parse_latency(&latency).map_err(bad)?;
    }
    *shared.lock_faults() = faults;
    Ok(read_control(State(shared)).await)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[tokio::test]
    async fn its_faults_change_at_run_time_through_the_control_endpoint() {
        let upstream = Upstream::start(Faults::HEALTHY, 1).await.unwrap();
        let http = reqwest::Client::new();
        let weather = format!("{}/weather?city=Oslo", upstream.url());
        let control = format!("{}/control", upstream.url());
        assert_eq!(http.get(&weather).send().await.unwrap().status(), 200);

        let set = json!({ "failure_rate": 1.0, "latency": "0ms..1ms" });
        let reply = http.post(&control).json(&set).send().await.unwrap();
        assert_eq!(reply.status(), 200);
        assert_eq!(http.get(&weather).send().await.unwrap().status(), 503);
        let state: Value = http
            .get(&control)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            state,
            json!({ "failure_rate": 1.0, "latency": "0ms..1ms", "requests": 2 })
        );
        assert_eq!(upstream.requests(), 2);

        let bad = json!({ "failure_rate": 2.0 });
        let reply = http.post(&control).json(&bad).send().await.unwrap();
        assert_eq!(reply.status(), 400);
        assert!(reply.text().await.unwrap().contains("failure_rate"));
    }

    #[test]
    fn made_up_weather_depends_only_on_the_name() {
        assert_eq!(made_up("Oslo"), made_up("oslo"));
        let observation = made_up("Lima");
        assert!((-5.0..30.0).contains(&observation.temperature_c));
    }
}
