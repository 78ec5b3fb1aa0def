//! The breaker clock: tokio's clock, so a paused test runtime (`start_paused = true` with
//! `tokio::time::advance`) drives recovery without sleeping.

use std::sync::OnceLock;
use std::time::Duration;

use tokio::time::Instant;

/// How far before the first reading the clock's origin lies. Paused test runtimes start their
/// own clocks at slightly different instants; a distant origin keeps every reading positive.
const ORIGIN_MARGIN: Duration = Duration::from_secs(24 * 60 * 60);

static ORIGIN: OnceLock<Instant> = OnceLock::new();

const NANOS_PER_MILLI: u64 = 1_000_000;

fn origin() -> Instant {
    *ORIGIN.get_or_init(|| {
        let now = Instant::now();
        now.checked_sub(ORIGIN_MARGIN).unwrap_or(now)
    })
}

/// Nanoseconds since the clock's origin, read from tokio's clock.
pub(crate) fn now_nanos() -> u64 {
    saturating_nanos(Instant::now().saturating_duration_since(origin()))
}

/// The instant `millis` milliseconds after the clock's origin, without reading the clock.
/// (Past what an `Instant` holds, centuries away, it is the origin.)
#[inline]
pub(crate) fn instant_at(millis: u64) -> Instant {
    let origin = origin();
    origin
        .checked_add(Duration::from_millis(millis))
        .unwrap_or(origin)
}

/// Whole milliseconds from the clock's origin to `instant`, rounded up (zero before it).
pub(crate) fn millis_at(instant: Instant) -> u64 {
    let nanos = saturating_nanos(instant.saturating_duration_since(origin()));
    nanos.div_ceil(NANOS_PER_MILLI)
}

/// A duration in whole nanoseconds, saturating at `u64::MAX` (584 years).
pub(crate) fn saturating_nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

/// Whole milliseconds in a nanosecond reading (rounded down).
pub(crate) const fn millis(nanos: u64) -> u64 {
    nanos / NANOS_PER_MILLI
}

/// The time from `now_nanos` until `deadline_ms`, zero if it has passed.
pub(crate) fn until(deadline_ms: u64, now_nanos: u64) -> Duration {
    Duration::from_nanos(
        deadline_ms
            .saturating_mul(NANOS_PER_MILLI)
            .saturating_sub(now_nanos),
    )
}
