//! Tokens moved to another span, so that the compiler reports an error in generated code at
//! the user's token it came from. Shared by the expansion and its fallback call.

use proc_macro2::{Span, TokenStream};

/// `tokens` (a path) as if written at `span`, so that an error in a call through it is
/// reported there.
pub(crate) fn respan(tokens: &TokenStream, span: Span) -> TokenStream {
    tokens
        .clone()
        .into_iter()
        .map(|mut token| {
            token.set_span(span);
            token
        })
        .collect()
}
