//! The attempts of a fn with `retries`: the generated code makes them with one async closure
//! around the fn's body, so that the body is compiled once, the first attempt runs as the fn
//! without retries runs it, and the retries call the same closure again, only after it failed.

use crate::call::Probe;

/// The closure that makes each attempt of a fn with a fallback, given the arguments of the
/// first: its argument typed as theirs, its output as the fn's return type `R`, so that the
/// body's types are inferred from them (an `Err(..)?` in the body needs to know the error
/// type, a method call on an argument its type).
#[inline]
pub fn attempts<R, A, C>(_: &Probe<R>, _: &A, make: C) -> C
where
    C: AsyncFnMut(A) -> R,
{
    make
}

/// The closure that makes each attempt of a fn without a fallback, given the arguments of
/// the first, its argument typed as theirs.
#[inline]
pub fn attempts_for<A, C, R>(_: &A, make: C) -> C
where
    C: AsyncFnMut(A) -> R,
{
    make
}
