//! Retries, in the order that works: fallback, then retry, then breaker, then timeout. Each
//! attempt is one call of the breaker (admitted, timed out, counted, able to open it); between
//! attempts a call waits as its backoff (`backoff.rs`) or its error's [`RetryAfter`] hint says, within
//! its `retry_deadline`, and only while its breaker's budget (`budget.rs`) allows; the fallback answers
//! once, after the last attempt, with the last cause.
//!
//! What runs the attempts is the code `#[circuit_breaker]` generates: the first attempt as
//! without retries, then, only if it failed, a loop around the call layer's `Rescue`, which
//! asks [`Retrying`] after each failed attempt whether, and after what wait, to try again; the
//! body is one async closure (`attempts.rs`) that every attempt calls. A rejection is never retried, nor a panic, nor an error `failure_if`
//! does not count (the call layer returns it as a success would be).
//!
//! The retries' state is laid out in the call's future even on a call that never retries, and
//! that future is moved on every call: the wait is one awaited [`Pause`] (`pause.rs`), kept once,
//! and the handle API's attempts and waits share one timer (`deadline.rs`), so that the state
//! holds one tokio `Sleep` (96 bytes, most of it) and little else.
//!
//! Above `breaker/` (it reads a breaker's settings and stats and takes its permits) and beside
//! `call/` (whose [`Cause`](crate::Cause) it reads); only the crate root and `__private` use it.

mod attempts;
mod backoff;
mod book;
mod budget;
mod deadline;
mod first;
mod handle;
mod hint;
mod jitter;
mod options;
mod pause;
mod retrying;
mod within;

pub use attempts::{attempts, attempts_for};
pub use first::{cause_of, first, no_cause, First};
pub use hint::{Hint, HintFromError, HintOf, NoHint, RetryAfter};
pub use options::RetryOptions;
pub use pause::Pause;
pub use retrying::{always, retry_clock, Refused, Retrying};
pub use within::{retry_until, Within};
