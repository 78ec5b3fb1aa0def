//! How the expansion hands the fn's arguments to its fallback: as they are when the call is
//! rejected, as clones kept before the call when it ran and failed. A type that cannot be
//! cloned is reported at the argument, naming it.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{ExprPath, Type};

use crate::respan::respan;
use crate::signature::{Inputs, Receiver};

/// The fallback of one protected fn.
pub(crate) struct Fallback<'a> {
    /// `None` for a retried fn without a fallback, which only clones its arguments.
    path: Option<&'a ExprPath>,
    span: Span,
    /// The fallback as written, for messages.
    display: String,
    inputs: &'a Inputs,
    /// Whether the call retries: the clones kept for the fallback are also what each retry
    /// clones its arguments from.
    retries: bool,
    /// A bare name on a fn with a receiver means the method on `Self`, called with the
    /// receiver first.
    is_method: bool,
    pub(crate) krate: &'a TokenStream,
}

impl<'a> Fallback<'a> {
    pub(crate) fn new(
        path: &'a ExprPath,
        inputs: &'a Inputs,
        retries: bool,
        krate: &'a TokenStream,
    ) -> Self {
        let is_method = inputs.receiver != Receiver::None && path.path.get_ident().is_some();
        Fallback {
            path: Some(path),
            span: path.span(),
            display: tidy(&path.to_token_stream()),
            inputs,
            retries,
            is_method,
            krate,
        }
    }

    /// The arguments of a retried fn without a fallback: kept and cloned for each retry, as
    /// for a fallback, and never passed to one.
    pub(crate) fn for_retries(inputs: &'a Inputs, krate: &'a TokenStream) -> Self {
        Fallback {
            path: None,
            span: Span::call_site(),
            display: String::new(),
            inputs,
            retries: true,
            is_method: false,
            krate,
        }
    }

    /// The async block borrows `&mut self` rather than moving it, so that the fallback can use
    /// it after the call.
    pub(crate) fn capture(&self) -> Option<TokenStream> {
        (self.inputs.receiver != Receiver::Exclusive).then(|| quote!(move))
    }

    /// The names the arguments are bound to.
    pub(crate) fn names(&self) -> impl Iterator<Item = &Ident> + Clone {
        self.inputs.names()
    }

    /// On rejection: the arguments themselves, in the tuple the kept clones are in, to go to
    /// the fallback; nothing is cloned.
    pub(crate) fn originals(&self) -> TokenStream {
        let names = self.inputs.names();
        let receiver =
            (self.is_method && self.inputs.receiver == Receiver::Owned).then(|| quote!(self,));
        quote!((#receiver #(#names,)*))
    }

    /// Before the call runs: the checks that every argument can be cloned, and the tuple of
    /// clones kept for a fallback after a failure.
    pub(crate) fn keep_args(&self) -> (TokenStream, TokenStream) {
        let mut checks = TokenStream::new();
        let mut clones = Vec::new();
        if self.is_method && self.inputs.receiver == Receiver::Owned {
            let (check, clone) = self.clone_of(
                0,
                "the receiver `self`",
                &Ident::new("self", self.inputs.receiver_span),
                self.inputs.receiver_span,
                false,
            );
            checks.extend(check);
            clones.push(clone);
        }
        for (index, arg) in self.inputs.args.iter().enumerate() {
            let what = match &arg.pattern {
                None => format!("argument `{}`", arg.name.unraw()),
                Some(pattern) => format!("argument `{}`", tidy(&pattern.to_token_stream())),
            };
            let opaque = matches!(arg.ty, Type::ImplTrait(_));
            let (check, clone) = self.clone_of(index + 1, &what, &arg.name, arg.ty.span(), opaque);
            checks.extend(check);
            clones.push(clone);
        }
        (checks, quote!((#(#clones,)*)))
    }

    /// A clone of `name`, through a trait whose message names the argument when its type is
    /// not `Clone`.
    fn clone_of(
        &self,
        index: usize,
        what: &str,
        name: &Ident,
        span: Span,
        opaque: bool,
    ) -> (TokenStream, TokenStream) {
        let check = format_ident!("__fusebox_clone_{}", index);
        let message = match (self.path, self.retries) {
            (None, _) => format!("{what} must be `Clone` to be retried"),
            (Some(_), true) => format!(
                "{what} must be `Clone` to be retried and passed to the fallback `{}`",
                self.display
            ),
            (Some(_), false) => format!(
                "{what} must be `Clone` to be passed to the fallback `{}`",
                self.display
            ),
        };
        let label = if opaque {
            "add `+ Clone` to this `impl` type"
        } else {
            "not `Clone`"
        };
        let note = if self.path.is_some() {
            "a call that runs consumes its arguments, so a clone of each is kept for the \
             fallback; implement `Clone`, or take a reference or an `Arc`"
        } else {
            "a call that runs consumes its arguments, so a clone of each is kept for its \
             retries; implement `Clone`, or take a reference or an `Arc`"
        };
        let item = quote! {
            #[allow(non_camel_case_types)]
            #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
            trait #check {
                fn __fusebox_clone(&self) -> Self
                where
                    Self: ::core::marker::Sized;
            }
            impl<__FuseboxArg: ::core::clone::Clone> #check for __FuseboxArg {
                #[inline]
                fn __fusebox_clone(&self) -> Self {
                    ::core::clone::Clone::clone(self)
                }
            }
        };
        let name = Ident::new(&name.to_string(), span);
        (item, quote_spanned!(span=> #check::__fusebox_clone(&#name)))
    }

    /// Before a retry: the arguments of the next attempt, cloned from those kept for the
    /// fallback through the same checks. (A receiver taken by value is refused with retries,
    /// so the kept tuple holds the arguments only.)
    pub(crate) fn clone_kept(&self) -> TokenStream {
        let clones = self.inputs.args.iter().enumerate().map(|(index, arg)| {
            let check = format_ident!("__fusebox_clone_{}", index + 1);
            let field = syn::Index {
                index: u32::try_from(index).unwrap_or(u32::MAX),
                span: arg.ty.span(),
            };
            quote_spanned!(arg.ty.span()=> #check::__fusebox_clone(&__fusebox_args.#field))
        });
        quote!((#(#clones,)*))
    }

    /// The fallback's call with the arguments in `__fusebox_args`: the originals after a
    /// rejection, the kept clones after a failure, a timeout or a panic.
    pub(crate) fn call_with_args(&self) -> TokenStream {
        let names = self.inputs.names();
        let (receiver, bound) = match self.inputs.receiver {
            Receiver::Owned if self.is_method => {
                (quote!(__fusebox_receiver), quote!(__fusebox_receiver,))
            }
            _ => (quote!(self), TokenStream::new()),
        };
        let call = self.call(&receiver);
        quote! {{
            let (#bound #(#names,)*) = __fusebox_args;
            #call
        }}
    }

    /// The user's argument patterns, bound again inside the protected body.
    pub(crate) fn rebind_patterns(&self) -> TokenStream {
        let patterns = self.inputs.args.iter().filter_map(|arg| {
            let pattern = arg.pattern.as_ref()?;
            let name = &arg.name;
            Some(quote!(let #pattern = #name;))
        });
        quote!(#(#patterns)*)
    }

    /// The call, with `__fusebox_cause` and the fallback last, spanned at the fallback's path so
    /// that a fallback that does not fit is reported there.
    fn call(&self, receiver: &TokenStream) -> TokenStream {
        let krate = respan(self.krate, self.span);
        let Some(path) = self.path else {
            return TokenStream::new();
        };
        let args = self
            .inputs
            .names()
            .map(|name| Ident::new(&name.to_string(), self.span));
        let receiver = self.is_method.then(|| quote!(#receiver,));
        let target = if self.is_method {
            quote_spanned!(self.span=> Self::#path)
        } else {
            quote!(#path)
        };
        quote_spanned! {self.span=>
            #krate::__private::fallback(
                &__fusebox_probe,
                (#receiver #(#args,)*),
                __fusebox_cause,
                #target,
            )
            .await
        }
    }
}

/// Tokens as a person writes them: `Self::cached`, `Parameters(Args { city })`.
fn tidy(tokens: &TokenStream) -> String {
    let mut text = tokens.to_string();
    for (spaced, tight) in [
        (" :: ", "::"),
        (":: ", "::"),
        (" (", "("),
        (" ,", ","),
        (" < ", "<"),
        (" >", ">"),
        ("& ", "&"),
    ] {
        text = text.replace(spaced, tight);
    }
    text
}
