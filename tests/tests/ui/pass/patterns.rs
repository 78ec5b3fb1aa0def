//! With a fallback, arguments are passed on by name, so a destructuring pattern is refused.
use fusebox::{circuit_breaker, BreakerError};

#[derive(Debug)]
struct AppError;

impl From<BreakerError> for AppError {
    fn from(_: BreakerError) -> Self {
        AppError
    }
}

#[circuit_breaker(fallback = cached_weather)]
async fn live_weather((city, days): (String, u8)) -> Result<String, AppError> {
    Ok(format!("{city} {days}"))
}

async fn cached_weather(place: (String, u8)) -> Result<String, AppError> {
    Ok(place.0)
}

fn main() {
    let _ = live_weather((String::new(), 1));
}
