//! The breakers of removed families, kept for the next family of the same name: breakers
//! live for the process (calls hold them as `&'static`), so a family that is removed and
//! registered again reuses its breakers instead of growing the process.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::breaker::Breaker;
use crate::config::{Config, LiveConfig};

/// Spare breakers by family name.
static SPARE: Mutex<BTreeMap<&'static str, Vec<&'static Breaker>>> = Mutex::new(BTreeMap::new());

/// Keeps `breakers`, reset, for the next family named `name`.
pub(super) fn give_back(name: &'static str, breakers: Vec<&'static Breaker>) {
    if breakers.is_empty() {
        return;
    }
    for breaker in &breakers {
        breaker.reset();
    }
    let mut spare = SPARE.lock().unwrap_or_else(PoisonError::into_inner);
    spare.entry(name).or_default().extend(breakers);
}

/// The settings for a new family named `name` built with `config`, and the spare breakers
/// that read them: those of an earlier family of the name whose fixed settings are the same
/// (given `config` as their settings, which they share), else new settings and none (the
/// others stay spare).
pub(super) fn take(name: &str, config: Config) -> (Arc<LiveConfig>, Vec<&'static Breaker>) {
    let mut spare = SPARE.lock().unwrap_or_else(PoisonError::into_inner);
    let kept = spare.get_mut(name);
    let settings = kept.as_ref().and_then(|kept| {
        kept.iter()
            .map(|breaker| breaker.settings())
            .find(|settings| settings.load() == config || settings.store(&config).is_ok())
            .map(Arc::clone)
    });
    let (Some(kept), Some(settings)) = (kept, settings) else {
        return (Arc::new(LiveConfig::new(config)), Vec::new());
    };
    let (fits, other): (Vec<_>, Vec<_>) = kept
        .drain(..)
        .partition(|breaker| Arc::ptr_eq(breaker.settings(), &settings));
    *kept = other;
    (settings, fits)
}

/// The name a family named `name` had before, if one did: its breakers carry it.
pub(crate) fn known_name(name: &str) -> Option<&'static str> {
    let spare = SPARE.lock().unwrap_or_else(PoisonError::into_inner);
    spare.get_key_value(name).map(|(name, _)| *name)
}

#[cfg(test)]
mod tests {
    use std::ptr;

    use crate::config::Config;
    use crate::keyed::Family;

    #[test]
    fn the_keys_of_a_family_share_its_settings_and_the_next_family_takes_them() {
        let family = Family::<u64>::new("spare_settings", Config::new());
        let (one, two) = (family.get(&1).unwrap(), family.get(&2).unwrap());
        one.reconfigure(Config::new().threshold(9)).unwrap();
        assert_eq!(two.config().threshold_value(), 9);
        assert_eq!(family.config().threshold_value(), 9);
        drop(family);

        let again = Family::<u64>::new("spare_settings", Config::new().threshold(3));
        let reused = again.get(&7).unwrap();
        assert!(ptr::eq(reused, one) || ptr::eq(reused, two));
        assert_eq!(reused.config().threshold_value(), 3);
        let (other, fresh) = (again.get(&8).unwrap(), again.get(&9).unwrap());
        other.reconfigure(Config::new().threshold(4)).unwrap();
        assert_eq!(fresh.config().threshold_value(), 4);
        assert_eq!(reused.config().threshold_value(), 4);
        drop(again);

        // A fixed setting changed: new settings, and the old breakers stay spare.
        let windowed = Config::new().failure_rate(50);
        let third = Family::<u64>::new("spare_settings", windowed);
        let new = third.get(&1).unwrap();
        assert!(![one, two, fresh].into_iter().any(|old| ptr::eq(old, new)));
        assert_eq!(new.config(), windowed);
        assert_eq!(
            one.config().threshold_value(),
            4,
            "a spare keeps its settings"
        );
    }
}
