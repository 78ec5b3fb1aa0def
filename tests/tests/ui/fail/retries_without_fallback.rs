//! Retries end in the fallback, which answers once they are spent: `retries` without one is
//! refused at the key (here on a fn that does not return a `Result` either).
use fusebox::circuit_breaker;

#[circuit_breaker(retries = 2)]
async fn greeting(name: String) -> String {
    name
}

fn main() {
    let _ = greeting(String::new());
}
