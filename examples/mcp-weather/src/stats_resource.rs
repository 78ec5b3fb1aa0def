//! The resource `circuit-breaker://stats`: every breaker's stats and the overall health, as
//! JSON.

use fusebox::{Health, Stats};
use rmcp::model::{ReadResourceResult, Resource, ResourceContents};
use serde::Serialize;

/// The resource's URI.
pub const STATS_URI: &str = "circuit-breaker://stats";

/// What the resource holds.
#[derive(Debug, Serialize)]
pub struct Snapshot {
    /// `healthy`, `degraded` or `critical`.
    pub health: Health,
    /// Every breaker that has been used so far, by name.
    pub breakers: Vec<Stats>,
}

/// The resource as `resources/list` shows it.
pub fn listing() -> Resource {
    Resource::new(STATS_URI, "circuit-breaker-stats")
        .with_title("Circuit breaker stats")
        .with_description(
            "Every circuit breaker's state and counters, and the overall health \
             (healthy, degraded or critical), as JSON",
        )
        .with_mime_type("application/json")
}

/// The breakers now.
pub fn snapshot() -> Snapshot {
    let registry = fusebox::registry();
    Snapshot {
        health: registry.health(),
        breakers: registry.stats(),
    }
}

/// The resource's contents now.
pub fn read() -> Result<ReadResourceResult, serde_json::Error> {
    let json = serde_json::to_string_pretty(&snapshot())?;
    Ok(ReadResourceResult::new(vec![ResourceContents::text(
        json, STATS_URI,
    )
    .with_mime_type("application/json")]))
}
