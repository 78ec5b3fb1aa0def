//! Methods with `&self`, `&mut self`, `self` and `self: Arc<Self>`: a bare fallback name means
//! the method on `Self` (with or without a `Cause`), a path names any fn; the futures stay `Send`.
use std::sync::Arc;

use fusebox::{circuit_breaker, BreakerError, Cause};

#[derive(Debug)]
struct AppError;

impl From<BreakerError> for AppError {
    fn from(_: BreakerError) -> Self {
        AppError
    }
}

#[derive(Clone)]
struct Client {
    answers: u32,
}

impl Client {
    #[circuit_breaker(name = "shared", fallback = cached)]
    async fn get(&self, key: String) -> Result<String, AppError> {
        Ok(key)
    }

    async fn cached(&self, key: String) -> Result<String, AppError> {
        Ok(key)
    }

    #[circuit_breaker(name = "exclusive", fallback = count_cached)]
    async fn count(&mut self, key: String) -> Result<String, AppError> {
        self.answers += 1;
        Ok(key)
    }

    async fn count_cached(&mut self, key: String) -> Result<String, AppError> {
        self.answers += 100;
        Ok(key)
    }

    #[circuit_breaker(name = "owned", fallback = Self::fixed)]
    async fn into_answer(self, key: String) -> Result<String, AppError> {
        Ok(format!("{key}{}", self.answers))
    }

    async fn fixed(key: String) -> Result<String, AppError> {
        Ok(key)
    }

    #[circuit_breaker(name = "arc", fallback = cached_arc)]
    async fn via_arc(self: Arc<Self>, key: String) -> Result<String, AppError> {
        Ok(format!("{key}{}", self.answers))
    }

    async fn cached_arc(
        self: Arc<Self>,
        key: String,
        cause: Cause<AppError>,
    ) -> Result<String, AppError> {
        Ok(format!("{key}{} {cause:?}", self.answers))
    }

    #[circuit_breaker(name = "no_fallback")]
    async fn plain(&self) -> Result<u32, AppError> {
        Ok(self.answers)
    }
}

fn assert_send<T: Send>(_: &T) {}

fn main() {
    let mut client = Client { answers: 0 };
    assert_send(&client.get(String::new()));
    assert_send(&client.plain());
    assert_send(&client.count(String::new()));
    assert_send(&client.clone().into_answer(String::new()));
    assert_send(&Arc::new(client.clone()).via_arc(String::new()));
}
