//! The environment variables `FUSEBOX_<NAME>_<SETTING>`: one per setting of the breaker
//! `<NAME>`, its text read by the setting's kind.

use fusebox_settings::Setting;

use super::OverrideError;
use crate::config::Config;

/// The environment variable for `setting` of the breaker `name`.
fn env_var(name: &str, setting: &str) -> String {
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

/// `config` with every setting of the breaker `name` that `read` finds a variable for; the
/// error names the variable.
pub(super) fn apply(
    config: Config,
    name: &str,
    read: impl Fn(&str) -> Option<String>,
) -> Result<Config, OverrideError> {
    let mut config = config;
    for setting in Setting::ALL {
        let var = env_var(name, setting.name());
        let Some(text) = read(&var) else { continue };
        let refused = |message: String| OverrideError {
            source: var.clone(),
            message,
        };
        let value = setting.parse(&text).map_err(refused)?;
        config = config
            .set(setting, value)
            .map_err(|error| refused(error.to_string()))?;
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::config::Window;

    /// What `read` finds in `pairs`.
    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |var: &str| {
            pairs
                .iter()
                .find(|(name, _)| *name == var)
                .map(|(_, value)| (*value).to_owned())
        }
    }

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
        let applied = apply(
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

        let bad = apply(
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
        let bad = apply(Config::new(), "db", env(&[("FUSEBOX_DB_RECOVERY", "soon")])).unwrap_err();
        assert!(bad.message.contains("invalid duration"), "{bad}");
        let bad = apply(Config::new(), "db", env(&[("FUSEBOX_DB_THRESHOLD", "0")])).unwrap_err();
        assert_eq!(bad.message, "`threshold` must be at least 1");

        let timed = apply(Config::new(), "db", env(&[("FUSEBOX_DB_WINDOW", "60s")])).unwrap();
        assert_eq!(timed.window_value(), Window::Time(Duration::from_secs(60)));
        let counted = apply(Config::new(), "db", env(&[("FUSEBOX_DB_WINDOW", "20")])).unwrap();
        assert_eq!(counted.window_value(), Window::Calls(20));
        let bad = apply(Config::new(), "db", env(&[("FUSEBOX_DB_WINDOW", "soon")])).unwrap_err();
        assert_eq!(bad.source, "FUSEBOX_DB_WINDOW");
        assert!(bad.message.contains("`window`: invalid duration"), "{bad}");
    }

    /// The file and the environment read every setting alike (with the `config-file` feature).
    #[cfg(feature = "config-file")]
    mod alike {
        use fusebox_settings::{Kind, Setting, Value};

        use super::super::{apply, env_var};
        use crate::config::overrides::file::File;
        use crate::config::overrides::set_all;
        use crate::config::Config;

        /// A value of `setting` other than its default, as written in the file and in an
        /// environment variable: chosen by its kind, so that a new setting needs nothing here.
        fn sample(setting: Setting) -> (&'static str, &'static str) {
            match (setting.kind(), setting.default_value()) {
                (Kind::Flag, Some(Value::Flag(true))) => ("false", "false"),
                (Kind::Flag, _) => ("true", "true"),
                (Kind::Whole { .. }, _) => ("2", "2"),
                (Kind::Percent, _) => ("40", "40"),
                (Kind::Duration { .. }, _) => ("\"2m\"", "2m"),
                (Kind::Factor, _) => ("2.0", "2"),
                (Kind::Window, _) => ("20", "20"),
            }
        }

        #[test]
        fn every_setting_is_read_from_the_file_and_the_environment_alike() {
            for setting in Setting::ALL {
                let (in_file, in_env) = sample(setting);
                let file = File::parse(&format!("[breakers.db]\n{setting} = {in_file}\n"))
                    .unwrap_or_else(|error| panic!("{setting} is refused in the file: {error}"));
                let from_file = set_all(Config::new(), &file.breakers["db"]).unwrap();
                let var = env_var("db", setting.name());
                let from_env = apply(Config::new(), "db", |name: &str| {
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
    }
}
