//! How long an error says to wait before a retry: a `Retry-After`, an MCP rate limit. An error
//! type that knows implements [`RetryAfter`]; the generated code asks through [`Hint`], which
//! finds the implementation where there is one and says `None` otherwise (a method found on
//! `Hint` itself wins over one found through a reference to it).

use std::time::Duration;

use crate::call::Cause;

/// An error that may say how long to wait before trying again.
///
/// ```
/// use std::time::Duration;
///
/// #[derive(Debug)]
/// enum UpstreamError { RateLimited { retry_after_secs: u64 }, Down }
///
/// impl fusebox::RetryAfter for UpstreamError {
///     fn retry_after(&self) -> Option<Duration> {
///         match self {
///             UpstreamError::RateLimited { retry_after_secs } => {
///                 Some(Duration::from_secs(*retry_after_secs))
///             }
///             UpstreamError::Down => None,
///         }
///     }
/// }
/// ```
///
/// Where it says a wait, the retry waits that long instead of its backoff; where that wait
/// would end past the call's `retry_deadline`, or is longer than `retry_max_backoff`, the
/// call does not retry and its fallback answers at once.
pub trait RetryAfter {
    /// How long to wait before trying again, if this error says.
    fn retry_after(&self) -> Option<Duration>;
}

/// The cause of a failed attempt, asked for its error's hint.
#[derive(Debug)]
pub struct Hint<'a, E>(pub &'a Cause<E>);

/// Reads the hint of an error that implements [`RetryAfter`]: `(&Hint(&cause)).wait_hint()`.
pub trait HintFromError {
    /// The wait the failed attempt's error asks for.
    fn wait_hint(&self) -> Option<Duration>;
}

impl<E: RetryAfter> HintFromError for Hint<'_, E> {
    #[inline]
    fn wait_hint(&self) -> Option<Duration> {
        self.0.error().and_then(RetryAfter::retry_after)
    }
}

/// No hint, for an error that does not implement [`RetryAfter`].
pub trait NoHint {
    /// Always `None`: the backoff decides.
    #[inline]
    fn wait_hint(&self) -> Option<Duration> {
        None
    }
}

impl<E> NoHint for &Hint<'_, E> {}

/// The output of a failed attempt of a fn without a fallback, asked for its error's hint.
#[derive(Debug)]
pub struct HintOf<'a, R>(pub &'a R);

impl<T, E: RetryAfter> HintFromError for HintOf<'_, Result<T, E>> {
    #[inline]
    fn wait_hint(&self) -> Option<Duration> {
        self.0.as_ref().err().and_then(RetryAfter::retry_after)
    }
}

impl<R> NoHint for &HintOf<'_, R> {}
