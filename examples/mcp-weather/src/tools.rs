//! The MCP tools. `get_weather` is itself the protected call: `#[circuit_breaker]` sits above
//! `#[tool]`, so it sees the `async fn` as written. `store_data` gives each record its id
//! before the protected call, so the live write and its fallback share it.

use fusebox::circuit_breaker;
use rmcp::handler::server::wrapper::{Json, Parameters};
use rmcp::{tool, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::store::{Receipt, StoreError};
use crate::weather::{WeatherArgs, WeatherError, WeatherReport};
use crate::WeatherServer;

/// The largest record `store_data` accepts, in bytes.
const MAX_DATA_BYTES: usize = 64 * 1024;

/// The arguments of `store_data`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
pub struct StoreArgs {
    /// The text to store (1 byte to 64 KiB).
    #[schemars(with = "String", length(min = 1, max = 65536))]
    pub data: Data,
}

/// The text of a record: not empty, at most 64 KiB.
#[derive(Clone, Debug, Deserialize)]
#[serde(try_from = "String")]
pub struct Data(String);

impl TryFrom<String> for Data {
    type Error = String;

    fn try_from(data: String) -> Result<Data, String> {
        if data.is_empty() {
            return Err("`data` must not be empty".to_owned());
        }
        if data.len() > MAX_DATA_BYTES {
            return Err(format!(
                "`data` must be at most {MAX_DATA_BYTES} bytes, got {}",
                data.len()
            ));
        }
        Ok(Data(data))
    }
}

#[tool_router(vis = "pub(crate)")]
impl WeatherServer {
    /// The current weather in a city. Five failures in a row open the `weather_api`
    /// breaker for 30 s; meanwhile, and on any failure, the cache answers, then a static
    /// answer.
    #[circuit_breaker(name = "weather_api", threshold = 5, timeout = "2s", recovery = "30s", success_threshold = 2, fallback = cached_weather)]
    #[tool(
        description = "Get the current weather in a city. The answer's `source` says where it \
                       came from: live_api, cache_fallback (the weather service is failing; \
                       `age_seconds` old) or static_fallback (no weather known)."
    )]
    async fn get_weather(
        &self,
        Parameters(WeatherArgs { city }): Parameters<WeatherArgs>,
    ) -> Result<Json<WeatherReport>, WeatherError> {
        let observation = self.weather.current(&city).await?; // an Err is a counted failure
        self.cache.put(city.as_str(), observation.clone());
        Ok(Json(WeatherReport::live(&city, observation)))
    }

    /// Stores a record in the database, or queues it on disk while the database is down.
    #[tool(
        description = "Store a piece of text. Answers its id and `status`: stored, or queued \
                       when the database is unavailable (it is stored, once, when the database \
                       is back)."
    )]
    async fn store_data(
        &self,
        Parameters(StoreArgs { data }): Parameters<StoreArgs>,
    ) -> Result<Json<Receipt>, StoreError> {
        self.store.accept(data.0).await.map(Json)
    }
}
