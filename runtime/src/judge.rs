//! What a protected fn's return type means for its fallback: a `Result` counts its errors and
//! hands them to the fallback in a `Cause<E>`; any other type cannot fail by returning, so only
//! a rejection, a timeout or a panic runs the fallback.
//!
//! The macro cannot see through type aliases, so it asks the type system: `Probe::<R>::judge`
//! is an inherent method for `Result<T, E>`, which wins over the [`AnyValue`] trait method
//! every other type gets.

use std::convert::Infallible;
use std::marker::PhantomData;

use crate::classify::{Classify, CountErrors, FailureIf, NeverFails};

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
}

/// Any return type that is not a `Result`: nothing it returns is a failure.
pub trait AnyValue {
    /// Every value is a success.
    #[inline]
    fn judge(&self) -> NeverFails {
        NeverFails
    }
}

impl<R> AnyValue for Probe<R> {}

/// The classifier for `failure_if = predicate` with a fallback, typed from the fn's return type
/// so that a predicate of the wrong type is reported at its path.
#[inline]
pub fn failure_if_for<T, E>(_: &Probe<Result<T, E>>, predicate: fn(&E) -> bool) -> FailureIf<E> {
    FailureIf(predicate)
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

/// The protected fn's own future, its output tied to the fn's return type `R` before anything
/// else is inferred from it (an `Err(..)?` in the body needs to know the error type).
#[inline]
pub fn returning<R, F: std::future::Future<Output = R>>(_: &Probe<R>, future: F) -> F {
    future
}
