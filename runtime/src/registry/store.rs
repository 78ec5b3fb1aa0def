//! The breakers by name: registration and lookup. Knows nothing of the declared sites.

use std::any::type_name;
use std::sync::{Arc, PoisonError, RwLock};

use tokio::sync::broadcast;

use super::by_name::ByName;
use crate::breaker::Breaker;
use crate::config::{Changes, Config};
use crate::keyed::{self, Family, Key, KeyTypeMismatch, Members};
use crate::observe::event::{self, Event};

/// Every named breaker in the process. Get it with [`registry()`].
///
/// Every breaker a `#[circuit_breaker]` attribute declares anywhere in the program is
/// registered, with its settings and start-up overrides, when the registry is first read
/// ([`get`](Registry::get), [`stats`](Registry::stats), [`health`](Registry::health)) or a
/// protected fn first runs, whichever comes first: it is listed before its first call. Others
/// come from [`Registry::register`]. The registry is not on the call path.
#[derive(Debug)]
pub struct Registry {
    breakers: RwLock<ByName<&'static Breaker>>,
    families: RwLock<ByName<Arc<dyn Members>>>,
}

static REGISTRY: Registry = Registry {
    breakers: RwLock::new(ByName::new()),
    families: RwLock::new(ByName::new()),
};

/// The global breaker registry.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let breaker = fusebox::registry().register("inventory", fusebox::Config::new());
/// assert_eq!(fusebox::registry().get("inventory").unwrap().name(), breaker.name());
/// assert_eq!(fusebox::registry().health(), fusebox::Health::Healthy);
/// # }
/// ```
pub fn registry() -> &'static Registry {
    &REGISTRY
}

impl Registry {
    /// The breaker registered as `name`, if any.
    pub(super) fn lookup(&self, name: &str) -> Option<&'static Breaker> {
        let breakers = self.breakers.read().unwrap_or_else(PoisonError::into_inner);
        breakers.get(name).copied()
    }

    /// The breaker named `name`, created with `config` if it does not exist yet. One name is
    /// one breaker: when it already exists, its own settings stay and a differing `config`
    /// is reported as a `tracing` warning. With the `overrides` feature, a new breaker takes
    /// its start-up overrides (see `Config::with_overrides`); if they are invalid, a `tracing`
    /// error says why and the breaker keeps `config`.
    pub fn register(&self, name: &str, config: Config) -> &'static Breaker {
        if let Some(existing) = self.lookup(name) {
            warn_if_different(existing, &config);
            return existing;
        }
        let mut breakers = self
            .breakers
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(existing) = breakers.get(name).copied() {
            drop(breakers);
            warn_if_different(existing, &config);
            return existing;
        }
        let config = config.with_overrides(name).unwrap_or_else(|error| {
            tracing::error!(target: "fusebox", name, %error, "start-up overrides refused; keeping the settings in the code");
            config
        });
        let name: &'static str = Box::leak(name.to_owned().into_boxed_str());
        let breaker: &'static Breaker = Box::leak(Box::new(Breaker::new(name, config)));
        breakers.insert(name, breaker);
        breaker
    }

    /// The keyed family named `name`: a bounded family of breakers, one per key of type `K`,
    /// each built with `config` (see [`Family`]). Created on the first call, with the
    /// family's start-up overrides (as [`register`](Registry::register) applies a name's);
    /// later calls give the same family, and a differing `config` is reported as a
    /// `tracing` warning. Keyed families and named breakers are separate: a family may share
    /// a name with a breaker, and [`get`](Registry::get) finds only breakers.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use fusebox::{registry, BreakerError, Config, State};
    ///
    /// #[derive(Debug)]
    /// enum FetchError {
    ///     Upstream(u16),
    ///     Unavailable(BreakerError),
    /// }
    ///
    /// impl From<BreakerError> for FetchError {
    ///     fn from(error: BreakerError) -> Self {
    ///         FetchError::Unavailable(error)
    ///     }
    /// }
    ///
    /// async fn fetch(host: &str) -> Result<String, FetchError> {
    ///     match host {
    ///         "eu.weather.example" => Err(FetchError::Upstream(503)),
    ///         _ => Ok(format!("18°C from {host}")),
    ///     }
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
    /// let config = Config::new()
    ///     .threshold(2)
    ///     .max_keys(256)
    ///     .key_idle(Duration::from_secs(600));
    /// let upstreams = registry()
    ///     .keyed::<String>("weather_upstream", config)
    ///     .expect("keyed by String wherever it is used");
    ///
    /// for _ in 0..2 {
    ///     let failed = upstreams.call("eu.weather.example", fetch("eu.weather.example")).await;
    ///     assert!(matches!(failed, Err(FetchError::Upstream(503))));
    /// }
    /// // The EU host's circuit is open; the US host's is not.
    /// let rejected = upstreams.call("eu.weather.example", fetch("eu.weather.example")).await;
    /// assert!(matches!(rejected, Err(FetchError::Unavailable(BreakerError::Open { .. }))));
    /// let answered = upstreams.call("us.weather.example", fetch("us.weather.example")).await;
    /// assert_eq!(answered.unwrap(), "18°C from us.weather.example");
    ///
    /// assert_eq!(upstreams.get("eu.weather.example").unwrap().state(), State::Open);
    /// let stats = upstreams.stats();
    /// assert_eq!((stats.keys, stats.tripped), (2, 1));
    /// assert_eq!(stats.tripped_keys[0].key, "eu.weather.example");
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`KeyTypeMismatch`] if the family exists with another key type.
    pub fn keyed<K: Key>(
        &self,
        name: &str,
        config: Config,
    ) -> Result<Arc<Family<K>>, KeyTypeMismatch> {
        let mut families = self
            .families
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some((name, existing)) = families.get_key_value(name) {
            return typed(name, Arc::clone(existing), &config);
        }
        let config = config.with_overrides(name).unwrap_or_else(|error| {
            tracing::error!(target: "fusebox", name, %error, "start-up overrides refused; keeping the settings in the code");
            config
        });
        let name: &'static str =
            keyed::known_name(name).unwrap_or_else(|| Box::leak(name.to_owned().into_boxed_str()));
        let family = Arc::new(Family::<K>::new(name, config));
        families.insert(name, Arc::clone(&family) as Arc<dyn Members>);
        Ok(family)
    }

    /// Removes the breaker or the keyed family named `name` from the registry: its stats
    /// and its health are gone, and a later [`register`](Registry::register) or
    /// [`keyed`](Registry::keyed) of the name starts afresh. True if there was one (a
    /// breaker and a family of the same name are both removed).
    ///
    /// A handle already held keeps working, outside the registry. The breaker of a
    /// `#[circuit_breaker]` attribute stays with its fn, which keeps calling through it; a
    /// family's breakers are kept for the next family of the name.
    pub fn remove(&self, name: &str) -> bool {
        let breaker = self
            .breakers
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(name);
        let family = self
            .families
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(name);
        breaker.is_some() || family.is_some()
    }

    /// Every keyed family registered so far, sorted by name.
    pub(super) fn registered_families(&self) -> Vec<Arc<dyn Members>> {
        let families = self.families.read().unwrap_or_else(PoisonError::into_inner);
        families.values().cloned().collect()
    }

    /// A receiver of every state transition of every breaker from now on, in order. Sending
    /// never waits for a subscriber: one that falls more than 1024 events behind misses the
    /// oldest and is told how many (`RecvError::Lagged`). The channel is made by the first
    /// subscription: a program that never subscribes does not link it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let mut events = fusebox::registry().subscribe();
    /// fusebox::registry().register("payments", fusebox::Config::new()).force_open();
    /// let event = events.recv().await.unwrap();
    /// assert_eq!((event.name, event.to), ("payments", fusebox::State::ForcedOpen));
    /// # }
    /// ```
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        event::subscribe()
    }

    /// Every breaker registered so far, sorted by name.
    pub(super) fn registered(&self) -> Vec<&'static Breaker> {
        let breakers = self.breakers.read().unwrap_or_else(PoisonError::into_inner);
        breakers.values().copied().collect()
    }
}

/// The family `existing` as a family of `K`; warns if `config` differs from its own.
fn typed<K: Key>(
    name: &'static str,
    existing: Arc<dyn Members>,
    config: &Config,
) -> Result<Arc<Family<K>>, KeyTypeMismatch> {
    let registered = existing.key_type();
    let family = existing
        .into_any()
        .downcast::<Family<K>>()
        .map_err(|_| KeyTypeMismatch {
            name,
            registered,
            asked: type_name::<K>(),
        })?;
    let config = &config.with_overrides(name).unwrap_or(*config);
    if family.config() != *config {
        tracing::warn!(
            target: "fusebox",
            name,
            ignored = %Changes::between(family.config(), *config),
            "keyed circuit breakers already registered with other settings; keeping the first"
        );
    }
    Ok(family)
}

fn warn_if_different(existing: &Breaker, config: &Config) {
    if existing.config() == *config {
        return;
    }
    // The settings may differ only by the start-up overrides the breaker took.
    let config = &config.with_overrides(existing.name()).unwrap_or(*config);
    if existing.config() != *config {
        tracing::warn!(
            target: "fusebox",
            name = existing.name(),
            ignored = %Changes::between(existing.config(), *config),
            "circuit breaker already registered with other settings; keeping the first"
        );
    }
}
