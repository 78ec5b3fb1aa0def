//! With a fallback, the return type is named in the expansion, so `impl Trait` is refused.
use std::fmt::Display;

use fusebox::circuit_breaker;

#[circuit_breaker(fallback = cached_weather)]
async fn live_weather(city: String) -> impl Display {
    city
}

async fn cached_weather(city: String) -> impl Display {
    city
}

fn main() {
    let _ = live_weather(String::new());
}
