//! The layer's optional timeout, chosen when the layer is built: without one, a call carries
//! no timer; with one, the timer is armed only if the inner future first returns `Pending`.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;

use crate::call::{Deadline, Timeout};

pin_project! {
    /// The deadline of one call through the layer, if the layer has a timeout.
    #[derive(Debug)]
    pub struct MaybeTimeout {
        #[pin]
        timeout: Option<Timeout>,
    }
}

impl MaybeTimeout {
    /// A deadline of `limit`, or none.
    #[inline]
    pub(crate) fn new(limit: Option<Duration>) -> MaybeTimeout {
        MaybeTimeout {
            timeout: limit.map(Timeout::new),
        }
    }
}

impl Deadline for MaybeTimeout {
    #[inline]
    fn poll_expired(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Duration> {
        match self.project().timeout.as_pin_mut() {
            Some(timeout) => timeout.poll_expired(cx),
            None => Poll::Pending,
        }
    }
}
