//! The clones a protected call keeps of its arguments: for the fallback, since a call that
//! runs consumes them, and for each retry. Generated code clones each argument through one of
//! these traits, implemented for every `Clone` type, so that an argument whose type is not
//! `Clone` is one error at the argument's type, saying why a clone is needed.
//!
//! They are declared once here rather than in each fn's expansion: a trait and its impl for
//! each fn cost a debug rebuild about 0.35 ms a fn (measured on 200 fns, `BENCHMARKS.md`).
//! Hidden, and re-exported at the crate root, so that the error names them without a private
//! path.

/// Clones an argument kept for the fallback.
#[diagnostic::on_unimplemented(
    message = "`{Self}` must be `Clone` to be passed to the fallback",
    label = "not `Clone`",
    note = "a call that runs consumes its arguments, so a clone of each is kept for the \
            fallback; implement `Clone`, or take a reference or an `Arc`"
)]
#[doc(hidden)]
pub trait KeptForFallback {
    /// A clone of the argument.
    #[must_use]
    fn kept(&self) -> Self
    where
        Self: Sized;
}

impl<T: Clone> KeptForFallback for T {
    #[inline]
    fn kept(&self) -> Self {
        self.clone()
    }
}

/// Clones an argument kept for the retries of a fn without a fallback.
#[diagnostic::on_unimplemented(
    message = "`{Self}` must be `Clone` to be retried",
    label = "not `Clone`",
    note = "a call that runs consumes its arguments, so a clone of each is kept for its \
            retries; implement `Clone`, or take a reference or an `Arc`"
)]
#[doc(hidden)]
pub trait KeptForRetries {
    /// A clone of the argument.
    #[must_use]
    fn kept(&self) -> Self
    where
        Self: Sized;
}

impl<T: Clone> KeptForRetries for T {
    #[inline]
    fn kept(&self) -> Self {
        self.clone()
    }
}

/// Clones an argument kept for the retries and the fallback of a fn with both.
#[diagnostic::on_unimplemented(
    message = "`{Self}` must be `Clone` to be retried and passed to the fallback",
    label = "not `Clone`",
    note = "a call that runs consumes its arguments, so a clone of each is kept for the \
            fallback; implement `Clone`, or take a reference or an `Arc`"
)]
#[doc(hidden)]
pub trait KeptForRetriesAndFallback {
    /// A clone of the argument.
    #[must_use]
    fn kept(&self) -> Self
    where
        Self: Sized;
}

impl<T: Clone> KeptForRetriesAndFallback for T {
    #[inline]
    fn kept(&self) -> Self {
        self.clone()
    }
}
