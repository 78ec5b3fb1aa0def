//! Rewrites the protected fn's body to route every call through its breaker. The signature,
//! attributes and docs stay as written.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{ExprPath, ItemFn, ReturnType};

use crate::args::{Args, Errors, DEFAULT_RECOVERY_MILLIS};
use crate::signature::{Inputs, Receiver};

/// Expands `#[circuit_breaker(args)]` on `item`. On any error, the errors are emitted beside
/// the fn as written, so that one mistake gives one message.
pub(crate) fn circuit_breaker(args: TokenStream, item: &TokenStream) -> TokenStream {
    let function: ItemFn = match syn::parse2(item.clone()) {
        Ok(function) => function,
        Err(error) => return with_errors(&error, item),
    };
    match check(args, &function) {
        Ok((args, inputs)) => rewrite(function, &args, &inputs),
        Err(error) => with_errors(&error, &function.into_token_stream()),
    }
}

fn with_errors(error: &syn::Error, item: &TokenStream) -> TokenStream {
    let errors = error.to_compile_error();
    quote!(#errors #item)
}

fn check(args: TokenStream, function: &ItemFn) -> syn::Result<(Args, Inputs)> {
    let mut errors = Errors::default();
    let args = Args::parse(args).unwrap_or_else(|error| {
        errors.push(error);
        Args::default()
    });
    if function.sig.asyncness.is_none() {
        errors.at(
            function.sig.fn_token.span,
            "`#[circuit_breaker]` applies only to an `async fn`; add `async`",
        );
    }
    let inputs = Inputs::read(&function.sig, args.fallback.is_some(), &mut errors);
    errors.finish((args, inputs))
}

fn rewrite(function: ItemFn, args: &Args, inputs: &Inputs) -> TokenStream {
    let site = site(args, &function);
    let deadline = match args.timeout_millis {
        Some(millis) => quote!(::fusebox::__private::timeout(#millis)),
        None => quote!(::fusebox::__private::NoDeadline),
    };
    // Typed from the fn's future, so that a predicate of the wrong type is reported at its path.
    let classify = match &args.failure_if {
        Some(path) => quote_spanned! {path.span()=>
            ::fusebox::__private::failure_if(&__fusebox_future, #path)
        },
        None => quote!(::fusebox::__private::CountErrors),
    };
    let policy = quote!(#deadline, #classify);
    let output_span = match &function.sig.output {
        ReturnType::Default => function.sig.ident.span(),
        ReturnType::Type(_, ty) => ty.span(),
    };
    let body = &function.block;
    let protected = match &args.fallback {
        None => {
            let protect = quote_spanned! {output_span=>
                ::fusebox::__private::protect(&__FUSEBOX_SITE, #policy, __fusebox_future).await
            };
            // With a predicate, tie the future's output to the fn's return type first, so that
            // a predicate of the wrong type is reported at its path, not inferred from.
            let hint = args.failure_if.is_some().then(|| {
                quote!(if false {
                    return __fusebox_future.await;
                })
            });
            quote!(let __fusebox_future = async move #body; #hint #protect)
        }
        Some(path) => with_fallback(&Fallback::new(path, inputs), body, &policy, output_span),
    };
    let ItemFn {
        attrs, vis, sig, ..
    } = function;
    quote! {
        #(#attrs)* #vis #sig {
            #site
            #protected
        }
    }
}

/// The body when a fallback answers rejections, timeouts and failures.
fn with_fallback(
    fallback: &Fallback<'_>,
    body: &syn::Block,
    policy: &TokenStream,
    output_span: Span,
) -> TokenStream {
    let run = quote_spanned!(output_span=> __FUSEBOX_SITE.run);
    let on_reject = fallback.call_with_originals();
    let keep_args = fallback.keep_args();
    let on_failure = fallback.call_with_kept();
    // `&mut self` is borrowed by the body, not moved, so that the fallback can use it after.
    let capture = (fallback.inputs.receiver != Receiver::Exclusive).then(|| quote!(move));
    quote! {
        let __fusebox_permit = match __FUSEBOX_SITE.acquire() {
            ::core::result::Result::Ok(__fusebox_permit) => __fusebox_permit,
            ::core::result::Result::Err(__fusebox_error) => return #on_reject,
        };
        #keep_args
        let __fusebox_future = async #capture #body;
        match #run(__fusebox_permit, #policy, __fusebox_future).await {
            ::fusebox::__private::Finished::Succeeded(__fusebox_output)
            | ::fusebox::__private::Finished::Ignored(__fusebox_output) => __fusebox_output,
            ::fusebox::__private::Finished::Failed(_)
            | ::fusebox::__private::Finished::TimedOut(_)
            | ::fusebox::__private::Finished::Rejected(_) => #on_failure,
        }
    }
}

/// The static call site: the breaker's name and settings, resolved to the breaker once.
fn site(args: &Args, function: &ItemFn) -> TokenStream {
    let name = match &args.name {
        Some(name) => name.to_token_stream(),
        None => {
            let ident = function.sig.ident.to_string();
            quote!(::core::concat!(::core::module_path!(), "::", #ident))
        }
    };
    let threshold = args.threshold.unwrap_or(5);
    let recovery = args.recovery_millis.unwrap_or(DEFAULT_RECOVERY_MILLIS);
    let success_threshold = args.success_threshold.unwrap_or(3);
    let mut extra = Vec::new();
    if let Some(factor) = args.backoff {
        extra.push(quote!(.backoff(#factor)));
    }
    if let Some(millis) = args.max_recovery_millis {
        extra.push(quote!(.max_recovery(::core::time::Duration::from_millis(#millis))));
    }
    if let Some(millis) = args.slow_call_millis {
        extra.push(quote!(.slow_call(::core::time::Duration::from_millis(#millis))));
    }
    if let Some(percent) = args.slow_rate {
        let percent = u8::try_from(percent).unwrap_or(100);
        extra.push(quote!(.slow_rate(#percent)));
    }
    if let Some(adaptive) = args.adaptive {
        extra.push(quote!(.adaptive(#adaptive)));
    }
    if let Some(critical) = args.critical {
        extra.push(quote!(.critical(#critical)));
    }
    if let Some(percent) = args.failure_rate {
        let percent = u8::try_from(percent).unwrap_or(100);
        extra.push(quote!(.failure_rate(#percent)));
    }
    if let Some(calls) = args.window {
        extra.push(quote!(.window(#calls)));
    }
    if let Some(calls) = args.min_calls {
        extra.push(quote!(.min_calls(#calls)));
    }
    if let Some(calls) = args.max_concurrent {
        extra.push(quote!(.max_concurrent(#calls)));
    }
    if let Some(millis) = args.max_wait_millis {
        extra.push(quote!(.max_wait(::core::time::Duration::from_millis(#millis))));
    }
    if let Some(millis) = args.max_half_open_wait_millis {
        extra.push(quote!(.max_half_open_wait(::core::time::Duration::from_millis(#millis))));
    }
    quote! {
        static __FUSEBOX_SITE: ::fusebox::__private::Site = ::fusebox::__private::Site::new(
            #name,
            ::fusebox::__private::config(#threshold, #recovery, #success_threshold)#(#extra)*,
        );
    }
}

/// How to call the fallback with the fn's own arguments.
struct Fallback<'a> {
    path: &'a ExprPath,
    span: Span,
    inputs: &'a Inputs,
    /// A bare name on a fn with a receiver means the method on `Self`.
    is_method: bool,
}

impl<'a> Fallback<'a> {
    fn new(path: &'a ExprPath, inputs: &'a Inputs) -> Fallback<'a> {
        let is_method = inputs.receiver != Receiver::None && path.path.get_ident().is_some();
        Fallback {
            path,
            span: path.span(),
            inputs,
            is_method,
        }
    }

    /// On rejection: the arguments themselves go to the fallback, nothing is cloned.
    fn call_with_originals(&self) -> TokenStream {
        self.call(&quote!(self))
    }

    /// Before the call runs: copies of the arguments, for a fallback after a failure.
    fn keep_args(&self) -> TokenStream {
        let names = &self.inputs.names;
        let receiver = (self.is_method && self.inputs.receiver == Receiver::Owned)
            .then(|| quote!(let __fusebox_receiver = ::core::clone::Clone::clone(&self);));
        quote! {
            #receiver
            let __fusebox_args = (#(::core::clone::Clone::clone(&#names),)*);
        }
    }

    /// After a failure or a timeout: the kept copies go to the fallback.
    fn call_with_kept(&self) -> TokenStream {
        let names = &self.inputs.names;
        let receiver = match self.inputs.receiver {
            Receiver::Owned => quote!(__fusebox_receiver),
            _ => quote!(self),
        };
        let call = self.call(&receiver);
        quote! {{
            let (#(#names,)*) = __fusebox_args;
            #call
        }}
    }

    /// The call, with the arguments spanned at the fallback's path so that a mismatch is
    /// reported there.
    fn call(&self, receiver: &TokenStream) -> TokenStream {
        let path = self.path;
        let args = self
            .inputs
            .names
            .iter()
            .map(|name| Ident::new(&name.to_string(), self.span));
        if self.is_method {
            quote_spanned!(self.span=> #receiver.#path(#(#args),*).await)
        } else {
            quote_spanned!(self.span=> #path(#(#args),*).await)
        }
    }
}
