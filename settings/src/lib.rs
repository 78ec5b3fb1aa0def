//! The settings of a [fusebox](https://docs.rs/fusebox) breaker and the syntax of their
//! values, in one place for the two crates that read them: the `#[circuit_breaker]`
//! attribute, which checks them at compile time, and the runtime, which reads them from
//! start-up overrides. Depend on `fusebox`: this crate's API follows its needs and may change
//! in any release.

#![forbid(unsafe_code)]

mod duration;
pub mod limits;
mod names;

pub use duration::parse_millis;
pub use names::Setting;
