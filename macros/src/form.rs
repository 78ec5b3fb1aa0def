//! Where the protected code is: the body of an `async fn`, or the `async move` block of a fn
//! already boxed. `#[async_trait]` runs on the whole impl before the attributes of its fns, so
//! it always hands the attribute
//! `fn f(..) -> Pin<Box<dyn Future<Output = R> + Send + '_>> { Box::pin(async move { body }) }`;
//! the breaker then protects the inner block, and the boxed signature stays as it is. rmcp's
//! `#[tool]` makes the same form, but a tool must be protected before `#[tool]` reads it: below
//! `#[tool]` the attribute asks to be moved above.

use syn::{
    Block, Expr, GenericArgument, ItemFn, PathArguments, ReturnType, Stmt, Type, TypeParamBound,
};

/// The protected fn's code and what it returns.
pub(crate) struct Form<'a> {
    /// What the code evaluates to: the `async fn`'s return type, or the boxed future's `Output`.
    pub(crate) output: Type,
    /// The code the breaker protects; the expansion replaces it.
    pub(crate) body: &'a mut Block,
    /// True for the boxed form.
    pub(crate) boxed: bool,
}

impl Form<'_> {
    /// `#[async_trait]` binds a `&mut self` receiver with `let mut __self = self;`, which
    /// moves it into the protected future. A fallback method needs `self` after the call, so
    /// the binding is made a reborrow: `let mut __self = &mut *self;`.
    pub(crate) fn reborrow_receiver(&mut self) {
        if !self.boxed {
            return;
        }
        for statement in &mut self.body.stmts {
            let Stmt::Local(local) = statement else {
                continue;
            };
            let Some(init) = &mut local.init else {
                continue;
            };
            if matches!(&*init.expr, Expr::Path(path) if path.path.is_ident("self")) {
                init.expr = syn::parse_quote!(&mut *self);
            }
        }
    }
}

/// Why the fn's code cannot be protected.
pub(crate) enum NotFound {
    /// Neither `async` nor boxed.
    NotAsync,
    /// Boxed by rmcp's `#[tool]`, which ran first: too late, the tool's description is lost.
    BelowTool,
}

/// The fn's protected code.
pub(crate) fn find(function: &mut ItemFn) -> Result<Form<'_>, NotFound> {
    if is_tool_output(&function.sig.output) {
        return Err(NotFound::BelowTool);
    }
    find_body(function).ok_or(NotFound::NotAsync)
}

/// rmcp's `#[tool]` writes `-> ::std::pin::Pin<..>`; `#[async_trait]` writes `::core::pin::Pin`.
/// rmcp finds a tool's description in the doc comment only when no other attribute follows
/// it, so below `#[tool]` a protected tool would silently lose its description.
fn is_tool_output(output: &ReturnType) -> bool {
    let ReturnType::Type(_, ty) = output else {
        return false;
    };
    let Type::Path(path) = &**ty else {
        return false;
    };
    let mut segments = path.path.segments.iter().map(|segment| &segment.ident);
    path.path.leading_colon.is_some()
        && segments.next().is_some_and(|name| name == "std")
        && segments.next().is_some_and(|name| name == "pin")
        && segments.next().is_some_and(|name| name == "Pin")
        && boxed_output(output).is_some()
}

fn find_body(function: &mut ItemFn) -> Option<Form<'_>> {
    if function.sig.asyncness.is_some() {
        let output = match &function.sig.output {
            ReturnType::Default => syn::parse_quote!(()),
            ReturnType::Type(_, ty) => (**ty).clone(),
        };
        return Some(Form {
            output,
            body: &mut function.block,
            boxed: false,
        });
    }
    let output = boxed_output(&function.sig.output)?.clone();
    let body = boxed_body(&mut function.block)?;
    Some(Form {
        output,
        body,
        boxed: true,
    })
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
