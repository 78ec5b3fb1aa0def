//! The `#[circuit_breaker]` attribute of [fusebox](https://docs.rs/fusebox).
//!
//! Depend on `fusebox`, which re-exports the attribute and holds the runtime it expands to;
//! the attribute's documentation is on `fusebox::circuit_breaker`.

#![forbid(unsafe_code)]

mod args;
mod duration;
mod expand;
mod fallback;
mod form;
mod settings;
mod signature;

use proc_macro::TokenStream;

/// Protects an `async fn` with a named circuit breaker, an optional timeout and an optional
/// fallback.
///
/// ```ignore
/// #[circuit_breaker(name = "weather_api", threshold = 5, timeout = "15s", fallback = cached_weather)]
/// async fn live_weather(city: String) -> Result<Weather, AppError> { ... }
/// ```
///
/// | key | value | default | meaning |
/// |---|---|---|---|
/// | `name` | string | the fn's module path and name | the breaker; every fn that names it shares it |
/// | `threshold` | 1 ..= 4294967295 | 5 | consecutive counted failures that open the circuit |
/// | `timeout` | duration | none | per-call deadline; a timed-out call counts as a failure |
/// | `recovery` | duration | `"60s"` | how long the circuit stays open before probing |
/// | `success_threshold` | 1 ..= 65536 | 3 | half-open successes that close it, and probes admitted at once |
/// | `fallback` | path to an async fn | none | answers with the same arguments on rejection, timeout or failure |
/// | `failure_if` | path to a `fn(&E) -> bool` | every `Err` counts | which errors count as failures |
/// | `backoff` | number >= 1.0 | `1.0` | multiplies `recovery` on each consecutive re-open |
/// | `max_recovery` | duration >= `recovery` | no limit | the longest recovery backoff may reach |
/// | `max_half_open_wait` | duration | no limit | how long a full half-open waits for its probes before it opens again |
/// | `adaptive` | `true` / `false` | `false` | the threshold follows the success rate of the last 100 calls (see `fusebox::Config::adaptive`) |
/// | `critical` | `true` / `false` | `true` | `false`: tripped, this breaker makes the process `Degraded` at most |
/// | `failure_rate` | 1 ..= 100 (percent) | none | also opens when this share of the window failed |
/// | `window` | 1 ..= 100000 (calls) | `100` | the latest calls admitted while closed that the rate is taken over |
/// | `min_calls` | 1 ..= `window` | `window` | calls the window must hold before the rate counts |
/// | `slow_call` | duration | none | a call that takes this long is slow, even when it succeeds |
/// | `slow_rate` | 1 ..= 100 (percent), with `slow_call` | none | also opens when this share of the window was slow |
/// | `max_concurrent` | 1 ..= 4294967295 | no bulkhead | calls of the breaker that run at once; others are rejected |
/// | `max_wait` | duration (needs `max_concurrent`) | `"0ms"` | how long a call may wait for a bulkhead slot |
///
/// Durations are a whole number and a unit: `"250ms"`, `"15s"`, `"2m"`, `"1h"`.
///
/// The default name is the fn's module path and name (`my_crate::tools::live_weather`); a
/// method's default name does not include its type, so give methods of different types that
/// share a module and a name their own `name`. The first fn to run under a name registers the
/// breaker with its settings; later fns naming it share that breaker (a differing setting is
/// reported as a `tracing` warning). The `timeout` belongs to each fn.
///
/// With `failure_if = predicate`, an error for which `predicate(&error)` is false is returned
/// as it is: it runs no fallback, changes no count, and gives back a half-open probe slot.
///
/// The fn must return a `Result<T, E>`. Without a fallback, `E` must implement
/// `From<fusebox::BreakerError>`, which carries rejections and timeouts. A fallback takes the
/// same arguments and returns the same type; on a method, a bare name means the method on
/// `Self`. A fallback with its own `#[circuit_breaker]` is protected by its own breaker, so a
/// chain `live -> cache -> static` needs nothing more.
///
/// The signature, attributes and docs stay as written; only the body is replaced. Place the
/// attribute above rmcp's `#[tool]`.
#[proc_macro_attribute]
pub fn circuit_breaker(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::circuit_breaker(args.into(), &item.into()).into()
}
