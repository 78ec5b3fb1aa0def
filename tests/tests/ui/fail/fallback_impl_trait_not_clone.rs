//! An `impl Trait` argument passed to a fallback must be `Clone` too: the compiler's help says
//! to add `+ Clone` to it.
use std::fmt::Display;

use fusebox::{circuit_breaker, BreakerError};

#[derive(Debug)]
struct AppError;

impl From<BreakerError> for AppError {
    fn from(_: BreakerError) -> Self {
        AppError
    }
}

#[circuit_breaker(fallback = cached_weather)]
async fn live_weather(city: impl Display + Send) -> Result<String, AppError> {
    Ok(city.to_string())
}

async fn cached_weather(city: impl Display) -> Result<String, AppError> {
    Ok(city.to_string())
}

fn main() {
    let _ = live_weather("Oslo");
}
