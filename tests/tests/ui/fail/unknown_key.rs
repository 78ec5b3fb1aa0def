//! An unknown key is refused, naming the closest valid key and listing them all.
use fusebox::{circuit_breaker, BreakerError};

#[derive(Debug)]
struct AppError;

impl From<BreakerError> for AppError {
    fn from(_: BreakerError) -> Self {
        AppError
    }
}

#[circuit_breaker(name = "weather_api", thresold = 5)]
async fn live_weather(city: String) -> Result<String, AppError> {
    Ok(city)
}

fn main() {
    let _ = live_weather(String::new());
}
