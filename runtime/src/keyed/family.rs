//! The [`Family`]: a bounded map from keys to breakers. A key present is found without a
//! lock or an allocation; a new key is admitted under the family's lock, which also sweeps
//! the keys that may be forgotten.

use std::borrow::Borrow;
use std::fmt;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use foldhash::fast::RandomState;
use papaya::HashMap;

use super::call::KeyedCall;
use super::member::Member;
use super::spare;
use super::{Key, TRIPPED_KEYS_LISTED};
use crate::breaker::Breaker;
use crate::clock;
use crate::config::{Config, LiveConfig};
use crate::error::BreakerError;
use crate::observe::{FamilyStats, Totals, TrippedKey};

/// A bounded family of circuit breakers, one per key, all with the family's settings. Get
/// one with [`Registry::keyed`](crate::Registry::keyed).
///
/// - [`call`](Family::call) runs a future through the key's breaker, and
///   [`get`](Family::get) gives the key's breaker itself, whose whole API
///   ([`Breaker::call`], [`Breaker::stats`], `force_open`, ...) works as for a named breaker.
///   A key seen for the first time gets a closed breaker.
/// - **Bounded.** The family holds at most `max_keys` breakers (default 1024). A key unused
///   for `key_idle` (default 5 minutes) is forgotten with its breaker. When a new key finds
///   the family full, the least recently used keys that may be forgotten make room for it
///   (a sixteenth of `max_keys` at once, so that a stream of new keys sweeps rarely).
/// - **A tripped key is kept.** A key whose circuit is open before its probe deadline,
///   forced open, or half-open with a probe running is never forgotten, idle or not: a
///   failing host is not handed a fresh closed breaker. When every key is such a key, a new
///   key is rejected with [`BreakerError::FamilyFull`] and the family does not grow.
/// - **Sweeps.** Keys are forgotten when a new key is admitted (at most every `key_idle / 2`,
///   or whenever the family is full) and by [`sweep`](Family::sweep); never on the path of
///   a key present. A key is never forgotten before it has been unused for `key_idle`, unless
///   a new key needs its room.
///
/// Every breaker of the family reads the family's one copy of its settings: changing the
/// settings of one key's breaker ([`Breaker::reconfigure`]) changes them for every key.
///
/// A forgotten key's breaker is reset and kept for the next new key (or, once the family is
/// removed from the registry, for the next family of the same name): breakers live for the
/// process, so the family's memory is bounded by the most keys it ever held at once. A
/// breaker handle from [`get`](Family::get) is for the call at hand: once its key is
/// forgotten the breaker may serve another key (a call admitted before then changes no
/// state of the new key's circuit). Call through [`call`](Family::call), or `get` again.
pub struct Family<K: Key> {
    name: &'static str,
    /// The settings the family was built with: `max_keys` and `key_idle` are fixed.
    config: Config,
    /// The settings every breaker of the family reads, changed by a `reconfigure` of any.
    settings: Arc<LiveConfig>,
    keys: HashMap<K, Member, RandomState>,
    admission: Mutex<Admission>,
}

/// What the admission of new keys and the sweeps share, under the family's lock.
#[derive(Debug, Default)]
struct Admission {
    /// The keys in the family.
    members: usize,
    /// Breakers of forgotten keys, reset, for the next new keys.
    spare: Vec<&'static Breaker>,
    last_sweep_nanos: u64,
    forgotten: Totals,
    forgotten_keys: u64,
    family_full: u64,
}

impl<K: Key> Family<K> {
    /// An empty family named `name`, its breakers built with `config` (already validated).
    pub(crate) fn new(name: &'static str, config: Config) -> Family<K> {
        let (settings, spare) = spare::take(name, config);
        Family {
            name,
            config,
            settings,
            keys: HashMap::builder().hasher(RandomState::default()).build(),
            admission: Mutex::new(Admission {
                spare,
                last_sweep_nanos: clock::now_nanos(),
                ..Admission::default()
            }),
        }
    }

    /// The family's name, which each of its breakers has as its own.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The settings of every breaker of the family: those it was built with, or the latest
    /// change by [`Breaker::reconfigure`] of one of its breakers.
    pub fn config(&self) -> Config {
        self.settings.load()
    }

    /// The breaker of `key`, a new closed one if the key is new. A key present is found
    /// without a lock or an allocation (`key` may be borrowed: a `&str` for `String` keys).
    ///
    /// # Errors
    ///
    /// [`BreakerError::FamilyFull`] for a new key when the family holds `max_keys` keys, none
    /// of which may be forgotten.
    #[inline]
    pub fn get<Q>(&self, key: &Q) -> Result<&'static Breaker, BreakerError>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        let guard = self.keys.guard();
        if let Some(member) = self.keys.get(key, &guard) {
            member.touch();
            return Ok(member.breaker);
        }
        drop(guard);
        self.admit(key)
    }

    /// Runs `future` through the breaker of `key`, as [`Breaker::call`] does: rejected at once
    /// with `E::from(BreakerError)` while the key's circuit is open or the family is full,
    /// counted as a success or a failure when it finishes, neither when it is dropped.
    #[inline]
    pub fn call<Q, F, T, E>(
        &self,
        key: &Q,
        future: F,
    ) -> KeyedCall<impl Future<Output = Result<T, E>>, E>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
        F: Future<Output = Result<T, E>>,
        E: From<BreakerError>,
    {
        match self.get(key) {
            Ok(breaker) => KeyedCall::admitted(breaker.call(future)),
            Err(error) => KeyedCall::refused(error),
        }
    }

    /// How many keys the family holds now.
    pub fn len(&self) -> usize {
        self.lock().members
    }

    /// True if the family holds no key.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True if the family holds `key` now.
    pub fn contains<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.keys.pin().contains_key(key)
    }

    /// Forgets now every key unused for `key_idle` whose breaker may be forgotten. Keys are
    /// also swept when new keys arrive; a server whose keys stop changing may call this from
    /// a periodic task to give the memory of idle keys to new families.
    pub fn sweep(&self) {
        let mut admission = self.lock();
        self.sweep_locked(&mut admission, clock::now_nanos());
    }

    /// A snapshot of the family: its keys, its totals (forgotten keys included) and its
    /// tripped keys.
    pub fn stats(&self) -> FamilyStats {
        let admission = self.lock();
        let keys = self.keys.pin();
        let mut totals = admission.forgotten;
        let (mut tripped, mut tripped_keys) = (0, Vec::new());
        for (key, member) in &keys {
            let stats = member.breaker.stats();
            totals.add(&stats);
            if stats.state.is_tripped() {
                tripped += 1;
                if tripped_keys.len() < TRIPPED_KEYS_LISTED {
                    tripped_keys.push(TrippedKey {
                        key: key.to_string(),
                        state: stats.state,
                    });
                }
            }
        }
        FamilyStats {
            name: self.name,
            keys: admission.members,
            max_keys: self.config.max_keys_value(),
            key_idle: self.config.key_idle_value(),
            totals,
            tripped,
            tripped_keys,
            forgotten: admission.forgotten_keys,
            family_full: admission.family_full,
            critical: self.settings.load().critical_value(),
        }
    }

    /// Admits a key not found: under the family's lock, found again or given a breaker.
    #[cold]
    #[inline(never)]
    fn admit<Q>(&self, key: &Q) -> Result<&'static Breaker, BreakerError>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        let mut admission = self.lock();
        let keys = self.keys.pin();
        if let Some(member) = keys.get(key) {
            member.touch();
            return Ok(member.breaker);
        }
        let now = clock::now_nanos();
        let half_idle = clock::saturating_nanos(self.config.key_idle_value()) / 2;
        if self.is_full(&admission) || now.saturating_sub(admission.last_sweep_nanos) >= half_idle {
            self.sweep_locked(&mut admission, now);
        }
        if self.is_full(&admission) {
            admission.family_full += 1;
            return Err(BreakerError::FamilyFull {
                name: self.name,
                max_keys: self.config.max_keys_value(),
            });
        }
        let breaker = admission
            .spare
            .pop()
            .unwrap_or_else(|| Box::leak(Box::new(Breaker::keyed(self.name, &self.settings))));
        let key = key.to_owned();
        breaker.set_key(Some(key.to_string().into()));
        keys.insert(key, Member::new(breaker, now));
        admission.members += 1;
        Ok(breaker)
    }

    fn is_full(&self, admission: &Admission) -> bool {
        admission.members >= max_keys(&self.config)
    }

    /// Forgets the keys unused for `key_idle` that may be forgotten and, if the family is
    /// full, the least recently used others that may, a sixteenth of `max_keys` in all.
    fn sweep_locked(&self, admission: &mut Admission, now: u64) {
        let keys = self.keys.pin();
        let idle = clock::saturating_nanos(self.config.key_idle_value());
        let full = self.is_full(admission);
        let (mut forget, mut least_used) = (Vec::new(), Vec::new());
        for (key, member) in &keys {
            let seen = member.last_seen(now);
            if !member.breaker.may_forget(now) {
                continue;
            }
            if now.saturating_sub(seen) >= idle {
                forget.push(key);
            } else if full {
                least_used.push((seen, key));
            }
        }
        let room = if full {
            (max_keys(&self.config) / 16).max(1)
        } else {
            0
        };
        if forget.len() < room {
            least_used.sort_unstable_by_key(|&(seen, _)| seen);
            let more = room - forget.len();
            forget.extend(least_used.into_iter().take(more).map(|(_, key)| key));
        }
        for key in forget {
            let Some((key, member)) = keys.remove_entry(key) else {
                continue;
            };
            // A call may have tripped the circuit since it was looked at: then it stays.
            if !member.breaker.may_forget(now) {
                keys.insert(key.clone(), Member::new(member.breaker, now));
                continue;
            }
            admission.forgotten.add(&member.breaker.stats());
            admission.forgotten_keys += 1;
            admission.members -= 1;
            member.breaker.reset();
            admission.spare.push(member.breaker);
        }
        admission.last_sweep_nanos = now;
    }

    fn lock(&self) -> MutexGuard<'_, Admission> {
        self.admission
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// `max_keys` as a count.
fn max_keys(config: &Config) -> usize {
    usize::try_from(config.max_keys_value()).unwrap_or(usize::MAX)
}

impl<K: Key> Drop for Family<K> {
    /// Gives every breaker of the family to the next family of its name.
    fn drop(&mut self) {
        let members = self.keys.pin();
        let mut breakers: Vec<_> = members.values().map(|member| member.breaker).collect();
        drop(members);
        let admission = self
            .admission
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        breakers.append(&mut admission.spare);
        spare::give_back(self.name, breakers);
    }
}

impl<K: Key> fmt::Debug for Family<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Family")
            .field("name", &self.name)
            .field("config", &self.config())
            .field("keys", &self.keys.len())
            .finish_non_exhaustive()
    }
}
