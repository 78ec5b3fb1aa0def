//! The fns retries must accept as they are, now that each attempt calls one async closure
//! around the body: a `&mut self` receiver (with and without a fallback), an `impl Trait`
//! argument whose methods the body calls, a pattern argument, a borrowed argument, an
//! `Err(..)?` whose error type comes from the return type, and a future that stays `Send`.
//! Every test runs on tokio's paused clock.

// Fallbacks are async fns by contract, even when they do not wait for anything.
#![allow(clippy::unused_async)]

mod support;

use std::fmt::Display;

use fusebox::circuit_breaker;
use support::flaky::Flaky;
use support::AppError;

struct Counter {
    upstream: Flaky,
    attempts: u32,
}

impl Counter {
    #[circuit_breaker(name = "retry_shapes_exclusive", retries = 2, fallback = offline)]
    async fn next(&mut self, step: u32) -> Result<u32, AppError> {
        self.attempts += step;
        self.upstream.call().await?;
        Ok(self.attempts)
    }

    async fn offline(&mut self, _step: u32) -> Result<u32, AppError> {
        Ok(self.attempts * 100)
    }

    #[circuit_breaker(name = "retry_shapes_exclusive_bare", retries = 1)]
    async fn bare(&mut self, (a, b): (u32, u32), label: &str) -> Result<String, AppError> {
        self.attempts += a + b;
        self.upstream.call().await?;
        Ok(format!("{label} {}", self.attempts))
    }
}

#[tokio::test(start_paused = true)]
async fn an_exclusive_receiver_is_lent_to_each_attempt_then_to_the_fallback() {
    let mut counter = Counter {
        upstream: Flaky::new(),
        attempts: 0,
    };
    counter.upstream.fail_next(1);
    assert_eq!(counter.next(1).await, Ok(2));
    counter.upstream.fail_next(3);
    assert_eq!(counter.next(1).await, Ok(500));
    counter.upstream.fail_next(1);
    assert_eq!(counter.bare((1, 2), "sum").await.unwrap(), "sum 11");
}

#[circuit_breaker(name = "retry_shapes_impl_trait", retries = 1, fallback = unnamed)]
async fn describe(upstream: &Flaky, name: impl Display + Clone) -> Result<String, AppError> {
    let shown = name.to_string();
    if shown.is_empty() {
        Err(AppError::Upstream)?;
    }
    upstream.call().await?;
    Ok(shown)
}

async fn unnamed(_: &Flaky, _: impl Display + Clone) -> Result<String, AppError> {
    Ok("unnamed".to_owned())
}

#[tokio::test(start_paused = true)]
async fn an_impl_trait_argument_and_a_borrowed_one_are_retried() {
    let upstream = Flaky::new();
    upstream.fail_next(1);
    assert_eq!(describe(&upstream, "Oslo").await.unwrap(), "Oslo");
    assert_eq!(upstream.take().0, 2);
    assert_eq!(describe(&upstream, "").await.unwrap(), "unnamed");
}

#[circuit_breaker(name = "retry_shapes_send", retries = 1)]
async fn owned(city: String) -> Result<String, AppError> {
    tokio::task::yield_now().await;
    Ok(city)
}

#[tokio::test(start_paused = true)]
async fn a_retried_fn_future_is_send() {
    let answer = tokio::spawn(owned("Oslo".to_owned())).await.unwrap();
    assert_eq!(answer.unwrap(), "Oslo");
}
