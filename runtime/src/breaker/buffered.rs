//! What a breaker's rate window holds now, by outcome (feature `metrics`: resilience4j's
//! buffered calls).

use super::machine::Breaker;

impl Breaker {
    /// The calls the rate window holds now, successful and failed; `None` without a window
    /// (no `failure_rate` and no `slow_rate`).
    pub(crate) fn buffered_calls(&self) -> Option<(u32, u32)> {
        let tally = self.window.as_ref()?.tally();
        Some((
            tally.recorded.saturating_sub(tally.failures),
            tally.failures,
        ))
    }
}
