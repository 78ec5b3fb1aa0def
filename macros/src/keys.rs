//! The attribute's keys, each named once in [`Key`]: the protected fn's own, then the breaker's
//! settings, which must be `fusebox_settings::SETTINGS` in its order (checked when this crate
//! builds). Also the message for a key that is none of them, with the valid key nearest to it.

use std::fmt;

use fusebox_settings::SETTINGS;

/// One key of `#[circuit_breaker(...)]`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Key {
    Name,
    Timeout,
    Fallback,
    FailureIf,
    Crate,
    Threshold,
    Recovery,
    SuccessThreshold,
    Backoff,
    MaxRecovery,
    MaxHalfOpenWait,
    Adaptive,
    Critical,
    FailureRate,
    Window,
    MinCalls,
    SlowCall,
    SlowRate,
    MaxConcurrent,
    MaxWait,
}

/// How many keys belong to the protected fn rather than to its breaker: the first in
/// [`Key::ALL`].
const FN_KEY_COUNT: usize = 5;

impl Key {
    /// Every key, in the order the documentation gives them: the fn's own, then the breaker's
    /// settings.
    pub(crate) const ALL: [Key; 20] = [
        Key::Name,
        Key::Timeout,
        Key::Fallback,
        Key::FailureIf,
        Key::Crate,
        Key::Threshold,
        Key::Recovery,
        Key::SuccessThreshold,
        Key::Backoff,
        Key::MaxRecovery,
        Key::MaxHalfOpenWait,
        Key::Adaptive,
        Key::Critical,
        Key::FailureRate,
        Key::Window,
        Key::MinCalls,
        Key::SlowCall,
        Key::SlowRate,
        Key::MaxConcurrent,
        Key::MaxWait,
    ];

    /// The key as written in the attribute.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Key::Name => "name",
            Key::Timeout => "timeout",
            Key::Fallback => "fallback",
            Key::FailureIf => "failure_if",
            Key::Crate => "crate",
            Key::Threshold => "threshold",
            Key::Recovery => "recovery",
            Key::SuccessThreshold => "success_threshold",
            Key::Backoff => "backoff",
            Key::MaxRecovery => "max_recovery",
            Key::MaxHalfOpenWait => "max_half_open_wait",
            Key::Adaptive => "adaptive",
            Key::Critical => "critical",
            Key::FailureRate => "failure_rate",
            Key::Window => "window",
            Key::MinCalls => "min_calls",
            Key::SlowCall => "slow_call",
            Key::SlowRate => "slow_rate",
            Key::MaxConcurrent => "max_concurrent",
            Key::MaxWait => "max_wait",
        }
    }

    /// The key named `name`, or `None` for a name that is no key.
    pub(crate) fn from_name(name: &str) -> Option<Key> {
        Key::ALL.into_iter().find(|key| key.name() == name)
    }
}

impl fmt::Display for Key {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

// A setting added to `fusebox_settings::SETTINGS` and not to `Key`, or the reverse, stops the
// build here rather than being mis-parsed.
const _: () = assert!(
    settings_are_the_shared_list(),
    "the breaker's settings in `Key::ALL` must be `fusebox_settings::SETTINGS`, in its order"
);

/// Whether the keys after the fn's own are `SETTINGS`, one for one.
const fn settings_are_the_shared_list() -> bool {
    let settings = Key::ALL.split_at(FN_KEY_COUNT).1;
    if settings.len() != SETTINGS.len() {
        return false;
    }
    let mut index = 0;
    while index < settings.len() {
        if !same_text(settings[index].name(), SETTINGS[index]) {
            return false;
        }
        index += 1;
    }
    true
}

/// `a == b`, in a `const fn`.
const fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut index = 0;
    while index < a.len() {
        if a[index] != b[index] {
            return false;
        }
        index += 1;
    }
    true
}

/// The message for `path`, which names no key: the nearest key if it looks like a typo, and
/// every valid key.
pub(crate) fn unknown_key(path: &syn::Path) -> String {
    let key = path
        .get_ident()
        .map_or_else(|| quote::quote!(#path).to_string(), ToString::to_string);
    let valid = Key::ALL.map(Key::name).join(", ");
    match closest(&key) {
        Some(close) => format!("unknown key `{key}`; did you mean `{close}`? valid keys: {valid}"),
        None => format!("unknown key `{key}`; valid keys: {valid}"),
    }
}

/// The valid key nearest to `key`, if it is a plausible typo.
fn closest(key: &str) -> Option<Key> {
    Key::ALL
        .into_iter()
        .map(|valid| (edit_distance(key, valid.name()), valid))
        .filter(|(distance, valid)| *distance <= valid.name().len() / 3 + 1)
        .min_by_key(|(distance, valid)| (*distance, valid.name()))
        .map(|(_, valid)| valid)
}

/// The Levenshtein distance between `a` and `b`: how many characters to insert, delete or
/// replace to turn one into the other.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_key() {
        assert_eq!(closest("thresold"), Some(Key::Threshold));
        assert_eq!(closest("timout"), Some(Key::Timeout));
        assert_eq!(closest("fallbak"), Some(Key::Fallback));
        assert_eq!(closest("colour"), None);
    }

    #[test]
    fn every_key_is_found_by_its_name() {
        for key in Key::ALL {
            assert_eq!(Key::from_name(key.name()), Some(key));
        }
        assert_eq!(Key::from_name("failure"), None);
    }
}
