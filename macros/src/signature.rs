//! What the expansion needs to know about the protected fn's signature.

use proc_macro2::Ident;
use syn::spanned::Spanned;
use syn::{FnArg, Pat, PatIdent, Signature};

use crate::args::Errors;

/// How the fn takes `self`, if it does.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Receiver {
    /// A free fn or an associated fn without `self`.
    None,
    /// `&self`: a shared reference, copied where needed.
    Shared,
    /// `&mut self`: the body borrows it, so it is free again for the fallback.
    Exclusive,
    /// `self`, `mut self` or `self: Type`: cloned for a fallback.
    Owned,
}

/// The receiver and the names of the fn's arguments.
pub(crate) struct Inputs {
    pub(crate) receiver: Receiver,
    pub(crate) names: Vec<Ident>,
}

impl Inputs {
    /// Reads the inputs. With a fallback, every argument must be bound to a plain name so it
    /// can be passed on; a pattern is reported at its span.
    pub(crate) fn read(signature: &Signature, has_fallback: bool, errors: &mut Errors) -> Inputs {
        let mut inputs = Inputs {
            receiver: Receiver::None,
            names: Vec::new(),
        };
        for input in &signature.inputs {
            match input {
                FnArg::Receiver(receiver) => {
                    inputs.receiver = match (&receiver.reference, receiver.mutability) {
                        (Some(_), None) => Receiver::Shared,
                        (Some(_), Some(_)) => Receiver::Exclusive,
                        (None, _) => Receiver::Owned,
                    };
                }
                FnArg::Typed(typed) => match &*typed.pat {
                    Pat::Ident(PatIdent {
                        ident,
                        by_ref: None,
                        subpat: None,
                        ..
                    }) => inputs.names.push(ident.clone()),
                    pattern if has_fallback => errors.at(
                        pattern.span(),
                        "with a `fallback`, every argument must be bound to a name \
                         (like `city: String`) so that it can be passed to the fallback",
                    ),
                    _ => {}
                },
            }
        }
        inputs
    }
}
