//! What differs between two configurations, setting by setting, for the messages that report
//! settings kept or changed: `threshold: 5 -> 8, recovery: 60s -> 30s`. Written from
//! [`Config::get`] and the declared list of settings, and without formatting a float, so
//! that these messages, linked into every program with a breaker, do not bring `f64`'s
//! formatting code with them.

use std::fmt;

use fusebox_settings::{Setting, ShowDuration, Value};

use super::builder::Config;

/// The settings in which `to` differs from `from`, displayed as `name: from -> to` pairs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Changes {
    from: Config,
    to: Config,
}

impl Changes {
    /// The changes from `from` to `to`.
    pub(crate) const fn between(from: Config, to: Config) -> Changes {
        Changes { from, to }
    }
}

impl fmt::Display for Changes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for setting in Setting::ALL {
            let (from, to) = (self.from.get(setting), self.to.get(setting));
            if from == to {
                continue;
            }
            if !first {
                f.write_str(", ")?;
            }
            first = false;
            write!(f, "{setting}: {} -> {}", Shown(from), Shown(to))?;
        }
        if first {
            f.write_str("none")?;
        }
        Ok(())
    }
}

/// A setting's value as a message shows it (`none` where it is not set).
struct Shown(Option<Value>);

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => f.write_str("none"),
            Some(Value::Whole(number)) => write!(f, "{number}"),
            Some(Value::Percent(percent)) => write!(f, "{percent}%"),
            Some(Value::Duration(duration)) => write!(f, "{}", ShowDuration(duration)),
            Some(Value::Flag(flag)) => write!(f, "{flag}"),
            Some(Value::Factor(factor)) => write_factor(f, factor),
        }
    }
}

/// A factor (finite and at least 1.0, as validated) to the thousandth, in integers.
fn write_factor(f: &mut fmt::Formatter<'_>, factor: f64) -> fmt::Result {
    // A float-to-integer cast saturates: a factor beyond `u64` thousandths shows as the most.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let thousandths = (factor * 1000.0).round() as u64;
    let (whole, mut fraction, mut width) = (thousandths / 1000, thousandths % 1000, 3);
    if fraction == 0 {
        return write!(f, "{whole}.0");
    }
    while fraction % 10 == 0 {
        fraction /= 10;
        width -= 1;
    }
    write!(f, "{whole}.{fraction:0width$}")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn only_the_settings_that_differ_are_shown() {
        let from = Config::new();
        let to = Config::new()
            .threshold(8)
            .recovery(Duration::from_millis(1500))
            .max_concurrent(4)
            .backoff(1.25);
        assert_eq!(
            Changes::between(from, to).to_string(),
            "threshold: 5 -> 8, recovery: 60s -> 1.5s, backoff: 1.0 -> 1.25, \
             max_concurrent: none -> 4"
        );
        assert_eq!(Changes::between(to, to).to_string(), "none");
        let doubled = Config::new().backoff(2.0);
        assert_eq!(
            Changes::between(from, doubled).to_string(),
            "backoff: 1.0 -> 2.0"
        );
    }
}
