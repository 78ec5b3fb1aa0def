//! `impl Trait` arguments, with and without a fallback (which needs them `Clone`).
use std::fmt::Display;

use fusebox::{circuit_breaker, BreakerError};

#[derive(Debug)]
struct AppError;

impl From<BreakerError> for AppError {
    fn from(_: BreakerError) -> Self {
        AppError
    }
}

#[circuit_breaker(name = "impl_plain")]
async fn plain(city: impl Display + Send) -> Result<String, AppError> {
    Ok(city.to_string())
}

#[circuit_breaker(name = "impl_fallback", fallback = cached)]
async fn with_fallback(
    city: impl Display + Clone + Send,
    days: impl Into<u32> + Clone + Send,
) -> Result<String, AppError> {
    Ok(format!("{city} {}", days.into()))
}

async fn cached(city: impl Display, _days: impl Into<u32>) -> Result<String, AppError> {
    Ok(format!("{city} (cached)"))
}

fn assert_send<T: Send>(_: &T) {}

fn main() {
    assert_send(&plain("Oslo"));
    assert_send(&with_fallback("Oslo", 3u8));
}
