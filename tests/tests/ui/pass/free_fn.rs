//! A free fn with every key and an annotated fallback chain; the futures stay `Send`.
use fusebox::{circuit_breaker, BreakerError};

#[derive(Debug)]
enum AppError {
    Upstream,
    Breaker(BreakerError),
}

impl From<BreakerError> for AppError {
    fn from(error: BreakerError) -> Self {
        AppError::Breaker(error)
    }
}

/// Live weather, documented as written.
#[circuit_breaker(
    name = "weather_api",
    threshold = 5,
    timeout = "15s",
    recovery = "60s",
    success_threshold = 3,
    fallback = cached_weather,
    failure_if = is_server_error
)]
pub async fn live_weather(city: String, days: u8) -> Result<String, AppError> {
    if days > 7 {
        return Err(AppError::Upstream);
    }
    Ok(format!("{city}: {days} days"))
}

fn is_server_error(error: &AppError) -> bool {
    matches!(error, AppError::Upstream)
}

#[circuit_breaker(name = "cache", threshold = 2, fallback = static_weather)]
async fn cached_weather(city: String, days: u8) -> Result<String, AppError> {
    Ok(format!("{city}: {days} days (cached)"))
}

async fn static_weather(city: String, _days: u8) -> Result<String, AppError> {
    Ok(format!("{city}: mild"))
}

#[circuit_breaker]
async fn defaults(mut attempts: u32) -> Result<u32, AppError> {
    attempts += 1;
    Ok(attempts)
}

fn assert_send<T: Send>(_: &T) {}

fn main() {
    let live = live_weather("Oslo".to_owned(), 3);
    assert_send(&live);
    assert_send(&defaults(1));
    drop(live);
}
