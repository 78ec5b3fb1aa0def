//! `resources/subscribe` on `circuit-breaker://stats`: a subscribed client gets
//! `notifications/resources/updated` when a breaker changes state, at most one per
//! debounce period, so that a flapping breaker cannot flood it.

use std::future::Future;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use ::rmcp::model::ResourceUpdatedNotificationParam;
use ::rmcp::service::Peer;
use ::rmcp::{ErrorData as McpError, RoleServer};
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::sync::broadcast::Receiver;
use tokio::task::AbortHandle;
use tokio::time::Instant;

use super::resource::STATS_URI;
use crate::observe::Event;
use crate::registry::registry;

/// The shortest time between two notifications to one client, unless set with
/// [`StatsSubscription::with_debounce`].
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_secs(1);

/// One session's subscription to `circuit-breaker://stats`: a field of the server handler,
/// which forwards `resources/subscribe` and `resources/unsubscribe` to it and advertises
/// `resources.subscribe` (`ServerCapabilities::builder().enable_resources().enable_resources_subscribe()`).
///
/// While subscribed, a task tells the client `notifications/resources/updated` for
/// [`STATS_URI`] when any breaker changes state: at once after a quiet period, then at most
/// once per debounce period for every transition that came meanwhile. The task ends on
/// `unsubscribe`, when the client is gone, or when this value is dropped.
///
/// A clone starts unsubscribed: rmcp's streamable HTTP transport clones the handler for each
/// session, and each session has its own subscription.
#[derive(Debug)]
pub struct StatsSubscription {
    /// The shortest time between two notifications.
    debounce: Duration,
    /// The task that notifies the client, while subscribed.
    task: Mutex<Option<AbortHandle>>,
}

impl StatsSubscription {
    /// Unsubscribed, with [`DEFAULT_DEBOUNCE`].
    pub fn new() -> StatsSubscription {
        StatsSubscription::with_debounce(DEFAULT_DEBOUNCE)
    }

    /// Unsubscribed, notifying the client at most once per `debounce`.
    pub fn with_debounce(debounce: Duration) -> StatsSubscription {
        StatsSubscription {
            debounce,
            task: Mutex::new(None),
        }
    }

    /// Subscribes `peer` (the request context's `peer`) to `uri`. Subscribing again keeps one
    /// subscription. Call it inside a tokio runtime (a server handler always is).
    ///
    /// # Errors
    ///
    /// `resource_not_found` when `uri` is not [`STATS_URI`]; `internal_error` outside a tokio
    /// runtime.
    pub fn subscribe(&self, uri: &str, peer: Peer<RoleServer>) -> Result<(), McpError> {
        check(uri)?;
        let events = registry().subscribe();
        let mut task = self.task.lock().unwrap_or_else(PoisonError::into_inner);
        if task.as_ref().is_some_and(|task| !task.is_finished()) {
            return Ok(());
        }
        let notify = move || {
            let peer = peer.clone();
            async move {
                peer.notify_resource_updated(ResourceUpdatedNotificationParam::new(STATS_URI))
                    .await
                    .is_ok()
            }
        };
        let runtime = tokio::runtime::Handle::try_current().map_err(|error| {
            McpError::internal_error(format!("no tokio runtime to notify from: {error}"), None)
        })?;
        *task = Some(
            runtime
                .spawn(forward(events, self.debounce, notify))
                .abort_handle(),
        );
        Ok(())
    }

    /// Ends the subscription to `uri`, if any.
    ///
    /// # Errors
    ///
    /// `resource_not_found` when `uri` is not [`STATS_URI`].
    pub fn unsubscribe(&self, uri: &str) -> Result<(), McpError> {
        check(uri)?;
        self.stop();
        Ok(())
    }

    /// True while a task notifies the client.
    pub fn is_subscribed(&self) -> bool {
        self.task
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .is_some_and(|task| !task.is_finished())
    }

    /// Stops the task, if any.
    fn stop(&self) {
        let task = self
            .task
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(task) = task {
            task.abort();
        }
    }
}

impl Default for StatsSubscription {
    fn default() -> StatsSubscription {
        StatsSubscription::new()
    }
}

/// A new, unsubscribed subscription with the same debounce (one session's handler is not
/// another's).
impl Clone for StatsSubscription {
    fn clone(&self) -> StatsSubscription {
        StatsSubscription::with_debounce(self.debounce)
    }
}

impl Drop for StatsSubscription {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `Ok` for [`STATS_URI`], `resource_not_found` for any other URI.
fn check(uri: &str) -> Result<(), McpError> {
    if uri == STATS_URI {
        Ok(())
    } else {
        Err(McpError::resource_not_found(
            format!("no resource {uri} to subscribe to; the one resource is {STATS_URI}"),
            None,
        ))
    }
}

/// Calls `notify` after each event of `events`: at once when the last call was at least
/// `debounce` ago, else once `debounce` has passed since it, for every event that came
/// meanwhile. Returns when `notify` answers `false` (the client is gone) or the channel
/// closes. A subscriber that lagged is notified as for one event.
async fn forward<N, F>(mut events: Receiver<Event>, debounce: Duration, mut notify: N)
where
    N: FnMut() -> F,
    F: Future<Output = bool>,
{
    let mut quiet_until = Instant::now();
    loop {
        match events.recv().await {
            Ok(_) | Err(RecvError::Lagged(_)) => {}
            Err(RecvError::Closed) => return,
        }
        tokio::time::sleep_until(quiet_until).await;
        // This one notification covers every event that came while waiting.
        while let Ok(_) | Err(TryRecvError::Lagged(_)) = events.try_recv() {}
        if !notify().await {
            return;
        }
        quiet_until = Instant::now() + debounce;
    }
}

#[cfg(test)]
mod tests {
    use tokio::sync::{broadcast, mpsc};

    use super::*;
    use crate::observe::{Reason, State};

    const DEBOUNCE: Duration = Duration::from_secs(1);

    fn flap() -> Event {
        Event {
            name: "flapping",
            from: State::Closed,
            to: State::Open,
            reason: Reason::FailureThreshold,
            key: None,
        }
    }

    /// Runs `forward` on a channel of its own; each notification sends its instant.
    fn start(
        notified_ok: bool,
    ) -> (
        broadcast::Sender<Event>,
        mpsc::UnboundedReceiver<Instant>,
        tokio::task::JoinHandle<()>,
    ) {
        let (events, receiver) = broadcast::channel(16);
        let (sent, notifications) = mpsc::unbounded_channel();
        let task = tokio::spawn(forward(receiver, DEBOUNCE, move || {
            let sent = sent.clone();
            async move {
                let _ = sent.send(Instant::now());
                notified_ok
            }
        }));
        (events, notifications, task)
    }

    /// The next notification, if one comes within a minute on the paused clock.
    async fn next(notifications: &mut mpsc::UnboundedReceiver<Instant>) -> Option<Instant> {
        tokio::time::timeout(Duration::from_secs(60), notifications.recv())
            .await
            .ok()
            .flatten()
    }

    #[tokio::test(start_paused = true)]
    async fn a_flapping_breaker_gives_one_notification_per_period() {
        let start_at = Instant::now();
        let (events, mut notifications, task) = start(true);
        events.send(flap()).unwrap();
        let first = next(&mut notifications).await.unwrap();
        assert_eq!(first, start_at, "the first change is told at once");
        for _ in 0..100 {
            events.send(flap()).unwrap(); // 100 more transitions, lagging the channel too
        }
        let second = next(&mut notifications).await.unwrap();
        assert_eq!(
            second - first,
            DEBOUNCE,
            "the others wait for the period, all in one"
        );
        assert_eq!(
            next(&mut notifications).await,
            None,
            "no more changes, no more notifications"
        );

        events.send(flap()).unwrap();
        let after_quiet = next(&mut notifications).await.unwrap();
        assert_eq!(after_quiet, Instant::now(), "after a quiet period, at once");

        drop(events);
        task.await.unwrap(); // the channel closed: the task ends
        assert!(notifications.recv().await.is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn a_client_that_is_gone_ends_the_task() {
        let (events, mut notifications, task) = start(false);
        events.send(flap()).unwrap();
        task.await.unwrap();
        assert!(notifications.recv().await.is_some());
        assert!(events.send(flap()).is_err(), "nobody receives any more");
    }

    #[test]
    fn only_the_stats_can_be_subscribed_to_and_a_clone_starts_unsubscribed() {
        let subscription = StatsSubscription::new();
        let error = subscription
            .unsubscribe("circuit-breaker://other")
            .unwrap_err();
        assert!(error.message.contains(STATS_URI));
        assert!(subscription.unsubscribe(STATS_URI).is_ok());
        assert!(!subscription.is_subscribed());
        assert!(!subscription.clone().is_subscribed());
    }
}
