//! The bulkhead: at most `max_concurrent` calls of a breaker run at once. A call that finds
//! every slot taken waits up to `max_wait` (not at all by default), then is rejected. Slots
//! are semaphore permits, so they come back however the call ends: success, failure, timeout,
//! panic or cancellation.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit, TryAcquireError};

/// A slot held by a running call.
pub(crate) type Slot = SemaphorePermit<'static>;

/// A wait for a slot: resolves to the slot, or to `None` once `max_wait` has passed.
pub(crate) type Waiting = Pin<Box<dyn Future<Output = Option<Slot>> + Send>>;

/// The slots of one breaker.
#[derive(Debug)]
pub(crate) struct Bulkhead {
    slots: Semaphore,
    max_concurrent: u32,
    max_wait: Duration,
}

/// What a call found at the bulkhead.
pub(crate) enum Entry {
    /// A slot, taken at once.
    Entered(Slot),
    /// Every slot taken; the call may wait for one.
    Wait(Waiting),
    /// Every slot taken and no waiting allowed.
    Full,
}

impl Bulkhead {
    pub(crate) fn new(max_concurrent: u32, max_wait: Duration) -> Bulkhead {
        let permits = usize::try_from(max_concurrent).unwrap_or(Semaphore::MAX_PERMITS);
        Bulkhead {
            slots: Semaphore::new(permits.min(Semaphore::MAX_PERMITS)),
            max_concurrent,
            max_wait,
        }
    }

    /// Takes a slot if one is free; otherwise says whether the call may wait.
    pub(crate) fn enter(&'static self) -> Entry {
        match self.slots.try_acquire() {
            Ok(slot) => Entry::Entered(slot),
            // Waiting needs tokio's timer; outside a runtime a full bulkhead rejects at once.
            Err(TryAcquireError::NoPermits)
                if !self.max_wait.is_zero() && tokio::runtime::Handle::try_current().is_ok() =>
            {
                let max_wait = self.max_wait;
                Entry::Wait(Box::pin(async move {
                    let slot = tokio::time::timeout(max_wait, self.slots.acquire()).await;
                    slot.ok().and_then(Result::ok)
                }))
            }
            Err(_) => Entry::Full,
        }
    }

    /// The most calls that run at once.
    pub(crate) fn max_concurrent(&self) -> u32 {
        self.max_concurrent
    }

    /// Slots taken now.
    pub(crate) fn in_use(&self) -> u32 {
        let free = u32::try_from(self.slots.available_permits()).unwrap_or(u32::MAX);
        self.max_concurrent.saturating_sub(free)
    }
}
