//! Without a fallback, rejections and timeouts travel through the fn's error type, which must
//! implement `From<fusebox::BreakerError>`.
use fusebox::circuit_breaker;

#[derive(Debug)]
struct AppError;

#[circuit_breaker(name = "weather_api")]
async fn live_weather(city: String) -> Result<String, AppError> {
    Ok(city)
}

fn main() {
    let _ = live_weather(String::new());
}
