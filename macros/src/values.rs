//! How each kind of value is read: strings, whole numbers, durations, flags, factors and
//! paths. A value of the wrong kind or out of range is an error at the value's span, naming its
//! key.

use syn::spanned::Spanned;
use syn::{Expr, ExprLit, ExprPath, Lit, LitStr};

use crate::keys::Key;

// The examples in the message for a value that should be a string and is not.
/// `name`'s example.
const NAME_EXAMPLE: &str = "`name = \"weather_api\"`";
/// `timeout`'s example.
const TIMEOUT_EXAMPLE: &str = "`timeout = \"15s\"`";
/// `crate`'s example.
const CRATE_EXAMPLE: &str = "`crate = \"my_crate::fusebox\"`";
/// The example for every other duration.
const DURATION_EXAMPLE: &str = "`recovery = \"60s\"`";

/// A string literal; `example` shows one in the message for any other value.
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

/// `name = "weather_api"`: a string that is not blank.
pub(crate) fn name(value: &Expr) -> syn::Result<LitStr> {
    let text = string(value, Key::Name, NAME_EXAMPLE)?;
    if text.value().trim().is_empty() {
        return Err(syn::Error::new(text.span(), "`name` must not be empty"));
    }
    Ok(text)
}

/// A whole number from 1 to `max`, like `threshold = 5`.
pub(crate) fn count(value: &Expr, key: Key, max: u32) -> syn::Result<u32> {
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

/// `true` or `false`, like `critical = true`.
pub(crate) fn boolean(value: &Expr, key: Key) -> syn::Result<bool> {
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

/// `backoff = 2.0`: a finite number of at least 1.0.
pub(crate) fn factor(value: &Expr) -> syn::Result<f64> {
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
pub(crate) fn timeout(value: &Expr) -> syn::Result<u64> {
    duration_like(value, Key::Timeout, 1, TIMEOUT_EXAMPLE)
}

/// A duration such as `recovery = "60s"`, in milliseconds: at least `min_millis`.
pub(crate) fn duration(value: &Expr, key: Key, min_millis: u64) -> syn::Result<u64> {
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

/// `crate = "my_crate::fusebox"`: where fusebox is re-exported.
pub(crate) fn runtime_path(value: &Expr) -> syn::Result<syn::Path> {
    let text = string(value, Key::Crate, CRATE_EXAMPLE)?;
    text.parse::<syn::Path>().map_err(|_| {
        syn::Error::new(
            text.span(),
            "`crate` takes the path fusebox is re-exported at, like `crate = \"my_crate::fusebox\"`",
        )
    })
}

/// The path of a fn, like `fallback = cached_weather`; `kind` and `example` word the message.
pub(crate) fn path(value: &Expr, key: Key, kind: &str, example: &str) -> syn::Result<ExprPath> {
    match value {
        Expr::Path(path) if path.qself.is_none() => Ok(path.clone()),
        _ => Err(syn::Error::new(
            value.span(),
            format!("`{key}` takes the path of {kind}, like `{key} = {example}`"),
        )),
    }
}
