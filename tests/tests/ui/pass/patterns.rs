//! With a fallback, destructuring patterns, `_`, `ref` and `mut` bindings are accepted: the
//! signature binds a generated name, the body binds the pattern again, and the fallback gets
//! the whole argument. The futures stay `Send`.
use fusebox::{circuit_breaker, BreakerError};

#[derive(Debug)]
struct AppError;

impl From<BreakerError> for AppError {
    fn from(_: BreakerError) -> Self {
        AppError
    }
}

#[derive(Clone)]
struct Args {
    city: String,
    days: u8,
}

#[derive(Clone)]
struct Parameters<T>(T);

#[circuit_breaker(name = "tuple", fallback = cached_tuple)]
async fn tuple((city, days): (String, u8)) -> Result<String, AppError> {
    Ok(format!("{city} {days}"))
}

async fn cached_tuple(place: (String, u8)) -> Result<String, AppError> {
    Ok(place.0)
}

#[circuit_breaker(name = "structs", fallback = cached_args)]
async fn structs(Parameters(Args { city, days }): Parameters<Args>) -> Result<String, AppError> {
    Ok(format!("{city} {days}"))
}

async fn cached_args(args: Parameters<Args>) -> Result<String, AppError> {
    Ok(args.0.city)
}

#[circuit_breaker(name = "bindings", fallback = cached_bindings)]
async fn bindings(mut attempts: u32, _: u8, ref label: String) -> Result<String, AppError> {
    attempts += 1;
    Ok(format!("{label} {attempts}"))
}

async fn cached_bindings(attempts: u32, _skipped: u8, label: String) -> Result<String, AppError> {
    Ok(format!("{label} {attempts} (cached)"))
}

fn assert_send<T: Send>(_: &T) {}

fn main() {
    assert_send(&tuple((String::new(), 1)));
    assert_send(&structs(Parameters(Args {
        city: String::new(),
        days: 1,
    })));
    assert_send(&bindings(1, 2, String::new()));
}
