//! The body of a fn with `retries`: the first attempt as without retries, then, only after it
//! failed, the retries in a loop (a future of their own), each a call of the breaker, then
//! the fallback once, with the last cause. Without `retries` none of this is generated.

use fusebox_settings::Setting;
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::args::Args;
use crate::expand::classify_output;
use crate::fallback::Fallback;
use crate::respan::respan;
use crate::site::admitted_key;
use crate::with_fallback::Attempt;

/// The attempts of a fn with `retries` and a fallback; an expression whose value is the last
/// cause, for the fallback. The body is one async closure of the arguments: the first attempt
/// calls it with the arguments themselves and runs as the fn without retries runs (no loop,
/// no retry state); only after it failed do the retries begin, each calling the closure with
/// clones of the arguments kept for the fallback, so nothing is cloned for a call that needs
/// no retry beyond what the fallback keeps. A success returns the fn's output at once.
pub(crate) fn attempts(fallback: &Fallback<'_>, args: &Args, attempt: &Attempt) -> TokenStream {
    let krate = fallback.krate;
    let retry_if = retry_if(args, krate);
    let (started, started_at, deadline) = overall_deadline(args, krate, attempt.deadline());
    let closure = attempt.closure(fallback.names());
    let names: Vec<_> = fallback.names().collect();
    let first = attempt.rescued(&deadline, &quote!(__fusebox_attempt(__fusebox_next)));
    let clone_kept = fallback.clone_kept();
    let retry = attempt.run(&deadline, &quote!(__fusebox_attempt(#clone_kept)));
    quote! {{
        #started
        let __fusebox_next = (#(#names,)*);
        #[allow(unused_mut)]
        let mut __fusebox_attempt =
            #krate::__private::attempts(&__fusebox_probe, &__fusebox_next, #closure);
        // The first attempt answers or writes its cause (never both in one value, read back
        // whole on every call) to a slot that ends with this block, not kept by the retries.
        let mut __fusebox_cause = {
            let mut __fusebox_first_cause = #krate::__private::no_cause();
            if let ::core::option::Option::Some(__fusebox_output) =
                #krate::__private::first(#first, &mut __fusebox_first_cause).await
            {
                return __fusebox_output;
            }
            #krate::__private::cause_of(__fusebox_first_cause)
        };
        // What the fallback needs after the retries is lent to them; the rest moves in.
        let __fusebox_probe = &__fusebox_probe;
        let __fusebox_args = &__fusebox_args;
        // Only now, in a future of their own (whose drop glue stays out of the fn's, small
        // enough to inline), the retries, until one answers, or the cause the fallback
        // answers: changed in place; the timer is the awaited `Pause`, kept once.
        let __fusebox_retries = async move {
            let __fusebox_retry_if = #retry_if;
            let mut __fusebox_retrying = #krate::__private::Retrying::new(#started_at);
            loop {
                let __fusebox_hint = {
                    #[allow(unused_imports)]
                    use #krate::__private::{HintFromError as _, NoHint as _};
                    (&#krate::__private::Hint(&__fusebox_cause)).wait_hint()
                };
                if !__fusebox_retrying
                    .plan(
                        __FUSEBOX_SITE.retry_breaker(),
                        &__fusebox_cause,
                        __fusebox_retry_if,
                        __fusebox_hint,
                    )
                    .await
                {
                    break ::core::result::Result::Err(__fusebox_cause);
                }
                let __fusebox_permit =
                    match __fusebox_retrying.begin(__FUSEBOX_SITE.retry_breaker()) {
                        ::core::result::Result::Ok(__fusebox_permit) => __fusebox_permit,
                        ::core::result::Result::Err(__fusebox_refused) => {
                            break ::core::result::Result::Err(
                                #krate::__private::refused(__fusebox_cause, __fusebox_refused),
                            );
                        }
                    };
                match #retry {
                    ::core::result::Result::Ok(__fusebox_output) => {
                        __fusebox_retrying.succeeded();
                        break ::core::result::Result::Ok(__fusebox_output);
                    }
                    ::core::result::Result::Err(__fusebox_next_cause) => {
                        __fusebox_cause = __fusebox_next_cause;
                    }
                }
            }
        };
        match __fusebox_retries.await {
            ::core::result::Result::Ok(__fusebox_output) => return __fusebox_output,
            ::core::result::Result::Err(__fusebox_cause) => __fusebox_cause,
        }
    }}
}

/// The body of a fn with `retries` and no fallback (a `Result` whose error carries a
/// rejection). The first attempt runs as the fn without retries runs (the body is one async
/// closure of the arguments, called with the arguments themselves); only after it failed do
/// the retries begin, each calling the closure with clones of the arguments, run by the call
/// layer's `Call`, whose end says whether to retry. What the last attempt returned is the
/// answer: its error, or a rejection or a timeout as the fn's own error. A panic unwinds on,
/// as without retries. Every use of the return type goes through `CarriesRejection`, so that a
/// return type that cannot carry a rejection is one error.
pub(crate) fn without_fallback(
    arguments: &Fallback<'_>,
    args: &Args,
    body: &syn::Block,
    deadline: &TokenStream,
    output_span: Span,
) -> TokenStream {
    let attempt = Attempt::new(arguments, body, output_span, deadline);
    let krate = respan(arguments.krate, output_span);
    let carries = quote_spanned!(output_span=> <_ as #krate::__private::CarriesRejection>);
    let classify = classify_output(args, &carries, output_span);
    let retry_if = match &args.retry_if {
        Some(path) => quote_spanned! {output_span=>
            #carries::retry_if(&__fusebox_future, #path)
        },
        None => quote_spanned! {output_span=> #carries::retry_all(&__fusebox_future)},
    };
    // With a predicate, tie the future's output to the fn's return type first, so that a
    // predicate of the wrong type is reported at its path, not inferred from.
    let tie = (args.judges_output() || args.retry_if.is_some()).then(|| {
        quote!(if false {
            return __fusebox_future.await;
        })
    });
    let (started, started_at, deadline) = overall_deadline(args, &krate, attempt.deadline());
    let keep_args = arguments.keep_args();
    let clone_kept = arguments.clone_kept();
    let closure = attempt.closure(arguments.names());
    let names: Vec<_> = arguments.names().collect();
    let finished = quote!(#krate::__private::Finished);
    let admitted_key = admitted_key(args, arguments.krate);
    // Only what names the return type is spanned at it; the rest is the macro's own, so that
    // the user's lints do not read it as their code.
    let reject = quote_spanned! {output_span=>
        // A closure that captures nothing: kept in the future at no cost.
        #[allow(clippy::redundant_closure)]
        let __fusebox_reject = |__fusebox_error| #carries::reject(__fusebox_error);
    };
    let retryable = quote_spanned! {output_span=>
        #carries::retryable(&__fusebox_output, __fusebox_retry_if)
    };
    let retries = retries_without_fallback(&krate, &deadline, &started_at, &clone_kept, &retryable);
    quote! {
        #reject
        let __fusebox_permit = match __FUSEBOX_SITE.acquire() {
            ::core::result::Result::Ok(__fusebox_permit) => __fusebox_permit,
            ::core::result::Result::Err(__fusebox_error) => {
                return __fusebox_reject(__fusebox_error);
            }
        };
        #admitted_key
        let __fusebox_args = #keep_args;
        #started
        let __fusebox_next = (#(#names,)*);
        #[allow(unused_mut)]
        let mut __fusebox_attempt =
            #krate::__private::attempts_for(&__fusebox_next, #closure);
        let __fusebox_future = __fusebox_attempt(__fusebox_next);
        #tie
        let __fusebox_classify = #classify;
        let __fusebox_retry_if = #retry_if;
        let (mut __fusebox_output, mut __fusebox_retryable) = match #krate::__private::attempt(
            __fusebox_permit,
            #deadline,
            __fusebox_classify,
            __fusebox_future,
        )
        .await
        {
            #finished::Succeeded(__fusebox_output) | #finished::Ignored(__fusebox_output) => {
                return __fusebox_output;
            }
            #finished::Failed(__fusebox_output) => {
                let __fusebox_retryable = #retryable;
                (__fusebox_output, __fusebox_retryable)
            }
            #finished::TimedOut(__fusebox_error) => (__fusebox_reject(__fusebox_error), true),
            #finished::Rejected(__fusebox_error) => return __fusebox_reject(__fusebox_error),
        };
        #retries
    }
}

/// The retries of a fn without a fallback, after its first attempt failed with
/// `__fusebox_output` (retryable or not): in a future of their own, until one answers or the
/// last output is the answer.
fn retries_without_fallback(
    krate: &TokenStream,
    deadline: &TokenStream,
    started_at: &TokenStream,
    clone_kept: &TokenStream,
    retryable: &TokenStream,
) -> TokenStream {
    let finished = quote!(#krate::__private::Finished);
    quote! {
        // Only now, in a future of their own (so that the fn's future, done, is cheap to drop):
        // the retries, until one answers or the last output is the answer.
        async move {
            let mut __fusebox_retrying = #krate::__private::Retrying::new(#started_at);
            loop {
                let __fusebox_hint = {
                    #[allow(unused_imports)]
                    use #krate::__private::{HintFromError as _, NoHint as _};
                    (&#krate::__private::HintOf(&__fusebox_output)).wait_hint()
                };
                if !__fusebox_retrying
                    .plan_retryable(
                        __FUSEBOX_SITE.retry_breaker(),
                        __fusebox_retryable,
                        __fusebox_hint,
                    )
                    .await
                {
                    break __fusebox_output;
                }
                let __fusebox_breaker = __FUSEBOX_SITE.retry_breaker();
                let __fusebox_permit = match __fusebox_retrying.begin(__fusebox_breaker) {
                    ::core::result::Result::Ok(__fusebox_next_permit) => __fusebox_next_permit,
                    ::core::result::Result::Err(#krate::__private::Refused::Budget) => {
                        break __fusebox_output;
                    }
                    ::core::result::Result::Err(#krate::__private::Refused::Rejected(__fusebox_error)) => {
                        break __fusebox_reject(__fusebox_error);
                    }
                };
                (__fusebox_output, __fusebox_retryable) = match #krate::__private::attempt(
                    __fusebox_permit,
                    #deadline,
                    __fusebox_classify,
                    __fusebox_attempt(#clone_kept),
                )
                .await
                {
                    #finished::Succeeded(__fusebox_output) | #finished::Ignored(__fusebox_output) => {
                        __fusebox_retrying.succeeded();
                        break __fusebox_output;
                    }
                    #finished::Failed(__fusebox_output) => {
                        let __fusebox_retryable = #retryable;
                        (__fusebox_output, __fusebox_retryable)
                    }
                    #finished::TimedOut(__fusebox_error) => (__fusebox_reject(__fusebox_error), true),
                    #finished::Rejected(__fusebox_error) => break __fusebox_reject(__fusebox_error),
                };
            }
        }
        .await
    }
}

/// The predicate that narrows the retried errors: `retry_if`'s, typed from the fn's return
/// type so that a wrong one is reported at its path, or one that accepts every error.
fn retry_if(args: &Args, krate: &TokenStream) -> TokenStream {
    match &args.retry_if {
        Some(path) => {
            let krate = respan(krate, path.span());
            quote_spanned! {path.span()=> {
                #[allow(unused_imports)]
                use #krate::__private::AnyValue as _;
                __fusebox_probe.retry_if(#path)
            }}
        }
        None => quote!(#krate::__private::always),
    }
}

/// Where the attribute declares a `retry_deadline`: the statements that note the call's
/// start (the one clock read it costs) and its deadline, the start the retries count from,
/// and each attempt's deadline, bounded by the overall one. Else nothing, no start, and the
/// attempt's own deadline.
fn overall_deadline(
    args: &Args,
    krate: &TokenStream,
    deadline: &TokenStream,
) -> (TokenStream, TokenStream, TokenStream) {
    if args.setting(Setting::RetryDeadline).is_none() {
        return (
            TokenStream::new(),
            quote!(::core::option::Option::None),
            deadline.clone(),
        );
    }
    (
        quote! {
            let __fusebox_started = #krate::__private::retry_clock();
            let __fusebox_until = #krate::__private::retry_until(
                __FUSEBOX_SITE.retry_breaker(),
                __fusebox_started,
            );
        },
        quote!(::core::option::Option::Some(__fusebox_started)),
        quote!(#krate::__private::Within::new(#deadline, __fusebox_until)),
    )
}

#[cfg(test)]
mod tests {
    use proc_macro2::TokenStream;
    use quote::quote;

    use crate::expand::circuit_breaker;

    fn expand(args: TokenStream, item: &TokenStream) -> String {
        circuit_breaker(args, item).to_string()
    }

    #[test]
    fn retries_change_the_body_only_when_declared() {
        let item = quote!(
            async fn get(id: u32, mut name: String) -> Result<u8, E> {
                Ok(1)
            }
        );
        let plain = expand(quote!(fallback = cached), &item);
        assert!(!plain.contains("Retrying"), "{plain}");
        assert!(!plain.contains("loop"), "{plain}");
        assert!(plain.contains("mut name"), "{plain}");
        let retried = expand(quote!(retries = 2, fallback = cached), &item);
        assert!(
            retried.contains("Retrying :: new (:: core :: option :: Option :: None)"),
            "{retried}"
        );
        assert!(retried.contains(". retries (2u32)"), "{retried}");
        // Each attempt binds the arguments again; the signature's own are only moved.
        assert!(
            retried.contains("let (mut id , mut name ,) = __fusebox_next"),
            "{retried}"
        );
        assert!(
            !retried.contains("fn get (id : u32 , mut name"),
            "{retried}"
        );
        // The body is compiled once, in the closure every attempt calls; the first attempt
        // runs before the loop.
        assert_eq!(retried.matches("Ok (1)").count(), 1, "{retried}");
        let first = retried.find("__fusebox_attempt (__fusebox_next)");
        assert!(first.is_some_and(|first| retried.find("loop").is_some_and(|l| first < l)));
        // The fallback is called once, after the loop.
        assert_eq!(
            retried.matches("__private :: fallback").count(),
            1,
            "{retried}"
        );
        let bare = expand(quote!(), &item);
        assert!(!bare.contains("Retrying"), "{bare}");
        assert!(bare.contains("mut name"), "{bare}");
        let without_fallback = expand(quote!(retries = 1), &item);
        assert!(
            without_fallback.contains("__private :: attempt ("),
            "{without_fallback}"
        );
        assert_eq!(without_fallback.matches("Ok (1)").count(), 1);
        assert!(
            !without_fallback.contains("__private :: fallback"),
            "{without_fallback}"
        );
        let timed = expand(
            quote!(retries = 2, retry_deadline = "5s", fallback = cached),
            &item,
        );
        assert!(timed.contains("__private :: retry_clock ()"), "{timed}");
        assert!(!retried.contains("retry_clock"), "{retried}");
    }
}
