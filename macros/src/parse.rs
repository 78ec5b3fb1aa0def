//! Reads `key = value, ...` into [`Args`]: each value by its key, then the checks between
//! keys, reporting every mistake at once, each at its token's span.

use proc_macro2::TokenStream;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Meta, Token};

use crate::args::Args;
use crate::cross_checks::{self, Written};
use crate::errors::Errors;
use crate::keys::{unknown_key, Key};
use crate::values::{self, name, path, runtime_path, timeout};

/// Parses the attribute's arguments, reporting every mistake at once.
pub(crate) fn arguments(tokens: TokenStream) -> syn::Result<Args> {
    let metas = Punctuated::<Meta, Token![,]>::parse_terminated.parse2(tokens)?;
    let mut args = Args::default();
    let mut errors = Errors::default();
    let mut written: Vec<Written> = Vec::new();
    for meta in metas {
        match entry(meta, &written) {
            Ok((entry, value)) => {
                written.push(entry);
                if let Err(error) = set(&mut args, entry.key, &value) {
                    errors.push(error);
                }
            }
            Err(error) => errors.push(error),
        }
    }
    cross_checks::check(&args, &written, &mut errors);
    errors.finish(args)
}

/// The key of `meta`, where it is written, and its value. An entry that is not
/// `key = value`, a name that is no key and a key given again are errors.
fn entry(meta: Meta, written: &[Written]) -> syn::Result<(Written, Expr)> {
    let Meta::NameValue(entry) = meta else {
        return Err(syn::Error::new(meta.span(), "expected `key = value`"));
    };
    let name_span = entry.path.span();
    let key = entry
        .path
        .get_ident()
        .and_then(|ident| Key::from_name(&ident.to_string()));
    let Some(key) = key else {
        return Err(syn::Error::new(name_span, unknown_key(&entry.path)));
    };
    if written.iter().any(|earlier| earlier.key == key) {
        return Err(syn::Error::new(name_span, format!("duplicate key `{key}`")));
    }
    let written = Written {
        key,
        name_span,
        value_span: entry.value.span(),
    };
    Ok((written, entry.value))
}

/// Reads the value of `key`: each of the fn's keys the value it takes, and every setting by
/// the kind its declaration gives.
fn set(args: &mut Args, key: Key, value: &Expr) -> syn::Result<()> {
    match key {
        Key::Name => args.name = Some(name(value)?),
        Key::Keyed => args.key = Some(values::key(value)?),
        Key::Timeout => args.timeout_millis = Some(timeout(value)?),
        Key::Fallback => {
            args.fallback = Some(path(value, key, "an async fn", "cached_weather")?);
        }
        Key::FailureIf => args.failure_if = Some(path(value, key, "a fn", "is_server_error")?),
        Key::FailureIfOk => {
            args.failure_if_ok = Some(path(value, key, "a fn", "is_degraded")?);
        }
        Key::RetryIf => args.retry_if = Some(path(value, key, "a fn", "is_transient")?),
        Key::Crate => args.krate = Some(runtime_path(value)?),
        Key::Setting(setting) => {
            args.settings[setting as usize] = Some(values::setting(value, setting)?);
        }
    }
    Ok(())
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
        let error = arguments(tokens).err().unwrap();
        assert_eq!(error.into_iter().count(), 4);
    }

    #[test]
    fn a_value_that_is_not_a_string_gets_its_example() {
        let message = |tokens| arguments(tokens).err().unwrap().to_string();
        assert_eq!(
            message(quote::quote!(name = 1)),
            "`name` takes a string, like `name = \"weather_api\"`"
        );
        assert_eq!(
            message(quote::quote!(timeout = 1)),
            "`timeout` takes a string, like `timeout = \"15s\"`"
        );
        assert_eq!(
            message(quote::quote!(crate = 1)),
            "`crate` takes a string, like `crate = \"my_crate::fusebox\"`"
        );
        assert_eq!(
            message(quote::quote!(slow_call = 1)),
            "`slow_call` takes a string, like `slow_call = \"60s\"`"
        );
    }
}
