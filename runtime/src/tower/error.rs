//! The error of a service behind the layer without a fallback: the breaker's, or the inner
//! service's own.

use std::error::Error as StdError;
use std::fmt;

use crate::error::BreakerError;

/// Why a call through a [`CircuitBreaker`](super::CircuitBreaker) without a fallback failed:
/// the breaker turned it away or timed it out, or the inner service returned an error.
///
/// An enum rather than tower's usual `BoxError`: the caller tells a rejection from an upstream
/// error with a `match`, not a downcast, and keeps the inner error's type. It converts into a
/// `BoxError` with `?` or `Into` when `E` is a `std::error::Error + Send + Sync`, so it fits
/// a stack of tower middleware that boxes its errors. Its `Display` and `source` are those of
/// the error it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error<E> {
    /// The breaker rejected the call before it reached the inner service (open, forced open,
    /// half-open with every probe slot taken, or a full bulkhead), or the call ran past the
    /// layer's timeout and was dropped.
    Breaker(BreakerError),
    /// The inner service returned this error.
    Inner(E),
}

impl<E> Error<E> {
    /// The breaker's error, if the breaker rejected or timed out the call.
    pub fn breaker_error(&self) -> Option<&BreakerError> {
        match self {
            Error::Breaker(error) => Some(error),
            Error::Inner(_) => None,
        }
    }

    /// The inner service's error, if it returned one.
    pub fn inner(&self) -> Option<&E> {
        match self {
            Error::Inner(error) => Some(error),
            Error::Breaker(_) => None,
        }
    }

    /// The inner service's error, if it returned one.
    pub fn into_inner(self) -> Option<E> {
        match self {
            Error::Inner(error) => Some(error),
            Error::Breaker(_) => None,
        }
    }

    /// True when the inner service never saw the request: the breaker rejected it.
    pub fn is_rejection(&self) -> bool {
        match self {
            Error::Breaker(error) => !matches!(error, BreakerError::TimedOut { .. }),
            Error::Inner(_) => false,
        }
    }

    /// True when the call ran past the layer's timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Breaker(BreakerError::TimedOut { .. }))
    }
}

impl<E: fmt::Display> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Breaker(error) => error.fmt(f),
            Error::Inner(error) => error.fmt(f),
        }
    }
}

impl<E: StdError + 'static> StdError for Error<E> {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Error::Breaker(error) => error.source(),
            Error::Inner(error) => error.source(),
        }
    }
}
