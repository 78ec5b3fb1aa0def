//! A snapshot of a keyed family: its keys, its totals, and its tripped keys.

use std::time::Duration;

use super::totals::Totals;
use super::FAMILY_TRIPPED_PERCENT;
use crate::observe::State;

/// A point-in-time snapshot of one keyed family (see
/// [`Registry::families`](crate::Registry::families)).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FamilyStats {
    /// The family's name.
    pub name: &'static str,
    /// The keys it holds now, each with its breaker.
    pub keys: usize,
    /// The most keys it holds (`max_keys`).
    pub max_keys: u32,
    /// How long a key may go unused before it is dropped (`key_idle`).
    #[cfg_attr(
        feature = "serde",
        serde(rename = "key_idle_ms", serialize_with = "millis")
    )]
    pub key_idle: Duration,
    /// The counts of every call of the family, its forgotten keys included.
    pub totals: Totals,
    /// How many of its keys are tripped (open, half-open or forced open).
    pub tripped: usize,
    /// Up to [`TRIPPED_KEYS_LISTED`](super::TRIPPED_KEYS_LISTED) of the tripped keys.
    pub tripped_keys: Vec<TrippedKey>,
    /// Keys forgotten so far: idle for `key_idle`, or the least recently used when a new key
    /// needed the room.
    pub forgotten: u64,
    /// New keys rejected because the family was full of keys it may not forget
    /// ([`BreakerError::FamilyFull`](crate::BreakerError::FamilyFull)).
    pub family_full: u64,
    /// Whether a tripped family can make the process critical (the `critical` setting).
    pub critical: bool,
}

/// One tripped key of a family.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TrippedKey {
    /// The key, as it displays.
    pub key: String,
    /// Its breaker's state.
    pub state: State,
}

impl FamilyStats {
    /// True when more than [`FAMILY_TRIPPED_PERCENT`] of the family's keys are tripped: the
    /// family then counts as one tripped breaker in the process health.
    pub fn is_tripped(&self) -> bool {
        self.tripped > 0
            && (self.tripped as u128) * 100
                > (self.keys as u128) * u128::from(FAMILY_TRIPPED_PERCENT)
    }
}

#[cfg(feature = "serde")]
fn millis<S: serde::Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_u128(duration.as_millis())
}
