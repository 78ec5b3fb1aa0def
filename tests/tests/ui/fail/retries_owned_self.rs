//! Each attempt runs the body again, so a retried method takes `&self`: a `self` taken by
//! value is refused at the receiver.
use fusebox::circuit_breaker;

#[derive(Clone)]
struct Client;

impl Client {
    #[circuit_breaker(retries = 2, fallback = offline)]
    async fn greeting(self, name: String) -> String {
        name
    }

    async fn offline(self, name: String) -> String {
        name
    }
}

fn main() {
    let _ = Client.greeting(String::new());
}
