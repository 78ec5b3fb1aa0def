//! A method taking `self` by value, with a method of `Self` as fallback, needs `Self: Clone`.
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
    async fn into_weather(self, city: String) -> Result<String, AppError> {
        Ok(city)
    }

    async fn cached(self, city: String) -> Result<String, AppError> {
        Ok(city)
    }
}

fn main() {
    let _ = Client.into_weather(String::new());
}
