//! How the layer counts a finished call: by default every `Err` is a failure and every `Ok` a
//! success; a [`Classifier`] can also count an `Ok` as a failure (an HTTP 503 in a response)
//! or an `Err` as nothing at all (a client's bad request).

use crate::call::{Classify, Verdict};

/// Decides how a finished call through the layer counts, from the inner service's result.
///
/// Any `Fn(&Result<Response, Error>) -> Verdict` is one; the closure's parameter needs its
/// type written out, since the layer is made before the service it wraps:
///
/// ```
/// use fusebox::tower::Verdict;
///
/// // A 5xx inside an `Ok` response is a failure; a 4xx is the caller's, not the upstream's.
/// let classify = |result: &Result<u16, std::io::Error>| match result {
///     Ok(status) if *status >= 500 => Verdict::Failure,
///     Ok(status) if *status >= 400 => Verdict::Ignored,
///     Ok(_) => Verdict::Success,
///     Err(_) => Verdict::Failure,
/// };
/// let layer = fusebox::tower::CircuitBreakerLayer::named("statuses", fusebox::Config::new())
///     .classify(classify);
/// # let _ = layer;
/// ```
pub trait Classifier<Response, Error> {
    /// The verdict on `result`: [`Verdict::Failure`] is counted as one, [`Verdict::Success`]
    /// resets the consecutive failures, [`Verdict::Ignored`] counts as neither and gives back
    /// a half-open probe slot.
    fn classify(&self, result: &Result<Response, Error>) -> Verdict;
}

impl<Response, Error, F> Classifier<Response, Error> for F
where
    F: Fn(&Result<Response, Error>) -> Verdict,
{
    #[inline]
    fn classify(&self, result: &Result<Response, Error>) -> Verdict {
        self(result)
    }
}

/// The default classifier: every `Err` of the inner service is a failure, every `Ok` a
/// success.
#[derive(Clone, Copy, Debug, Default)]
pub struct ErrorsAreFailures;

impl<Response, Error> Classifier<Response, Error> for ErrorsAreFailures {
    #[inline]
    fn classify(&self, result: &Result<Response, Error>) -> Verdict {
        match result {
            Ok(_) => Verdict::Success,
            Err(_) => Verdict::Failure,
        }
    }
}

/// A [`Classifier`] as the call future's classifier (public only to be named in the futures'
/// private fields).
#[derive(Clone, Copy, Debug)]
pub struct Judged<C>(pub(crate) C);

impl<Response, Error, C> Classify<Result<Response, Error>> for Judged<C>
where
    C: Classifier<Response, Error>,
{
    #[inline]
    fn classify(&self, output: &Result<Response, Error>) -> Verdict {
        self.0.classify(output)
    }
}
