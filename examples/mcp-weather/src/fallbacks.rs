//! The fallbacks of `get_weather`: the cache, itself behind the `cache` breaker, then a
//! static answer that never fails.
//!
//! A miss is an answer, not a fault of the cache: the cache answers it with the static answer
//! for that city, and the `cache` breaker does not count it. Only a cache that fails (an `Err`,
//! a panic) counts, and only then does the breaker answer every city statically for a while.
//! This cache lives in memory and cannot fail; a networked one (Redis, memcached) would
//! return its own errors through `?` here.

use fusebox::circuit_breaker;
use rmcp::handler::server::wrapper::{Json, Parameters};

use crate::weather::{WeatherArgs, WeatherError, WeatherReport};
use crate::WeatherServer;

impl WeatherServer {
    /// The last live answer for the city if it is recent enough, else the static answer for
    /// that city: a miss is a success of the `cache` breaker. Three failures of the cache
    /// itself in a row open the breaker (not critical: a tripped cache makes the server
    /// degraded at most), and the static answer comes straight away for 30 s.
    #[circuit_breaker(name = "cache", threshold = 3, recovery = "30s", critical = false, fallback = static_weather)]
    pub(crate) async fn cached_weather(
        &self,
        params: Parameters<WeatherArgs>,
    ) -> Result<Json<WeatherReport>, WeatherError> {
        let city = &params.0.city;
        let report = match self.cache.get(city.as_str()) {
            Some((observation, age)) => WeatherReport::cached(city, observation, age),
            None => WeatherReport::unknown(city), // a miss: an answer, not a failure
        };
        Ok(Json(report))
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
