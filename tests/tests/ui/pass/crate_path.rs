//! `crate = "..."` names the runtime through a crate that re-exports it.
mod framework {
    pub use fusebox;
}

use framework::fusebox::{circuit_breaker, BreakerError};

#[derive(Debug)]
struct AppError;

impl From<BreakerError> for AppError {
    fn from(_: BreakerError) -> Self {
        AppError
    }
}

#[circuit_breaker(crate = "crate::framework::fusebox", name = "re_exported", timeout = "1s")]
async fn plain(city: String) -> Result<String, AppError> {
    Ok(city)
}

#[circuit_breaker(crate = "crate::framework::fusebox", fallback = cached, failure_if = counts)]
async fn with_fallback(city: String) -> Result<String, AppError> {
    Ok(city)
}

async fn cached(city: String) -> Result<String, AppError> {
    Ok(city)
}

fn counts(_: &AppError) -> bool {
    true
}

fn main() {
    drop(plain(String::new()));
    drop(with_fallback(String::new()));
}
