//! The site of a `#[circuit_breaker(key = ...)]` attribute: the family's name and settings,
//! resolved to the registry's family once, and each call's key to its breaker. Generated code
//! names these through `__private`; none is a public API.
//!
//! The family is held type-erased (the site is a `static`, which cannot name the key's type),
//! and each call checks its type with one `TypeId` comparison: no lock, no allocation for a
//! key present. A name whose family the registry holds with another key type rejects every
//! call of the site with [`BreakerError::KeyTypeMismatch`], without a panic.
//!
//! A keyed site is not among the declared [`SITES`](crate::__private::SITES): no breaker of
//! its name is registered at start-up, and its family is registered at the site's first call.

use std::any::{type_name, Any};
use std::fmt;
use std::hash::Hash;
use std::sync::{Arc, OnceLock};

use crate::breaker::{Breaker, Permit};
use crate::config::Config;
use crate::error::BreakerError;
use crate::keyed::{Family, Key, KeyTypeMismatch};

use super::{registry, Site};

/// The family a keyed site calls through, its key type erased, or why there is none.
type Resolved = Result<Arc<dyn Any + Send + Sync>, KeyTypeMismatch>;

/// One protected fn with a `key`: its family's name and settings, resolved to the family at
/// its first call.
#[derive(Debug)]
pub struct KeyedSite {
    /// The name and the settings, checked as a plain site's are; never registered as a breaker.
    site: Site,
    family: OnceLock<Resolved>,
}

impl KeyedSite {
    /// A keyed call site, its settings checked by [`Config::validate`] as for
    /// [`Site::new`]: in a `static`, settings the runtime refuses stop the build.
    ///
    /// # Panics
    ///
    /// When [`Config::validate`] refuses `config`: in a `static`, a compile error.
    pub const fn new(name: &'static str, config: &'static Config) -> KeyedSite {
        KeyedSite {
            site: Site::new(name, config),
            family: OnceLock::new(),
        }
    }

    /// The breaker of `key` in this site's family (a key present is found without a lock or
    /// an allocation), or why the call is rejected: the family is full, or it holds another
    /// key type.
    #[inline]
    pub fn breaker<K: Key>(&'static self, key: &K) -> KeyedBreaker {
        let resolved = match self.family.get() {
            Some(resolved) => resolved,
            None => self.first_use::<K>(),
        };
        let breaker = match resolved {
            Ok(family) => match (**family).downcast_ref::<Family<K>>() {
                Some(family) => family.get(key),
                None => Err(self.mismatch::<K>()),
            },
            Err(mismatch) => Err(rejected(mismatch)),
        };
        KeyedBreaker(breaker)
    }

    /// The first call through this site: the registry's family of the site's name, keyed by
    /// `K`, made with the site's settings (and its start-up overrides) if it is new.
    #[cold]
    #[inline(never)]
    fn first_use<K: Key>(&self) -> &Resolved {
        self.family.get_or_init(|| {
            registry()
                .keyed::<K>(self.site.name(), self.site.config())
                .map(|family| family as Arc<dyn Any + Send + Sync>)
        })
    }

    /// The rejection of a call keyed by `K` when the family resolved holds other keys (a site
    /// has one key type, so this is not reached; it is an error rather than a panic).
    #[cold]
    #[inline(never)]
    fn mismatch<K: Key>(&self) -> BreakerError {
        BreakerError::KeyTypeMismatch {
            name: self.site.name(),
            registered: "another type",
            asked: type_name::<K>(),
        }
    }
}

#[cold]
#[inline(never)]
fn rejected(mismatch: &KeyTypeMismatch) -> BreakerError {
    BreakerError::KeyTypeMismatch {
        name: mismatch.name,
        registered: mismatch.registered,
        asked: mismatch.asked,
    }
}

/// A call's key resolved to its breaker, or the family's refusal; the attribute's rejection
/// path takes the refusal as it takes an open circuit's.
#[derive(Debug)]
pub struct KeyedBreaker(Result<&'static Breaker, BreakerError>);

impl KeyedBreaker {
    /// Admits the call through the key's breaker.
    #[inline]
    pub fn acquire(self) -> Result<Permit, BreakerError> {
        self.0?.try_acquire()
    }
}

/// The key's breaker once a call is admitted: what each retry of the call goes through, so
/// that every attempt uses the same key's breaker.
#[derive(Clone, Copy, Debug)]
pub struct AdmittedKey(&'static Breaker);

impl AdmittedKey {
    /// The breaker that admitted `permit`.
    #[inline]
    pub fn of(permit: &Permit) -> AdmittedKey {
        AdmittedKey(permit.breaker())
    }

    /// The breaker a retried call asks for its next attempt: the key's.
    #[inline]
    pub fn retry_breaker(&self) -> &'static Breaker {
        self.0
    }
}

/// What the `key` of `#[circuit_breaker]` must be: a [`Key`]. Hidden; it exists for its
/// compile error, which says what a key must be at the `key` expression. Its impl names the
/// bounds of `Key` itself (rather than `K: Key`), so that the error for a missing bound is
/// this trait's, not `Key`'s bare "not satisfied": one error per bound missing, each naming
/// the trait to implement (a type that only lacks `Display` gets one).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot key circuit breakers: a `key` must be `Hash + Eq + Clone + \
               Display + Send + Sync + 'static`",
    label = "the `key` of this `#[circuit_breaker]` is a `{Self}`",
    note = "each key's breaker is found by hashing and comparing the key, a new key is cloned \
            into the family and shown in its stats by `Display`; key by a `String`, an \
            integer, or a type that derives `Hash`, `Eq` and `Clone` and implements `Display`"
)]
#[doc(hidden)]
pub trait BreakerKey {
    /// The breaker of this key at `site`.
    fn breaker_at(&self, site: &'static KeyedSite) -> KeyedBreaker;
}

impl<K> BreakerKey for K
where
    K: Hash + Eq + Clone + fmt::Display + Send + Sync + 'static,
{
    #[inline]
    fn breaker_at(&self, site: &'static KeyedSite) -> KeyedBreaker {
        site.breaker(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static STRINGS: KeyedSite = KeyedSite::new("keyed_site_strings", &Config::new());
    static NUMBERS: KeyedSite = KeyedSite::new("keyed_site_strings", &Config::new());

    #[test]
    fn a_second_key_type_for_a_name_is_rejected_not_a_panic() {
        let host = String::from("eu.example");
        let breaker = host.breaker_at(&STRINGS).0.expect("a breaker");
        assert_eq!(breaker.name(), "keyed_site_strings");
        let error = 7_u64.breaker_at(&NUMBERS).acquire().unwrap_err();
        assert_eq!(
            error,
            BreakerError::KeyTypeMismatch {
                name: "keyed_site_strings",
                registered: type_name::<String>(),
                asked: type_name::<u64>(),
            }
        );
        assert!(error.is_rejection());
        // A key present is the same breaker each time.
        let again = host.breaker_at(&STRINGS).0.expect("a breaker");
        assert!(std::ptr::eq(breaker, again));
    }

    #[test]
    #[should_panic = "invalid breaker settings: `threshold` must be at least 1"]
    fn a_keyed_site_with_settings_the_runtime_refuses_is_not_made() {
        let _ = KeyedSite::new("refused", Box::leak(Box::new(Config::new().threshold(0))));
    }
}
