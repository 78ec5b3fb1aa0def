//! Rewrites the protected fn's body to route every call through its breaker. The signature,
//! attributes and docs stay as written (with a fallback, argument patterns become generated
//! names, bound again inside the body).

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{ItemFn, Type};

use crate::args::Args;
use crate::errors::Errors;
use crate::fallback::Fallback;
use crate::form::{self, NotFound};
use crate::parse;
use crate::respan::respan;
use crate::retry;
use crate::signature::{self, Inputs, Receiver};
use crate::site::site;
use crate::with_fallback::with_fallback;

/// Expands `#[circuit_breaker(args)]` on `item`. On any error, the errors are emitted beside
/// the fn as written, so that one mistake gives one message.
pub(crate) fn circuit_breaker(args: TokenStream, item: &TokenStream) -> TokenStream {
    let mut function = match crate::item::function(item.clone()) {
        Ok(function) => function,
        Err(error) => return with_errors(&error, item),
    };
    match check(args, &mut function) {
        Ok(args) => rewrite(function, &args),
        Err(error) => with_errors(&error, &function.into_token_stream()),
    }
}

fn with_errors(error: &syn::Error, item: &TokenStream) -> TokenStream {
    let errors = error.to_compile_error();
    quote!(#errors #item)
}

/// Checks the arguments and the fn. `function` is taken mutably only to look into it, as
/// `form::find` does, without copying it.
fn check(args: TokenStream, function: &mut ItemFn) -> syn::Result<Args> {
    let mut errors = Errors::default();
    let args = parse::arguments(args).unwrap_or_else(|error| {
        errors.push(error);
        Args::default()
    });
    let fn_token = function.sig.fn_token.span;
    match form::find(function) {
        Err(NotFound::NotAsync) => errors.at(
            fn_token,
            "`#[circuit_breaker]` applies only to an `async fn`; add `async`",
        ),
        Err(NotFound::BelowTool) => errors.at(
            fn_token,
            "write `#[circuit_breaker]` above rmcp's `#[tool]`: below it, it gets the boxed fn \
             `#[tool]` made, and the tool would lose its doc-comment description",
        ),
        Ok(form) if args.fallback.is_some() && contains_impl_trait(&form.output) => errors.at(
            form.output.span(),
            "with a `fallback`, the return type must be nameable: write the type instead of \
             `impl Trait`",
        ),
        Ok(_) => {}
    }
    if args.retries() {
        signature::check_receiver(function, &mut errors);
    }
    errors.finish(args)
}

fn contains_impl_trait(ty: &Type) -> bool {
    fn has_impl(tokens: TokenStream) -> bool {
        tokens.into_iter().any(|token| match token {
            TokenTree::Ident(ident) => ident == "impl",
            TokenTree::Group(group) => has_impl(group.stream()),
            _ => false,
        })
    }
    has_impl(ty.to_token_stream())
}

fn rewrite(mut function: ItemFn, args: &Args) -> TokenStream {
    let krate = match &args.krate {
        Some(path) => path.to_token_stream(),
        None => quote!(::fusebox),
    };
    let site = site(args, &function, &krate);
    let inputs =
        (args.fallback.is_some() || args.retries()).then(|| Inputs::read(&mut function.sig));
    if args.retries() {
        signature::unbind_mut(&mut function.sig);
    }
    let deadline = match args.timeout_millis {
        Some(millis) => quote!(#krate::__private::timeout(#millis)),
        None => quote!(#krate::__private::NoDeadline),
    };
    let Ok(mut form) = form::find(&mut function) else {
        // `check` found the form; this is not reached.
        return function.into_token_stream();
    };
    if inputs
        .as_ref()
        .is_some_and(|inputs| inputs.receiver == Receiver::Exclusive)
    {
        form.reborrow_receiver();
    }
    let output_span = form.output.span();
    let body = &*form.body;
    let protected = match (&args.fallback, &inputs) {
        (Some(path), Some(inputs)) => {
            let fallback = Fallback::new(path, inputs, args.retries(), &krate);
            with_fallback(&fallback, args, body, &form.output, &deadline)
        }
        (None, Some(inputs)) => {
            let arguments = Fallback::for_retries(inputs, &krate);
            retry::without_fallback(&arguments, args, body, &deadline, output_span)
        }
        _ => without_fallback(args, body, &deadline, output_span, &krate),
    };
    // Spliced in as tokens: parsing the new body (the user's with it) only to print it again
    // was most of the attribute's own time (measured).
    form.body.stmts = vec![syn::Stmt::Item(syn::Item::Verbatim(
        quote!(#site #protected),
    ))];
    function.into_token_stream()
}

/// The body without a fallback: a rejection or a timeout comes back as the fn's own error.
fn without_fallback(
    args: &Args,
    body: &syn::Block,
    deadline: &TokenStream,
    output_span: Span,
    krate: &TokenStream,
) -> TokenStream {
    // Every use goes through `CarriesRejection`, at the return type, so that a return type
    // that cannot carry a rejection is one error (see the trait). The predicate is typed from
    // the fn's future, so that a wrong type is reported at its path.
    let krate = respan(krate, output_span);
    let carries = quote_spanned!(output_span=> <_ as #krate::__private::CarriesRejection>);
    let classify = classify_output(args, &carries, output_span);
    // Admission comes first: a rejected call returns its error before it is ever polled.
    let admit = quote_spanned! {output_span=>
        let __fusebox_classify = #classify;
        // A closure that captures nothing: kept in the future at no cost.
        #[allow(clippy::redundant_closure)]
        let __fusebox_reject = |__fusebox_error| #carries::reject(__fusebox_error);
        let __fusebox_permit = match __FUSEBOX_SITE.acquire() {
            ::core::result::Result::Ok(__fusebox_permit) => __fusebox_permit,
            ::core::result::Result::Err(__fusebox_error) => {
                return __fusebox_reject(__fusebox_error);
            }
        };
        #krate::__private::admitted(
            __fusebox_permit,
            #deadline,
            __fusebox_classify,
            __fusebox_reject,
            __fusebox_future,
        )
        .await
    };
    // With a predicate, tie the future's output to the fn's return type first, so that a
    // predicate of the wrong type is reported at its path, not inferred from.
    let hint = args.judges_output().then(|| {
        quote!(if false {
            return __fusebox_future.await;
        })
    });
    quote!(let __fusebox_future = async move #body; #hint #admit)
}

/// The classifier of a fn without a fallback, through `carries` (`CarriesRejection` at the
/// return type): every error counts, or those `failure_if` accepts, and with `failure_if_ok`
/// the `Ok` values it accepts too.
pub(crate) fn classify_output(
    args: &Args,
    carries: &TokenStream,
    output_span: Span,
) -> TokenStream {
    let errors = match &args.failure_if {
        Some(path) => quote_spanned! {output_span=>
            #carries::failure_if(&__fusebox_future, #path)
        },
        None => quote_spanned! {output_span=> #carries::count_errors(&__fusebox_future)},
    };
    match &args.failure_if_ok {
        Some(path) => quote_spanned! {output_span=>
            #carries::failure_if_ok(&__fusebox_future, #errors, #path)
        },
        None => errors,
    }
}

/// How the generated code judges the fn's output, given a fallback: every error, or those
/// `failure_if` accepts, and with `failure_if_ok` the `Ok` values it accepts too.
pub(crate) fn judge(args: &Args, krate: &TokenStream) -> TokenStream {
    let errors = judge_errors(args, krate);
    match &args.failure_if_ok {
        Some(path) => {
            let krate = respan(krate, path.span());
            quote_spanned! {path.span()=> {
                #[allow(unused_imports)]
                use #krate::__private::AnyValue as _;
                __fusebox_probe.failure_if_ok(#errors, #path)
            }}
        }
        None => errors,
    }
}

/// How the generated code judges the fn's errors: every one, or those `failure_if` accepts.
fn judge_errors(args: &Args, krate: &TokenStream) -> TokenStream {
    match &args.failure_if {
        Some(path) => {
            let krate = respan(krate, path.span());
            quote_spanned! {path.span()=> {
                #[allow(unused_imports)]
                use #krate::__private::AnyValue as _;
                __fusebox_probe.failure_if(#path)
            }}
        }
        None => quote!({
            #[allow(unused_imports)]
            use #krate::__private::AnyValue as _;
            __fusebox_probe.judge()
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(args: TokenStream, item: &TokenStream) -> String {
        circuit_breaker(args, item).to_string()
    }

    #[test]
    fn a_re_exported_runtime_replaces_every_path_to_fusebox() {
        let item = quote!(
            async fn get(&self, (a, b): (u8, u8)) -> Result<u8, E> {
                Ok(a + b)
            }
        );
        for fallback in [quote!(), quote!(fallback = cached,)] {
            let expanded = expand(
                quote!(#fallback crate = "my_framework::fusebox", timeout = "1s"),
                &item,
            );
            let elsewhere = expanded.replace("my_framework :: fusebox ::", "");
            assert!(!elsewhere.contains("fusebox ::"), "{expanded}");
            assert!(
                expanded.contains("my_framework :: fusebox :: __private"),
                "{expanded}"
            );
        }
    }

    #[test]
    fn a_path_that_does_not_parse_is_refused() {
        let expanded = expand(
            quote!(crate = "my framework"),
            &quote!(
                async fn get() -> Result<u8, E> {
                    Ok(1)
                }
            ),
        );
        assert!(expanded.contains("compile_error"), "{expanded}");
        assert!(expanded.contains("async fn get"), "{expanded}");
    }

    #[test]
    fn the_site_sets_only_the_settings_given_each_through_its_builder_method() {
        let item = quote!(
            async fn get() -> Result<u8, E> {
                Ok(1)
            }
        );
        let expanded = expand(
            quote!(
                threshold = 3,
                failure_rate = 50,
                window = "60s",
                critical = false
            ),
            &item,
        );
        let site = [
            ":: fusebox :: Config :: new () . threshold (3u32)",
            ". critical (false) . failure_rate (50u8)",
            ". window_duration (:: core :: time :: Duration :: from_millis (60000u64)) ,",
        ];
        for call in site {
            assert!(expanded.contains(call), "{call} in {expanded}");
        }
        assert!(!expanded.contains("recovery"), "{expanded}");
        let counted = expand(quote!(failure_rate = 50, window = 20), &item);
        assert!(counted.contains(". window (20u32)"), "{counted}");
    }

    #[test]
    fn a_key_makes_a_keyed_site_and_declares_no_breaker() {
        let item = quote!(
            async fn get(host: String, a: u8) -> Result<u8, E> {
                Ok(a)
            }
        );
        let plain = expand(quote!(name = "up", retries = 1), &item);
        assert!(!plain.contains("Keyed"), "{plain}");
        assert!(!plain.contains("AdmittedKey"), "{plain}");
        assert!(plain.contains("distributed_slice"), "{plain}");
        let keyed = expand(quote!(name = "up", key = host, retries = 1), &item);
        assert!(!keyed.contains("distributed_slice"), "{keyed}");
        assert!(
            keyed.contains("BreakerKey :: breaker_at (& host , & __FUSEBOX_KEYED)"),
            "{keyed}"
        );
        assert!(
            keyed.contains("AdmittedKey :: of (& __fusebox_permit)"),
            "{keyed}"
        );
        let summed = expand(quote!(key = a + 1), &item);
        assert!(summed.contains("breaker_at (& (a + 1)"), "{summed}");
        assert!(!summed.contains("AdmittedKey"), "{summed}");
    }
}
