//! A call without a fallback, through `#[circuit_breaker]` or [`Breaker::call`]: a rejection
//! or a timeout comes back as the fn's own error.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use super::classify::{Classify, CountErrors, FailureIf, FailureIfOk, Outcome};
use super::deadline::{Deadline, NoDeadline};
use super::guard::{run, Call, Finished};
use crate::breaker::{Breaker, Permit};
use crate::error::BreakerError;

/// How a call through [`Breaker::call`] counts, and how it reports a rejection or a timeout:
/// as the fn's own error.
pub trait Protects<T>: Classify<T> {
    /// The fn's own error for a rejection or a timeout.
    fn reject(error: BreakerError) -> T;
}

impl<T> Protects<T> for CountErrors
where
    T: Outcome,
    T::Error: From<BreakerError>,
{
    #[inline]
    fn reject(error: BreakerError) -> T {
        T::from_error(T::Error::from(error))
    }
}

/// The return type of a protected fn without a fallback: a `Result`, whose error carries a
/// rejection or a timeout.
///
/// The generated code goes through this trait only, at the fn's return type, so that a
/// misuse is one error: every use asks the same bound (`R: CarriesRejection`, or
/// `R::Error: FromBreakerError` for [`reject`](CarriesRejection::reject)), which the compiler
/// reports once, and the classifier's type is one of its associated types, which stays
/// unknown, not wrong, when the bound does not hold. Reached from the crate root (hidden), so
/// that the error names `fusebox::CarriesRejection`, not a private path.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`#[circuit_breaker]` without a `fallback` needs the fn to return a `Result`, \
               found `{Self}`",
    label = "a rejection or a timeout cannot be returned as this type",
    note = "return `Result<T, E>` with `impl From<fusebox::BreakerError> for E`, or add a \
            `fallback`: it answers rejections, timeouts and panics with this type"
)]
pub trait CarriesRejection: Sized {
    /// The value a success carries.
    type Value;
    /// The error a failure carries.
    type Error;
    /// The classifier that counts every error.
    type CountErrors: Classify<Self>;
    /// The classifier that counts the errors a predicate accepts.
    type FailureIf: Classify<Self>;

    /// Every error of `future`, the fn's body, is a failure.
    fn count_errors<F: Future<Output = Self>>(future: &F) -> Self::CountErrors;

    /// Only the errors `predicate` accepts are failures.
    fn failure_if<F: Future<Output = Self>>(
        future: &F,
        predicate: fn(&Self::Error) -> bool,
    ) -> Self::FailureIf;

    /// `failure_if_ok`: the `Ok` values `predicate` accepts are failures too, the other
    /// outputs count as `inner` says.
    fn failure_if_ok<F: Future<Output = Self>, C>(
        future: &F,
        inner: C,
        predicate: fn(&Self::Value) -> bool,
    ) -> FailureIfOk<C, Self::Value>;

    /// A rejection or a timeout, as the fn's own error.
    fn reject(error: BreakerError) -> Self
    where
        Self::Error: FromBreakerError;

    /// With `retries`: the errors `predicate` accepts are retried (every error without
    /// `retry_if`, as [`retry_all`](CarriesRejection::retry_all) says).
    #[inline]
    fn retry_if<F: Future<Output = Self>>(
        _: &F,
        predicate: fn(&Self::Error) -> bool,
    ) -> fn(&Self::Error) -> bool {
        predicate
    }

    /// With `retries` and no `retry_if`: every counted error is retried.
    #[inline]
    fn retry_all<F: Future<Output = Self>>(_: &F) -> fn(&Self::Error) -> bool {
        |_| true
    }

    /// Whether a failed output may be retried: it holds an error `predicate` accepts.
    fn retryable(&self, predicate: fn(&Self::Error) -> bool) -> bool;
}

impl<T, E> CarriesRejection for Result<T, E> {
    type Value = T;
    type Error = E;
    type CountErrors = CountErrors;
    type FailureIf = FailureIf<E>;

    #[inline]
    fn count_errors<F: Future<Output = Self>>(_: &F) -> CountErrors {
        CountErrors
    }

    #[inline]
    fn failure_if<F: Future<Output = Self>>(_: &F, predicate: fn(&E) -> bool) -> FailureIf<E> {
        FailureIf(predicate)
    }

    #[inline]
    fn failure_if_ok<F: Future<Output = Self>, C>(
        _: &F,
        inner: C,
        predicate: fn(&T) -> bool,
    ) -> FailureIfOk<C, T> {
        FailureIfOk { inner, predicate }
    }

    #[inline]
    fn reject(error: BreakerError) -> Self
    where
        E: FromBreakerError,
    {
        Err(E::from(error))
    }

    #[inline]
    fn retryable(&self, predicate: fn(&E) -> bool) -> bool {
        self.as_ref().err().is_some_and(predicate)
    }
}

/// The error type of a protected fn without a fallback: it must carry a rejection or a
/// timeout. A bound of its own, so that a missing `From` is reported with the fix.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`#[circuit_breaker]` without a `fallback` returns a rejection or a timeout as \
               the fn's error, but `{Self}` does not implement `From<fusebox::BreakerError>`",
    label = "a rejection or a timeout cannot be returned as this type's error",
    note = "add `impl From<fusebox::BreakerError> for {Self}`, or add a `fallback`: it answers \
            rejections, timeouts and panics instead"
)]
pub trait FromBreakerError: From<BreakerError> {}

impl<E: From<BreakerError>> FromBreakerError for E {}

/// How a call without a fallback returns a rejection or a timeout: as the fn's own error.
pub trait Reject<T> {
    /// The fn's own error for `error`.
    fn reject(&self, error: BreakerError) -> T;
}

/// What the generated code passes: a closure that captures nothing (so it costs nothing to
/// keep), whose body asks the fn's return type, through [`CarriesRejection::reject`].
impl<T, J: Fn(BreakerError) -> T> Reject<T> for J {
    #[inline]
    fn reject(&self, error: BreakerError) -> T {
        self(error)
    }
}

/// The rejection of a call through a breaker's handle: its classifier's.
pub struct ByClassifier<C>(PhantomData<fn() -> C>);

impl<T, C: Protects<T>> Reject<T> for ByClassifier<C> {
    #[inline]
    fn reject(&self, error: BreakerError) -> T {
        C::reject(error)
    }
}

pin_project! {
    /// A call admitted through its breaker without a fallback, run to its end: a timeout or a
    /// full bulkhead comes back as the fn's own error, made by `reject`.
    pub struct Admitted<F, D, C, J> {
        #[pin]
        call: Call<F, D, C>,
        reject: J,
    }
}

/// Runs `future` under `permit`, with no fallback to answer for it.
#[inline]
pub(crate) fn admitted<F, D, C, J>(
    permit: Permit,
    deadline: D,
    classify: C,
    reject: J,
    future: F,
) -> Admitted<F, D, C, J> {
    Admitted {
        call: run(permit, deadline, classify, future),
        reject,
    }
}

impl<F, D, C, J> Future for Admitted<F, D, C, J>
where
    F: Future,
    D: Deadline,
    C: Classify<F::Output>,
    J: Reject<F::Output>,
{
    type Output = F::Output;

    // Always, as `Call::poll`: the call's result is written in parts and read back whole.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        match this.call.poll(cx) {
            Poll::Ready(
                Finished::Succeeded(output) | Finished::Failed(output) | Finished::Ignored(output),
            ) => Poll::Ready(output),
            Poll::Ready(Finished::TimedOut(error) | Finished::Rejected(error)) => {
                Poll::Ready(this.reject.reject(error))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

pin_project! {
    /// A call through a breaker's handle: rejected at once, or run to its end. A rejection
    /// comes back as the fn's own error.
    pub struct Protect<F, D, C> {
        #[pin]
        call: Option<Admitted<F, D, C, ByClassifier<C>>>,
        rejected: Option<BreakerError>,
    }
}

/// Admits `future` through `breaker`, or rejects it without polling it.
// Always: returned by value from an out-of-line copy, the future is written in parts and read
// back whole at once, which stalls on store forwarding (about 6 ns a call, measured).
#[allow(clippy::inline_always)]
#[inline(always)]
pub(crate) fn protect<F, D, C>(
    breaker: &'static Breaker,
    deadline: D,
    classify: C,
    future: F,
) -> Protect<F, D, C> {
    match breaker.try_acquire() {
        Ok(permit) => Protect {
            call: Some(admitted(
                permit,
                deadline,
                classify,
                ByClassifier(PhantomData),
                future,
            )),
            rejected: None,
        },
        Err(error) => Protect {
            call: None,
            rejected: Some(error),
        },
    }
}

impl<F, D, C> Future for Protect<F, D, C>
where
    F: Future,
    D: Deadline,
    C: Protects<F::Output>,
{
    type Output = F::Output;

    // Always, as `protect`: the call's result is written in parts and read back whole.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let Some(call) = this.call.as_pin_mut() else {
            // Polled again after it finished: like any finished future, it never completes again.
            return this
                .rejected
                .take()
                .map_or(Poll::Pending, |error| Poll::Ready(C::reject(error)));
        };
        call.poll(cx)
    }
}

impl Breaker {
    /// Runs `future` through this breaker: rejected at once with `E::from(BreakerError)` while
    /// the circuit is open, counted as a success or a failure when it finishes, neither when it
    /// is dropped. This is what `#[circuit_breaker]` without a fallback or timeout does.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fusebox::{registry, BreakerError, Config};
    ///
    /// let breaker = registry().register("inventory_api", Config::new().threshold(1));
    /// let failed: Result<u32, BreakerError> = breaker.call(async { Err(BreakerError::HalfOpenFull { name: "upstream" }) }).await;
    /// assert!(failed.is_err());
    /// let rejected = breaker.call(async { Ok::<u32, BreakerError>(1) }).await;
    /// assert!(matches!(rejected, Err(BreakerError::Open { .. })));
    /// # }
    /// ```
    #[inline]
    pub fn call<F, T, E>(&'static self, future: F) -> impl Future<Output = Result<T, E>>
    where
        F: Future<Output = Result<T, E>>,
        E: From<BreakerError>,
    {
        protect(self, NoDeadline, CountErrors, future)
    }
}
