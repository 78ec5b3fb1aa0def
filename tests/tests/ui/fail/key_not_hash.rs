//! A key's breaker is found by hashing it: a key type without `Hash` is one error, at the
//! `key` expression, saying what a key must be.
use std::fmt;

use fusebox::{circuit_breaker, BreakerError};

#[derive(Clone, PartialEq, Eq)]
struct Tenant(u64);

impl fmt::Display for Tenant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tenant {}", self.0)
    }
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

#[circuit_breaker(name = "tenants", key = tenant)]
async fn fetch(tenant: Tenant) -> Result<u64, AppError> {
    Ok(tenant.0)
}

fn main() {
    let _ = fetch(Tenant(1));
    let _ = AppError::Unavailable;
}
