//! Duration strings such as `"250ms"`, `"15s"`, `"2m"` and `"1h"`, checked at compile time,
//! and durations shown the same way in messages.

use std::fmt;
use std::time::Duration;

const UNITS: &[(&str, u64)] = &[("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000)];

/// Parses a duration string into whole milliseconds.
pub fn parse_millis(text: &str) -> Result<u64, String> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let (number, unit) = text.split_at(digits);
    let factor = UNITS
        .iter()
        .find(|(name, _)| *name == unit)
        .map(|(_, factor)| *factor);
    let (Ok(number), Some(factor)) = (number.parse::<u64>(), factor) else {
        return Err(format!(
            "invalid duration \"{text}\": write a whole number and a unit (ms, s, m or h), \
             like \"250ms\", \"15s\" or \"2m\""
        ));
    };
    number
        .checked_mul(factor)
        .ok_or_else(|| format!("duration \"{text}\" is too long"))
}

/// A duration as the settings write it, for messages: `"250ms"`, `"15s"`, `"1.5s"`, to the
/// millisecond, rounded up (a wait shown is never shorter than the wait). Unlike `Duration`'s
/// `Debug`, it links no formatting of fractions into the program (2.1 KB of a release binary
/// that shows a `BreakerError`, measured).
#[derive(Clone, Copy, Debug)]
pub struct ShowDuration(pub Duration);

impl fmt::Display for ShowDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // In `u64`s: `u128` arithmetic and formatting are much more code.
        let (mut seconds, mut thousandths) =
            (self.0.as_secs(), self.0.subsec_nanos().div_ceil(1_000_000));
        if thousandths == 1_000 {
            (seconds, thousandths) = (seconds.saturating_add(1), 0);
        }
        if seconds == 0 && thousandths > 0 {
            return write!(f, "{thousandths}ms");
        }
        if thousandths == 0 {
            return write!(f, "{seconds}s");
        }
        let mut width = 3;
        while thousandths % 10 == 0 {
            thousandths /= 10;
            width -= 1;
        }
        write!(f, "{seconds}.{thousandths:0width$}s")
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{parse_millis, ShowDuration};

    #[test]
    fn durations_show_in_milliseconds_below_a_second_else_in_seconds() {
        let shown = |nanos: u64| ShowDuration(Duration::from_nanos(nanos)).to_string();
        let millis = |millis: u64| shown(millis * 1_000_000);
        assert_eq!(millis(0), "0s");
        assert_eq!(millis(250), "250ms");
        assert_eq!(millis(15_000), "15s");
        assert_eq!(millis(120_000), "120s");
        assert_eq!(millis(1_500), "1.5s");
        assert_eq!(millis(61_050), "61.05s");
        assert_eq!(millis(14_999), "14.999s");
        assert_eq!(shown(1), "1ms");
        assert_eq!(shown(14_998_000_001), "14.999s");
        assert_eq!(shown(999_999_999), "1s");
        // Beyond `u64::MAX` seconds, the seconds saturate.
        assert_eq!(
            ShowDuration(Duration::MAX).to_string(),
            "18446744073709551615s"
        );
        for text in ["250ms", "15s", "2m", "1h", "90s"] {
            let shown = millis(parse_millis(text).unwrap());
            assert_eq!(
                parse_millis(&shown),
                parse_millis(text),
                "{text} shown as {shown}"
            );
        }
    }

    #[test]
    fn every_unit_parses() {
        assert_eq!(parse_millis("250ms"), Ok(250));
        assert_eq!(parse_millis("15s"), Ok(15_000));
        assert_eq!(parse_millis("2m"), Ok(120_000));
        assert_eq!(parse_millis("1h"), Ok(3_600_000));
        assert_eq!(parse_millis("0s"), Ok(0));
    }

    #[test]
    fn malformed_strings_are_refused() {
        for text in ["15 parsecs", "15", "s", "", "1.5s", "-1s", "15sec", "15 s"] {
            assert!(parse_millis(text).is_err(), "{text} was accepted");
        }
        assert!(parse_millis("99999999999999999999h").is_err());
        assert!(parse_millis("18446744073709551615h").is_err());
    }
}
