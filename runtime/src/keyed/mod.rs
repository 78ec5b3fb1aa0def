//! Keyed breakers: a bounded family of breakers, one per key (a host, a tenant, an upstream),
//! every one with the family's settings, so that one bad host trips only its own circuit.
//!
//! What each file holds, down the dependencies (none uses a file below it):
//!
//! - `member`: what the family keeps per key: its breaker and when the key was last used.
//! - `spare`: the breakers of removed families, kept for the next family of the name.
//! - `call`: the [`KeyedCall`] future, the key's breaker's call or the family's refusal.
//! - `family`: the [`Family`] itself: the lock-free lookup of a key present, the admission
//!   of a new key (under the family's lock), and the sweep that forgets keys.
//! - `members`: the family as the registry sees it, whatever its key type.
//!
//! Uses `breaker/` (the breakers, and whether one may be forgotten), `observe` (the
//! [`FamilyStats`] snapshot), `config`, `clock` and `error`; used by the registry and the crate root.

mod call;
mod family;
mod member;
mod members;
mod spare;

use std::error::Error;
use std::fmt;
use std::hash::Hash;

pub use crate::observe::{FamilyStats, Totals, TrippedKey, FAMILY_TRIPPED_PERCENT};
pub use call::KeyedCall;
pub use family::Family;
pub(crate) use members::Members;
pub(crate) use spare::known_name;

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
