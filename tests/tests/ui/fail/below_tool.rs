//! Below rmcp's `#[tool]`, the attribute would get the boxed fn `#[tool]` made, too late for the
//! tool's description: it asks to be moved above.
use fusebox::circuit_breaker;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::{schemars, tool, tool_router};

#[derive(serde::Deserialize, schemars::JsonSchema, Clone)]
struct Args {
    city: String,
}

#[derive(Clone)]
struct WeatherServer;

#[tool_router]
impl WeatherServer {
    /// The current weather in a city.
    #[tool]
    #[circuit_breaker(name = "weather_api", fallback = cached)]
    async fn weather(&self, Parameters(Args { city }): Parameters<Args>) -> String {
        city
    }

    async fn cached(&self, _args: Parameters<Args>) -> String {
        String::new()
    }
}

fn main() {
    let _ = WeatherServer::tool_router();
}
