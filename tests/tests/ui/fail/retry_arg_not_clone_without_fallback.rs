//! Without a fallback too, each retry needs the arguments again: an argument that is not
//! `Clone` is reported at its type, named in the message.
use fusebox::{circuit_breaker, BreakerError};

#[derive(Debug)]
struct AppError;

impl From<BreakerError> for AppError {
    fn from(_: BreakerError) -> Self {
        AppError
    }
}

struct Connection;

#[circuit_breaker(retries = 2)]
async fn live_weather(city: String, connection: Connection) -> Result<String, AppError> {
    drop(connection);
    Ok(city)
}

fn main() {
    let _ = live_weather(String::new(), Connection);
}
