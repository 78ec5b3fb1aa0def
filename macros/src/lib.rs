//! The `#[circuit_breaker]` attribute of [fusebox](https://docs.rs/fusebox).
//!
//! Depend on `fusebox`, which re-exports the attribute and holds the runtime it expands to;
//! the attribute's documentation is on `fusebox::circuit_breaker`.

#![forbid(unsafe_code)]

mod args;
mod cross_checks;
mod errors;
mod expand;
mod fallback;
mod form;
mod item;
mod keys;
mod parse;
mod respan;
mod retry;
mod signature;
mod site;
mod values;
mod with_fallback;

use proc_macro::TokenStream;

/// Protects an `async fn` with a named circuit breaker, an optional timeout and an optional
/// fallback.
///
/// ```ignore
/// #[circuit_breaker(name = "weather_api", threshold = 5, timeout = "15s", fallback = cached_weather)]
/// async fn live_weather(city: String) -> Result<Weather, AppError> { ... }
/// ```
///
/// # Keys
///
/// Every key is optional and checked at compile time; a mistake is a compile error at its
/// token, all of them reported together, and an unknown key names the closest valid one.
///
/// | key | value | default | meaning |
/// |---|---|---|---|
/// | `name` | string | the fn's module path and name | the breaker; every fn that names it shares it |
/// | `key` | an expression over the fn's arguments (`host`, `req.tenant_id()`) | none: one breaker | one breaker per value, in a bounded keyed family named `name` (see `max_keys`, `key_idle`); the value is borrowed, and its type must be a `fusebox::Key` (`Hash + Eq + Clone + Display + Send + Sync + 'static`) |
/// | `timeout` | duration | none | per-call deadline; a timed-out call is dropped and counts as a failure |
/// | `fallback` | path to an async fn | none | answers, with the same arguments, on rejection, full bulkhead, timeout, failure or panic; may take a last `fusebox::Cause<E>` |
/// | `failure_if` | path to a `fn(&E) -> bool` | every `Err` counts | which errors count as failures; the others are returned as they are |
/// | `failure_if_ok` | path to a `fn(&T) -> bool` | every `Ok` is a success | which `Ok` values count as failures (a degraded answer); they are still returned as they are |
/// | `retry_if` | path to a `fn(&E) -> bool`, with `retries` | every counted error is retried | which counted errors are worth a retry (a 503 is, a 400 is not); a timeout is always retried, a rejection or a panic never |
/// | `crate` | string: a path | `"::fusebox"` | where the runtime is, for a crate that re-exports fusebox: `crate = "my_framework::fusebox"` |
#[doc = fusebox_settings::setting_rows!()]
///
/// Durations are a whole number and a unit: `"250ms"`, `"15s"`, `"2m"`, `"1h"`.
///
/// The default name is the fn's module path and name (`my_crate::tools::live_weather`); a
/// method's default name does not include its type, so give methods of different types that
/// share a module and a name their own `name`. Every breaker an attribute declares is
/// registered, with its settings and start-up overrides, when the registry is first read or a
/// protected fn first runs, whichever comes first: `fusebox::registry().stats()` and
/// `.health()` count it before its first call. Fns naming one breaker share it; if their
/// settings differ, one fn's are kept (which one is not specified) and the others are reported
/// as a `tracing` warning, as are the attribute's settings when `Registry::register` made the
/// breaker first. The `timeout` belongs to each fn. Every setting but `timeout` can be
/// overridden at start-up (`FUSEBOX_<NAME>_<SETTING>`, and with the runtime's `config-file`
/// feature the file named by `FUSEBOX_CONFIG`).
///
/// # Return type
///
/// A fn that returns `Result<T, E>` counts its errors as failures (or only those `failure_if`
/// accepts: an error it rejects is returned as it is, runs no fallback, changes no count and
/// gives back a half-open probe slot). Without a fallback, `E` must implement
/// `From<fusebox::BreakerError>`: rejections and timeouts arrive through it, and a panic
/// counts as a failure and unwinds on.
///
/// With a fallback, any return type is allowed. A fn that does not return a `Result` cannot
/// fail by returning: only rejections, timeouts and panics run its fallback. Without a fallback
/// such a fn is a compile error that says to return a `Result` or add a fallback. Type aliases
/// of `Result` (`io::Result<T>`) are `Result`s: the type system decides, not the spelling.
///
/// # Fallbacks
///
/// A fallback is an `async fn` (or any fn returning a future) that takes the protected fn's
/// arguments by value, in order, and returns the same type. It may take one more, last
/// parameter, `fusebox::Cause<E>`, which says why it runs: `Rejected` (open, forced open, or half-open and full),
/// `BulkheadFull`, `TimedOut`, `Failed(E)` with the fn's error, or `Panicked` with the panic's
/// message. The attribute accepts either form; one that fits neither is a compile error at the
/// fallback's path that says what was expected.
///
/// - A rejected call never runs: its arguments go to the fallback as they are. A call that
///   runs consumes its arguments, so a clone of each is taken just before it runs; an argument
///   that is not `Clone` is a compile error at its type that names it (an `impl Trait`
///   argument needs `+ Clone`). Without a fallback nothing is cloned.
/// - With a fallback, a panic in the fn is caught, counted as one failure, its bulkhead slot
///   freed, and the fallback answers with `Cause::Panicked`. Without a fallback the panic
///   unwinds on and nothing is caught.
/// - On a method, a bare name means the method on `Self`, called with the receiver first
///   (`&self`, `&mut self`, `self` or `self: Arc<Self>`, which must then be `Clone`); a path
///   (`Self::fixed`, `cache::weather`) names any fn, called with the arguments only.
/// - A fallback that carries its own `#[circuit_breaker]` is protected by its own breaker, so
///   a chain `live -> cache -> static` needs nothing more.
///
/// # Retries
///
/// `retries = n` tries a failed call again, in the order that works:
/// fallback <- retry <- breaker <- timeout. Each attempt is a call of the breaker (admitted,
/// timed out by `timeout`, counted, able to open the circuit); the fallback runs once, after
/// the last attempt, with the last cause. A rejection is never retried, nor a panic, nor an
/// error `failure_if` does not count; `retry_if = is_transient` (a `fn(&E) -> bool`) narrows
/// the counted errors retried; a timeout is retried. Retry `n` waits a uniform draw between
/// `retry_backoff` and `min(retry_backoff * 2^n, retry_max_backoff)`, or what the error's
/// `fusebox::RetryAfter` says; `retry_deadline` bounds the attempts and their waits, and the
/// breaker's `retry_budget` keeps its retries below a share of its recent calls. Each retry
/// takes clones of the arguments (which must be `Clone`); without `retries` nothing of this is
/// generated. Without a fallback, the last attempt's answer is the fn's (its error, or a
/// rejection or a timeout as `E::from(BreakerError)`).
///
/// # Signatures
///
/// The signature, visibility, attributes, docs and generics stay as written; only the body is
/// replaced. Accepted: destructuring patterns (`Parameters(Args { city }): Parameters<Args>`,
/// tuples, structs; with a fallback the signature binds a generated name and the body binds
/// the pattern again, which callers cannot see), `impl Trait` arguments, references with
/// lifetimes, `mut` bindings, generics and where clauses, `&self`, `&mut self`, `self`,
/// `self: Arc<Self>`, and `async fn`s in trait impls, native or with `#[async_trait]`. The
/// future stays `Send` when the original is.
///
/// With `#[async_trait]`, write `#[async_trait]` on the impl and `#[circuit_breaker]` on the
/// method, as usual: `#[async_trait]` runs first, on the whole impl, and turns each method into
/// `fn .. -> Pin<Box<dyn Future<Output = R> + Send + '_>> { Box::pin(async move { .. }) }`;
/// the attribute recognises that form and protects the inner future.
///
/// With rmcp, write `#[circuit_breaker]` above `#[tool]` inside the `#[tool_router]` impl: the
/// tool keeps its name, description and input schema. Below `#[tool]` the attribute would get
/// the boxed fn `#[tool]` made, too late for the tool's description, so it is a compile error
/// that says to move it above.
///
/// # Diagnostics
///
/// Errors in the arguments are reported together, each at its token; on error the fn is still
/// emitted as written, so one mistake gives one message. The expansion keeps the user's
/// tokens and spans: the user's own warnings (`unused_variables`, `unused_mut`) still point at
/// the user's code.
///
/// # Equivalent code
///
/// Roughly what the attribute makes of
/// `#[circuit_breaker(name = "weather_api", timeout = "15s", fallback = cached_weather)]` on
/// `async fn live_weather(city: String) -> Result<Weather, AppError> { body }` (the real
/// expansion goes through `fusebox::__private`, which is not a public API):
///
/// ```ignore
/// async fn live_weather(city: String) -> Result<Weather, AppError> {
///     // One per fn, and declared: the registry registers its breaker when first read.
///     // Resolved to that breaker on the first call.
///     static SITE: Site = Site::new("weather_api", &Config::new() /* the keys */);
///     let (args, cause) = match SITE.acquire() {
///         Ok(permit) => {
///             let kept = (city.clone(),);
///             // Runs the call under the permit, the deadline and the bulkhead; reports the
///             // outcome.
///             match rescue(permit, Timeout::new(Duration::from_secs(15)), CountErrors, async move { body }).await {
///                 // A success, or an error `failure_if` does not count: returned as it is.
///                 Ok(output) => return output,
///                 // Failed, timed out, bulkhead full or panicked: the clones go to the fallback.
///                 Err(cause) => (kept, cause),
///             }
///         }
///         // Open, forced open or half-open and full: the fn does not run, and its
///         // arguments go to the fallback as they are.
///         Err(error) => ((city,), Cause::Rejected(error)),
///     };
///     // The fallback, called at one place.
///     let (city,) = args;
///     cached_weather(city /*, cause */).await
/// }
/// ```
///
/// Without a fallback nothing is cloned or caught: the call is admitted first, and a rejected
/// call returns `Err(AppError::from(error))` at once without running (`BreakerError::Open`,
/// `ForcedOpen` or `HalfOpenFull`). An admitted one runs as
/// `admitted(permit, deadline, CountErrors, async move { body }).await`, which returns
/// `Err(AppError::from(BreakerError::TimedOut { .. }))` for a call past its deadline and
/// `Err(AppError::from(BreakerError::BulkheadFull { .. }))` for one turned away by the
/// bulkhead.
#[proc_macro_attribute]
pub fn circuit_breaker(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::circuit_breaker(args.into(), &item.into()).into()
}

#[cfg(test)]
mod tests {
    /// The rows of the first table after `marker` in `text`, each line with `prefix` removed.
    fn key_rows<'a>(text: &'a str, marker: &str, prefix: &str) -> Vec<&'a str> {
        let start = text.find(marker).expect("the section is there");
        text[start..]
            .lines()
            .filter_map(|line| line.strip_prefix(prefix))
            .skip_while(|line| !line.starts_with("| `"))
            .take_while(|line| line.starts_with("| `"))
            .collect()
    }

    /// The rows of the attribute's key table in its rustdoc: the fn's own keys, written in
    /// `lib.rs`, then the settings' rows, generated from their declaration.
    fn rustdoc_rows() -> Vec<&'static str> {
        let mut rows = key_rows(include_str!("lib.rs"), "/// # Keys", "/// ");
        rows.extend(fusebox_settings::setting_rows!().lines());
        rows
    }

    #[test]
    fn the_readme_lists_the_keys_of_the_rustdoc() {
        let readme = key_rows(include_str!("../../README.md"), "## The attribute", "");
        let rustdoc = rustdoc_rows();
        assert_eq!(readme, rustdoc);
        for key in crate::keys::Key::ALL {
            let row = format!("| `{key}` |");
            let documented = rustdoc.iter().filter(|line| line.starts_with(&row)).count();
            assert_eq!(documented, 1, "{key} is documented {documented} times");
        }
        assert_eq!(rustdoc.len(), crate::keys::Key::ALL.len());
    }
}
