//! Without a fallback, the last attempt's answer is the fn's, so the fn must return a `Result`
//! that can carry a rejection: a fn returning anything else is one error, at its return type.
use fusebox::circuit_breaker;

#[circuit_breaker(retries = 2)]
async fn greeting(name: String) -> String {
    name
}

fn main() {
    let _ = greeting(String::new());
}
