//! Parses and checks the attribute's arguments, collecting every error with its token's span.

use proc_macro2::TokenStream;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, ExprPath, Lit, LitStr, Meta, Token};

use crate::errors::Errors;
use crate::keys::{unknown_key, Key};

/// The checked arguments of one `#[circuit_breaker(...)]`.
#[derive(Default)]
pub(crate) struct Args {
    pub(crate) name: Option<LitStr>,
    pub(crate) threshold: Option<u32>,
    pub(crate) timeout_millis: Option<u64>,
    pub(crate) recovery_millis: Option<u64>,
    pub(crate) success_threshold: Option<u32>,
    pub(crate) fallback: Option<ExprPath>,
    pub(crate) failure_if: Option<ExprPath>,
    pub(crate) backoff: Option<f64>,
    pub(crate) max_recovery_millis: Option<u64>,
    pub(crate) max_half_open_wait_millis: Option<u64>,
    pub(crate) max_concurrent: Option<u32>,
    pub(crate) max_wait_millis: Option<u64>,
    pub(crate) failure_rate: Option<u32>,
    pub(crate) window: Option<Window>,
    pub(crate) min_calls: Option<u32>,
    pub(crate) critical: Option<bool>,
    pub(crate) adaptive: Option<bool>,
    pub(crate) slow_call_millis: Option<u64>,
    pub(crate) slow_rate: Option<u32>,
    /// Where the runtime is, for a crate that re-exports fusebox (`::fusebox` unless given).
    pub(crate) krate: Option<syn::Path>,
}

/// The window the rates are taken over: the latest calls, or the latest stretch of time.
#[derive(Clone, Copy)]
pub(crate) enum Window {
    /// `window = 20`: the latest 20 calls.
    Calls(u32),
    /// `window = "60s"`: the calls that finished in the latest 60 s, in milliseconds.
    Millis(u64),
}

/// The runtime's default `recovery` (`fusebox::Config::DEFAULT_RECOVERY`), in milliseconds.
pub(crate) const DEFAULT_RECOVERY_MILLIS: u64 = 60_000;

/// The runtime's default and largest window sizes (`fusebox::Config::{DEFAULT_WINDOW, MAX_WINDOW}`).
const DEFAULT_WINDOW: u32 = 100;
const MAX_WINDOW: u32 = 100_000;

/// The shortest and longest time windows, in milliseconds
/// (`fusebox::Config::{MIN_WINDOW_DURATION, MAX_WINDOW_DURATION}`).
const MIN_WINDOW_MILLIS: u64 = 100;
const MAX_WINDOW_MILLIS: u64 = 24 * 60 * 60 * 1000;

/// The largest `success_threshold` the runtime accepts (`fusebox::Config::MAX_SUCCESS_THRESHOLD`).
const MAX_SUCCESS_THRESHOLD: u32 = 1 << 16;

impl Args {
    /// Parses `key = value, ...`, reporting every mistake at once.
    pub(crate) fn parse(tokens: TokenStream) -> Result<Args, syn::Error> {
        let metas = Punctuated::<Meta, Token![,]>::parse_terminated.parse2(tokens)?;
        let mut args = Args::default();
        let mut errors = Errors::default();
        let mut seen: Vec<Key> = Vec::new();
        let mut max_recovery_entry = None;
        let mut max_wait_entry = None;
        let mut window_entries = Vec::new();
        let mut slow_rate_entry = None;
        for meta in metas {
            let Meta::NameValue(entry) = meta else {
                errors.at(meta.span(), "expected `key = value`");
                continue;
            };
            let key = entry
                .path
                .get_ident()
                .and_then(|ident| Key::from_name(&ident.to_string()));
            let Some(key) = key else {
                errors.at(entry.path.span(), unknown_key(&entry.path));
                continue;
            };
            if seen.contains(&key) {
                errors.at(entry.path.span(), format!("duplicate key `{key}`"));
                continue;
            }
            seen.push(key);
            match key {
                Key::MaxRecovery => max_recovery_entry = Some(entry.value.span()),
                Key::MaxWait => max_wait_entry = Some(entry.path.span()),
                Key::SlowRate => slow_rate_entry = Some(entry.path.span()),
                Key::Window | Key::MinCalls => window_entries.push((key, entry.path.span())),
                _ => {}
            }
            if let Err(error) = args.set(key, &entry.value) {
                errors.push(error);
            }
        }
        if let (Some(longest), Some(entry)) = (args.max_recovery_millis, max_recovery_entry) {
            if longest < args.recovery_millis.unwrap_or(DEFAULT_RECOVERY_MILLIS) {
                errors.at(
                    entry,
                    "`max_recovery` must not be shorter than `recovery` (60s unless given)",
                );
            }
        }
        if let (Some(span), None) = (slow_rate_entry, args.slow_call_millis) {
            errors.at(
                span,
                "`slow_rate` needs `slow_call`: how long a slow call takes",
            );
        }
        for (key, span) in window_entries {
            if args.failure_rate.is_none() && args.slow_rate.is_none() {
                errors.at(
                    span,
                    format!("`{key}` shapes the window: set `failure_rate` or `slow_rate` too"),
                );
            } else if key == Key::MinCalls && args.min_calls > Some(window_calls(args.window)) {
                errors.at(
                    span,
                    "`min_calls` must not exceed a window of calls (100 unless given)",
                );
            }
        }
        if let (Some(entry), None) = (max_wait_entry, args.max_concurrent) {
            errors.at(
                entry,
                "`max_wait` is how long to wait for a bulkhead slot: set `max_concurrent` too",
            );
        }
        errors.finish(args)
    }

    /// Reads the value of `key`; each key reads the kind of value it takes.
    fn set(&mut self, key: Key, value: &Expr) -> syn::Result<()> {
        match key {
            Key::Name => self.name = Some(name(value)?),
            Key::Timeout => self.timeout_millis = Some(timeout(value)?),
            Key::Fallback => {
                self.fallback = Some(path(value, key, "an async fn", "cached_weather")?);
            }
            Key::FailureIf => self.failure_if = Some(path(value, key, "a fn", "is_server_error")?),
            Key::Crate => self.krate = Some(runtime_path(value)?),
            Key::Threshold => self.threshold = Some(count(value, key, u32::MAX)?),
            Key::Recovery => self.recovery_millis = Some(duration(value, key, 0)?),
            Key::SuccessThreshold => {
                self.success_threshold = Some(count(value, key, MAX_SUCCESS_THRESHOLD)?);
            }
            Key::Backoff => self.backoff = Some(factor(value)?),
            Key::MaxRecovery => {
                self.max_recovery_millis = Some(duration(value, key, 0)?);
            }
            Key::MaxHalfOpenWait => {
                self.max_half_open_wait_millis = Some(duration(value, key, 1)?);
            }
            Key::Adaptive => self.adaptive = Some(boolean(value, key)?),
            Key::Critical => self.critical = Some(boolean(value, key)?),
            Key::FailureRate => self.failure_rate = Some(count(value, key, 100)?),
            Key::Window => self.window = Some(window(value)?),
            Key::MinCalls => self.min_calls = Some(count(value, key, MAX_WINDOW)?),
            Key::SlowCall => self.slow_call_millis = Some(duration(value, key, 1)?),
            Key::SlowRate => self.slow_rate = Some(count(value, key, 100)?),
            Key::MaxConcurrent => self.max_concurrent = Some(count(value, key, u32::MAX)?),
            Key::MaxWait => self.max_wait_millis = Some(duration(value, key, 1)?),
        }
        Ok(())
    }
}

/// The example in a message for a string value of the wrong kind.
const NAME_EXAMPLE: &str = "`name = \"weather_api\"`";
const TIMEOUT_EXAMPLE: &str = "`timeout = \"15s\"`";
const CRATE_EXAMPLE: &str = "`crate = \"my_crate::fusebox\"`";
/// The example for every duration but `timeout`.
const DURATION_EXAMPLE: &str = "`recovery = \"60s\"`";

fn string(value: &Expr, key: Key, example: &str) -> syn::Result<LitStr> {
    match value {
        Expr::Lit(ExprLit {
            lit: Lit::Str(text),
            ..
        }) => Ok(text.clone()),
        _ => Err(syn::Error::new(
            value.span(),
            format!("`{key}` takes a string, like {example}"),
        )),
    }
}

fn name(value: &Expr) -> syn::Result<LitStr> {
    let text = string(value, Key::Name, NAME_EXAMPLE)?;
    if text.value().trim().is_empty() {
        return Err(syn::Error::new(text.span(), "`name` must not be empty"));
    }
    Ok(text)
}

fn count(value: &Expr, key: Key, max: u32) -> syn::Result<u32> {
    let Expr::Lit(ExprLit {
        lit: Lit::Int(int), ..
    }) = value
    else {
        return Err(syn::Error::new(
            value.span(),
            format!("`{key}` takes a whole number, like `{key} = 5`"),
        ));
    };
    match int.base10_parse::<u32>() {
        Ok(number) if (1..=max).contains(&number) => Ok(number),
        _ if max == u32::MAX => Err(syn::Error::new(
            int.span(),
            format!("`{key}` must be at least 1"),
        )),
        _ => Err(syn::Error::new(
            int.span(),
            format!("`{key}` must be between 1 and {max}"),
        )),
    }
}

/// The most calls `min_calls` may ask of `window`: its size for a window of calls, anything
/// the attribute accepts for a time window.
fn window_calls(window: Option<Window>) -> u32 {
    match window {
        None => DEFAULT_WINDOW,
        Some(Window::Calls(calls)) => calls,
        Some(Window::Millis(_)) => MAX_WINDOW,
    }
}

/// `window = 20` (calls) or `window = "60s"` (time).
fn window(value: &Expr) -> syn::Result<Window> {
    match value {
        Expr::Lit(ExprLit {
            lit: Lit::Int(_), ..
        }) => Ok(Window::Calls(count(value, Key::Window, MAX_WINDOW)?)),
        Expr::Lit(ExprLit {
            lit: Lit::Str(text),
            ..
        }) => {
            let millis = duration(value, Key::Window, 1)?;
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

fn boolean(value: &Expr, key: Key) -> syn::Result<bool> {
    match value {
        Expr::Lit(ExprLit {
            lit: Lit::Bool(flag),
            ..
        }) => Ok(flag.value),
        _ => Err(syn::Error::new(
            value.span(),
            format!("`{key}` takes `true` or `false`"),
        )),
    }
}

fn factor(value: &Expr) -> syn::Result<f64> {
    let number = match value {
        Expr::Lit(ExprLit {
            lit: Lit::Float(float),
            ..
        }) => float.base10_parse::<f64>(),
        Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) => int.base10_parse::<f64>(),
        _ => {
            return Err(syn::Error::new(
                value.span(),
                "`backoff` takes a number, like `backoff = 2.0`",
            ))
        }
    };
    match number {
        Ok(number) if number >= 1.0 && number.is_finite() => Ok(number),
        _ => Err(syn::Error::new(
            value.span(),
            "`backoff` must be a number of at least 1.0",
        )),
    }
}

/// `timeout = "15s"`, in milliseconds: at least 1ms.
fn timeout(value: &Expr) -> syn::Result<u64> {
    duration_like(value, Key::Timeout, 1, TIMEOUT_EXAMPLE)
}

/// A duration such as `recovery = "60s"`, in milliseconds: at least `min_millis`.
fn duration(value: &Expr, key: Key, min_millis: u64) -> syn::Result<u64> {
    duration_like(value, key, min_millis, DURATION_EXAMPLE)
}

/// A duration, with `example` in the message for a value that is not a string.
fn duration_like(value: &Expr, key: Key, min_millis: u64, example: &str) -> syn::Result<u64> {
    let text = string(value, key, example)?;
    let millis = fusebox_settings::parse_millis(&text.value())
        .map_err(|message| syn::Error::new(text.span(), message))?;
    if millis < min_millis {
        return Err(syn::Error::new(
            text.span(),
            format!("`{key}` must be at least 1ms"),
        ));
    }
    Ok(millis)
}

fn runtime_path(value: &Expr) -> syn::Result<syn::Path> {
    let text = string(value, Key::Crate, CRATE_EXAMPLE)?;
    text.parse::<syn::Path>().map_err(|_| {
        syn::Error::new(
            text.span(),
            "`crate` takes the path fusebox is re-exported at, like `crate = \"my_crate::fusebox\"`",
        )
    })
}

fn path(value: &Expr, key: Key, kind: &str, example: &str) -> syn::Result<ExprPath> {
    match value {
        Expr::Path(path) if path.qself.is_none() => Ok(path.clone()),
        _ => Err(syn::Error::new(
            value.span(),
            format!("`{key}` takes the path of {kind}, like `{key} = {example}`"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_is_reported() {
        let tokens = quote::quote!(
            threshold = 0,
            nme = "x",
            threshold = 2,
            timeout = "1 parsec"
        );
        let error = Args::parse(tokens).err().unwrap();
        assert_eq!(error.into_iter().count(), 4);
    }
}
