//! The expansion keeps the user's tokens: the user's own lints still fire at the user's code.
#![deny(unused_variables)]

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
    let forecast = 18;
    Ok(city)
}

async fn cached_weather(city: String) -> Result<String, AppError> {
    Ok(city)
}

fn main() {
    let _ = live_weather(String::new());
}
