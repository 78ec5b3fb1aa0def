//! The wait before a retry, as one future: the timer [`Retrying`](super::Retrying) planned,
//! or none when the call must not retry. Awaited directly, so that the timer is laid out once
//! in the retries' future (a timer returned in an `Option` and then awaited is kept twice: in
//! the matched `Option` and in the awaited future, 96 bytes each).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;
use tokio::time::Sleep;

pin_project! {
    /// The wait before a retry: `true` once it is over, `false` at once when there is no retry.
    #[derive(Debug)]
    #[must_use = "a pause does nothing unless awaited"]
    pub struct Pause {
        #[pin]
        sleep: Option<Sleep>,
    }
}

impl Pause {
    /// A wait on `sleep`, or, without one, no retry.
    #[inline]
    pub(super) fn new(sleep: Option<Sleep>) -> Pause {
        Pause { sleep }
    }
}

impl Future for Pause {
    type Output = bool;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<bool> {
        match self.project().sleep.as_pin_mut() {
            None => Poll::Ready(false),
            Some(sleep) => sleep.poll(cx).map(|()| true),
        }
    }
}

/// The wait before a retry on a timer the call keeps (the handle API's, which its attempts'
/// deadlines use too): `true` once it is over, `false` at once when there is no retry.
#[derive(Debug)]
#[must_use = "a pause does nothing unless awaited"]
pub(super) struct PauseOn<'a> {
    /// The call's timer, set for this wait, or `None` when there is no retry.
    timer: Option<Pin<&'a mut Option<Sleep>>>,
}

impl<'a> PauseOn<'a> {
    /// A wait on `sleep`, set on `timer`, or, without one, no retry (the timer left alone).
    #[inline]
    pub(super) fn new(sleep: Option<Sleep>, mut timer: Pin<&'a mut Option<Sleep>>) -> PauseOn<'a> {
        let timer = sleep.map(|sleep| {
            timer.set(Some(sleep));
            timer
        });
        PauseOn { timer }
    }
}

impl Future for PauseOn<'_> {
    type Output = bool;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<bool> {
        let Some(timer) = &mut self.get_mut().timer else {
            return Poll::Ready(false);
        };
        match timer.as_mut().as_pin_mut() {
            None => Poll::Ready(false),
            Some(sleep) => sleep.poll(cx).map(|()| true),
        }
    }
}
