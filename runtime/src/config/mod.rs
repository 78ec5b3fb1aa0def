//! A breaker's settings: the [`Config`] builder (`builder`), its settings set and read by
//! [`Setting`](fusebox_settings::Setting) and the typed getters (`values`), its validation
//! (`validate`), the rules the settings make (`rules`), the start-up overrides from
//! `FUSEBOX_CONFIG` and `FUSEBOX_<NAME>_<SETTING>` applied when a breaker registers
//! (`overrides`, cargo feature `overrides`), and the live settings a running breaker reads on
//! its call paths and [`Breaker::reconfigure`](crate::Breaker::reconfigure) changes without a
//! lock (`live`). Each setting's name, kind, range and default are declared once, in
//! `fusebox-settings`.
//!
//! The bottom layer with `clock`, `sync` and `error`: it uses nothing else of the crate.

mod builder;
mod changes;
mod live;
#[cfg(feature = "overrides")]
mod overrides;
mod rules;
mod validate;
mod values;

pub(crate) use builder::ADAPTIVE_WINDOW;
pub use builder::{Config, Window};
pub(crate) use changes::Changes;
pub(crate) use live::LiveConfig;
#[cfg(feature = "overrides")]
pub use overrides::{OverrideError, CONFIG_FILE_VAR};

#[cfg(not(feature = "overrides"))]
impl Config {
    /// Without the `overrides` feature a breaker keeps the settings its code gives: this is
    /// what the registry applies when a breaker registers, and never fails.
    #[allow(clippy::unnecessary_wraps)]
    pub(crate) fn with_overrides(self, _name: &str) -> Result<Config, std::convert::Infallible> {
        Ok(self)
    }
}
