//! Calling a fallback in either of its forms: with the protected fn's arguments, or with them
//! and a last `Cause<E>`. The macro cannot see the fallback's declaration, so the form is
//! chosen by the type system: a fn item implements exactly one of the two `FnOnce` shapes, and
//! the marker type of the `Fallback` impl that applies is inferred from it.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use super::cause::Cause;
use super::judge::Probe;

/// The marker of a fallback that takes the protected fn's arguments only.
#[derive(Debug)]
pub enum Plain {}

/// The marker of a fallback that takes the protected fn's arguments and a last `Cause<E>`.
#[derive(Debug)]
pub enum WithCause {}

/// A fallback for a fn taking `Args` (a tuple, the receiver first; up to 16) and returning
/// `R`, whose error type is `E`. `M` is [`Plain`] or [`WithCause`], inferred.
#[diagnostic::on_unimplemented(
    message = "this fallback does not fit: expected an `async fn{Args} -> {R}`, or one that \
               also takes a last `fusebox::Cause<{E}>`",
    label = "expected `async fn{Args} -> {R}`, optionally with a last `fusebox::Cause<{E}>`",
    note = "a fallback takes the protected fn's arguments by value, in their order, and returns \
            its return type; on a method, a bare name means `Self::name`, with the receiver first"
)]
#[doc(hidden)]
pub trait Fallback<Args, E, R, M> {
    /// The fallback's future.
    type Future: Future<Output = R>;

    /// Calls the fallback with `args`, and with `cause` if it takes one.
    fn call(self, args: Args, cause: Cause<E>) -> Self::Future;
}

macro_rules! fallback_impls {
    ($($arg:ident),*) => {
        impl<Func, Fut, R, E, $($arg,)*> Fallback<($($arg,)*), E, R, Plain> for Func
        where
            Func: FnOnce($($arg),*) -> Fut,
            Fut: Future<Output = R>,
        {
            type Future = Fut;

            #[inline]
            #[allow(non_snake_case)]
            fn call(self, ($($arg,)*): ($($arg,)*), _: Cause<E>) -> Fut {
                self($($arg),*)
            }
        }

        impl<Func, Fut, R, E, $($arg,)*> Fallback<($($arg,)*), E, R, WithCause> for Func
        where
            Func: FnOnce($($arg,)* Cause<E>) -> Fut,
            Fut: Future<Output = R>,
        {
            type Future = Fut;

            #[inline]
            #[allow(non_snake_case)]
            fn call(self, ($($arg,)*): ($($arg,)*), cause: Cause<E>) -> Fut {
                self($($arg,)* cause)
            }
        }
    };
}

fallback_impls!();
fallback_impls!(A1);
fallback_impls!(A1, A2);
fallback_impls!(A1, A2, A3);
fallback_impls!(A1, A2, A3, A4);
fallback_impls!(A1, A2, A3, A4, A5);
fallback_impls!(A1, A2, A3, A4, A5, A6);
fallback_impls!(A1, A2, A3, A4, A5, A6, A7);
fallback_impls!(A1, A2, A3, A4, A5, A6, A7, A8);
fallback_impls!(A1, A2, A3, A4, A5, A6, A7, A8, A9);
fallback_impls!(A1, A2, A3, A4, A5, A6, A7, A8, A9, A10);
fallback_impls!(A1, A2, A3, A4, A5, A6, A7, A8, A9, A10, A11);
fallback_impls!(A1, A2, A3, A4, A5, A6, A7, A8, A9, A10, A11, A12);
fallback_impls!(A1, A2, A3, A4, A5, A6, A7, A8, A9, A10, A11, A12, A13);
fallback_impls!(A1, A2, A3, A4, A5, A6, A7, A8, A9, A10, A11, A12, A13, A14);
fallback_impls!(A1, A2, A3, A4, A5, A6, A7, A8, A9, A10, A11, A12, A13, A14, A15);
fallback_impls!(A1, A2, A3, A4, A5, A6, A7, A8, A9, A10, A11, A12, A13, A14, A15, A16);

/// Calls `fallback` for a fn returning `R`. The fallback comes last, so that the arguments'
/// and the cause's types are known when a fallback that does not fit is reported. Its future
/// is polled out of line, behind [`Answering`]: the fallback's body is compiled once for every
/// fn that shares it, and stays out of each fn's own code (it runs only when the call could
/// not answer).
#[inline]
#[doc(hidden)]
pub fn call_fallback<F, A, E, R, M>(
    _: &Probe<R>,
    args: A,
    cause: Cause<E>,
    fallback: F,
) -> Answering<F::Future>
where
    F: Fallback<A, E, R, M>,
{
    Answering {
        inner: fallback.call(args, cause),
    }
}

pin_project! {
    /// A fallback's future, polled out of line (see [`call_fallback`]).
    #[doc(hidden)]
    pub struct Answering<F> {
        #[pin]
        inner: F,
    }
}

impl<F: Future> Future for Answering<F> {
    type Output = F::Output;

    #[cold]
    #[inline(never)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.project().inner.poll(cx)
    }
}
