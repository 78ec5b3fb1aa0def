//! References with lifetimes, elided and named, handed to a fallback as they are (a shared
//! reference is `Copy`).
use fusebox::{circuit_breaker, BreakerError, Cause};

#[derive(Debug)]
struct AppError;

impl From<BreakerError> for AppError {
    fn from(_: BreakerError) -> Self {
        AppError
    }
}

#[circuit_breaker(name = "named_lifetime", fallback = first_word)]
async fn trimmed<'a>(text: &'a str, prefix: &str) -> Result<&'a str, AppError> {
    Ok(text.trim_start_matches(prefix))
}

async fn first_word<'a>(text: &'a str, _prefix: &str) -> Result<&'a str, AppError> {
    Ok(text.split(' ').next().unwrap_or(text))
}

#[circuit_breaker(name = "elided_lifetime", fallback = empty)]
async fn longest(a: &str, b: &str) -> Result<usize, AppError> {
    Ok(a.len().max(b.len()))
}

async fn empty(_a: &str, _b: &str, _cause: Cause<AppError>) -> Result<usize, AppError> {
    Ok(0)
}

fn assert_send<T: Send>(_: &T) {}

fn main() {
    let text = String::from("hello world");
    assert_send(&trimmed(&text, "he"));
    assert_send(&longest("a", "bb"));
}
