//! `failure_if_ok` judges the `Ok` values of a `Result`: on a fn that does not return one it is
//! reported at its path.
use fusebox::circuit_breaker;

fn is_empty(city: &String) -> bool {
    city.is_empty()
}

#[circuit_breaker(fallback = cached_weather, failure_if_ok = is_empty)]
async fn live_weather(city: String) -> String {
    city
}

async fn cached_weather(city: String) -> String {
    city
}

fn main() {
    let _ = live_weather(String::new());
}
