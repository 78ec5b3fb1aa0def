//! The resource `circuit-breaker://stats`: every breaker's stats and the overall health, as
//! JSON, for a server's `resources/list` and `resources/read`.

use ::rmcp::model::{ReadResourceResult, Resource, ResourceContents};
use ::rmcp::ErrorData as McpError;
use serde::Serialize;

use crate::observe::{Health, Stats};
use crate::registry::registry;

/// The resource's URI.
pub const STATS_URI: &str = "circuit-breaker://stats";

/// What the resource holds: `{"health": "degraded", "breakers": [...]}`, a keyed family
/// being one of the breakers with its keys under `"family"`.
#[derive(Clone, Debug, Serialize)]
pub struct Snapshot {
    /// `healthy`, `degraded` or `critical`.
    pub health: Health,
    /// Every breaker and keyed family in the registry, sorted by name (see
    /// [`Registry::stats`](crate::Registry::stats)).
    pub breakers: Vec<Stats>,
}

impl Snapshot {
    /// The breakers now.
    pub fn now() -> Snapshot {
        let breakers = registry().stats();
        Snapshot {
            health: Health::from_stats(&breakers),
            breakers,
        }
    }
}

/// The resource as `resources/list` shows it: add it to the server's list.
pub fn stats_resource() -> Resource {
    Resource::new(STATS_URI, "circuit-breaker-stats")
        .with_title("Circuit breaker stats")
        .with_description(
            "Every circuit breaker's state and counters, and the overall health \
             (healthy, degraded or critical), as JSON",
        )
        .with_mime_type("application/json")
}

/// The answer to `resources/read` of `uri`: the stats now when `uri` is [`STATS_URI`], else
/// `None`, for the server's other resources (or its "resource not found").
pub fn read_stats(uri: &str) -> Option<Result<ReadResourceResult, McpError>> {
    (uri == STATS_URI).then(|| {
        serde_json::to_string_pretty(&Snapshot::now())
            .map(|json| {
                ReadResourceResult::new(vec![
                    ResourceContents::text(json, STATS_URI).with_mime_type("application/json")
                ])
            })
            .map_err(|error| McpError::internal_error(error.to_string(), None))
    })
}

/// The answer to `resources/read` for a server whose one resource is the stats: the stats,
/// or "resource not found" naming [`STATS_URI`].
///
/// # Errors
///
/// `resource_not_found` for any other URI; `internal_error` if the stats cannot be written as
/// JSON (they always can).
pub fn read_only_stats(uri: &str) -> Result<ReadResourceResult, McpError> {
    read_stats(uri).unwrap_or_else(|| {
        Err(McpError::resource_not_found(
            format!("no resource {uri}; the one resource is {STATS_URI}"),
            None,
        ))
    })
}

#[cfg(test)]
mod tests {
    use ::rmcp::model::ResourceContents;
    use serde_json::Value;

    use super::*;
    use crate::Config;

    #[test]
    fn reads_every_breaker_and_the_health_as_json() {
        registry().register("rmcp_resource_test", Config::new());
        let result = read_only_stats(STATS_URI).unwrap();
        let [ResourceContents::TextResourceContents {
            uri,
            mime_type,
            text,
            ..
        }] = result.contents.as_slice()
        else {
            panic!("one text content expected, got {:?}", result.contents);
        };
        assert_eq!(uri, STATS_URI);
        assert_eq!(mime_type.as_deref(), Some("application/json"));
        let json: Value = serde_json::from_str(text).unwrap();
        assert!(json["health"].is_string());
        let breakers = json["breakers"].as_array().unwrap();
        let ours = breakers
            .iter()
            .find(|breaker| breaker["name"] == "rmcp_resource_test")
            .unwrap();
        assert_eq!(ours["state"], "closed");
        // The retry counts, nested, every one a number (zero for a breaker that never retried).
        let retry = ours["retry"].as_object().unwrap();
        let mut keys: Vec<&str> = retry.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "exhausted",
                "not_retried",
                "recovered",
                "refused_by_budget",
                "refused_by_circuit",
                "refused_by_deadline",
                "retries"
            ]
        );
        assert!(retry.values().all(|count| count == 0));
    }

    #[test]
    fn keyed_families_are_listed_with_their_keys_and_tripped_keys() {
        let family = registry()
            .keyed::<String>("rmcp_resource_family", Config::new())
            .unwrap();
        family.get("eu.example.com").unwrap().force_open();
        family.get("us.example.com").unwrap();
        let json = serde_json::to_value(Snapshot::now()).unwrap();
        let entry = json["breakers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|breaker| breaker["name"] == "rmcp_resource_family")
            .unwrap();
        assert_eq!(
            entry["state"], "closed",
            "one key of two is not more than half"
        );
        let ours = &entry["family"];
        assert_eq!(ours["keys"], 2);
        assert_eq!(ours["tripped"], 1);
        assert_eq!(
            ours["tripped_keys"],
            serde_json::json!([{"key": "eu.example.com", "state": "forced_open"}])
        );
    }

    #[test]
    fn other_uris_are_not_found() {
        assert!(read_stats("file:///etc/passwd").is_none());
        let error = read_only_stats("circuit-breaker://other").unwrap_err();
        assert_eq!(error.code, McpError::resource_not_found("", None).code);
        assert!(error.message.contains(STATS_URI));
        assert_eq!(stats_resource().uri, STATS_URI);
    }
}
