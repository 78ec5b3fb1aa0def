//! The layer's timeout, chosen by type when the layer is built: without one ([`NoTimeout`]) a
//! call carries no timer at all; with one ([`TimeoutAfter`]) the timer is armed only if the
//! inner future first returns `Pending`.

use std::time::Duration;

use crate::call::{Deadline, NoDeadline, Timeout};

/// No timeout: a call through the layer runs until it answers or is dropped.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoTimeout;

/// A timeout: a call that has not answered this long after it first waited is dropped and
/// counts as a failure. Made by [`CircuitBreakerLayer::timeout`](super::CircuitBreakerLayer::timeout).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeoutAfter(pub(crate) Duration);

impl TimeoutAfter {
    /// The time a call may take.
    pub fn limit(self) -> Duration {
        self.0
    }
}

/// How the layer times a call: [`NoTimeout`] or [`TimeoutAfter`]. Sealed.
pub trait Timing: Clone + sealed::Sealed {
    /// The deadline of one call.
    #[doc(hidden)]
    type Deadline: Deadline;

    /// The deadline of a call that starts now.
    #[doc(hidden)]
    fn deadline(&self) -> Self::Deadline;
}

impl Timing for NoTimeout {
    type Deadline = NoDeadline;

    #[inline]
    fn deadline(&self) -> NoDeadline {
        NoDeadline
    }
}

impl Timing for TimeoutAfter {
    type Deadline = Timeout;

    #[inline]
    fn deadline(&self) -> Timeout {
        Timeout::new(self.0)
    }
}

/// Keeps [`Timing`] to this module's two types.
mod sealed {
    /// A type that may be a [`Timing`](super::Timing).
    pub trait Sealed {}

    impl Sealed for super::NoTimeout {}
    impl Sealed for super::TimeoutAfter {}
}
