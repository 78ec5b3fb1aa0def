//! The breaker: one named circuit, a lock-free state machine. Its whole state is one word
//! (`word`), changed only by compare-and-swap (`machine`: admission, outcome recording and
//! the transitions); an admitted call holds a [`Permit`] that reports its outcome once; the
//! `probe_timer` moves an open circuit to half-open on time; the `bulkhead`'s slots cap the
//! calls that run at once. Control by hand (`manual`), changes of settings while it runs
//! (`reconfigure`) and the stats snapshot (`snapshot`) are `impl Breaker` blocks of their own.
//!
//! Used by `call/` and the registry, never the reverse; it uses `window/`, `observe/`,
//! `config/`, and `clock`, `sync` and `error`.

mod bulkhead;
mod machine;
mod manual;
mod permit;
pub(crate) mod probe_timer;
mod reconfigure;
mod snapshot;
mod word;

pub(crate) use bulkhead::{Bulkhead, Entry, Slot, Waiting};
pub use machine::Breaker;
pub(crate) use machine::Failure;
pub use permit::Permit;
