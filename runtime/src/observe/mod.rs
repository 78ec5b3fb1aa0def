//! What a breaker shows of itself: its [`State`], the counters it keeps beside its state word
//! (`counts`, the busiest of them on per-thread `stripes`), the [`Stats`] snapshot (a keyed
//! family's too, [`FamilyStats`]) and the [`Health`] the states of all breakers add up to, and the [`Event`] each transition emits.
//!
//! Written by `window/` (a rate's [`Reason`]) and `breaker/` (everything else), read by the
//! registry; it uses only `sync`, never a layer above it. Reading a breaker into its `Stats`
//! is the breaker's job (`breaker/snapshot.rs`), so that this layer never sees a breaker.

mod counts;
pub(crate) mod event;
mod family;
mod state;
mod stats;
mod stripes;

pub(crate) use counts::{Counts, RetryCounts};
pub use event::{Event, Reason};
pub use family::{FamilyStats, Totals, TrippedKey, FAMILY_TRIPPED_PERCENT};
pub use state::State;
pub use stats::{Health, RetryStats, Stats};
pub(crate) use stripes::{Kind, Striped};
