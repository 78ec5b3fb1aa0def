//! The checks between keys: a setting that needs another one, or must fit with another's
//! value. Each error is at the key that asks for the other.

use proc_macro2::Span;

use crate::args::Args;
use crate::errors::Errors;
use crate::keys::Key;
use crate::window;
use fusebox_settings::limits::DEFAULT_RECOVERY_MILLIS;
use fusebox_settings::Setting;

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
}

/// Where `key` was written, if it was.
fn find(written: &[Written], key: Key) -> Option<&Written> {
    written.iter().find(|entry| entry.key == key)
}

/// `max_recovery` must not be shorter than `recovery`; reported at its value.
fn max_recovery_is_not_shorter(args: &Args, written: &[Written], errors: &mut Errors) {
    let (Some(longest), Some(entry)) = (
        args.max_recovery_millis,
        find(written, Key::Setting(Setting::MaxRecovery)),
    ) else {
        return;
    };
    if longest < args.recovery_millis.unwrap_or(DEFAULT_RECOVERY_MILLIS) {
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
        args.slow_call_millis,
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
    let has_rate = args.failure_rate.is_some() || args.slow_rate.is_some();
    let too_many_calls = args.min_calls > Some(window::min_calls_limit(args.window));
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
        args.max_concurrent,
    ) {
        errors.at(
            entry.name_span,
            "`max_wait` is how long to wait for a bulkhead slot: set `max_concurrent` too",
        );
    }
}
