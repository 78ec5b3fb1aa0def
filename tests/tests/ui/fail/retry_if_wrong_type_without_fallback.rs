//! Without a fallback, a `retry_if` predicate must take a reference to the fn's error type; a
//! mismatch is reported at the predicate's path.
use fusebox::{circuit_breaker, BreakerError};

#[derive(Debug)]
struct AppError;

impl From<BreakerError> for AppError {
    fn from(_: BreakerError) -> Self {
        AppError
    }
}

fn is_transient(status: &u16) -> bool {
    *status == 503
}

#[circuit_breaker(retries = 2, retry_if = is_transient)]
async fn live_weather(city: String) -> Result<String, AppError> {
    Ok(city)
}

fn main() {
    let _ = live_weather(String::new());
}
