//! The retry policy of one call through the handle API, beside the breaker's retry settings:
//! which errors are worth a retry, whether the error's [`RetryAfter`] hint sets the wait, and
//! each attempt's timeout, as the attribute's `retry_if`, its hint and its `timeout`.

use std::time::Duration;

use super::hint::RetryAfter;

/// How [`Breaker::call_with_retry_options`](crate::Breaker::call_with_retry_options) treats
/// each attempt's error: by default every error is retried, the backoff sets every wait, and
/// an attempt has no timeout of its own.
///
/// ```
/// use std::time::Duration;
/// use fusebox::{BreakerError, RetryAfter, RetryOptions};
///
/// enum ApiError { BadRequest, RateLimited { retry_after: Duration }, Breaker(BreakerError) }
///
/// impl RetryAfter for ApiError {
///     fn retry_after(&self) -> Option<Duration> {
///         match self {
///             ApiError::RateLimited { retry_after } => Some(*retry_after),
///             _ => None,
///         }
///     }
/// }
///
/// fn is_transient(error: &ApiError) -> bool {
///     !matches!(error, ApiError::BadRequest)
/// }
///
/// let options: RetryOptions<ApiError> = RetryOptions::new()
///     .retry_if(is_transient)
///     .timeout(Duration::from_secs(2))
///     .follow_retry_after();
/// # let _ = (options, ApiError::Breaker(BreakerError::HalfOpenFull { name: "x" }));
/// ```
#[derive(Debug)]
pub struct RetryOptions<E> {
    retry_if: fn(&E) -> bool,
    hint: fn(&E) -> Option<Duration>,
    timeout: Option<Duration>,
}

// Not derived: a derive would ask `E: Clone`, and only fn pointers to `E` are kept.
impl<E> Clone for RetryOptions<E> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<E> Copy for RetryOptions<E> {}

impl<E> Default for RetryOptions<E> {
    fn default() -> Self {
        RetryOptions::new()
    }
}

impl<E> RetryOptions<E> {
    /// Every error retried, waits from the backoff, no timeout per attempt.
    pub fn new() -> RetryOptions<E> {
        RetryOptions {
            retry_if: super::retrying::always,
            hint: no_hint,
            timeout: None,
        }
    }

    /// Retries only the errors `retry_if` accepts (a 503 is worth a retry, a 400 is not); the
    /// others come back at once. A timeout is always retried, a rejection never.
    #[must_use]
    pub fn retry_if(self, retry_if: fn(&E) -> bool) -> RetryOptions<E> {
        RetryOptions { retry_if, ..self }
    }

    /// Gives each attempt `timeout`, counted from the first time it waits, as the
    /// attribute's `timeout`: an attempt past it is dropped, counted as a failure and
    /// retried, and the last one comes back as `E::from(BreakerError::TimedOut)`.
    #[must_use]
    pub fn timeout(self, timeout: Duration) -> RetryOptions<E> {
        RetryOptions {
            timeout: Some(timeout),
            ..self
        }
    }

    /// Waits as the error's [`RetryAfter`] hint says where it says (a `Retry-After`, an MCP
    /// rate limit) instead of the backoff; a hint longer than `retry_max_backoff`, or than
    /// the time left before `retry_deadline`, means no retry.
    #[must_use]
    pub fn follow_retry_after(self) -> RetryOptions<E>
    where
        E: RetryAfter,
    {
        RetryOptions {
            hint: E::retry_after,
            ..self
        }
    }
}

/// What a call through the handle asks of its attempts' errors: the options it gave, or
/// [`EveryError`].
pub(super) trait Policy<E> {
    /// Whether `error` is worth a retry.
    fn retries(&self, error: &E) -> bool;
    /// The wait `error` asks for, if the policy follows hints.
    fn hint(&self, error: &E) -> Option<Duration>;
    /// Each attempt's own timeout, if any.
    fn attempt_timeout(&self) -> Option<Duration>;
}

impl<E> Policy<E> for RetryOptions<E> {
    fn retries(&self, error: &E) -> bool {
        (self.retry_if)(error)
    }

    fn hint(&self, error: &E) -> Option<Duration> {
        (self.hint)(error)
    }

    fn attempt_timeout(&self) -> Option<Duration> {
        self.timeout
    }
}

/// The policy of [`Breaker::call_with_retries`](crate::Breaker::call_with_retries): every
/// error retried, waits from the backoff, no timeout per attempt. Its answers are constants:
/// nothing of it is kept in the call's future.
pub(super) struct EveryError;

impl<E> Policy<E> for EveryError {
    #[inline]
    fn retries(&self, _: &E) -> bool {
        true
    }

    #[inline]
    fn hint(&self, _: &E) -> Option<Duration> {
        None
    }

    #[inline]
    fn attempt_timeout(&self) -> Option<Duration> {
        None
    }
}

/// No hint: the backoff decides.
fn no_hint<E>(_: &E) -> Option<Duration> {
    None
}
