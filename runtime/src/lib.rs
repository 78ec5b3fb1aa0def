//! # fusebox
//!
//! Named circuit breakers for async Rust, and for MCP tool handlers first of all: one
//! attribute turns an `async fn` into a call protected by a breaker, a timeout and a fallback.
//!
//! ```
//! use fusebox::{circuit_breaker, BreakerError};
//!
//! #[derive(Debug)]
//! enum AppError { Upstream(String), Unavailable(BreakerError) }
//!
//! impl From<BreakerError> for AppError {
//!     fn from(error: BreakerError) -> Self { AppError::Unavailable(error) }
//! }
//!
//! #[circuit_breaker(name = "weather_api", threshold = 5, timeout = "15s", fallback = cached_weather)]
//! async fn live_weather(city: String) -> Result<String, AppError> {
//!     Err(AppError::Upstream(format!("no route to the weather service for {city}")))
//! }
//!
//! async fn cached_weather(city: String) -> Result<String, AppError> {
//!     Ok(format!("{city}: 18°C (cached)"))
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! assert_eq!(live_weather("Oslo".into()).await.unwrap(), "Oslo: 18°C (cached)");
//! let breaker = fusebox::registry().get("weather_api").unwrap();
//! assert_eq!(breaker.stats().failures, 1);
//! # }
//! ```
//!
//! ## How a breaker behaves
//!
//! - **Closed**: calls run. An `Err`, a timeout or a panic is a counted failure; a success
//!   resets the count; `threshold` consecutive failures open the circuit.
//! - **Open**: the fn is not called. The call is rejected at once with the fallback's answer,
//!   or `Err(E::from(BreakerError::Open { .. }))`. After `recovery` the circuit is half-open:
//!   moved by a timer when it opened inside a tokio runtime, otherwise by the next call, which
//!   is a probe.
//! - **Half-open**: at most `success_threshold` probes run at once, other calls are
//!   rejected; `success_threshold` successes close the circuit, one failure opens it again.
//!
//! A call whose future is dropped by its caller is neither a success nor a failure and gives
//! its half-open probe slot back. A panic counts as a failure and unwinds on, unless the fn
//! has a fallback, which then answers with [`Cause::Panicked`]. A result from a call admitted
//! before a transition never changes the new state.
//!
//! Time comes from tokio's clock, so tests on a paused clock
//! (`#[tokio::test(start_paused = true)]` with `tokio::time::advance`) drive recovery without
//! sleeping. The open deadline has millisecond resolution. Timeouts need a tokio runtime with
//! its timer enabled (any `#[tokio::main]` or `#[tokio::test]` runtime).
//!
//! ## Observing breakers
//!
//! [`registry()`] holds every breaker by name, each one an attribute declares from the start
//! (before its first call): `registry().get(name)` gives its
//! [`state`](Breaker::state) and [`stats`](Breaker::stats), `registry().stats()` lists all of
//! them, and `registry().health()` sums them up. Every state change emits one `tracing` event
//! with target `fusebox` and the fields `name`, `from`, `to` and `reason`.
//!
//! ## Cargo features
//!
//! - `overrides` (default): a breaker takes its start-up overrides from `FUSEBOX_<NAME>_<SETTING>`
//!   environment variables when it registers (`Config::with_overrides`). Without it, it keeps
//!   the settings in its code.
//! - `config-file`: the start-up overrides also come from the TOML file named by
//!   `FUSEBOX_CONFIG` (the environment's win). Off by default, so that a program that does
//!   not read one does not link a TOML parser (330 KB of a release binary); without it, a
//!   `FUSEBOX_CONFIG` that is set makes the overrides fail with an error naming the feature.
//! - `serde`: [`Stats`], [`Health`], [`State`], [`Event`] and [`Reason`] implement
//!   `serde::Serialize` (on with `rmcp` too). Off by default, so that a build that serialises
//!   none of them compiles no serde derive.
//! - `tower`: `fusebox::tower`, a tower `Layer` that puts any `tower::Service` behind a named breaker.
//! - `metrics`: `fusebox::metrics`, every breaker's state and counters through the `metrics`
//!   facade under resilience4j's metric names, read when the exporter renders.
//! - `rmcp`: `fusebox::rmcp`, for MCP servers built on `rmcp`: the stats resource, tool
//!   results that tell a client when to retry a rejected call, and cancellable tool calls.

#![forbid(unsafe_code)]

mod breaker;
mod call;
mod clock;
mod config;
mod error;
pub mod keyed;
#[cfg(feature = "metrics")]
pub mod metrics;
mod observe;
mod registry;
mod retry;
mod retry_at;
#[cfg(feature = "rmcp")]
pub mod rmcp;
mod sync;
#[cfg(feature = "tower")]
pub mod tower;
mod window;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use breaker::Breaker;
// Hidden items the generated code names through `__private`, reachable from here as well so
// that a compile error about a misused attribute names them without a private path.
pub use call::{CarriesRejection, FromBreakerError};
pub use call::{KeptForFallback, KeptForRetries, KeptForRetriesAndFallback};
#[doc(hidden)]
pub use registry::BreakerKey;

pub use call::{call_fallback, AnyValue, Cause, Fallback, OkValues, ResultType, RetriesErrors};
pub use config::{Config, Window};
#[cfg(feature = "overrides")]
pub use config::{OverrideError, CONFIG_FILE_VAR};
pub use error::{BreakerError, ConfigError};
/// # Examples
///
/// A fallback that learns why it runs, and a fn without one, whose error type carries
/// rejections:
///
/// ```
/// use fusebox::{circuit_breaker, BreakerError, Cause};
///
/// #[derive(Debug)]
/// enum AppError {
///     Upstream(u16),
///     Unavailable(BreakerError),
/// }
///
/// // Needed only by fns without a fallback: rejections and timeouts arrive through it.
/// impl From<BreakerError> for AppError {
///     fn from(error: BreakerError) -> Self {
///         AppError::Unavailable(error)
///     }
/// }
///
/// #[circuit_breaker(name = "forecast_api", threshold = 2, timeout = "15s", fallback = cached)]
/// async fn forecast(city: String) -> Result<String, AppError> {
///     Err(AppError::Upstream(503))
/// }
///
/// async fn cached(city: String, cause: Cause<AppError>) -> Result<String, AppError> {
///     let why = match cause {
///         Cause::Failed(AppError::Upstream(status)) => format!("upstream said {status}"),
///         Cause::Rejected(BreakerError::Open { .. }) => "circuit open".to_owned(),
///         other => format!("{other:?}"),
///     };
///     Ok(format!("{city}: 18°C (cached: {why})"))
/// }
///
/// #[circuit_breaker(name = "geocoder", threshold = 1)]
/// async fn geocode(city: &str) -> Result<(f64, f64), AppError> {
///     Err(AppError::Upstream(500))
/// }
///
/// // With a fallback, the return type need not be a `Result`: timeouts, panics and
/// // rejections go to the fallback.
/// #[circuit_breaker(name = "greeting", timeout = "1s", fallback = plain_greeting)]
/// async fn greeting(name: String) -> String {
///     tokio::time::sleep(std::time::Duration::from_secs(5)).await;
///     format!("Welcome back, {name}!")
/// }
///
/// async fn plain_greeting(name: String) -> String {
///     format!("Hello, {name}.")
/// }
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
/// let oslo = || forecast("Oslo".to_owned());
/// assert_eq!(oslo().await.unwrap(), "Oslo: 18°C (cached: upstream said 503)");
/// assert_eq!(oslo().await.unwrap(), "Oslo: 18°C (cached: upstream said 503)");
/// // Two failures opened the circuit: `forecast` is not called any more.
/// assert_eq!(oslo().await.unwrap(), "Oslo: 18°C (cached: circuit open)");
///
/// assert!(matches!(geocode("Oslo").await, Err(AppError::Upstream(500))));
/// assert!(matches!(
///     geocode("Oslo").await,
///     Err(AppError::Unavailable(BreakerError::Open { .. }))
/// ));
///
/// assert_eq!(greeting("Ada".to_owned()).await, "Hello, Ada.");
/// # }
/// ```
pub use fusebox_macros::circuit_breaker;
pub use fusebox_settings::{Kind, Setting, Value};
pub use keyed::{Family, FamilyStats, Key, KeyTypeMismatch};
pub use observe::{Event, Health, Reason, RetryStats, State, Stats};
pub use registry::{registry, Registry};
pub use retry::{RetryAfter, RetryOptions};
pub use retry_at::RetryAt;
