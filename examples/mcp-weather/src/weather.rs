//! The weather service's client, and what `get_weather` takes and answers.

use std::fmt;
use std::time::Duration;

use fusebox::BreakerError;
use rmcp::model::{ContentBlock, IntoContents};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::region::Region;

/// The longest city name accepted.
const MAX_CITY_CHARS: usize = 80;

/// The arguments of `get_weather`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
pub struct WeatherArgs {
    /// The city to get the current weather for, e.g. "Oslo".
    #[schemars(with = "String", length(min = 1, max = 80))]
    pub city: City,
    /// The regional endpoint of the weather service to ask; by default the city's region
    /// ([`WeatherArgs::region`]).
    #[serde(default)]
    #[schemars(
        with = "Option<String>",
        extend("enum" = ["eu", "us", "asia", null]),
        description = "The regional endpoint of the weather service to ask: \"eu\" (Europe and \
                       Africa), \"us\" (the Americas) or \"asia\" (Asia and Oceania). Default: \
                       the city's region when the server knows the city (Oslo: eu, Lima: us, \
                       Tokyo: asia), else eu."
    )]
    pub region: Option<Region>,
}

impl WeatherArgs {
    /// The region this call goes to (see [`Region::for_call`]).
    pub fn region(&self) -> Region {
        Region::for_call(self.region, self.city.as_str())
    }
}

/// A city name: trimmed, 1 to 80 characters, no control characters. A bad name is refused
/// when the arguments are read, before any breaker sees the call.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct City(String);

impl City {
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for City {
    type Error = String;

    fn try_from(name: String) -> Result<City, String> {
        let name = name.trim();
        if name.is_empty() {
            return Err("`city` must not be empty".to_owned());
        }
        if name.chars().count() > MAX_CITY_CHARS {
            return Err(format!(
                "`city` must be at most {MAX_CITY_CHARS} characters"
            ));
        }
        if name.chars().any(char::is_control) {
            return Err("`city` must not contain control characters".to_owned());
        }
        Ok(City(name.to_owned()))
    }
}

impl fmt::Display for City {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the weather service reports for a city.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    /// Air temperature in degrees Celsius.
    pub temperature_c: f64,
    /// A short description, such as "light rain".
    pub conditions: String,
}

/// Where an answer of `get_weather` came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The weather service answered.
    LiveApi,
    /// The region failed or its breaker is open: the last live answer, from the cache.
    CacheFallback,
    /// Neither the service nor the cache could answer.
    StaticFallback,
}

/// The answer of `get_weather`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WeatherReport {
    /// The city asked for.
    pub city: String,
    /// The regional endpoint asked, or whose circuit was open.
    pub region: Region,
    /// Where this answer came from.
    pub source: Source,
    /// Degrees Celsius, unknown from the static fallback.
    pub temperature_c: Option<f64>,
    /// A short description, or why the weather is unknown.
    pub conditions: String,
    /// For a cached answer, how old it is in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(transform = without_format)]
    pub age_seconds: Option<u64>,
}

/// Drops schemars' `"format": "uint64"`, which is no JSON Schema format: validators such as
/// the MCP inspector's warn about it on every call.
fn without_format(schema: &mut schemars::Schema) {
    schema.remove("format");
}

impl WeatherReport {
    /// A live answer from `region`.
    pub fn live(region: Region, city: &City, observation: Observation) -> WeatherReport {
        WeatherReport {
            city: city.to_string(),
            region,
            source: Source::LiveApi,
            temperature_c: Some(observation.temperature_c),
            conditions: observation.conditions,
            age_seconds: None,
        }
    }

    /// A live answer from the cache, `age` old, while `region` cannot answer.
    pub fn cached(
        region: Region,
        city: &City,
        observation: Observation,
        age: Duration,
    ) -> WeatherReport {
        WeatherReport {
            source: Source::CacheFallback,
            age_seconds: Some(age.as_secs()),
            ..WeatherReport::live(region, city, observation)
        }
    }

    /// The answer when nothing is known while `region` cannot answer.
    pub fn unknown(region: Region, city: &City) -> WeatherReport {
        WeatherReport {
            city: city.to_string(),
            region,
            source: Source::StaticFallback,
            temperature_c: None,
            conditions: format!(
                "unknown: the weather service's {region} endpoint is unavailable, try again in \
                 a minute"
            ),
            age_seconds: None,
        }
    }
}

/// Why a weather source could not answer.
#[derive(Debug)]
pub enum WeatherError {
    /// The weather service failed: no connection, or an error status.
    Upstream(String),
    /// The region's breaker refused the call (its circuit is open), or the call timed out.
    Unavailable(BreakerError),
}

impl From<BreakerError> for WeatherError {
    fn from(error: BreakerError) -> WeatherError {
        WeatherError::Unavailable(error)
    }
}

impl fmt::Display for WeatherError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WeatherError::Upstream(reason) => write!(f, "weather service failed: {reason}"),
            WeatherError::Unavailable(error) => write!(f, "weather service not called: {error}"),
        }
    }
}

impl std::error::Error for WeatherError {}

/// Whether a failure is worth another attempt (the `retry_if` of the `weather_api` calls): no
/// answer, a bad one or a server error (5xx) may clear on a second try; a client error (4xx)
/// says the request itself is wrong, and would fail again. (A timeout is always retried and a
/// rejection never, whatever this says.)
pub fn is_transient(error: &WeatherError) -> bool {
    match error {
        WeatherError::Upstream(reason) => !reason.starts_with("HTTP 4"),
        WeatherError::Unavailable(_) => false,
    }
}

/// A tool error reaches the client as a result with `isError: true` and this text.
impl IntoContents for WeatherError {
    fn into_contents(self) -> Vec<ContentBlock> {
        vec![ContentBlock::text(self.to_string())]
    }
}

/// The client of the weather service's regional endpoints: `GET {base}/weather?city=..`, with
/// the base of the region asked.
#[derive(Clone, Debug)]
pub struct WeatherClient {
    http: reqwest::Client,
    /// The base URL of each region, in the order of [`Region::ALL`].
    bases: [String; 3],
}

impl WeatherClient {
    /// A client of the services whose base URLs (like `http://127.0.0.1:8080`) `base_of`
    /// gives for each region.
    pub fn new(base_of: impl Fn(Region) -> String) -> Result<WeatherClient, reqwest::Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(2))
            .build()?;
        let bases = Region::ALL.map(|region| base_of(region).trim_end_matches('/').to_owned());
        Ok(WeatherClient { http, bases })
    }

    /// The base URL of `region`'s endpoint.
    pub fn base(&self, region: Region) -> &str {
        &self.bases[region.index()]
    }

    /// The current weather in `city`, from `region`'s endpoint. A connection failure or an
    /// error status is an `Err`, which the region's breaker counts.
    pub async fn current(&self, region: Region, city: &City) -> Result<Observation, WeatherError> {
        let response = self
            .http
            .get(format!("{}/weather", self.base(region)))
            .query(&[("city", city.as_str())])
            .send()
            .await
            .map_err(|error| WeatherError::Upstream(error.to_string()))?;
        let status = response.status();
        if !status.is_success() {
            return Err(WeatherError::Upstream(format!("HTTP {status}")));
        }
        response
            .json()
            .await
            .map_err(|error| WeatherError::Upstream(format!("bad answer: {error}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_and_lost_answers_are_retried_client_errors_are_not() {
        let upstream = |reason: &str| WeatherError::Upstream(reason.to_owned());
        assert!(is_transient(&upstream("HTTP 503 Service Unavailable")));
        assert!(is_transient(&upstream("error sending request")));
        assert!(!is_transient(&upstream("HTTP 404 Not Found")));
    }

    #[test]
    fn a_city_is_trimmed_and_checked() {
        assert_eq!(
            City::try_from(" Oslo ".to_owned()).unwrap().as_str(),
            "Oslo"
        );
        assert!(City::try_from("   ".to_owned()).is_err());
        assert!(City::try_from("x".repeat(81)).is_err());
        assert!(City::try_from("Os\nlo".to_owned()).is_err());
    }

    #[test]
    fn sources_serialize_as_the_issue_names_them() {
        let names: Vec<String> = [
            Source::LiveApi,
            Source::CacheFallback,
            Source::StaticFallback,
        ]
        .iter()
        .map(|source| serde_json::to_string(source).unwrap())
        .collect();
        assert_eq!(
            names,
            ["\"live_api\"", "\"cache_fallback\"", "\"static_fallback\""]
        );
    }
}
