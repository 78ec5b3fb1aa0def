//! The fallbacks of `get_weather`: the cache, itself behind the `cache` breaker, then a
//! static answer that never fails. They answer whatever the region: the weather of a city is
//! the same whichever endpoint gave it.
//!
//! A miss is an answer, not a fault of the cache: the cache answers it with the static answer
//! for that city, and the `cache` breaker does not count it. Only a cache that fails (an `Err`,
//! a panic) counts, and only then does the breaker answer every city statically for a while.
//! This cache lives in memory and cannot fail; a networked one (Redis, memcached) would
//! return its own errors through `?` here.

use fusebox::circuit_breaker;
use rmcp::handler::server::wrapper::Json;

use crate::region::Region;
use crate::weather::{City, WeatherError, WeatherReport};
use crate::WeatherServer;

impl WeatherServer {
    /// The last live answer for the city if it is recent enough, else the static answer for
    /// that city: a miss is a success of the `cache` breaker. Three failures of the cache
    /// itself in a row open the breaker (not critical: a tripped cache makes the server
    /// degraded at most), and the static answer comes straight away for 30 s. `region` is the
    /// region that could not answer, said in the answer.
    #[circuit_breaker(name = "cache", threshold = 3, recovery = "30s", critical = false, fallback = static_weather)]
    pub(crate) async fn cached_weather(
        &self,
        region: Region,
        city: City,
    ) -> Result<Json<WeatherReport>, WeatherError> {
        let report = match self.cache.get(city.as_str()) {
            Some((observation, age)) => WeatherReport::cached(region, &city, observation, age),
            None => WeatherReport::unknown(region, &city), // a miss: an answer, not a failure
        };
        Ok(Json(report))
    }

    /// The answer of last resort: says the weather is unknown for now.
    #[expect(clippy::unused_async, reason = "a fallback is an async fn")]
    pub(crate) async fn static_weather(
        &self,
        region: Region,
        city: City,
    ) -> Result<Json<WeatherReport>, WeatherError> {
        Ok(Json(WeatherReport::unknown(region, &city)))
    }
}
