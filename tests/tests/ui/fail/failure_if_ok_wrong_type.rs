//! A `failure_if_ok` predicate must take a reference to the fn's `Ok` type; a mismatch is
//! reported at the predicate's path.
use fusebox::{circuit_breaker, BreakerError};

#[derive(Debug)]
struct AppError;

impl From<BreakerError> for AppError {
    fn from(_: BreakerError) -> Self {
        AppError
    }
}

fn is_stale(age: &u64) -> bool {
    *age > 60
}

#[circuit_breaker(failure_if_ok = is_stale)]
async fn live_weather(city: String) -> Result<String, AppError> {
    Ok(city)
}

fn main() {
    let _ = live_weather(String::new());
}
