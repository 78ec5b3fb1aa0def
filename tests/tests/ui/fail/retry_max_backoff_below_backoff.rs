//! A backoff whose longest wait is below its shortest is refused, at the longest.
use fusebox::circuit_breaker;

#[circuit_breaker(
    retries = 2,
    retry_backoff = "2s",
    retry_max_backoff = "100ms",
    fallback = plain
)]
async fn greeting(name: String) -> String {
    name
}

async fn plain(name: String) -> String {
    name
}

fn main() {
    let _ = greeting(String::new());
}
