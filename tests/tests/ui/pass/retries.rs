//! Retries on free fns and methods, with patterns, `mut` arguments, a hint and a predicate;
//! the generated futures stay `Send`.
use std::time::Duration;

use fusebox::{circuit_breaker, BreakerError, Cause, RetryAfter};

#[derive(Debug, Clone)]
enum AppError {
    RateLimited(u64),
    Unavailable,
}

impl From<BreakerError> for AppError {
    fn from(_: BreakerError) -> Self {
        AppError::Unavailable
    }
}

impl RetryAfter for AppError {
    fn retry_after(&self) -> Option<Duration> {
        match self {
            AppError::RateLimited(secs) => Some(Duration::from_secs(*secs)),
            AppError::Unavailable => None,
        }
    }
}

fn is_transient(error: &AppError) -> bool {
    matches!(error, AppError::RateLimited(_))
}

#[circuit_breaker(
    timeout = "1s",
    retries = 2,
    retry_backoff = "50ms",
    retry_max_backoff = "1s",
    retry_deadline = "5s",
    retry_budget = 10,
    retry_if = is_transient,
    fallback = cached
)]
async fn weather((city, country): (String, String), mut days: u8) -> Result<String, AppError> {
    days += 1;
    Ok(format!("{city}, {country}: {days}"))
}

async fn cached(place: (String, String), days: u8, _: Cause<AppError>) -> Result<String, AppError> {
    Ok(format!("{} {days}", place.0))
}

#[circuit_breaker(retries = 1, fallback = plain)]
async fn greeting(name: String) -> String {
    name
}

async fn plain(name: String) -> String {
    name
}

struct Client {
    base: String,
}

impl Client {
    #[circuit_breaker(retries = 1, fallback = offline)]
    async fn fetch(&self, path: String) -> Result<String, AppError> {
        Ok(format!("{}{path}", self.base))
    }

    async fn offline(&self, path: String) -> Result<String, AppError> {
        Ok(path)
    }

    #[circuit_breaker(retries = 1, fallback = reset_offline)]
    async fn reset(&mut self) -> Result<(), AppError> {
        self.base.clear();
        Ok(())
    }

    async fn reset_offline(&mut self) -> Result<(), AppError> {
        Ok(())
    }
}

#[circuit_breaker(
    timeout = "1s",
    retries = 2,
    retry_deadline = "3s",
    retry_if = is_transient
)]
async fn without_fallback((city, _): (String, u8), mut days: u8) -> Result<String, AppError> {
    days += 1;
    Ok(format!("{city}: {days}"))
}

fn assert_send<T: Send>(_: T) {}

fn main() {
    assert_send(weather((String::new(), String::new()), 1));
    assert_send(greeting(String::new()));
    assert_send(without_fallback((String::new(), 0), 1));
    let mut client = Client { base: String::new() };
    assert_send(client.fetch(String::new()));
    assert_send(client.reset());
}
