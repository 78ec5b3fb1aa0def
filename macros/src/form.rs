//! Where the protected code is: the body of an `async fn`, or the `async move` block of a fn
//! already boxed by another attribute. rmcp's `#[tool]` (when written above
//! `#[circuit_breaker]`) and `#[async_trait]` (always: it runs on the whole impl first) turn
//! `async fn f(..) -> R { body }` into
//! `fn f(..) -> Pin<Box<dyn Future<Output = R> + Send + '_>> { Box::pin(async move { body }) }`;
//! the breaker then protects the inner block, and the boxed signature stays as it is.

use syn::{
    Block, Expr, GenericArgument, ItemFn, PathArguments, ReturnType, Stmt, Type, TypeParamBound,
};

/// The protected fn's code and what it returns.
pub(crate) struct Form<'a> {
    /// What the code evaluates to: the `async fn`'s return type, or the boxed future's `Output`.
    pub(crate) output: Type,
    /// The code the breaker protects; the expansion replaces it.
    pub(crate) body: &'a mut Block,
}

/// The fn's protected code, or `None` when the fn is neither `async` nor in the boxed form.
pub(crate) fn find(function: &mut ItemFn) -> Option<Form<'_>> {
    if function.sig.asyncness.is_some() {
        let output = match &function.sig.output {
            ReturnType::Default => syn::parse_quote!(()),
            ReturnType::Type(_, ty) => (**ty).clone(),
        };
        return Some(Form {
            output,
            body: &mut function.block,
        });
    }
    let output = boxed_output(&function.sig.output)?.clone();
    let body = boxed_body(&mut function.block)?;
    Some(Form { output, body })
}

/// `R` in `Pin<Box<dyn Future<Output = R> + ..>>`.
fn boxed_output(output: &ReturnType) -> Option<&Type> {
    let ReturnType::Type(_, ty) = output else {
        return None;
    };
    let boxed = only_argument(ty, "Pin")?;
    let Type::TraitObject(object) = only_argument(boxed, "Box")? else {
        return None;
    };
    object.bounds.iter().find_map(|bound| {
        let TypeParamBound::Trait(bound) = bound else {
            return None;
        };
        let future = bound.path.segments.last()?;
        let PathArguments::AngleBracketed(arguments) = &future.arguments else {
            return None;
        };
        if future.ident != "Future" {
            return None;
        }
        arguments.args.iter().find_map(|argument| match argument {
            GenericArgument::AssocType(output) if output.ident == "Output" => Some(&output.ty),
            _ => None,
        })
    })
}

/// `T` in `Name<T>`, written with any path.
fn only_argument<'a>(ty: &'a Type, name: &str) -> Option<&'a Type> {
    let Type::Path(path) = ty else {
        return None;
    };
    let segment = path.path.segments.last()?;
    let PathArguments::AngleBracketed(arguments) = &segment.arguments else {
        return None;
    };
    match arguments.args.first() {
        Some(GenericArgument::Type(inner)) if segment.ident == name => Some(inner),
        _ => None,
    }
}

/// The block in a body that is only `Box::pin(async move { .. })`.
fn boxed_body(block: &mut Block) -> Option<&mut Block> {
    let [Stmt::Expr(Expr::Call(call), None)] = block.stmts.as_mut_slice() else {
        return None;
    };
    let Expr::Path(function) = &*call.func else {
        return None;
    };
    let mut names = function.path.segments.iter().rev().map(|s| &s.ident);
    let is_box_pin = names.next().is_some_and(|name| name == "pin")
        && names.next().is_some_and(|name| name == "Box");
    if !is_box_pin || call.args.len() != 1 {
        return None;
    }
    match call.args.first_mut() {
        Some(Expr::Async(future)) if future.capture.is_some() => Some(&mut future.block),
        _ => None,
    }
}
