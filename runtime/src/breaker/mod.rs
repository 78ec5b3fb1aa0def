//! The breaker: one named circuit, a lock-free state machine. Its whole state is one word,
//! changed only by compare-and-swap, by rules that are one pure function.
//!
//! What each file holds, and what it may use (dependencies run one way, down this list; none
//! uses a file below it):
//!
//! - `word`: the state packed in one `u64`. Uses nothing of the breaker.
//! - `rules`: the transition rules, one pure function of the word, what happened and the
//!   settings as plain values; no atomic, no clock. Uses `word`.
//! - `bulkhead`: the slots that cap the calls running at once. Uses nothing of the breaker.
//! - `probe_timer`: the timer that ends an open period. Uses `word`; it knows the breaker only
//!   through its trait `OpenPeriod`, which `machine` implements.
//! - `machine`: the [`Breaker`] struct and the one loop that changes its word (load, ask
//!   `rules`, swap, emit the transition), and the timers it arms. Uses the files above.
//! - `recording`: how an admitted call ended (windows, counters, then the rules). Uses
//!   `machine`, `rules`, `word`.
//! - `permit`: the [`Permit`] a call runs with, which reports to `recording`. Uses `machine`
//!   and `recording`.
//! - `admission`: whether a call may run, and its permit. Uses `machine`, `rules`, `permit`.
//! - `manual` (control by hand, by the rules), `reconfigure` (changes of settings while it
//!   runs) and `snapshot` (the stats, with the rates `recording` reads), and `buffered`
//!   (feature `metrics`: what the rate window holds): `impl Breaker` blocks of their own on
//!   `machine`.
//!
//! Why this way round: the breaker owns its state and its timers, so `machine` sits at the
//! bottom and sees neither a permit nor the timer's insides: the timer defines the trait it
//! needs and `machine` implements it, and the permit, a caller's handle, sits above the two
//! roles it serves (`admission` makes it, `recording` takes its report). Only `rules` decides
//! what the word becomes; the files above it decide when to ask and what to do around it.
//!
//! Used by `call/` and the registry, never the reverse; it uses `window/`, `observe/`,
//! `config/`, and `clock`, `sync` and `error`.

mod admission;
#[cfg(feature = "metrics")]
mod buffered;
mod bulkhead;
mod machine;
mod manual;
mod permit;
pub(crate) mod probe_timer;
mod reconfigure;
mod recording;
mod rules;
mod snapshot;
mod word;

pub(crate) use bulkhead::{Bulkhead, Entry, Slot, Waiting};
pub use machine::Breaker;
pub use permit::Permit;
pub(crate) use recording::Failure;
