//! The fn the attribute is on, parsed only as far as the expansion looks into it. The body of
//! an `async fn` is kept as its tokens: the expansion moves it whole into the protected
//! future, so parsing its statements (as `syn::ItemFn` does) would only cost time that grows
//! with the body (BENCHMARKS.md, "Cut again: one clone trait for every fn, and the body kept
//! as tokens"). The body of any other fn is parsed, since the boxed form
//! (`Box::pin(async move { .. })`, see `form`) is found in its statements.

use proc_macro2::TokenStream;
use syn::parse::{ParseStream, Parser};
use syn::{braced, Attribute, Block, FnModifiers, Item, ItemFn, Signature, Stmt, Visibility};

/// Parses `tokens` as a fn, its inner attributes among its attributes as `syn` keeps them. The
/// body of an `async fn` is one verbatim statement, its tokens as written.
pub(crate) fn function(tokens: TokenStream) -> syn::Result<ItemFn> {
    parse_function.parse2(tokens)
}

fn parse_function(input: ParseStream<'_>) -> syn::Result<ItemFn> {
    let mut attrs = input.call(Attribute::parse_outer)?;
    let vis: Visibility = input.parse()?;
    let sig: Signature = input.parse()?;
    let content;
    let brace_token = braced!(content in input);
    attrs.extend(content.call(Attribute::parse_inner)?);
    let stmts = if sig.asyncness.is_some() {
        vec![Stmt::Item(Item::Verbatim(content.parse()?))]
    } else {
        content.call(Block::parse_within)?
    };
    Ok(ItemFn {
        attrs,
        vis,
        modifiers: FnModifiers::default(),
        sig,
        block: Box::new(Block { brace_token, stmts }),
    })
}

#[cfg(test)]
mod tests {
    use quote::{quote, ToTokens};
    use syn::Stmt;

    use super::function;

    /// Tokens as text, without the spaces printing puts between them.
    fn written(tokens: &proc_macro2::TokenStream) -> String {
        tokens.to_string().replace(' ', "")
    }

    #[test]
    fn an_async_body_is_kept_as_written_and_printed_back_the_same() {
        let tokens = quote! {
            #[doc = "A fn."]
            pub async fn f(x: u32) -> u32 {
                #![allow(unused)]
                let y = x + 1;
                y
            }
        };
        let parsed = function(tokens.clone()).expect("a fn");
        assert_eq!(parsed.block.stmts.len(), 1);
        assert_eq!(parsed.attrs.len(), 2);
        assert_eq!(written(&parsed.into_token_stream()), written(&tokens));
    }

    #[test]
    fn the_body_of_a_fn_that_is_not_async_is_parsed() {
        let tokens = quote! {
            fn f() -> Pin<Box<dyn Future<Output = u32> + Send>> {
                Box::pin(async move { 1 })
            }
        };
        let parsed = function(tokens.clone()).expect("a fn");
        assert!(matches!(parsed.block.stmts.as_slice(), [Stmt::Expr(..)]));
        assert_eq!(written(&parsed.into_token_stream()), written(&tokens));
    }

    #[test]
    fn what_is_not_a_fn_is_an_error() {
        assert!(function(quote!(
            struct S;
        ))
        .is_err());
        let trailing: proc_macro2::TokenStream = "async fn f() {} extra".parse().expect("tokens");
        assert!(function(trailing).is_err());
    }
}
