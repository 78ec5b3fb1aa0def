//! A key is shown in its family's stats: a key type without `Display` is one error, at the
//! `key` expression, saying what a key must be.
use fusebox::{circuit_breaker, BreakerError};

#[derive(Clone, PartialEq, Eq, Hash)]
struct Region(u8);

#[derive(Clone)]
struct Request {
    region: Region,
}

#[derive(Debug)]
enum AppError {
    Unavailable(BreakerError),
}

impl From<BreakerError> for AppError {
    fn from(error: BreakerError) -> Self {
        AppError::Unavailable(error)
    }
}

#[circuit_breaker(name = "regions", key = req.region.clone(), fallback = cached)]
async fn forecast(req: Request) -> Result<String, AppError> {
    Ok(format!("{}", req.region.0))
}

async fn cached(_req: Request) -> Result<String, AppError> {
    Ok(String::new())
}

fn main() {
    let _ = forecast(Request { region: Region(1) });
    let _ = AppError::Unavailable;
}
