//! Start-up overrides of a breaker's settings, applied when it registers: from the TOML file
//! named by `FUSEBOX_CONFIG` (`file`, cargo feature `config-file`; `without_file` refuses a
//! named file in a build without it), then from environment variables
//! `FUSEBOX_<NAME>_<SETTING>` (`env`), which win. Every setting is read by the kind its
//! declaration gives and set through [`Config::set`]. Invalid settings are refused whole with
//! an error naming the setting and where it came from; the breaker then keeps the settings its
//! code gave.

mod env;
#[cfg(feature = "config-file")]
mod file;
#[cfg(not(feature = "config-file"))]
#[path = "without_file.rs"]
mod file;

use std::fmt;

use fusebox_settings::{Setting, Value};

use super::builder::Config;

/// The environment variable that names the TOML file of overrides.
pub const CONFIG_FILE_VAR: &str = "FUSEBOX_CONFIG";

/// Why overrides were refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverrideError {
    /// Where the bad setting came from: the file, or an environment variable's name.
    pub source: String,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for OverrideError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid fusebox setting in {}: {}",
            self.source, self.message
        )
    }
}

impl std::error::Error for OverrideError {}

impl Config {
    /// This configuration with the start-up overrides for the breaker `name` applied: the
    /// `[breakers.<name>]` table of the TOML file named by `FUSEBOX_CONFIG` (with the cargo
    /// feature `config-file`; without it, a `FUSEBOX_CONFIG` that is set is an error), then the
    /// environment variables `FUSEBOX_<NAME>_<SETTING>` (the name in capitals, every other
    /// character than a letter or digit as `_`; the setting as in the attribute, in capitals:
    /// `FUSEBOX_WEATHER_API_THRESHOLD=8`, `FUSEBOX_WEATHER_API_RECOVERY=30s`). The result is
    /// validated; on any error nothing is applied.
    pub fn with_overrides(self, name: &str) -> Result<Config, OverrideError> {
        let mut config = self;
        if let Some(settings) = file::breaker_settings(name)? {
            config = set_all(config, settings).map_err(|message| OverrideError {
                source: format!("{CONFIG_FILE_VAR} file, [breakers.{name}]"),
                message,
            })?;
        }
        config = env::apply(config, name, |var| std::env::var(var).ok())?;
        config.validate().map_err(|error| OverrideError {
            source: format!("the overrides of `{name}`"),
            message: error.to_string(),
        })
    }
}

/// `config` with each of `settings` set.
fn set_all(config: Config, settings: &[(Setting, Value)]) -> Result<Config, String> {
    settings
        .iter()
        .try_fold(config, |config, (setting, value)| {
            config
                .set(*setting, *value)
                .map_err(|error| error.to_string())
        })
}
