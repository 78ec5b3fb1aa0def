//! The MCP tools. `get_weather` picks the region and calls through that region's breaker
//! ([`regional`](crate::regional)). `store_data` gives each record its id before the protected
//! call, so the live write and its fallback share it.
//!
//! Arguments are checked when they are read, before any breaker sees the call: a bad one is
//! an `isError` result that says why, never a counted failure.

use rmcp::handler::server::wrapper::{Json, Parameters};
use rmcp::{tool, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::store::{Receipt, StoreError};
use crate::weather::{WeatherArgs, WeatherError, WeatherReport};
use crate::WeatherServer;

/// The largest record `store_data` accepts, in bytes of compact JSON.
const MAX_DATA_BYTES: usize = 64 * 1024;

/// The arguments of `store_data`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
pub struct StoreArgs {
    /// The record: a JSON object with at least one key, at most 64 KiB, like {"order": 42}.
    #[schemars(with = "Map<String, Value>", extend("minProperties" = 1))]
    pub data: Data,
}

/// A record's data: a JSON object, not empty, at most 64 KiB as compact JSON. Anything else is
/// refused when the arguments are read, with a message that says why.
#[derive(Clone, Debug, Deserialize)]
#[serde(try_from = "Value")]
pub struct Data(Map<String, Value>);

impl TryFrom<Value> for Data {
    type Error = String;

    fn try_from(data: Value) -> Result<Data, String> {
        let Value::Object(object) = data else {
            return Err(format!(
                "`data` must be a JSON object, like {{\"order\": 42}}, not {}",
                kind(&data)
            ));
        };
        if object.is_empty() {
            return Err("`data` must not be an empty object".to_owned());
        }
        let len = serde_json::to_string(&object).map_or(usize::MAX, |json| json.len());
        if len > MAX_DATA_BYTES {
            return Err(format!(
                "`data` must be at most {MAX_DATA_BYTES} bytes as JSON, got {len}"
            ));
        }
        Ok(Data(object))
    }
}

/// What a JSON value is, in words.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[tool_router(vis = "pub(crate)")]
impl WeatherServer {
    /// The current weather in a city, from one regional endpoint of the weather service,
    /// behind that region's breaker of the `weather_api` family
    /// ([`regional_weather`](WeatherServer::regional_weather)): five failed attempts in a row
    /// open the region's circuit for 30 s, and the other regions go on. Meanwhile, and when
    /// the attempts fail, the cache answers, then a static answer.
    #[tool(
        description = "Get the current weather in a city. It asks one regional endpoint of the \
                       weather service: `region` if given (eu, us or asia), else the city's \
                       region when the server knows the city (Oslo: eu, Lima: us, Tokyo: asia), \
                       else eu; each region has its own circuit breaker. The answer says the \
                       `region` asked and its `source`: live_api, cache_fallback (that region \
                       is failing; `age_seconds` old) or static_fallback (no weather known)."
    )]
    async fn get_weather(
        &self,
        Parameters(args): Parameters<WeatherArgs>,
    ) -> Result<Json<WeatherReport>, WeatherError> {
        let region = args.region();
        self.regional_weather(region, args.city).await
    }

    /// Stores a record in the database, or queues it on disk while the database is down.
    #[tool(
        description = "Store a record: a JSON object, like {\"order\": 42, \"item\": \
                       \"umbrella\"}. Answers its id, the data as stored, and `status`: stored, \
                       or queued when the database is unavailable (it is stored, once, when the \
                       database is back)."
    )]
    async fn store_data(
        &self,
        Parameters(StoreArgs { data }): Parameters<StoreArgs>,
    ) -> Result<Json<Receipt>, StoreError> {
        self.store.accept(data.0).await.map(Json)
    }
}
