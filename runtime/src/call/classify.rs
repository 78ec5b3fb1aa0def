//! Which outcomes count: every `Err` by default, or only the errors a `failure_if` predicate
//! accepts. An error that does not count is returned as it is, runs no fallback and gives its
//! permit back, so a caller's bad input cannot trip a breaker that guards a healthy service.

/// What a protected fn returns: tells a success from a failure, and can carry a rejection or
/// a timeout when there is no fallback.
pub trait Outcome {
    /// The error a failure carries.
    type Error;

    /// True when this value is a failure.
    fn is_failure(&self) -> bool;

    /// The value that reports `error` to the caller.
    fn from_error(error: Self::Error) -> Self;
}

impl<T, E> Outcome for Result<T, E> {
    type Error = E;

    #[inline]
    fn is_failure(&self) -> bool {
        self.is_err()
    }

    #[inline]
    fn from_error(error: E) -> Self {
        Err(error)
    }
}

/// How the breaker counts one finished call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A success: resets the consecutive failures, counts toward closing a half-open circuit.
    Success,
    /// A counted failure.
    Failure,
    /// Neither: the result is returned as it is and the permit is given back.
    Ignored,
}

/// Decides how a call's output counts.
pub trait Classify<T> {
    /// The verdict on `output`.
    fn classify(&self, output: &T) -> Verdict;
}

/// The default: every `Err` is a failure, every `Ok` a success.
#[derive(Clone, Copy, Debug, Default)]
pub struct CountErrors;

impl<T: Outcome> Classify<T> for CountErrors {
    #[inline]
    fn classify(&self, output: &T) -> Verdict {
        if output.is_failure() {
            Verdict::Failure
        } else {
            Verdict::Success
        }
    }
}

/// A fn that does not return a `Result`, given a fallback: every value it returns is a
/// success; only a timeout, a panic or a rejection runs the fallback.
#[derive(Clone, Copy, Debug, Default)]
pub struct NeverFails;

impl<T> Classify<T> for NeverFails {
    #[inline]
    fn classify(&self, _: &T) -> Verdict {
        Verdict::Success
    }
}

/// `failure_if = predicate`: an `Err` counts as a failure only when `predicate(&error)` holds.
#[derive(Debug)]
pub struct FailureIf<E>(pub fn(&E) -> bool);

// By hand: a derive would ask `E: Clone`, which a fn pointer does not need. Each attempt of a
// retried call takes its own copy.
impl<E> Clone for FailureIf<E> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<E> Copy for FailureIf<E> {}

impl<T, E> Classify<Result<T, E>> for FailureIf<E> {
    #[inline]
    fn classify(&self, output: &Result<T, E>) -> Verdict {
        match output {
            Ok(_) => Verdict::Success,
            Err(error) if (self.0)(error) => Verdict::Failure,
            Err(_) => Verdict::Ignored,
        }
    }
}

/// `failure_if_ok = predicate`: an `Ok` value `predicate` accepts counts as a failure (a
/// degraded answer: an empty page, a stale quote), and every other output as `inner` says. The
/// value is still returned as it is, as resilience4j's `recordResult` does: it counts toward
/// opening the circuit, and once the circuit is open the calls are rejected.
#[derive(Debug)]
pub struct FailureIfOk<C, T> {
    /// How the other outputs count.
    pub inner: C,
    /// Which `Ok` values are failures.
    pub predicate: fn(&T) -> bool,
}

// By hand: a derive would ask `T: Clone`, which a fn pointer does not need.
impl<C: Clone, T> Clone for FailureIfOk<C, T> {
    fn clone(&self) -> Self {
        FailureIfOk {
            inner: self.inner.clone(),
            predicate: self.predicate,
        }
    }
}

impl<C: Copy, T> Copy for FailureIfOk<C, T> {}

impl<C: Classify<Result<T, E>>, T, E> Classify<Result<T, E>> for FailureIfOk<C, T> {
    #[inline]
    fn classify(&self, output: &Result<T, E>) -> Verdict {
        match output {
            Ok(value) if (self.predicate)(value) => Verdict::Failure,
            _ => self.inner.classify(output),
        }
    }
}
