//! The window the failure and slow-call rates are taken over: the latest calls
//! (`window = 20`) or the latest stretch of time (`window = "60s"`).

use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Lit};

use crate::keys::Key;
use crate::values::{count, duration};

/// The window the rates are taken over: the latest calls, or the latest stretch of time.
#[derive(Clone, Copy)]
pub(crate) enum Window {
    /// `window = 20`: the latest 20 calls.
    Calls(u32),
    /// `window = "60s"`: the calls that finished in the latest 60 s, in milliseconds.
    Millis(u64),
}

use fusebox_settings::limits::{DEFAULT_WINDOW, MAX_WINDOW, MAX_WINDOW_MILLIS, MIN_WINDOW_MILLIS};
use fusebox_settings::Setting;

/// `window = 20` (calls) or `window = "60s"` (time).
pub(crate) fn parse(value: &Expr) -> syn::Result<Window> {
    match value {
        Expr::Lit(ExprLit {
            lit: Lit::Int(_), ..
        }) => Ok(Window::Calls(count(
            value,
            Key::Setting(Setting::Window),
            MAX_WINDOW,
        )?)),
        Expr::Lit(ExprLit {
            lit: Lit::Str(text),
            ..
        }) => {
            let millis = duration(value, Key::Setting(Setting::Window), 1)?;
            if (MIN_WINDOW_MILLIS..=MAX_WINDOW_MILLIS).contains(&millis) {
                Ok(Window::Millis(millis))
            } else {
                Err(syn::Error::new(
                    text.span(),
                    "a time `window` must be between \"100ms\" and \"24h\"",
                ))
            }
        }
        _ => Err(syn::Error::new(
            value.span(),
            "`window` takes a number of calls or a duration, like `window = 100` or \
             `window = \"60s\"`",
        )),
    }
}

/// The most calls `min_calls` may ask of `window`: its size for a window of calls, anything
/// the attribute accepts for a time window.
pub(crate) fn min_calls_limit(window: Option<Window>) -> u32 {
    match window {
        None => DEFAULT_WINDOW,
        Some(Window::Calls(calls)) => calls,
        Some(Window::Millis(_)) => MAX_WINDOW,
    }
}
