//! A generic fn with a where clause keeps its generics; the fallback is generic too.
use std::fmt::Display;

use fusebox::{circuit_breaker, BreakerError};

#[derive(Debug)]
struct AppError;

impl From<BreakerError> for AppError {
    fn from(_: BreakerError) -> Self {
        AppError
    }
}

#[circuit_breaker(name = "generic", fallback = fallback)]
async fn describe<T, const N: usize>(items: [T; N]) -> Result<String, AppError>
where
    T: Display + Clone + Send,
{
    Ok(items.iter().map(ToString::to_string).collect())
}

async fn fallback<T, const N: usize>(_items: [T; N]) -> Result<String, AppError>
where
    T: Display + Clone + Send,
{
    Ok(String::new())
}

#[circuit_breaker(name = "lifetimes")]
async fn borrowed<'a>(text: &'a str) -> Result<&'a str, AppError> {
    Ok(text)
}

fn assert_send<T: Send>(_: &T) {}

fn main() {
    assert_send(&describe([1, 2, 3]));
    assert_send(&borrowed("text"));
}
