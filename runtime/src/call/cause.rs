//! Why a fallback runs: the call was rejected, found its bulkhead full, timed out, failed or
//! panicked. A fallback may take it as its last parameter.

use std::error::Error;
use std::fmt;

use crate::error::BreakerError;

/// Why a fallback runs, given to a fallback that takes it as its last parameter:
/// `async fn cached_weather(city: String, cause: fusebox::Cause<AppError>)`.
///
/// `E` is the protected fn's error type (`Result<T, E>`); for a fn that does not return a
/// `Result` it is [`std::convert::Infallible`], since such a fn cannot fail by returning.
/// Its `Debug` shows the inner error, its `Display` says what happened.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cause<E> {
    /// The fn never ran: the circuit is open, forced open, or half-open with every probe
    /// slot taken.
    Rejected(BreakerError),
    /// The fn never ran: every bulkhead slot was taken (for `max_wait`, if set).
    BulkheadFull(BreakerError),
    /// The fn ran past its deadline and was dropped; it counted as a failure.
    TimedOut(BreakerError),
    /// The fn returned this error, and it counted as a failure.
    Failed(E),
    /// The fn panicked; it counted as a failure. The panic's message, when it was a string.
    Panicked(Option<String>),
}

impl<E> Cause<E> {
    /// The fn's own error, when it failed by returning one.
    pub fn error(&self) -> Option<&E> {
        match self {
            Cause::Failed(error) => Some(error),
            _ => None,
        }
    }

    /// The fn's own error, when it failed by returning one.
    pub fn into_error(self) -> Option<E> {
        match self {
            Cause::Failed(error) => Some(error),
            _ => None,
        }
    }

    /// The breaker's error, when the breaker rejected the call or timed it out.
    pub fn breaker_error(&self) -> Option<&BreakerError> {
        match self {
            Cause::Rejected(error) | Cause::BulkheadFull(error) | Cause::TimedOut(error) => {
                Some(error)
            }
            Cause::Failed(_) | Cause::Panicked(_) => None,
        }
    }

    /// True when the fn never ran: rejected by the circuit or by a full bulkhead.
    pub fn is_rejection(&self) -> bool {
        matches!(self, Cause::Rejected(_) | Cause::BulkheadFull(_))
    }

    /// True when the fn ran past its deadline.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Cause::TimedOut(_))
    }

    /// True when the fn returned an error that counted as a failure.
    pub fn is_failure(&self) -> bool {
        matches!(self, Cause::Failed(_))
    }

    /// True when the fn panicked.
    pub fn is_panic(&self) -> bool {
        matches!(self, Cause::Panicked(_))
    }

    /// The panic's message, when the fn panicked with a string.
    pub fn panic_message(&self) -> Option<&str> {
        match self {
            Cause::Panicked(message) => message.as_deref(),
            _ => None,
        }
    }
}

impl<E: fmt::Display> fmt::Display for Cause<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cause::Rejected(error) | Cause::BulkheadFull(error) | Cause::TimedOut(error) => {
                error.fmt(f)
            }
            Cause::Failed(error) => write!(f, "the call failed: {error}"),
            Cause::Panicked(Some(message)) => write!(f, "the call panicked: {message}"),
            Cause::Panicked(None) => f.write_str("the call panicked"),
        }
    }
}

impl<E: Error + 'static> Error for Cause<E> {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            Cause::Rejected(error) | Cause::BulkheadFull(error) | Cause::TimedOut(error) => {
                Some(error)
            }
            Cause::Failed(error) => Some(error),
            Cause::Panicked(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[derive(Debug, PartialEq)]
    struct Upstream;

    impl fmt::Display for Upstream {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("upstream said 503")
        }
    }

    impl Error for Upstream {}

    fn open() -> BreakerError {
        BreakerError::Open {
            name: "weather_api",
            retry_at: (tokio::time::Instant::now() + Duration::from_secs(3)).into(),
        }
    }

    #[test]
    fn failed_shows_and_gives_its_error() {
        let cause = Cause::Failed(Upstream);
        assert_eq!(format!("{cause:?}"), "Failed(Upstream)");
        assert_eq!(cause.to_string(), "the call failed: upstream said 503");
        assert_eq!(cause.source().unwrap().to_string(), "upstream said 503");
        assert!(cause.is_failure() && !cause.is_rejection());
        assert_eq!(cause.error(), Some(&Upstream));
        assert_eq!(cause.into_error(), Some(Upstream));
    }

    // On the paused clock, so that the open error's time left reads the same each time.
    #[tokio::test(start_paused = true)]
    async fn rejections_carry_the_breaker_error() {
        let cause: Cause<Upstream> = Cause::Rejected(open());
        assert!(cause.is_rejection() && !cause.is_timeout());
        assert_eq!(cause.breaker_error(), Some(&open()));
        assert_eq!(cause.to_string(), open().to_string());
        assert_eq!(cause.source().unwrap().to_string(), open().to_string());
        assert_eq!(cause.into_error(), None);
    }

    #[test]
    fn panics_keep_their_message() {
        let cause: Cause<Upstream> = Cause::Panicked(Some("index out of bounds".into()));
        assert!(cause.is_panic());
        assert_eq!(cause.panic_message(), Some("index out of bounds"));
        assert_eq!(cause.to_string(), "the call panicked: index out of bounds");
        assert!(cause.source().is_none());
        let silent: Cause<Upstream> = Cause::Panicked(None);
        assert_eq!(silent.to_string(), "the call panicked");
    }
}
