//! The clones a protected call keeps of its arguments: for the fallback, since a call that
//! runs consumes them, and for each retry. Generated code clones each argument through one of
//! these traits, implemented for every `Clone` type, so that an argument whose type is not
//! `Clone` is one error at the argument's type, saying why a clone is needed.
//!
//! They are declared once here rather than in each fn's expansion: a trait and its impl for
//! each fn cost a debug rebuild about 0.35 ms a fn (measured on 200 fns, `BENCHMARKS.md`).
//! Hidden, and re-exported at the crate root, so that the error names them without a private
//! path.

/// Declares a trait that clones an argument, implemented for every `Clone` type, whose error
/// for any other type is `message` at the argument, with `note`.
macro_rules! kept_trait {
    ($(#[$doc:meta])* $name:ident, message = $message:literal, note = $note:literal) => {
        $(#[$doc])*
        #[diagnostic::on_unimplemented(message = $message, label = "not `Clone`", note = $note)]
        #[doc(hidden)]
        pub trait $name {
            /// A clone of the argument.
            #[must_use]
            fn kept(&self) -> Self
            where
                Self: Sized;
        }

        impl<T: Clone> $name for T {
            #[inline]
            fn kept(&self) -> Self {
                self.clone()
            }
        }
    };
}

kept_trait!(
    /// Clones an argument kept for the fallback.
    KeptForFallback,
    message = "`{Self}` must be `Clone` to be passed to the fallback",
    note = "a call that runs consumes its arguments, so a clone of each is kept for the \
            fallback; implement `Clone`, or take a reference or an `Arc`"
);

kept_trait!(
    /// Clones an argument kept for the retries of a fn without a fallback.
    KeptForRetries,
    message = "`{Self}` must be `Clone` to be retried",
    note = "a call that runs consumes its arguments, so a clone of each is kept for its \
            retries; implement `Clone`, or take a reference or an `Arc`"
);

kept_trait!(
    /// Clones an argument kept for the retries and the fallback of a fn with both.
    KeptForRetriesAndFallback,
    message = "`{Self}` must be `Clone` to be retried and passed to the fallback",
    note = "a call that runs consumes its arguments, so a clone of each is kept for the \
            fallback; implement `Clone`, or take a reference or an `Arc`"
);
