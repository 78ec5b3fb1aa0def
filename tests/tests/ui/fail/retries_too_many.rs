//! At most 10 retries: more is refused at the value.
use fusebox::circuit_breaker;

#[circuit_breaker(retries = 11, fallback = plain)]
async fn greeting(name: String) -> String {
    name
}

async fn plain(name: String) -> String {
    name
}

fn main() {
    let _ = greeting(String::new());
}
