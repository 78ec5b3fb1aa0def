//! Async fns in trait impls: native, and with `#[async_trait]` (which boxes every fn of the
//! impl before the attribute runs; the attribute protects the boxed future). A bare fallback
//! name is the trait's method on `Self`. The futures stay `Send`.
use async_trait::async_trait;
use fusebox::{circuit_breaker, BreakerError, Cause};

#[derive(Debug)]
struct AppError;

impl From<BreakerError> for AppError {
    fn from(_: BreakerError) -> Self {
        AppError
    }
}

trait Weather {
    async fn current(&self, city: String) -> Result<String, AppError>;
    async fn cached(&self, city: String, cause: Cause<AppError>) -> Result<String, AppError>;
}

struct Live;

impl Weather for Live {
    #[circuit_breaker(name = "native_trait", fallback = cached)]
    async fn current(&self, city: String) -> Result<String, AppError> {
        Ok(city)
    }

    async fn cached(&self, city: String, _cause: Cause<AppError>) -> Result<String, AppError> {
        Ok(city)
    }
}

#[async_trait]
trait Forecast {
    async fn week(&self, city: String, days: u8) -> Result<String, AppError>;
    async fn cached_week(&self, city: String, days: u8) -> Result<String, AppError>;
    async fn today(&mut self, city: String) -> Result<String, AppError>;
    async fn tomorrow(&mut self, city: String) -> Result<String, AppError>;
    async fn cached_day(&mut self, city: String) -> Result<String, AppError>;
}

struct Service {
    calls: u32,
}

#[async_trait]
impl Forecast for Service {
    #[circuit_breaker(name = "async_trait", timeout = "5s", fallback = cached_week)]
    async fn week(&self, city: String, mut days: u8) -> Result<String, AppError> {
        days += 1;
        Ok(format!("{city} {days}"))
    }

    async fn cached_week(&self, city: String, _days: u8) -> Result<String, AppError> {
        Ok(city)
    }

    #[circuit_breaker(name = "async_trait_plain")]
    async fn today(&mut self, city: String) -> Result<String, AppError> {
        self.calls += 1;
        Ok(city)
    }

    #[circuit_breaker(name = "async_trait_exclusive", fallback = cached_day)]
    async fn tomorrow(&mut self, city: String) -> Result<String, AppError> {
        self.calls += 1;
        Ok(city)
    }

    async fn cached_day(&mut self, city: String) -> Result<String, AppError> {
        self.calls += 100;
        Ok(city)
    }
}

fn assert_send<T: Send>(_: &T) {}

fn main() {
    assert_send(&Live.current(String::new()));
    let mut service = Service { calls: 0 };
    assert_send(&service.week(String::new(), 1));
    assert_send(&service.today(String::new()));
    assert_send(&service.tomorrow(String::new()));
}
