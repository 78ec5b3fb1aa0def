//! Duration strings such as `"250ms"`, `"15s"`, `"2m"` and `"1h"`, checked at compile time.

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

#[cfg(test)]
mod tests {
    use super::parse_millis;

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
