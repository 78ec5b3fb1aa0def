//! The checked arguments of one `#[circuit_breaker(...)]`, as the expansion reads them; the
//! `parse` module fills them in.

use syn::{ExprPath, LitStr};

use crate::window::Window;

/// The checked arguments of one `#[circuit_breaker(...)]`.
#[derive(Default)]
pub(crate) struct Args {
    pub(crate) name: Option<LitStr>,
    pub(crate) threshold: Option<u32>,
    pub(crate) timeout_millis: Option<u64>,
    pub(crate) recovery_millis: Option<u64>,
    pub(crate) success_threshold: Option<u32>,
    pub(crate) fallback: Option<ExprPath>,
    pub(crate) failure_if: Option<ExprPath>,
    pub(crate) backoff: Option<f64>,
    pub(crate) max_recovery_millis: Option<u64>,
    pub(crate) max_half_open_wait_millis: Option<u64>,
    pub(crate) max_concurrent: Option<u32>,
    pub(crate) max_wait_millis: Option<u64>,
    pub(crate) failure_rate: Option<u32>,
    pub(crate) window: Option<Window>,
    pub(crate) min_calls: Option<u32>,
    pub(crate) critical: Option<bool>,
    pub(crate) adaptive: Option<bool>,
    pub(crate) slow_call_millis: Option<u64>,
    pub(crate) slow_rate: Option<u32>,
    /// Where the runtime is, for a crate that re-exports fusebox (`::fusebox` unless given).
    pub(crate) krate: Option<syn::Path>,
}
