//! An inner attribute at the top of a protected body still covers the body: the attribute
//! keeps an `async fn`'s body as its tokens, and the inner attributes at the fn's top.
#![deny(unused_variables)]

use fusebox::{circuit_breaker, BreakerError};

#[derive(Debug)]
struct AppError;

impl From<BreakerError> for AppError {
    fn from(_: BreakerError) -> Self {
        AppError
    }
}

#[circuit_breaker(threshold = 2)]
async fn without_fallback(city: String) -> Result<String, AppError> {
    #![allow(unused_variables)]
    let unused = 1;
    Ok(city)
}

#[circuit_breaker(threshold = 2, fallback = cached)]
async fn with_fallback(city: String) -> Result<String, AppError> {
    #![allow(unused_variables)]
    let unused = 1;
    Ok(city)
}

#[circuit_breaker(threshold = 2, retries = 1, fallback = cached)]
async fn with_retries(city: String) -> Result<String, AppError> {
    #![allow(unused_variables)]
    let unused = 1;
    Ok(city)
}

async fn cached(city: String) -> Result<String, AppError> {
    Ok(city)
}

fn main() {
    let _ = without_fallback(String::new());
    let _ = with_fallback(String::new());
    let _ = with_retries(String::new());
}
