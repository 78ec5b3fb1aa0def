//! A fn that does not return a `Result` is accepted with a fallback, which answers rejections,
//! timeouts and panics; its fallback may take a `Cause<Infallible>`.
use std::convert::Infallible;

use fusebox::{circuit_breaker, Cause};

#[circuit_breaker(name = "text", timeout = "2s", fallback = cached)]
async fn forecast(city: String) -> String {
    format!("{city}: sunny")
}

async fn cached(city: String) -> String {
    format!("{city}: cached")
}

#[circuit_breaker(name = "unit", fallback = skip)]
async fn notify(user: u64) {
    let _ = user;
}

async fn skip(_user: u64, cause: Cause<Infallible>) {
    assert!(!cause.is_failure());
}

fn assert_send<T: Send>(_: &T) {}

fn main() {
    assert_send(&forecast(String::new()));
    assert_send(&notify(1));
}
