//! The TOML file named by `FUSEBOX_CONFIG` (cargo feature `config-file`): `[breakers.<name>]`
//! tables, each entry a setting by its name and read by its kind, as the attribute reads its
//! keys. An unknown setting names the closest valid one.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use fusebox_settings::{Raw, Setting, Value};

use super::{OverrideError, CONFIG_FILE_VAR};

/// The file's `[breakers.<name>]` tables, each read into its settings.
#[derive(Debug, Default)]
pub(super) struct File {
    /// Each breaker's settings, in the order written.
    pub(super) breakers: BTreeMap<String, Vec<(Setting, Value)>>,
}

impl File {
    /// Reads the file's `text`; the error says what is wrong and where.
    pub(super) fn parse(text: &str) -> Result<File, String> {
        let table: toml::Table = toml::from_str(text).map_err(|error| error.to_string())?;
        let mut breakers = BTreeMap::new();
        for (key, value) in table {
            if key != "breakers" {
                return Err(format!(
                    "unknown key `{key}`: the file holds `[breakers.<name>]` tables"
                ));
            }
            let toml::Value::Table(tables) = value else {
                return Err("`breakers` must hold `[breakers.<name>]` tables".to_owned());
            };
            for (name, settings) in tables {
                let toml::Value::Table(settings) = settings else {
                    return Err(format!("`breakers.{name}` must be a table of settings"));
                };
                let settings = read_table(&settings)
                    .map_err(|message| format!("[breakers.{name}]: {message}"))?;
                breakers.insert(name, settings);
            }
        }
        Ok(File { breakers })
    }
}

/// Each entry of one breaker's table as its setting's value.
fn read_table(table: &toml::Table) -> Result<Vec<(Setting, Value)>, String> {
    table
        .iter()
        .map(|(key, value)| {
            let setting = Setting::from_name(key).ok_or_else(|| unknown_setting(key))?;
            Ok((setting, setting.read(raw(value))?))
        })
        .collect()
}

/// A TOML value as written, for its setting's kind to read.
fn raw(value: &toml::Value) -> Raw<'_> {
    match value {
        toml::Value::Integer(number) => Raw::Int(i128::from(*number)),
        toml::Value::Float(number) => Raw::Float(*number),
        toml::Value::String(text) => Raw::Text(text),
        toml::Value::Boolean(flag) => Raw::Bool(*flag),
        toml::Value::Datetime(_) | toml::Value::Array(_) | toml::Value::Table(_) => Raw::Other,
    }
}

/// The message for `key`, which is no setting: the nearest setting if it looks like a typo,
/// and every valid one.
fn unknown_setting(key: &str) -> String {
    let valid = Setting::ALL.map(Setting::name);
    let list = valid.join(", ");
    match fusebox_settings::nearest(key, valid) {
        Some(close) => {
            format!("unknown setting `{key}`; did you mean `{close}`? valid settings: {list}")
        }
        None => format!("unknown setting `{key}`; valid settings: {list}"),
    }
}

/// The settings of the breaker `name` in the file named by `FUSEBOX_CONFIG`, if the variable
/// is set and the file has a table for it.
pub(super) fn breaker_settings(
    name: &str,
) -> Result<Option<&'static [(Setting, Value)]>, OverrideError> {
    Ok(file()?.breakers.get(name).map(Vec::as_slice))
}

/// The file named by `FUSEBOX_CONFIG`, read once; none when the variable is not set.
fn file() -> Result<&'static File, OverrideError> {
    static FILE: OnceLock<Result<File, OverrideError>> = OnceLock::new();
    FILE.get_or_init(|| {
        let Ok(path) = std::env::var(CONFIG_FILE_VAR) else {
            return Ok(File::default());
        };
        let error = |message: String| OverrideError {
            source: format!("{CONFIG_FILE_VAR}={path}"),
            message,
        };
        let text = std::fs::read_to_string(&path).map_err(|io| error(io.to_string()))?;
        File::parse(&text).map_err(error)
    })
    .as_ref()
    .map_err(Clone::clone)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::config::overrides::set_all;
    use crate::config::{Config, Window};

    #[test]
    fn file_tables_parse_and_unknown_settings_are_refused() {
        let file =
            File::parse("[breakers.db]\nthreshold = 8\nmax_wait = \"100ms\"\nmax_concurrent = 4\n")
                .unwrap();
        let config = set_all(Config::new(), &file.breakers["db"])
            .unwrap()
            .validate()
            .unwrap();
        assert_eq!(
            (config.threshold_value(), config.max_concurrent_value()),
            (8, Some(4))
        );
        let timed = File::parse("[breakers.db]\nfailure_rate = 50\nwindow = \"60s\"\n").unwrap();
        let config = set_all(Config::new(), &timed.breakers["db"]).unwrap();
        assert_eq!(config.window_value(), Window::Time(Duration::from_secs(60)));
        let bad = File::parse("[breakers.db]\nwindow = true\n").unwrap_err();
        assert!(
            bad.contains("[breakers.db]: `window` takes a number of calls"),
            "{bad}"
        );
        let typo = File::parse("[breakers.db]\nthresold = 8\n").unwrap_err();
        assert!(
            typo.contains("unknown setting `thresold`; did you mean `threshold`?"),
            "{typo}"
        );
        let out_of_range = File::parse("[breakers.db]\nthreshold = -1\n").unwrap_err();
        assert!(
            out_of_range.contains("`threshold` must be at least 1"),
            "{out_of_range}"
        );
        assert!(File::parse("[other]\nthreshold = 8\n").is_err());
        assert!(File::parse("[breakers]\ndb = 8\n").is_err());
    }
}
