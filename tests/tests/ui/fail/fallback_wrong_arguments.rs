//! A fallback must take the same arguments as the protected fn.
use fusebox::{circuit_breaker, BreakerError};

#[derive(Debug)]
struct AppError;

impl From<BreakerError> for AppError {
    fn from(_: BreakerError) -> Self {
        AppError
    }
}

#[circuit_breaker(fallback = cached_weather)]
async fn live_weather(city: String, days: u8) -> Result<String, AppError> {
    Ok(format!("{city} {days}"))
}

async fn cached_weather(city: String) -> Result<String, AppError> {
    Ok(city)
}

fn main() {
    let _ = live_weather(String::new(), 1);
}
