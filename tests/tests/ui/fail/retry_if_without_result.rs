//! `retry_if` judges the errors of a `Result`; a fn that returns something else is retried
//! after a timeout only, so the predicate is refused.
use fusebox::circuit_breaker;

fn is_transient(_: &String) -> bool {
    true
}

#[circuit_breaker(timeout = "1s", retries = 2, retry_if = is_transient, fallback = plain)]
async fn greeting(name: String) -> String {
    name
}

async fn plain(name: String) -> String {
    name
}

fn main() {
    let _ = greeting(String::new());
}
