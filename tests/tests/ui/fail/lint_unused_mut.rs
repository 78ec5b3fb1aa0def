//! A `mut` binding that is never mutated is still reported at the user's `mut`, with or
//! without a fallback.
#![deny(unused_mut)]

use fusebox::{circuit_breaker, BreakerError};

#[derive(Debug)]
struct AppError;

impl From<BreakerError> for AppError {
    fn from(_: BreakerError) -> Self {
        AppError
    }
}

#[circuit_breaker(fallback = cached_weather)]
async fn live_weather(mut city: String) -> Result<String, AppError> {
    Ok(city)
}

async fn cached_weather(city: String) -> Result<String, AppError> {
    Ok(city)
}

#[circuit_breaker]
async fn live_forecast(mut days: u8) -> Result<u8, AppError> {
    Ok(days)
}

fn main() {
    let _ = live_weather(String::new());
    let _ = live_forecast(1);
}
