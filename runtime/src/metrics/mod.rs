//! Every breaker's state and counters as metrics, through the [`metrics`] facade
//! (feature `metrics`): Prometheus, `StatsD`, `OpenTelemetry` or any other recorder.
//!
//! Nothing is recorded on the call path: fusebox keeps its counters anyway, and
//! [`record`] reads them from the [registry](crate::registry()) and sets the recorder's
//! counters and gauges, so it belongs right before the recorder renders (a Prometheus
//! exporter's `/metrics` handler) or on a timer (a pushing exporter). [`describe`] gives each
//! metric its help text, once, after the recorder is installed.
//!
//! The names are resilience4j's, as its Micrometer binder shows them in Prometheus, so that
//! its Grafana dashboard (`grafana_dashboard.json` in the resilience4j repository) and its
//! alerts read fusebox's breakers; what only fusebox counts has `fusebox_` names. Every name
//! and label is a constant in [`names`].
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! // Once, after installing a recorder (like `metrics_exporter_prometheus`'s):
//! fusebox::metrics::describe();
//! // At every scrape, before rendering:
//! fusebox::metrics::record();
//! # }
//! ```
//!
//! A counter keeps its highest value: after [`Breaker::reset`](crate::Breaker::reset), the
//! recorder shows the old count until the new one passes it (recorders keep a counter from
//! going down).

mod collect;
pub mod names;
#[cfg(test)]
mod tests;

use ::metrics::{describe_counter, describe_gauge};

use crate::breaker::Breaker;
use crate::config::Window;
use crate::observe::{Health, RetryStats};
use crate::registry::registry;
use collect::WindowFill;
use names::Type;

/// Gives the recorder the help text of every metric [`record`] sets (Prometheus's `# HELP`).
/// Call it once the recorder is installed; a recorder installed later does not have them.
pub fn describe() {
    for (name, kind, help) in names::ALL {
        match kind {
            Type::Counter => describe_counter!(name, help),
            Type::Gauge => describe_gauge!(name, help),
        }
    }
}

/// Sets every metric of every breaker and keyed family in the registry, and the health, from
/// one snapshot of each. Costs one [`Breaker::stats`] per breaker and a few dozen recorder updates:
/// call it when the recorder is read, not per call.
pub fn record() {
    let registry = registry();
    let stats = registry.stats();
    for breaker_stats in &stats {
        if let Some(family) = &breaker_stats.family {
            collect::family(family);
            continue;
        }
        let breaker = registry.get(breaker_stats.name);
        collect::breaker(breaker_stats, breaker.map(window_fill).unwrap_or_default());
        let retries = breaker.is_some_and(|breaker| breaker.config().retries_value() > 0);
        if retries || breaker_stats.retry != RetryStats::default() {
            collect::retries(breaker_stats);
        }
    }
    collect::health(Health::from_stats(&stats));
}

/// What `breaker`'s rate window holds now, and at most.
fn window_fill(breaker: &Breaker) -> WindowFill {
    let buffered = breaker.buffered_calls();
    let max = match breaker.config().window_value() {
        Window::Calls(calls) if buffered.is_some() => Some(calls),
        Window::Calls(_) | Window::Time(_) => None,
    };
    WindowFill { buffered, max }
}
