//! On a method, a bare fallback name is a method of `Self`; a missing one is reported at it.
use fusebox::{circuit_breaker, BreakerError};

#[derive(Debug)]
struct AppError;

impl From<BreakerError> for AppError {
    fn from(_: BreakerError) -> Self {
        AppError
    }
}

struct Client;

impl Client {
    #[circuit_breaker(fallback = cached)]
    async fn weather(&self, city: String) -> Result<String, AppError> {
        Ok(city)
    }
}

async fn cached(city: String) -> Result<String, AppError> {
    Ok(city)
}

fn main() {
    let _ = Client.weather(String::new());
}
