//! A breaker's settings: the [`Config`] builder and its validation (`builder`), the start-up
//! overrides from `FUSEBOX_CONFIG` and `FUSEBOX_<NAME>_<SETTING>` applied when a breaker
//! registers (`overrides`), and the live settings a running breaker reads on its call paths
//! and [`Breaker::reconfigure`](crate::Breaker::reconfigure) changes without a lock (`live`).
//!
//! The bottom layer with `clock`, `sync` and `error`: it uses nothing else of the crate.

mod builder;
mod live;
mod overrides;

pub(crate) use builder::ADAPTIVE_WINDOW;
pub use builder::{Config, Window};
pub(crate) use live::LiveConfig;
pub use overrides::{OverrideError, CONFIG_FILE_VAR};
