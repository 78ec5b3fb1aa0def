//! How each value is read: a setting's by the kind its declaration gives (shared with the
//! runtime's overrides), and the fn's own keys' strings, durations and paths. A value of the
//! wrong kind or out of range is an error at the value's span, naming its key.

use fusebox_settings::{Raw, Setting, Value};
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

/// `key = host`, `key = req.tenant_id()`: any expression over the fn's arguments, which the
/// generated code borrows. A reference or a `.as_str()` would make the family's key a borrowed
/// type, which a family cannot keep: the message says to write the owned value.
pub(crate) fn key(value: &Expr) -> syn::Result<Expr> {
    let owned = match value {
        Expr::Reference(reference) => Some(&*reference.expr),
        Expr::MethodCall(call) if call.method == "as_str" && call.args.is_empty() => {
            Some(&*call.receiver)
        }
        _ => None,
    };
    match owned {
        Some(owned) => {
            let owned = quote::quote!(#owned).to_string().replace(" . ", ".");
            Err(syn::Error::new(
                value.span(),
                format!(
                    "write `key = {owned}`: the key is borrowed already (a key already in the \
                     family is found without a clone, a new one is cloned into it), and a \
                     family cannot keep a borrowed key"
                ),
            ))
        }
        None => Ok(value.clone()),
    }
}

/// The value of the breaker's `setting`, read by the kind its declaration gives, like
/// `threshold = 5` or `recovery = "60s"`.
pub(crate) fn setting(value: &Expr, setting: Setting) -> syn::Result<Value> {
    let text;
    let raw = match value {
        Expr::Lit(ExprLit { lit, .. }) => match lit {
            // Past `i128`, out of every range.
            Lit::Int(int) => Raw::Int(int.base10_parse().unwrap_or(i128::MAX)),
            Lit::Float(float) => float.base10_parse().map_or(Raw::Other, Raw::Float),
            Lit::Str(string) => {
                text = string.value();
                Raw::Text(&text)
            }
            Lit::Bool(flag) => Raw::Bool(flag.value),
            _ => Raw::Other,
        },
        _ => Raw::Other,
    };
    setting
        .read(raw)
        .map_err(|message| syn::Error::new(value.span(), message))
}

/// `timeout = "15s"`, in milliseconds: at least 1ms.
pub(crate) fn timeout(value: &Expr) -> syn::Result<u64> {
    let text = string(value, Key::Timeout, TIMEOUT_EXAMPLE)?;
    match fusebox_settings::parse_millis(&text.value()) {
        Ok(0) => Err(syn::Error::new(
            text.span(),
            "`timeout` must be at least 1ms",
        )),
        Ok(millis) => Ok(millis),
        Err(message) => Err(syn::Error::new(text.span(), message)),
    }
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
