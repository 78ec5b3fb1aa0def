//! Keyed breakers: a bounded family of breakers, one per key (a host, a tenant, an upstream),
//! every one with the family's settings, so that one bad host trips only its own circuit.
//!
//! What each file holds, down the dependencies (none uses a file below it):
//!
//! - `member`: what the family keeps per key: its breaker and when the key was last used.
//! - `totals` and `stats`: the counts of the keys the family forgot, and the
//!   [`FamilyStats`] snapshot.
//! - `spare`: the breakers of removed families, kept for the next family of the name.
//! - `call`: the [`KeyedCall`] future, the key's breaker's call or the family's refusal.
//! - `family`: the [`Family`] itself: the lock-free lookup of a key present, the admission
//!   of a new key (under the family's lock), and the sweep that forgets keys.
//! - `members`: the family as the registry sees it, whatever its key type.
//! - `site`: the site of a `#[circuit_breaker(key = ...)]` attribute, which finds its family
//!   once and each call's key in it.
//!
//! Uses `breaker/` (the breakers, and whether one may be forgotten), `config`, `clock` and
//! `error`; used by the registry and the crate root. Only `site` uses the registry (to find
//! its family) and the call layer, as the generated code's entry point.

mod call;
mod family;
mod member;
mod members;
mod site;
mod spare;
mod stats;
mod totals;

use std::error::Error;
use std::fmt;
use std::hash::Hash;

pub use call::KeyedCall;
pub use family::Family;
pub(crate) use members::Members;
#[doc(hidden)]
pub use site::{AdmittedKey, BreakerKey, KeyedBreaker, KeyedSite};
pub(crate) use spare::known_name;
pub use stats::{FamilyStats, TrippedKey};
pub use totals::Totals;

/// A family counts as tripped, for [`Registry::health`](crate::Registry::health), when more
/// than this share of its keys, in percent, are tripped (open, half-open or forced open), as
/// Envoy's `max_ejection_percent` bounds the hosts it ejects: one bad host of many is the
/// family doing its job, not the process failing.
pub const FAMILY_TRIPPED_PERCENT: u32 = 50;

/// At most this many tripped keys are listed in [`FamilyStats::tripped_keys`].
pub const TRIPPED_KEYS_LISTED: usize = 16;

/// What a key of a keyed family must be, in one place: hashed and compared to find its
/// breaker (`Hash + Eq`), cloned into the family the first time it is seen (`Clone`; a
/// lookup of a key already present clones nothing), shown in the family's stats
/// (`Display`), and shared between threads (`Send + Sync + 'static`). Every type with these
/// bounds is a key: `String`, `u64`, `std::net::SocketAddr`, a tenant id newtype.
pub trait Key: Hash + Eq + Clone + fmt::Display + Send + Sync + 'static {}

impl<K: Hash + Eq + Clone + fmt::Display + Send + Sync + 'static> Key for K {}

/// [`Registry::keyed`](crate::Registry::keyed) was asked for a family by a name already
/// registered with another key type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyTypeMismatch {
    /// The family's name.
    pub name: &'static str,
    /// The key type it was registered with.
    pub registered: &'static str,
    /// The key type asked for.
    pub asked: &'static str,
}

impl fmt::Display for KeyTypeMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "keyed circuit breakers `{}` are keyed by `{}`, not `{}`",
            self.name, self.registered, self.asked
        )
    }
}

impl Error for KeyTypeMismatch {}
