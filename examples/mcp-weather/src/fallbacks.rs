//! The fallbacks of `get_weather`: the cache, itself behind the `cache` breaker, then a
//! static answer that never fails.

use fusebox::circuit_breaker;
use rmcp::handler::server::wrapper::{Json, Parameters};

use crate::weather::{WeatherArgs, WeatherError, WeatherReport};
use crate::WeatherServer;

impl WeatherServer {
    /// The last live answer for the city, if it is recent enough. A miss is a failure of the
    /// `cache` breaker (not critical: a tripped cache makes the server degraded at most);
    /// after three in a row the static answer comes straight away for 30 s.
    #[circuit_breaker(name = "cache", threshold = 3, recovery = "30s", critical = false, fallback = static_weather)]
    pub(crate) async fn cached_weather(
        &self,
        params: Parameters<WeatherArgs>,
    ) -> Result<Json<WeatherReport>, WeatherError> {
        let city = &params.0.city;
        let (observation, age) = self
            .cache
            .get(city.as_str())
            .ok_or_else(|| WeatherError::NotCached(city.to_string()))?;
        Ok(Json(WeatherReport::cached(city, observation, age)))
    }

    /// The answer of last resort: says the weather is unknown for now.
    #[expect(clippy::unused_async, reason = "a fallback is an async fn")]
    pub(crate) async fn static_weather(
        &self,
        params: Parameters<WeatherArgs>,
    ) -> Result<Json<WeatherReport>, WeatherError> {
        Ok(Json(WeatherReport::unknown(&params.0.city)))
    }
}
