//! The call site a fn's expansion declares: the breaker's name and settings in a `static`
//! (declared to the linker, so that the registry knows it before the first call), or, with a
//! `key`, the family's site and the call's key resolved to its breaker.

use fusebox_settings::{Kind, Setting, Value};
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::ItemFn;

use crate::args::Args;
use crate::respan::respan;

/// The static call site: the breaker's name and settings, resolved to the breaker once, and
/// its declaration. `Site::new` validates the settings with the runtime's own `const`
/// validation, so that the attribute and the runtime cannot disagree.
pub(crate) fn site(args: &Args, function: &ItemFn, krate: &TokenStream) -> TokenStream {
    let name = match &args.name {
        Some(name) => name.to_token_stream(),
        None => {
            let ident = function.sig.ident.to_string();
            quote!(::core::concat!(::core::module_path!(), "::", #ident))
        }
    };
    let settings = args
        .settings_given()
        .map(|(setting, value)| builder_call(setting, value));
    if let Some(key) = &args.key {
        return keyed_site(
            &name,
            &quote!(&#krate::Config::new()#(#settings)*),
            key,
            krate,
        );
    }
    // The site is itself an element of the linker's slice, which the registry reads, so that
    // the breaker is known before the fn is first called: one `static` a fn, not a second one
    // pointing at it (measured on 200 fns: 145 bytes of release binary a fn fewer).
    quote! {
        #[#krate::__private::distributed_slice(#krate::__private::SITES)]
        #[linkme(crate = #krate::__private::linkme)]
        static __FUSEBOX_SITE: #krate::__private::Site = #krate::__private::Site::new(
            #name,
            &#krate::Config::new()#(#settings)*,
        );
    }
}

/// The site of a fn with a `key`: the family's name and settings in a `static`, not declared
/// to the linker (no breaker of the name is registered), then the call's key resolved to its
/// breaker, bound to the name the rest of the body calls through, as a static site is. The key
/// is borrowed, so that a key already in the family is found without a clone or a move; a key
/// type that is not a `fusebox::Key` is one error, at the expression, through `BreakerKey`.
fn keyed_site(
    name: &TokenStream,
    config: &TokenStream,
    key: &syn::Expr,
    krate: &TokenStream,
) -> TokenStream {
    let span = key.span();
    let breaker_key = respan(krate, span);
    // `&key` without parentheses where the `&` binds to the whole expression, so that an
    // error about the key's type covers the whole expression, not its first token.
    let borrowed = if binds_tighter_than_borrow(key) {
        quote_spanned!(span=> &#key)
    } else {
        quote_spanned!(span=> &(#key))
    };
    let breaker = quote_spanned! {span=>
        #breaker_key::__private::BreakerKey::breaker_at(#borrowed, &__FUSEBOX_KEYED)
    };
    quote! {
        static __FUSEBOX_KEYED: #krate::__private::KeyedSite =
            #krate::__private::KeyedSite::new(#name, #config);
        #[allow(non_snake_case, unused_parens)]
        let __FUSEBOX_SITE = #breaker;
    }
}

/// True if `&expr` borrows the whole of `expr`: a path, a call, a field, a literal, ...
fn binds_tighter_than_borrow(expr: &syn::Expr) -> bool {
    use syn::Expr;
    matches!(
        expr,
        Expr::Path(_)
            | Expr::MethodCall(_)
            | Expr::Call(_)
            | Expr::Field(_)
            | Expr::Index(_)
            | Expr::Lit(_)
            | Expr::Paren(_)
            | Expr::Macro(_)
            | Expr::Tuple(_)
            | Expr::Block(_)
    )
}

/// For a keyed fn with `retries`, once a call is admitted: the name the attempts call through,
/// bound to the breaker that admitted it, so that every attempt uses that key's breaker.
pub(crate) fn admitted_key(args: &Args, krate: &TokenStream) -> Option<TokenStream> {
    (args.key.is_some() && args.retries()).then(|| {
        quote! {
            #[allow(non_snake_case)]
            let __FUSEBOX_SITE = #krate::__private::AdmittedKey::of(&__fusebox_permit);
        }
    })
}

/// The call of `Config`'s builder method that sets `setting` to `value`: the method is named
/// after the setting (`.threshold(5u32)`), and a window of time after it with `_duration`
/// (`.window_duration(..)`), as `Config::set` calls them.
fn builder_call(setting: Setting, value: Value) -> TokenStream {
    let time_window = setting.kind() == Kind::Window && matches!(value, Value::Duration(_));
    let method = if time_window {
        format_ident!("{}_duration", setting.name())
    } else {
        format_ident!("{}", setting.name())
    };
    let argument = match value {
        Value::Whole(number) => quote!(#number),
        Value::Percent(percent) => quote!(#percent),
        Value::Duration(duration) => {
            // Durations are read in whole milliseconds.
            let millis = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX);
            quote!(::core::time::Duration::from_millis(#millis))
        }
        Value::Flag(flag) => quote!(#flag),
        Value::Factor(factor) => quote!(#factor),
    };
    quote!(.#method(#argument))
}
