//! The `weather_api` breakers: a keyed family with one circuit breaker per [`Region`], so that
//! a region whose endpoint fails trips only its own circuit while the other regions keep
//! answering live.
//!
//! The family comes from the handle API (`fusebox::registry().keyed`), and
//! `WeatherServer::regional_weather` is the one place that calls through it: the attribute's
//! keyed form, `#[circuit_breaker(name = "weather_api", key = region, ...)]` on
//! `WeatherServer::live_weather` with `fallback = cached_weather`, can take its place.

use std::sync::Arc;
use std::time::Duration;

use fusebox::{registry, Config, Family, KeyTypeMismatch, RetryOptions};
use rmcp::handler::server::wrapper::Json;

use crate::region::Region;
use crate::weather::{is_transient, City, WeatherError, WeatherReport};
use crate::WeatherServer;

/// The family's name: its stats, its metrics and its start-up overrides go by it
/// (`FUSEBOX_WEATHER_API_THRESHOLD=2`, `[breakers.weather_api]`).
pub const WEATHER_API: &str = "weather_api";

/// The settings of each region's breaker: five failed attempts in a row open it for 30 s,
/// two probe successes close it, and a transient failure is tried once more.
pub const WEATHER_API_CONFIG: Config = Config::new()
    .threshold(5)
    .recovery(Duration::from_secs(30))
    .success_threshold(2)
    .retries(1);

/// How long one attempt may take before it counts as a failure (and is retried).
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(2);

/// The `weather_api` family from the registry (made on first use, with its start-up
/// overrides), with every region's breaker in it from the start: the stats list all three,
/// closed, before their first call, and the family's health counts every region.
///
/// # Errors
///
/// [`KeyTypeMismatch`] if something else in the process made a `weather_api` family keyed by
/// another type.
pub fn weather_api() -> Result<Arc<Family<Region>>, KeyTypeMismatch> {
    let family = registry().keyed::<Region>(WEATHER_API, WEATHER_API_CONFIG)?;
    for region in Region::ALL {
        // Three keys in a family of `max_keys` (1024 by default): never refused.
        if let Err(error) = family.get(&region) {
            tracing::warn!(%region, %error, "no weather_api breaker for the region yet");
        }
    }
    Ok(family)
}

impl WeatherServer {
    /// The weather in `city` from `region`'s endpoint, through that region's breaker: each
    /// attempt is a call of the breaker with its own [`ATTEMPT_TIMEOUT`], a transient failure
    /// is retried once (after 100 to 200 ms), and when the attempts fail or the region's
    /// circuit is open, [`cached_weather`](WeatherServer::cached_weather) answers.
    pub(crate) async fn regional_weather(
        &self,
        region: Region,
        city: City,
    ) -> Result<Json<WeatherReport>, WeatherError> {
        let options = RetryOptions::new()
            .retry_if(is_transient)
            .timeout(ATTEMPT_TIMEOUT);
        let live = match self.weather_api.get(&region) {
            Ok(breaker) => {
                breaker
                    .call_with_retry_options(options, || self.live_weather(region, &city))
                    .await
            }
            Err(refused) => Err(WeatherError::from(refused)),
        };
        match live {
            Ok(report) => Ok(report),
            Err(error) => {
                tracing::debug!(%region, %city, %error, "the cache answers");
                self.cached_weather(region, city).await
            }
        }
    }

    /// One attempt at a live answer from `region`'s endpoint; a live answer is kept in the
    /// cache. An `Err` is a counted failure of the region's breaker.
    async fn live_weather(
        &self,
        region: Region,
        city: &City,
    ) -> Result<Json<WeatherReport>, WeatherError> {
        let observation = self.weather.current(region, city).await?;
        self.cache.put(city.as_str(), observation.clone());
        Ok(Json(WeatherReport::live(region, city, observation)))
    }
}
