//! What a protected fn's return type means for its fallback: a `Result` counts its errors and
//! hands them to the fallback in a `Cause<E>`; any other type cannot fail by returning, so only
//! a rejection, a timeout or a panic runs the fallback.
//!
//! The macro cannot see through type aliases, so it asks the type system: `Probe::<R>::judge`
//! is an inherent method for `Result<T, E>`, which wins over the [`AnyValue`] trait method
//! every other type gets.

use std::convert::Infallible;
use std::marker::PhantomData;

use super::classify::{Classify, CountErrors, FailureIf, FailureIfOk, NeverFails};

/// The return type `R` of a protected fn, as a value the generated code can ask about.
pub struct Probe<R>(PhantomData<fn() -> R>);

impl<R> Probe<R> {
    /// A probe of `R`.
    #[inline]
    pub const fn new() -> Probe<R> {
        Probe(PhantomData)
    }
}

impl<R> Default for Probe<R> {
    fn default() -> Self {
        Probe::new()
    }
}

impl<T, E> Probe<Result<T, E>> {
    /// A `Result`: every `Err` is a failure the fallback receives.
    #[inline]
    pub fn judge(&self) -> CountErrors {
        CountErrors
    }

    /// `failure_if = predicate`: only the errors `predicate` accepts are failures. Typed from
    /// the fn's return type, so that a predicate of the wrong type is reported at its path.
    #[inline]
    pub fn failure_if(&self, predicate: fn(&E) -> bool) -> FailureIf<E> {
        FailureIf(predicate)
    }

    /// `failure_if_ok = predicate`: the `Ok` values `predicate` accepts count as failures too;
    /// the other outputs count as `inner` says. Typed from the fn's return type, so that a
    /// predicate of the wrong type is reported at its path.
    #[inline]
    pub fn failure_if_ok<C>(&self, inner: C, predicate: fn(&T) -> bool) -> FailureIfOk<C, T> {
        FailureIfOk { inner, predicate }
    }

    /// `retry_if = predicate`: only the counted errors `predicate` accepts are retried. Typed
    /// from the fn's return type, so that a predicate of the wrong type is reported at its
    /// path.
    #[inline]
    pub fn retry_if(&self, predicate: fn(&E) -> bool) -> fn(&E) -> bool {
        predicate
    }
}

/// Any return type that is not a `Result`: nothing it returns is a failure.
#[doc(hidden)]
pub trait AnyValue {
    /// The fn's return type.
    type Returns;

    /// Every value is a success.
    #[inline]
    fn judge(&self) -> NeverFails {
        NeverFails
    }

    /// `failure_if` on a fn that does not return a `Result`: refused by the bound, which says
    /// why, with a classifier of a known type so that nothing else is reported.
    #[inline]
    fn failure_if<E>(&self, _: fn(&E) -> bool) -> NeverFails
    where
        Self::Returns: ResultType,
    {
        NeverFails
    }

    /// `failure_if_ok` on a fn that does not return a `Result`: refused by the bound, which
    /// says why, with a classifier of a known type so that nothing else is reported.
    #[inline]
    fn failure_if_ok<C, T>(&self, _: C, _: fn(&T) -> bool) -> NeverFails
    where
        Self::Returns: OkValues,
    {
        NeverFails
    }

    /// `retry_if` on a fn that does not return a `Result`: refused by the bound, which says
    /// why, with a predicate of the type the retries expect so that nothing else is reported.
    #[inline]
    fn retry_if<E>(&self, _: fn(&E) -> bool) -> fn(&Infallible) -> bool
    where
        Self::Returns: RetriesErrors,
    {
        |_| true
    }
}

/// A `Result`, whose `Ok` values `failure_if_ok` judges.
#[diagnostic::on_unimplemented(
    message = "`failure_if_ok` needs the fn to return a `Result`, found `{Self}`",
    label = "`failure_if_ok` judges the `Ok` values of a `Result`; this fn returns `{Self}`",
    note = "remove `failure_if_ok`, or return a `Result` whose `Ok` values it judges"
)]
#[doc(hidden)]
pub trait OkValues {}

impl<T, E> OkValues for Result<T, E> {}

/// A `Result`, whose errors `retry_if` judges.
#[diagnostic::on_unimplemented(
    message = "`retry_if` needs the fn to return a `Result`, found `{Self}`",
    label = "`retry_if` judges the errors of a `Result`; this fn returns `{Self}`",
    note = "remove `retry_if`: a fn that does not return a `Result` is retried after a timeout \
            only"
)]
#[doc(hidden)]
pub trait RetriesErrors {}

impl<T, E> RetriesErrors for Result<T, E> {}

impl<R> AnyValue for Probe<R> {
    type Returns = R;
}

/// A `Result`, whose errors `failure_if` judges.
#[diagnostic::on_unimplemented(
    message = "`failure_if` needs the fn to return a `Result`, found `{Self}`",
    label = "`failure_if` judges the errors of a `Result`; this fn returns `{Self}`",
    note = "remove `failure_if`: with a fallback, only timeouts, panics and rejections of a fn \
            that does not return a `Result` run the fallback"
)]
#[doc(hidden)]
pub trait ResultType {
    /// The error type.
    type Error;
}

impl<T, E> ResultType for Result<T, E> {
    type Error = E;
}

/// A classifier that also says which error a failed call hands to the fallback.
pub trait Judge<R>: Classify<R> {
    /// The error in `Cause::Failed`.
    type Error;

    /// The error of an output judged a failure, or the output back if it holds none.
    fn into_error(output: R) -> Result<Self::Error, R>;
}

impl<T, E> Judge<Result<T, E>> for CountErrors {
    type Error = E;

    #[inline]
    fn into_error(output: Result<T, E>) -> Result<E, Result<T, E>> {
        error_of(output)
    }
}

impl<C: Judge<Result<T, E>>, T, E> Judge<Result<T, E>> for FailureIfOk<C, T> {
    type Error = C::Error;

    /// An `Ok` value judged a failure holds no error: it comes back, and is returned as it is.
    #[inline]
    fn into_error(output: Result<T, E>) -> Result<C::Error, Result<T, E>> {
        C::into_error(output)
    }
}

impl<T, E> Judge<Result<T, E>> for FailureIf<E> {
    type Error = E;

    #[inline]
    fn into_error(output: Result<T, E>) -> Result<E, Result<T, E>> {
        error_of(output)
    }
}

#[inline]
fn error_of<T, E>(output: Result<T, E>) -> Result<E, Result<T, E>> {
    match output {
        Err(error) => Ok(error),
        ok => Err(ok),
    }
}

impl<R> Judge<R> for NeverFails {
    type Error = Infallible;

    #[inline]
    fn into_error(output: R) -> Result<Infallible, R> {
        Err(output)
    }
}
