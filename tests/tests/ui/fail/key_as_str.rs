//! A family keeps its keys, so a key cannot be borrowed: `key = host.as_str()` says to write
//! `key = host`, which the attribute borrows itself.
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

#[circuit_breaker(name = "hosts", key = host.as_str())]
async fn fetch(host: String) -> Result<String, AppError> {
    Ok(host)
}

fn main() {
    let _ = fetch(String::new());
    let _ = AppError::Unavailable;
}
