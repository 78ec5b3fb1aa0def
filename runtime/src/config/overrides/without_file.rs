//! A build without the cargo feature `config-file` reads no TOML file: a `FUSEBOX_CONFIG` that
//! is set anyway is refused with an error that names the feature, so that a file written for
//! the breakers never goes unread in silence.

use fusebox_settings::{Setting, Value};

use super::{OverrideError, CONFIG_FILE_VAR};

/// No settings from a file; an error if `FUSEBOX_CONFIG` names one.
pub(super) fn breaker_settings(
    _name: &str,
) -> Result<Option<&'static [(Setting, Value)]>, OverrideError> {
    match std::env::var_os(CONFIG_FILE_VAR) {
        None => Ok(None),
        Some(path) => Err(OverrideError {
            source: format!("{CONFIG_FILE_VAR}={}", path.to_string_lossy()),
            message: "this build of fusebox reads no file: enable its cargo feature `config-file`"
                .to_owned(),
        }),
    }
}
