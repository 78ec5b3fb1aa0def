//! End to end: a client subscribed to `circuit-breaker://stats` hears
//! `notifications/resources/updated` when the eu breaker of the `weather_api` family opens.

mod common;

use std::time::Duration;

use common::{call, region_state, source, start_as, DEADLINE};
use mcp_weather::cli::Latency;
use mcp_weather::upstream::{Faults, Upstream};
use rmcp::model::{
    ResourceUpdatedNotificationParam, SubscribeRequestParams, UnsubscribeRequestParams,
};
use rmcp::service::NotificationContext;
use rmcp::{ClientHandler, RoleClient};
use serde_json::json;
use tokio::sync::mpsc;

/// A client that passes on every `notifications/resources/updated` it gets.
struct Updates(mpsc::UnboundedSender<String>);

impl ClientHandler for Updates {
    async fn on_resource_updated(
        &self,
        params: ResourceUpdatedNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        let _ = self.0.send(params.uri);
    }
}

#[tokio::test]
#[expect(
    deprecated,
    reason = "resources/subscribe is how clients on initialize subscribe"
)]
async fn a_subscribed_client_hears_weather_api_open() {
    let upstream = Upstream::start(Faults::HEALTHY, 1).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let env = [
        ("FUSEBOX_WEATHER_API_THRESHOLD", "2"),
        ("FUSEBOX_WEATHER_API_RECOVERY", "10m"),
        ("FUSEBOX_WEATHER_API_RETRIES", "0"),
    ];
    let (sent, mut updates) = mpsc::unbounded_channel();
    let client = start_as(Updates(sent), dir.path(), &upstream.url(), &env, &[]).await;
    let capabilities = client.peer_info().unwrap().capabilities.resources.clone();
    assert_eq!(capabilities.and_then(|r| r.subscribe), Some(true));

    client
        .subscribe(SubscribeRequestParams::new("circuit-breaker://stats"))
        .await
        .unwrap();
    let elsewhere = client
        .subscribe(SubscribeRequestParams::new("circuit-breaker://other"))
        .await;
    assert!(elsewhere.is_err(), "{elsewhere:?}");
    assert_eq!(source(&client, "Oslo").await, "live_api");
    assert!(
        updates.try_recv().is_err(),
        "no transition, no notification"
    );

    upstream.set_faults(Faults {
        failure_rate: 1.0,
        latency: Latency::fixed(Duration::ZERO),
    });
    for _ in 0..2 {
        call(&client, "get_weather", json!({ "city": "Oslo" })).await;
    }
    let uri = tokio::time::timeout(DEADLINE, updates.recv())
        .await
        .expect("a notification within the deadline")
        .unwrap();
    assert_eq!(uri, "circuit-breaker://stats");
    assert_eq!(region_state(&client, "eu").await, "open");

    client
        .unsubscribe(UnsubscribeRequestParams::new("circuit-breaker://stats"))
        .await
        .unwrap();
    client.cancel().await.unwrap();
}
