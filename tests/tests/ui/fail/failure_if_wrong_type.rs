//! A `failure_if` predicate must take a reference to the fn's error type; a mismatch is
//! reported at the predicate's path.
use fusebox::{circuit_breaker, BreakerError};

#[derive(Debug)]
struct AppError;

impl From<BreakerError> for AppError {
    fn from(_: BreakerError) -> Self {
        AppError
    }
}

fn is_server_error(status: &u16) -> bool {
    *status >= 500
}

#[circuit_breaker(failure_if = is_server_error)]
async fn live_weather(city: String) -> Result<String, AppError> {
    Ok(city)
}

fn main() {
    let _ = live_weather(String::new());
}
