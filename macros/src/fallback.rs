//! How the expansion hands the fn's arguments to its fallback: as they are when the call is
//! rejected, as clones kept before the call when it ran and failed. A type that cannot be
//! cloned is reported at the argument's type, through the runtime's `Kept*` traits.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::ExprPath;

use crate::respan::respan;
use crate::signature::{Inputs, Receiver};

/// The fallback of one protected fn.
pub(crate) struct Fallback<'a> {
    /// `None` for a retried fn without a fallback, which only clones its arguments.
    path: Option<&'a ExprPath>,
    span: Span,
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

    /// Before the call runs: the tuple of clones kept for a fallback after a failure (or for
    /// the retries).
    pub(crate) fn keep_args(&self) -> TokenStream {
        let receiver = (self.is_method && self.inputs.receiver == Receiver::Owned)
            .then(|| self.clone_of(&quote!(self), self.inputs.receiver_span));
        let args = self
            .inputs
            .args
            .iter()
            .map(|arg| self.clone_of(&arg.name.to_token_stream(), arg.ty.span()));
        let clones = receiver.into_iter().chain(args);
        quote!((#(#clones,)*))
    }

    /// A clone of `value`, an argument whose type is written at `span`, through the runtime's
    /// trait whose message says why the argument must be `Clone` when its type is not. The
    /// argument is spanned at its type, where the error is; the trait's path keeps the
    /// attribute's span, which the compiler then labels as the call that needs the bound.
    fn clone_of(&self, value: &TokenStream, span: Span) -> TokenStream {
        let kept = match (self.path, self.retries) {
            (None, _) => quote!(KeptForRetries),
            (Some(_), true) => quote!(KeptForRetriesAndFallback),
            (Some(_), false) => quote!(KeptForFallback),
        };
        let krate = self.krate;
        let value = respan(value, span);
        quote_spanned!(span=> #krate::__private::#kept::kept(&#value))
    }

    /// Before a retry: the arguments of the next attempt, cloned from those kept for the
    /// fallback through the same trait. (A receiver taken by value is refused with retries,
    /// so the kept tuple holds the arguments only.)
    pub(crate) fn clone_kept(&self) -> TokenStream {
        let clones = self.inputs.args.iter().enumerate().map(|(index, arg)| {
            let field = syn::Index {
                index: u32::try_from(index).unwrap_or(u32::MAX),
                span: arg.ty.span(),
            };
            self.clone_of(&quote!(__fusebox_args.#field), arg.ty.span())
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
