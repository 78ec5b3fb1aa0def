//! The kinds of value a setting takes, the [`Value`] each gives, and how a value is read: from
//! a literal of the attribute or a TOML file ([`Raw`]), or from an environment variable's text.
//! A value of the wrong kind or out of its kind's range is refused with a message that names
//! the setting.

use std::time::Duration;

use crate::limits::{MAX_WINDOW, MAX_WINDOW_MILLIS, MIN_WINDOW_MILLIS};

/// What one setting takes, with its range.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    /// A whole number from `min` to `max`, like `threshold = 5`.
    Whole {
        /// The smallest value accepted.
        min: u32,
        /// The largest value accepted.
        max: u32,
    },
    /// A whole percentage from 1 to 100, like `failure_rate = 50`.
    Percent,
    /// A duration of at least `min_millis` milliseconds, like `recovery = "60s"`.
    Duration {
        /// The shortest duration accepted, in milliseconds.
        min_millis: u64,
    },
    /// `true` or `false`.
    Flag,
    /// A finite number of at least 1.0, like `backoff = 2.0`.
    Factor,
    /// A number of calls (1 to [`MAX_WINDOW`]) or a duration ([`MIN_WINDOW_MILLIS`] to
    /// [`MAX_WINDOW_MILLIS`]), like `window = 100` or `window = "60s"`.
    Window,
}

/// The value of one setting.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Value {
    /// A whole number: a count, or a window's size in calls.
    Whole(u32),
    /// A percentage.
    Percent(u8),
    /// A duration: a period, or a time window.
    Duration(Duration),
    /// A flag.
    Flag(bool),
    /// A factor.
    Factor(f64),
}

/// A value as written, before its setting's kind reads it: a literal of the attribute or a
/// value of the TOML file.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Raw<'a> {
    /// A whole number (negative only in a file).
    Int(i128),
    /// A number with a fraction.
    Float(f64),
    /// A string.
    Text(&'a str),
    /// `true` or `false`.
    Bool(bool),
    /// Anything else: an array, a table, a date.
    Other,
}

impl Kind {
    /// Reads `raw` as a value of this kind for the setting `name`; the error says what the
    /// setting takes, or the range it must be in.
    pub fn read(self, name: &str, raw: Raw<'_>) -> Result<Value, String> {
        let value = match (self, raw) {
            (Kind::Whole { .. } | Kind::Window, Raw::Int(number)) => {
                whole(number).map(Value::Whole)
            }
            (Kind::Percent, Raw::Int(number)) => whole(number)
                .and_then(|number| u8::try_from(number).ok())
                .map(Value::Percent),
            (Kind::Duration { .. } | Kind::Window, Raw::Text(text)) => {
                let millis =
                    crate::parse_millis(text).map_err(|message| format!("`{name}`: {message}"))?;
                Some(Value::Duration(Duration::from_millis(millis)))
            }
            (Kind::Flag, Raw::Bool(flag)) => Some(Value::Flag(flag)),
            (Kind::Factor, Raw::Float(number)) => Some(Value::Factor(number)),
            // A whole number is a factor too; past 2^53 it rounds, which no factor minds.
            #[allow(clippy::cast_precision_loss)]
            (Kind::Factor, Raw::Int(number)) => Some(Value::Factor(number as f64)),
            _ => return Err(self.takes(name)),
        };
        match value {
            Some(value) if self.contains(value) => Ok(value),
            _ => Err(self.range(name, raw)),
        }
    }

    /// Reads an environment variable's `text` as a value of this kind for the setting `name`;
    /// every message names the setting.
    pub fn parse(self, name: &str, text: &str) -> Result<Value, String> {
        let text = text.trim();
        let raw = match self {
            Kind::Whole { .. } | Kind::Percent => text.parse().map(Raw::Int).map_err(|_| {
                let what = if self == Kind::Percent {
                    "a percentage"
                } else {
                    "a whole number"
                };
                format!("`{name}`: `{text}` is not {what}")
            })?,
            Kind::Window => text.parse().map_or(Raw::Text(text), Raw::Int),
            Kind::Duration { .. } => Raw::Text(text),
            Kind::Flag => text
                .parse()
                .map(Raw::Bool)
                .map_err(|_| format!("`{name}`: `{text}` is not true or false"))?,
            Kind::Factor => crate::decimal::parse_decimal(text)
                .map(Raw::Float)
                .ok_or_else(|| format!("`{name}`: `{text}` is not a number like 1.5"))?,
        };
        self.read(name, raw)
    }

    /// Whether `value` is of this kind and in its range. The runtime's `Config::validate`
    /// checks every setting with it, in a `const` context.
    pub const fn contains(self, value: Value) -> bool {
        match (self, value) {
            (Kind::Whole { min, max }, Value::Whole(number)) => number >= min && number <= max,
            (Kind::Percent, Value::Percent(percent)) => percent >= 1 && percent <= 100,
            (Kind::Duration { min_millis }, Value::Duration(duration)) => {
                duration.as_nanos() >= millis_to_nanos(min_millis)
            }
            (Kind::Flag, Value::Flag(_)) => true,
            (Kind::Factor, Value::Factor(factor)) => factor >= 1.0 && factor.is_finite(),
            (Kind::Window, Value::Whole(calls)) => calls >= 1 && calls <= MAX_WINDOW,
            (Kind::Window, Value::Duration(duration)) => {
                duration.as_nanos() >= millis_to_nanos(MIN_WINDOW_MILLIS)
                    && duration.as_nanos() <= millis_to_nanos(MAX_WINDOW_MILLIS)
            }
            _ => false,
        }
    }

    /// What a setting of this kind takes, for a value of another kind.
    fn takes(self, name: &str) -> String {
        match self {
            Kind::Whole { .. } | Kind::Percent => {
                format!("`{name}` takes a whole number, like `{name} = 5`")
            }
            Kind::Duration { .. } => format!("`{name}` takes a string, like `{name} = \"60s\"`"),
            Kind::Flag => format!("`{name}` takes `true` or `false`"),
            Kind::Factor => format!("`{name}` takes a number, like `{name} = 2.0`"),
            Kind::Window => format!(
                "`{name}` takes a number of calls or a duration, like `{name} = 100` or \
                 `{name} = \"60s\"`"
            ),
        }
    }

    /// The range a value of this kind must be in, for `raw`, which is out of it.
    fn range(self, name: &str, raw: Raw<'_>) -> String {
        match self {
            Kind::Whole { min, max } if max == u32::MAX => {
                format!("`{name}` must be at least {min}")
            }
            Kind::Whole { min, max } => format!("`{name}` must be between {min} and {max}"),
            Kind::Percent => format!("`{name}` must be between 1 and 100"),
            Kind::Duration { min_millis } => format!("`{name}` must be at least {min_millis}ms"),
            Kind::Flag => self.takes(name),
            Kind::Factor => format!("`{name}` must be a number of at least 1.0"),
            Kind::Window if matches!(raw, Raw::Text(_)) => {
                format!("a time `{name}` must be between \"100ms\" and \"24h\"")
            }
            Kind::Window => format!("`{name}` must be between 1 and {MAX_WINDOW}"),
        }
    }
}

/// `number` as a `u32`, if it is one.
fn whole(number: i128) -> Option<u32> {
    u32::try_from(number).ok()
}

/// `millis` milliseconds in nanoseconds, as `Duration::as_nanos` counts them.
const fn millis_to_nanos(millis: u64) -> u128 {
    millis as u128 * 1_000_000
}

#[cfg(test)]
mod tests {
    use super::*;

    const COUNT: Kind = Kind::Whole { min: 1, max: 10 };

    #[test]
    fn each_kind_reads_its_own_values_in_range() {
        assert_eq!(COUNT.read("k", Raw::Int(10)), Ok(Value::Whole(10)));
        assert_eq!(
            COUNT.read("k", Raw::Int(11)),
            Err("`k` must be between 1 and 10".to_owned())
        );
        assert_eq!(
            Kind::Percent.read("k", Raw::Int(100)),
            Ok(Value::Percent(100))
        );
        assert!(Kind::Percent.read("k", Raw::Int(101)).is_err());
        assert!(Kind::Percent.read("k", Raw::Int(-1)).is_err());
        assert_eq!(
            Kind::Duration { min_millis: 1 }.read("k", Raw::Text("0ms")),
            Err("`k` must be at least 1ms".to_owned())
        );
        assert_eq!(Kind::Factor.read("k", Raw::Int(2)), Ok(Value::Factor(2.0)));
        assert!(Kind::Factor.read("k", Raw::Float(f64::NAN)).is_err());
        assert_eq!(Kind::Window.read("w", Raw::Int(20)), Ok(Value::Whole(20)));
        assert_eq!(
            Kind::Window.read("w", Raw::Text("50ms")),
            Err("a time `w` must be between \"100ms\" and \"24h\"".to_owned())
        );
        assert_eq!(
            Kind::Flag.read("k", Raw::Int(1)),
            Err("`k` takes `true` or `false`".to_owned())
        );
        assert_eq!(
            COUNT.read("k", Raw::Other),
            Err("`k` takes a whole number, like `k = 5`".to_owned())
        );
    }

    #[test]
    fn text_reads_as_its_kind() {
        assert_eq!(COUNT.parse("k", " 8 "), Ok(Value::Whole(8)));
        assert_eq!(
            COUNT.parse("k", "eight"),
            Err("`k`: `eight` is not a whole number".to_owned())
        );
        assert_eq!(
            Kind::Window.parse("w", "60s"),
            Ok(Value::Duration(Duration::from_secs(60)))
        );
        assert!(Kind::Window
            .parse("w", "soon")
            .is_err_and(|message| message.starts_with("`w`: invalid duration")));
        assert_eq!(Kind::Flag.parse("k", "false"), Ok(Value::Flag(false)));
        assert_eq!(Kind::Factor.parse("k", "2"), Ok(Value::Factor(2.0)));
    }
}
