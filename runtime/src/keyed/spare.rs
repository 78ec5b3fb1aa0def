//! The breakers of removed families, kept for the next family of the same name: breakers
//! live for the process (calls hold them as `&'static`), so a family that is removed and
//! registered again reuses its breakers instead of growing the process.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use crate::breaker::Breaker;
use crate::config::Config;

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

/// The spare breakers of the family `name` that take `config` (those whose fixed settings
/// differ stay spare).
pub(super) fn take(name: &str, config: Config) -> Vec<&'static Breaker> {
    let mut spare = SPARE.lock().unwrap_or_else(PoisonError::into_inner);
    let Some(kept) = spare.get_mut(name) else {
        return Vec::new();
    };
    let (fits, other): (Vec<_>, Vec<_>) = kept
        .drain(..)
        .partition(|breaker| breaker.config() == config || breaker.reconfigure(config).is_ok());
    *kept = other;
    fits
}

/// The name a family named `name` had before, if one did: its breakers carry it.
pub(crate) fn known_name(name: &str) -> Option<&'static str> {
    let spare = SPARE.lock().unwrap_or_else(PoisonError::into_inner);
    spare.get_key_value(name).map(|(name, _)| *name)
}
