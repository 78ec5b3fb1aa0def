//! Start-up overrides of a breaker's settings, applied when it registers: from the TOML file
//! named by `FUSEBOX_CONFIG`, then from environment variables `FUSEBOX_<NAME>_<SETTING>`,
//! which win. Invalid settings are refused whole with an error naming the setting and where
//! it came from; the breaker then keeps the settings its code gave.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;
use std::time::Duration;

use serde::{Deserialize, Deserializer};

use super::builder::Config;
use fusebox_settings::Setting;

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

/// The settings one breaker's overrides may change, as written in the file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    threshold: Option<u32>,
    recovery: Option<String>,
    success_threshold: Option<u32>,
    backoff: Option<f64>,
    max_recovery: Option<String>,
    max_half_open_wait: Option<String>,
    max_concurrent: Option<u32>,
    max_wait: Option<String>,
    failure_rate: Option<u8>,
    #[serde(default, deserialize_with = "window")]
    window: Option<WindowSetting>,
    min_calls: Option<u32>,
    critical: Option<bool>,
    adaptive: Option<bool>,
    slow_call: Option<String>,
    slow_rate: Option<u8>,
}

/// `window` as written: a number of calls (`window = 20`) or a duration (`window = "60s"`).
#[derive(Clone, Debug, PartialEq, Eq)]
enum WindowSetting {
    Calls(u32),
    Time(String),
}

impl WindowSetting {
    /// An environment variable's text: a whole number is calls, anything else a duration.
    fn parse(text: &str) -> WindowSetting {
        text.trim().parse().map_or_else(
            |_| WindowSetting::Time(text.trim().to_owned()),
            WindowSetting::Calls,
        )
    }
}

fn window<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<WindowSetting>, D::Error> {
    struct Visitor;
    impl serde::de::Visitor<'_> for Visitor {
        type Value = WindowSetting;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number of calls (window = 20) or a duration (window = \"60s\")")
        }
        fn visit_i64<E: serde::de::Error>(self, calls: i64) -> Result<WindowSetting, E> {
            u32::try_from(calls)
                .map(WindowSetting::Calls)
                .map_err(|_| E::custom(format!("`window` of {calls} calls is out of range")))
        }
        fn visit_u64<E: serde::de::Error>(self, calls: u64) -> Result<WindowSetting, E> {
            u32::try_from(calls)
                .map(WindowSetting::Calls)
                .map_err(|_| E::custom(format!("`window` of {calls} calls is out of range")))
        }
        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<WindowSetting, E> {
            Ok(WindowSetting::Time(text.to_owned()))
        }
    }
    deserializer.deserialize_any(Visitor).map(Some)
}

/// The file's layout: `[breakers.<name>]` tables.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    breakers: BTreeMap<String, Settings>,
}

impl Config {
    /// This configuration with the start-up overrides for the breaker `name` applied: the
    /// `[breakers.<name>]` table of the TOML file named by `FUSEBOX_CONFIG`, then the
    /// environment variables `FUSEBOX_<NAME>_<SETTING>` (the name in capitals, every other
    /// character than a letter or digit as `_`; the setting as in the attribute, in capitals:
    /// `FUSEBOX_WEATHER_API_THRESHOLD=8`, `FUSEBOX_WEATHER_API_RECOVERY=30s`). The result is
    /// validated; on any error nothing is applied.
    pub fn with_overrides(self, name: &str) -> Result<Config, OverrideError> {
        let mut config = self;
        if let Some(settings) = file()?.breakers.get(name) {
            let source = format!("{CONFIG_FILE_VAR} file, [breakers.{name}]");
            config = settings
                .apply(config)
                .map_err(|message| OverrideError { source, message })?;
        }
        config = apply_env(config, name, |var| std::env::var(var).ok())?;
        config.validate().map_err(|error| OverrideError {
            source: format!("the overrides of `{name}`"),
            message: error.to_string(),
        })
    }
}

impl Settings {
    fn apply(&self, mut config: Config) -> Result<Config, String> {
        if let Some(value) = self.threshold {
            config = config.threshold(value);
        }
        if let Some(value) = &self.recovery {
            config = config.recovery(duration("recovery", value)?);
        }
        if let Some(value) = self.success_threshold {
            config = config.success_threshold(value);
        }
        if let Some(value) = self.backoff {
            config = config.backoff(value);
        }
        if let Some(value) = &self.max_recovery {
            config = config.max_recovery(duration("max_recovery", value)?);
        }
        if let Some(value) = &self.max_half_open_wait {
            config = config.max_half_open_wait(duration("max_half_open_wait", value)?);
        }
        if let Some(value) = self.max_concurrent {
            config = config.max_concurrent(value);
        }
        if let Some(value) = &self.max_wait {
            config = config.max_wait(duration("max_wait", value)?);
        }
        if let Some(value) = self.failure_rate {
            config = config.failure_rate(value);
        }
        match &self.window {
            Some(WindowSetting::Calls(calls)) => config = config.window(*calls),
            Some(WindowSetting::Time(text)) => {
                config = config.window_duration(duration("window", text)?);
            }
            None => {}
        }
        if let Some(value) = self.min_calls {
            config = config.min_calls(value);
        }
        if let Some(value) = self.critical {
            config = config.critical(value);
        }
        if let Some(value) = self.adaptive {
            config = config.adaptive(value);
        }
        if let Some(value) = &self.slow_call {
            config = config.slow_call(duration("slow_call", value)?);
        }
        if let Some(value) = self.slow_rate {
            config = config.slow_rate(value);
        }
        Ok(config)
    }
}

fn duration(key: &str, text: &str) -> Result<Duration, String> {
    fusebox_settings::parse_millis(text)
        .map(Duration::from_millis)
        .map_err(|message| format!("`{key}`: {message}"))
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
        toml::from_str(&text).map_err(|parse| error(parse.to_string()))
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// The environment variable for `setting` of the breaker `name`.
pub(crate) fn env_var(name: &str, setting: &str) -> String {
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("FUSEBOX_{name}_{}", setting.to_ascii_uppercase())
}

/// The value of the environment variable `var`, read as a `T`; the error says what it must be.
fn parse_env<T: FromStr>(var: &str, value: &str, what: &str) -> Result<T, OverrideError> {
    value.trim().parse().map_err(|_| OverrideError {
        source: var.to_owned(),
        message: format!("`{value}` is not {what}"),
    })
}

fn apply_env(
    config: Config,
    name: &str,
    read: impl Fn(&str) -> Option<String>,
) -> Result<Config, OverrideError> {
    let mut settings = Settings::default();
    let mut sources = Vec::new();
    for setting in Setting::ALL {
        let var = env_var(name, setting.name());
        let Some(value) = read(&var) else { continue };
        // Every setting by name, each in its own arm: a setting added to `Setting` and not
        // here stops the build.
        match setting {
            Setting::Threshold => {
                settings.threshold = Some(parse_env(&var, &value, "a whole number")?);
            }
            Setting::SuccessThreshold => {
                settings.success_threshold = Some(parse_env(&var, &value, "a whole number")?);
            }
            Setting::MaxConcurrent => {
                settings.max_concurrent = Some(parse_env(&var, &value, "a whole number")?);
            }
            Setting::Window => settings.window = Some(WindowSetting::parse(&value)),
            Setting::MinCalls => {
                settings.min_calls = Some(parse_env(&var, &value, "a whole number")?);
            }
            Setting::FailureRate => {
                settings.failure_rate = Some(parse_env(&var, &value, "a percentage")?);
            }
            Setting::Backoff => settings.backoff = Some(parse_env(&var, &value, "a number")?),
            Setting::Critical => {
                settings.critical = Some(parse_env(&var, &value, "true or false")?);
            }
            Setting::Adaptive => {
                settings.adaptive = Some(parse_env(&var, &value, "true or false")?);
            }
            Setting::SlowRate => {
                settings.slow_rate = Some(parse_env(&var, &value, "a percentage")?);
            }
            Setting::SlowCall => settings.slow_call = Some(value),
            Setting::Recovery => settings.recovery = Some(value),
            Setting::MaxRecovery => settings.max_recovery = Some(value),
            Setting::MaxHalfOpenWait => settings.max_half_open_wait = Some(value),
            Setting::MaxWait => settings.max_wait = Some(value),
        }
        sources.push(var);
    }
    settings.apply(config).map_err(|message| OverrideError {
        source: sources.join(", "),
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Window;

    #[test]
    fn names_become_variable_names() {
        assert_eq!(
            env_var("weather_api", "threshold"),
            "FUSEBOX_WEATHER_API_THRESHOLD"
        );
        assert_eq!(
            env_var("my-crate::tools::live", "max_wait"),
            "FUSEBOX_MY_CRATE__TOOLS__LIVE_MAX_WAIT"
        );
    }

    #[test]
    fn environment_settings_apply_and_bad_ones_say_where() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |var: &str| {
                pairs
                    .iter()
                    .find(|(name, _)| *name == var)
                    .map(|(_, value)| (*value).to_owned())
            }
        };
        let applied = apply_env(
            Config::new(),
            "db",
            env(&[
                ("FUSEBOX_DB_THRESHOLD", "8"),
                ("FUSEBOX_DB_RECOVERY", "30s"),
                ("FUSEBOX_DB_CRITICAL", "false"),
            ]),
        )
        .unwrap();
        assert_eq!(applied.threshold_value(), 8);
        assert_eq!(applied.recovery_value(), Duration::from_secs(30));
        assert!(!applied.critical_value());

        let bad = apply_env(
            Config::new(),
            "db",
            env(&[("FUSEBOX_DB_THRESHOLD", "eight")]),
        )
        .unwrap_err();
        assert_eq!(bad.source, "FUSEBOX_DB_THRESHOLD");
        assert!(
            bad.to_string().contains("`eight` is not a whole number"),
            "{bad}"
        );
        let bad =
            apply_env(Config::new(), "db", env(&[("FUSEBOX_DB_RECOVERY", "soon")])).unwrap_err();
        assert!(bad.message.contains("invalid duration"), "{bad}");

        let timed = apply_env(Config::new(), "db", env(&[("FUSEBOX_DB_WINDOW", "60s")])).unwrap();
        assert_eq!(timed.window_value(), Window::Time(Duration::from_secs(60)));
        let counted = apply_env(Config::new(), "db", env(&[("FUSEBOX_DB_WINDOW", "20")])).unwrap();
        assert_eq!(counted.window_value(), Window::Calls(20));
        let bad =
            apply_env(Config::new(), "db", env(&[("FUSEBOX_DB_WINDOW", "soon")])).unwrap_err();
        assert_eq!(bad.source, "FUSEBOX_DB_WINDOW");
        assert!(bad.message.contains("`window`: invalid duration"), "{bad}");
    }

    /// A value of `setting` other than its default, as written in the file and in an
    /// environment variable.
    fn sample(setting: Setting) -> (&'static str, &'static str) {
        match setting {
            Setting::Threshold => ("8", "8"),
            Setting::Recovery => ("\"30s\"", "30s"),
            Setting::SuccessThreshold => ("2", "2"),
            Setting::Backoff => ("2.0", "2"),
            Setting::MaxRecovery => ("\"120s\"", "120s"),
            Setting::MaxHalfOpenWait => ("\"5s\"", "5s"),
            Setting::Adaptive => ("true", "true"),
            Setting::Critical => ("false", "false"),
            Setting::FailureRate => ("50", "50"),
            Setting::Window => ("20", "20"),
            Setting::MinCalls => ("10", "10"),
            Setting::SlowCall => ("\"2s\"", "2s"),
            Setting::SlowRate => ("40", "40"),
            Setting::MaxConcurrent => ("4", "4"),
            Setting::MaxWait => ("\"100ms\"", "100ms"),
        }
    }

    #[test]
    fn every_setting_is_read_from_the_file_and_the_environment_alike() {
        for setting in Setting::ALL {
            let (in_file, in_env) = sample(setting);
            let file: File = toml::from_str(&format!("[breakers.db]\n{setting} = {in_file}\n"))
                .unwrap_or_else(|error| panic!("{setting} is refused in the file: {error}"));
            let from_file = file.breakers["db"].apply(Config::new()).unwrap();
            let var = env_var("db", setting.name());
            let from_env = apply_env(Config::new(), "db", |name: &str| {
                (name == var).then(|| in_env.to_owned())
            })
            .unwrap();
            assert_ne!(from_file, Config::new(), "{setting} changed nothing");
            assert_eq!(
                from_file, from_env,
                "{setting} differs between the file and {var}"
            );
        }
    }

    #[test]
    fn file_tables_parse_and_unknown_settings_are_refused() {
        let file: File = toml::from_str(
            "[breakers.db]\nthreshold = 8\nmax_wait = \"100ms\"\nmax_concurrent = 4\n",
        )
        .unwrap();
        let config = file.breakers["db"]
            .apply(Config::new())
            .unwrap()
            .validate()
            .unwrap();
        assert_eq!(
            (config.threshold_value(), config.max_concurrent_value()),
            (8, Some(4))
        );
        let timed: File =
            toml::from_str("[breakers.db]\nfailure_rate = 50\nwindow = \"60s\"\n").unwrap();
        let config = timed.breakers["db"].apply(Config::new()).unwrap();
        assert_eq!(config.window_value(), Window::Time(Duration::from_secs(60)));
        let bad = toml::from_str::<File>("[breakers.db]\nwindow = true\n").unwrap_err();
        assert!(bad.to_string().contains("a number of calls"), "{bad}");
        let typo = toml::from_str::<File>("[breakers.db]\nthresold = 8\n").unwrap_err();
        assert!(typo.to_string().contains("thresold"), "{typo}");
    }
}
