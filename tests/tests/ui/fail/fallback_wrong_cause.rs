//! A fallback's `Cause` carries the fn's own error type; another type is reported at the
//! fallback's path.
use fusebox::Cause;

use fusebox::{circuit_breaker, BreakerError};

#[derive(Debug)]
struct AppError;

impl From<BreakerError> for AppError {
    fn from(_: BreakerError) -> Self {
        AppError
    }
}

#[circuit_breaker(fallback = cached_weather)]
async fn live_weather(city: String) -> Result<String, AppError> {
    Ok(city)
}

async fn cached_weather(city: String, _cause: Cause<std::io::Error>) -> Result<String, AppError> {
    Ok(city)
}

fn main() {
    let _ = live_weather(String::new());
}
