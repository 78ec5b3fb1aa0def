//! The body of a fn with a fallback, with or without `retries`: admission, then one attempt or
//! the retries' loop, then the fallback, called once, at one place. A rejected call hands its
//! arguments to the fallback as they are; a call that runs is given clones, kept before it
//! runs, since its body consumes them.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::Type;

use crate::args::Args;
use crate::expand::judge;
use crate::fallback::Fallback;
use crate::respan::respan;
use crate::retry;
use crate::site::admitted_key;

/// The body of a fn with a fallback. The attempt (or the loop of attempts) returns the fn's
/// output itself when a call succeeds; otherwise it ends with the cause the fallback gets.
pub(crate) fn with_fallback(
    fallback: &Fallback<'_>,
    args: &Args,
    body: &syn::Block,
    output: &Type,
    deadline: &TokenStream,
) -> TokenStream {
    let krate = fallback.krate;
    let judge = judge(args, krate);
    let originals = fallback.originals();
    let keep_args = fallback.keep_args();
    let call_fallback = fallback.call_with_args();
    let attempt = Attempt::new(fallback, body, output.span(), deadline);
    let admitted_key = admitted_key(args, krate);
    let rejected = quote! {
        #krate::__private::rejected(&__fusebox_probe, &__fusebox_judge, __fusebox_error)
    };
    let admitted = if args.retries() {
        // Admitted in a statement of its own, so that the fn's future does not keep the
        // admission's `Result` (56 bytes) while the call and its retries run.
        let attempts = retry::attempts(fallback, args, &attempt);
        quote! {
            '__fusebox_admitted: {
                let __fusebox_permit = match __FUSEBOX_SITE.acquire() {
                    ::core::result::Result::Ok(__fusebox_permit) => __fusebox_permit,
                    ::core::result::Result::Err(__fusebox_error) => {
                        break '__fusebox_admitted (#originals, #rejected);
                    }
                };
                #admitted_key
                let __fusebox_args = #keep_args;
                let __fusebox_cause = #attempts;
                (__fusebox_args, __fusebox_cause)
            }
        }
    } else {
        // Without retries the admission's `Result` is kept in the future (56 bytes of its
        // 112): matched in a statement of its own it was not, but the call measured about
        // 2 ns slower (fallback, 30M calls, 12 alternating runs).
        let attempt = attempt.once();
        quote! {
            match __FUSEBOX_SITE.acquire() {
                ::core::result::Result::Ok(__fusebox_permit) => {
                    #admitted_key
                    let __fusebox_args = #keep_args;
                    let __fusebox_cause = #attempt;
                    (__fusebox_args, __fusebox_cause)
                }
                ::core::result::Result::Err(__fusebox_error) => (#originals, #rejected),
            }
        }
    };
    quote! {
        let __fusebox_probe = #krate::__private::Probe::<#output>::new();
        let __fusebox_judge = #judge;
        let (__fusebox_args, __fusebox_cause) = #admitted;
        #call_fallback
    }
}

/// One attempt of the protected call: the fn's body run under `__fusebox_permit` and the
/// deadline, judged by `__fusebox_judge`.
pub(crate) struct Attempt {
    /// The fn's body, its argument patterns bound again first.
    body: TokenStream,
    /// `move`, unless the body borrows `&mut self` for the fallback to use after it.
    capture: Option<TokenStream>,
    /// `__private::rescue`, spanned at the return type.
    rescue: TokenStream,
    deadline: TokenStream,
}

impl Attempt {
    /// The attempt of `body`, with `fallback`'s arguments (or those a retried fn without one
    /// keeps), for a fn whose return type is written at `output_span`.
    pub(crate) fn new(
        fallback: &Fallback<'_>,
        body: &syn::Block,
        output_span: Span,
        deadline: &TokenStream,
    ) -> Attempt {
        let rebind = fallback.rebind_patterns();
        let krate = respan(fallback.krate, output_span);
        Attempt {
            body: quote!(#rebind #body),
            capture: fallback.capture(),
            rescue: quote_spanned!(output_span=> #krate::__private::rescue),
            deadline: deadline.clone(),
        }
    }

    /// The deadline of one attempt, as the attribute declares it.
    pub(crate) fn deadline(&self) -> &TokenStream {
        &self.deadline
    }

    /// The body, as an async closure of the arguments (a tuple, bound again to their names
    /// first), for a fn with retries: each attempt calls it.
    pub(crate) fn closure<'a>(&self, names: impl Iterator<Item = &'a syn::Ident>) -> TokenStream {
        let Attempt { body, capture, .. } = self;
        quote! {
            async #capture |__fusebox_next| {
                #[allow(unused_mut)]
                let (#(mut #names,)*) = __fusebox_next;
                #body
            }
        }
    }

    /// The attempt that runs `future` under `deadline`, awaited: `Ok` with the fn's output,
    /// or `Err` with the cause.
    pub(crate) fn run(&self, deadline: &TokenStream, future: &TokenStream) -> TokenStream {
        let rescued = self.rescued(deadline, future);
        quote!(#rescued.await)
    }

    /// The attempt that runs `future` under `deadline`, not awaited: a future of `Ok` with
    /// the fn's output, or `Err` with the cause.
    pub(crate) fn rescued(&self, deadline: &TokenStream, future: &TokenStream) -> TokenStream {
        let rescue = &self.rescue;
        quote! {
            #rescue(&__fusebox_probe, __fusebox_permit, #deadline, __fusebox_judge, #future)
        }
    }

    /// A single attempt: the fn returns the output at once, or this is the cause.
    fn once(&self) -> TokenStream {
        let Attempt { body, capture, .. } = self;
        let run = self.run(&self.deadline, &quote!(async #capture { #body }));
        quote! {
            match #run {
                ::core::result::Result::Ok(__fusebox_output) => return __fusebox_output,
                ::core::result::Result::Err(__fusebox_cause) => __fusebox_cause,
            }
        }
    }
}
