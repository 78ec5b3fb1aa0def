//! `failure_if` judges errors: on a fn that does not return a `Result` it is reported at its
//! path.
use fusebox::circuit_breaker;

fn is_server_error(_: &u16) -> bool {
    true
}

#[circuit_breaker(fallback = cached_weather, failure_if = is_server_error)]
async fn live_weather(city: String) -> String {
    city
}

async fn cached_weather(city: String) -> String {
    city
}

fn main() {
    let _ = live_weather(String::new());
}
