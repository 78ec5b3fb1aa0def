//! The future of a keyed call: the key's breaker's own call, or the family's rejection of a
//! new key, without an `async` block around either.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::error::BreakerError;

pin_project! {
    /// The future of a call of a keyed family (see [`Family::call`](super::Family::call)).
    #[must_use = "futures do nothing unless awaited"]
    pub struct KeyedCall<C, E> {
        #[pin]
        inner: Inner<C, E>,
    }
}

pin_project! {
    #[project = InnerProjection]
    enum Inner<C, E> {
        // The call runs through the key's breaker.
        Admitted {
            #[pin]
            call: C,
        },
        // The family refused the key: it answers with this error.
        Refused {
            error: BreakerError,
            answer: PhantomData<fn() -> E>,
        },
    }
}

impl<C, E> KeyedCall<C, E> {
    /// The call of the key's breaker.
    #[inline]
    pub(super) fn admitted(call: C) -> KeyedCall<C, E> {
        KeyedCall {
            inner: Inner::Admitted { call },
        }
    }

    /// A call the family refused with `error`.
    pub(super) fn refused(error: BreakerError) -> KeyedCall<C, E> {
        KeyedCall {
            inner: Inner::Refused {
                error,
                answer: PhantomData,
            },
        }
    }
}

impl<C, T, E> Future for KeyedCall<C, E>
where
    C: Future<Output = Result<T, E>>,
    E: From<BreakerError>,
{
    type Output = Result<T, E>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().inner.project() {
            InnerProjection::Admitted { call } => call.poll(cx),
            InnerProjection::Refused { error, .. } => Poll::Ready(Err(E::from(error.clone()))),
        }
    }
}
