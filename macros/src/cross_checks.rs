//! The checks between keys: a setting that needs another one, or must fit with another's
//! value. Each error is at the key that asks for the other. Each setting's own range is its
//! kind's, checked when it is read; these are the rules between settings, written out, as the
//! runtime's `Config::validate` writes them out.

use proc_macro2::Span;

use crate::args::Args;
use crate::errors::Errors;
use crate::keys::Key;
use fusebox_settings::{Setting, Value};

/// A key as written, once: where its name and its value are.
#[derive(Clone, Copy)]
pub(crate) struct Written {
    pub(crate) key: Key,
    pub(crate) name_span: Span,
    pub(crate) value_span: Span,
}

/// Reports each key of `written` that does not fit with the other arguments in `args`.
pub(crate) fn check(args: &Args, written: &[Written], errors: &mut Errors) {
    max_recovery_is_not_shorter(args, written, errors);
    slow_rate_has_slow_call(args, written, errors);
    window_keys_have_a_rate(args, written, errors);
    max_wait_has_a_bulkhead(args, written, errors);
    retry_keys_have_retries(args, written, errors);
    retry_max_backoff_is_not_shorter(args, written, errors);
}

/// The keys that shape retries, which `retries` turns on.
const RETRY_KEYS: [Key; 5] = [
    Key::RetryIf,
    Key::Setting(Setting::RetryBackoff),
    Key::Setting(Setting::RetryMaxBackoff),
    Key::Setting(Setting::RetryDeadline),
    Key::Setting(Setting::RetryBudget),
];

/// The keys that shape retries need `retries`. Reported at each key's name.
fn retry_keys_have_retries(args: &Args, written: &[Written], errors: &mut Errors) {
    if args.retries() {
        return;
    }
    for entry in written
        .iter()
        .filter(|entry| RETRY_KEYS.contains(&entry.key))
    {
        errors.at(
            entry.name_span,
            format!("`{}` shapes retries: set `retries` too", entry.key),
        );
    }
}

/// `retry_max_backoff` must not be shorter than `retry_backoff`; reported at its value.
fn retry_max_backoff_is_not_shorter(args: &Args, written: &[Written], errors: &mut Errors) {
    let (Some(Value::Duration(longest)), Some(Value::Duration(shortest)), Some(entry)) = (
        args.setting(Setting::RetryMaxBackoff),
        args.setting_or_default(Setting::RetryBackoff),
        find(written, Key::Setting(Setting::RetryMaxBackoff)),
    ) else {
        return;
    };
    if longest < shortest {
        errors.at(
            entry.value_span,
            "`retry_max_backoff` must not be shorter than `retry_backoff` (100ms unless given)",
        );
    }
}

/// Where `key` was written, if it was.
fn find(written: &[Written], key: Key) -> Option<&Written> {
    written.iter().find(|entry| entry.key == key)
}

/// `max_recovery` must not be shorter than `recovery`; reported at its value.
fn max_recovery_is_not_shorter(args: &Args, written: &[Written], errors: &mut Errors) {
    let (Some(Value::Duration(longest)), Some(Value::Duration(recovery)), Some(entry)) = (
        args.setting(Setting::MaxRecovery),
        args.setting_or_default(Setting::Recovery),
        find(written, Key::Setting(Setting::MaxRecovery)),
    ) else {
        return;
    };
    if longest < recovery {
        errors.at(
            entry.value_span,
            "`max_recovery` must not be shorter than `recovery` (60s unless given)",
        );
    }
}

/// `slow_rate` is a share of slow calls, which `slow_call` defines.
fn slow_rate_has_slow_call(args: &Args, written: &[Written], errors: &mut Errors) {
    if let (Some(entry), None) = (
        find(written, Key::Setting(Setting::SlowRate)),
        args.setting(Setting::SlowCall),
    ) {
        errors.at(
            entry.name_span,
            "`slow_rate` needs `slow_call`: how long a slow call takes",
        );
    }
}

/// `window` and `min_calls` shape the window a rate is taken over, so they need a rate; and
/// `min_calls` must fit in a window of calls. Reported at each, in the order written.
fn window_keys_have_a_rate(args: &Args, written: &[Written], errors: &mut Errors) {
    let has_rate =
        args.setting(Setting::FailureRate).is_some() || args.setting(Setting::SlowRate).is_some();
    // A time window holds any `min_calls` its range allows.
    let too_many_calls = matches!(
        (args.setting(Setting::MinCalls), args.setting_or_default(Setting::Window)),
        (Some(Value::Whole(calls)), Some(Value::Whole(size))) if calls > size
    );
    let shaping = written.iter().filter(|entry| {
        [
            Key::Setting(Setting::Window),
            Key::Setting(Setting::MinCalls),
        ]
        .contains(&entry.key)
    });
    for entry in shaping {
        if !has_rate {
            errors.at(
                entry.name_span,
                format!(
                    "`{}` shapes the window: set `failure_rate` or `slow_rate` too",
                    entry.key
                ),
            );
        } else if entry.key == Key::Setting(Setting::MinCalls) && too_many_calls {
            errors.at(
                entry.name_span,
                "`min_calls` must not exceed a window of calls (100 unless given)",
            );
        }
    }
}

/// `max_wait` is a wait for a bulkhead slot, which `max_concurrent` sets up.
fn max_wait_has_a_bulkhead(args: &Args, written: &[Written], errors: &mut Errors) {
    if let (Some(entry), None) = (
        find(written, Key::Setting(Setting::MaxWait)),
        args.setting(Setting::MaxConcurrent),
    ) {
        errors.at(
            entry.name_span,
            "`max_wait` is how long to wait for a bulkhead slot: set `max_concurrent` too",
        );
    }
}
