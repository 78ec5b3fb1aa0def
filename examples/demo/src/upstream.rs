//! A simulated weather service whose behaviour the demo script switches.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering::SeqCst};
use std::time::Duration;

/// How long a healthy answer takes.
const LATENCY: Duration = Duration::from_millis(30);

/// A weather service that can be taken down, made to hang once, and whose cache can break.
pub struct Upstream {
    down: AtomicBool,
    hang_next: AtomicBool,
    cache_broken: AtomicBool,
    calls: AtomicU32,
}

/// The service answered with an error.
#[derive(Debug)]
pub struct UpstreamDown;

impl fmt::Display for UpstreamDown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("503 Service Unavailable")
    }
}

impl Upstream {
    /// A healthy service.
    pub const fn new() -> Upstream {
        Upstream {
            down: AtomicBool::new(false),
            hang_next: AtomicBool::new(false),
            cache_broken: AtomicBool::new(false),
            calls: AtomicU32::new(0),
        }
    }

    /// The forecast for `city`, after the service's latency.
    pub async fn forecast(&self, city: &str) -> Result<String, UpstreamDown> {
        self.calls.fetch_add(1, SeqCst);
        if self.hang_next.swap(false, SeqCst) {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        tokio::time::sleep(LATENCY).await;
        if self.down.load(SeqCst) {
            return Err(UpstreamDown);
        }
        let degrees = city.bytes().map(u32::from).sum::<u32>() % 25;
        Ok(format!("{city}: {degrees}°C, light wind"))
    }

    /// Takes the service down or brings it back.
    pub fn set_down(&self, down: bool) {
        self.down.store(down, SeqCst);
    }

    /// Makes the next call hang for an hour.
    pub fn hang_next(&self) {
        self.hang_next.store(true, SeqCst);
    }

    /// Breaks or mends the cache.
    pub fn set_cache_broken(&self, broken: bool) {
        self.cache_broken.store(broken, SeqCst);
    }

    /// Whether the cache is broken.
    pub fn cache_is_broken(&self) -> bool {
        self.cache_broken.load(SeqCst)
    }

    /// How many calls reached the service.
    pub fn calls(&self) -> u32 {
        self.calls.load(SeqCst)
    }
}
