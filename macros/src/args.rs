//! The checked arguments of one `#[circuit_breaker(...)]`, as the expansion reads them; the
//! `parse` module fills them in.

use fusebox_settings::{Setting, Value};
use syn::{Expr, ExprPath, LitStr};

/// The checked arguments of one `#[circuit_breaker(...)]`.
#[derive(Default)]
pub(crate) struct Args {
    pub(crate) name: Option<LitStr>,
    /// The expression each call's key is, for a keyed family of breakers.
    pub(crate) key: Option<Expr>,
    pub(crate) timeout_millis: Option<u64>,
    pub(crate) fallback: Option<ExprPath>,
    pub(crate) failure_if: Option<ExprPath>,
    pub(crate) failure_if_ok: Option<ExprPath>,
    pub(crate) retry_if: Option<ExprPath>,
    /// Where the runtime is, for a crate that re-exports fusebox (`::fusebox` unless given).
    pub(crate) krate: Option<syn::Path>,
    /// The breaker's settings as given, each at its place in `Setting::ALL`.
    pub(crate) settings: [Option<Value>; Setting::ALL.len()],
}

impl Args {
    /// The value given for `setting`, if it was.
    pub(crate) fn setting(&self, setting: Setting) -> Option<Value> {
        self.settings[setting as usize]
    }

    /// The value given for `setting`, or its default.
    pub(crate) fn setting_or_default(&self, setting: Setting) -> Option<Value> {
        self.setting(setting).or(setting.default_value())
    }

    /// Whether the fn retries: `retries` was given (even 0, which an override may raise).
    pub(crate) fn retries(&self) -> bool {
        self.setting(Setting::Retries).is_some()
    }

    /// Whether a predicate judges the fn's output (`failure_if` or `failure_if_ok`).
    pub(crate) fn judges_output(&self) -> bool {
        self.failure_if.is_some() || self.failure_if_ok.is_some()
    }

    /// The settings given, in the order of `Setting::ALL`.
    pub(crate) fn settings_given(&self) -> impl Iterator<Item = (Setting, Value)> + '_ {
        Setting::ALL
            .into_iter()
            .filter_map(|setting| Some((setting, self.setting(setting)?)))
    }
}
