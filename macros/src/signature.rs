//! What the expansion needs to know about the protected fn's signature: how it takes `self`,
//! and each argument as a name that can be handed to a fallback; and what `retries` asks of
//! it (`self` by reference, the arguments bound again by each attempt).

use proc_macro2::{Ident, Span};
use quote::format_ident;
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, Pat, PatIdent, ReceiverKind, Signature, Type};

use crate::errors::Errors;

/// How the fn takes `self`, if it does.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Receiver {
    /// A free fn or an associated fn without `self`.
    None,
    /// `&self`: a shared reference, copied where needed.
    Shared,
    /// `&mut self`: the body borrows it, so it is free again for the fallback.
    Exclusive,
    /// `self`, `mut self` or `self: Type` (`Arc<Self>`): cloned for a fallback.
    Owned,
}

/// One argument of the protected fn.
pub(crate) struct Arg {
    /// The name it is bound to in the signature: the user's, or a generated one.
    pub(crate) name: Ident,
    /// Its type, where a missing `Clone` is reported.
    pub(crate) ty: Type,
    /// The user's pattern, when the signature now binds the argument to a generated name; the
    /// body binds it again before the user's code runs.
    pub(crate) pattern: Option<Pat>,
}

/// The receiver and the arguments of the protected fn.
pub(crate) struct Inputs {
    pub(crate) receiver: Receiver,
    /// Where the receiver is written, for a receiver that must be cloned.
    pub(crate) receiver_span: Span,
    pub(crate) args: Vec<Arg>,
}

impl Inputs {
    /// Reads the inputs of a fn with a fallback. Every argument must be passed on by name, so
    /// a pattern (`Parameters(Args { city }): Parameters<Args>`, `(a, b): (A, B)`, `ref x`) is
    /// replaced in `signature` by a generated name; a fn's parameter patterns are not part of
    /// its type, so callers (and rmcp's `#[tool]`) see the same fn.
    pub(crate) fn read(signature: &mut Signature) -> Inputs {
        let mut inputs = Inputs {
            receiver: Receiver::None,
            receiver_span: Span::call_site(),
            args: Vec::new(),
        };
        for (index, input) in signature.inputs.iter_mut().enumerate() {
            match input {
                FnArg::Receiver(receiver) => {
                    inputs.receiver = receiver_kind(receiver);
                    inputs.receiver_span = receiver.span();
                }
                FnArg::Typed(typed) => {
                    let arg = match &*typed.pat {
                        Pat::Ident(PatIdent {
                            ident,
                            by_ref: None,
                            subpat: None,
                            ..
                        }) => Arg {
                            name: ident.clone(),
                            ty: (*typed.ty).clone(),
                            pattern: None,
                        },
                        pattern => Arg {
                            name: format_ident!("__fusebox_arg{}", index),
                            ty: (*typed.ty).clone(),
                            pattern: Some(pattern.clone()),
                        },
                    };
                    if arg.pattern.is_some() {
                        let name = &arg.name;
                        *typed.pat = syn::parse_quote!(#name);
                    }
                    inputs.args.push(arg);
                }
            }
        }
        inputs
    }

    /// The names the arguments are bound to in the signature.
    pub(crate) fn names(&self) -> impl Iterator<Item = &Ident> + Clone {
        self.args.iter().map(|arg| &arg.name)
    }
}

fn receiver_kind(receiver: &syn::Receiver) -> Receiver {
    match referenced(receiver) {
        Some(false) => Receiver::Shared,
        Some(true) => Receiver::Exclusive,
        None => Receiver::Owned,
    }
}

/// Whether `receiver` is a reference, and then whether it is exclusive: `&self` and
/// `self: &Self` give `Some(false)`, `&mut self` and `self: &mut Self` `Some(true)`.
fn referenced(receiver: &syn::Receiver) -> Option<bool> {
    match &receiver.kind {
        ReceiverKind::Reference(_, _, mutability) => Some(mutability.is_some()),
        ReceiverKind::Typed(_, ty) => match &**ty {
            Type::Reference(reference) => Some(reference.mutability.is_some()),
            _ => None,
        },
        _ => None,
    }
}

/// Refuses a receiver taken by value, at the receiver: each attempt runs the body again.
pub(crate) fn check_receiver(function: &ItemFn, errors: &mut Errors) {
    let owned = function.sig.inputs.iter().find_map(|input| match input {
        FnArg::Receiver(receiver) if referenced(receiver).is_none() => Some(receiver.span()),
        _ => None,
    });
    if let Some(span) = owned {
        errors.at(
            span,
            "with `retries`, take `&self`: each attempt runs the body again, and a `self` \
             taken by value is spent by the first",
        );
    }
}

/// Drops `mut` from the signature's bindings: each attempt binds the arguments again, `mut`
/// where the body may change them, and the signature's own are only moved.
pub(crate) fn unbind_mut(signature: &mut Signature) {
    for input in &mut signature.inputs {
        if let FnArg::Typed(typed) = input {
            if let Pat::Ident(ident) = &mut *typed.pat {
                ident.mutability = None;
            }
        }
    }
}
