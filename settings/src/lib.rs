//! The settings of a [fusebox](https://docs.rs/fusebox) breaker and the syntax of their
//! values, in one place for the two crates that read them: the `#[circuit_breaker]`
//! attribute, which checks them at compile time, and the runtime, which validates them and
//! reads them from start-up overrides. Each setting is declared once, in `table.rs`; the rest
//! derives from it. Depend on `fusebox`: this crate's API follows its needs and may change in
//! any release.

#![forbid(unsafe_code)]

#[macro_use]
mod declare;
mod decimal;
mod duration;
mod kind;
pub mod limits;
mod nearest;
mod table;

pub use duration::{parse_millis, ShowDuration};
pub use kind::{Kind, Raw, Value};
pub use nearest::nearest;
pub use table::Setting;
