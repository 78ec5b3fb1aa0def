//! A threshold of zero could never open; it is refused at the literal.
use fusebox::{circuit_breaker, BreakerError};

#[derive(Debug)]
struct AppError;

impl From<BreakerError> for AppError {
    fn from(_: BreakerError) -> Self {
        AppError
    }
}

#[circuit_breaker(threshold = 0)]
async fn live_weather(city: String) -> Result<String, AppError> {
    Ok(city)
}

fn main() {
    let _ = live_weather(String::new());
}
