//! A key given twice is refused at its second occurrence.
use fusebox::{circuit_breaker, BreakerError};

#[derive(Debug)]
struct AppError;

impl From<BreakerError> for AppError {
    fn from(_: BreakerError) -> Self {
        AppError
    }
}

#[circuit_breaker(threshold = 5, timeout = "15s", threshold = 3)]
async fn live_weather(city: String) -> Result<String, AppError> {
    Ok(city)
}

fn main() {
    let _ = live_weather(String::new());
}
