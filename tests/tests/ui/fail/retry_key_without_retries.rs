//! The keys that shape retries need `retries`; alone they would do nothing.
use fusebox::circuit_breaker;

#[circuit_breaker(retry_backoff = "200ms", fallback = plain)]
async fn greeting(name: String) -> String {
    name
}

async fn plain(name: String) -> String {
    name
}

fn main() {
    let _ = greeting(String::new());
}
