//! A call that runs consumes its arguments, so a fallback needs a clone of each: an argument
//! that is not `Clone` is reported at its type, named in the message.
use fusebox::{circuit_breaker, BreakerError};

#[derive(Debug)]
struct AppError;

impl From<BreakerError> for AppError {
    fn from(_: BreakerError) -> Self {
        AppError
    }
}

struct Connection;

#[circuit_breaker(fallback = cached_weather)]
async fn live_weather(city: String, connection: Connection) -> Result<String, AppError> {
    drop(connection);
    Ok(city)
}

async fn cached_weather(city: String, _connection: Connection) -> Result<String, AppError> {
    Ok(city)
}

fn main() {
    let _ = live_weather(String::new(), Connection);
}
