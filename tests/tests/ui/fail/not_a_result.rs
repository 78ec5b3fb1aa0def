//! The breaker counts successes and failures, so the fn must return a `Result`.
use fusebox::circuit_breaker;

#[circuit_breaker(name = "weather_api")]
async fn live_weather(city: String) -> String {
    city
}

fn main() {
    let _ = live_weather(String::new());
}
