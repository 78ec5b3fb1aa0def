//! The attribute's keys, each named once: the protected fn's own in [`Key`], then the
//! breaker's settings, which are `fusebox_settings::Setting` (shared with the runtime's
//! start-up overrides). Also the message for a key that is none of them, with the valid key
//! nearest to it.

use std::fmt;

use fusebox_settings::Setting;

/// One key of `#[circuit_breaker(...)]`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Key {
    Name,
    /// `key`: one breaker per value of an expression, in a family named `name`.
    Keyed,
    Timeout,
    Fallback,
    FailureIf,
    FailureIfOk,
    RetryIf,
    Crate,
    /// A setting of the fn's breaker.
    Setting(Setting),
}

/// The keys that belong to the protected fn rather than to its breaker, in the order the
/// documentation gives them.
const FN_KEYS: [Key; 8] = [
    Key::Name,
    Key::Keyed,
    Key::Timeout,
    Key::Fallback,
    Key::FailureIf,
    Key::FailureIfOk,
    Key::RetryIf,
    Key::Crate,
];

impl Key {
    /// Every key, in the order the documentation gives them: the fn's own, then the breaker's
    /// settings.
    pub(crate) const ALL: [Key; FN_KEYS.len() + Setting::ALL.len()] = {
        let mut all = [Key::Name; FN_KEYS.len() + Setting::ALL.len()];
        let mut index = 0;
        while index < FN_KEYS.len() {
            all[index] = FN_KEYS[index];
            index += 1;
        }
        while index < all.len() {
            all[index] = Key::Setting(Setting::ALL[index - FN_KEYS.len()]);
            index += 1;
        }
        all
    };

    /// The key as written in the attribute.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Key::Name => "name",
            Key::Keyed => "key",
            Key::Timeout => "timeout",
            Key::Fallback => "fallback",
            Key::FailureIf => "failure_if",
            Key::FailureIfOk => "failure_if_ok",
            Key::RetryIf => "retry_if",
            Key::Crate => "crate",
            Key::Setting(setting) => setting.name(),
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
    fusebox_settings::nearest(key, Key::ALL.map(Key::name)).and_then(Key::from_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_key() {
        assert_eq!(closest("thresold"), Some(Key::Setting(Setting::Threshold)));
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
