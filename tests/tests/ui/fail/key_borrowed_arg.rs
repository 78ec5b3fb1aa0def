//! A family keeps its keys for the life of the process: a key borrowed from an argument
//! (`host: &str`) cannot be one, and the error is at the `key` expression.
use fusebox::{circuit_breaker, BreakerError};

#[derive(Debug)]
enum AppError {
    Unavailable(BreakerError),
}

impl From<BreakerError> for AppError {
    fn from(error: BreakerError) -> Self {
        AppError::Unavailable(error)
    }
}

#[circuit_breaker(name = "hosts_borrowed", key = host)]
async fn fetch(host: &str) -> Result<String, AppError> {
    Ok(host.to_owned())
}

fn main() {
    let _ = fetch("eu.example");
    let _ = AppError::Unavailable;
}
