//! A factor written in an environment variable (`FUSEBOX_API_BACKOFF=1.5`): digits with at
//! most one decimal point, read exactly without the standard library's float parser, whose
//! tables would be linked into every program that uses a breaker (about 16 KB of a release
//! binary) for this one setting. With at most 15 significant digits, the number is an exact
//! integer over an exact power of ten, and their quotient, rounded once by the division, is
//! the nearest `f64`: the value `str::parse::<f64>` gives.

/// The powers of ten a 15-digit number may be divided by, each exact in an `f64`.
const POWERS: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// The most significant digits read exactly.
const MAX_DIGITS: usize = 15;

/// `text` as a decimal number (`2`, `1.5`, `.5`, `10.`), or `None` if it is anything else or
/// has more than 15 significant digits.
pub(crate) fn parse_decimal(text: &str) -> Option<f64> {
    let (whole, written) = text.split_once('.').unwrap_or((text, ""));
    let fraction = written.trim_end_matches('0');
    let digits = whole.trim_start_matches('0').len() + fraction.len();
    if (whole.is_empty() && written.is_empty()) || digits > MAX_DIGITS {
        return None;
    }
    let mut mantissa: u64 = 0;
    for byte in whole.bytes().chain(fraction.bytes()) {
        if !byte.is_ascii_digit() {
            return None;
        }
        mantissa = mantissa * 10 + u64::from(byte - b'0');
    }
    // Below 10^15, so exact in an `f64`.
    #[allow(clippy::cast_precision_loss)]
    let mantissa = mantissa as f64;
    Some(mantissa / POWERS[fraction.len()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_read_as_the_standard_parser_reads_them() {
        for text in [
            "0",
            "1",
            "2",
            "1.5",
            "1.25",
            "1.1",
            "0.1",
            "2.0",
            "10.",
            ".5",
            "007.50",
            "3.14159",
            "123456789.012345",
            "1.00000000000000000000",
            "99999999999999.9",
        ] {
            assert_eq!(parse_decimal(text), text.parse::<f64>().ok(), "{text}");
        }
        for whole in 0..200_u32 {
            for fraction in 0..1000_u32 {
                let text = format!("{whole}.{fraction:03}");
                assert_eq!(parse_decimal(&text), text.parse::<f64>().ok(), "{text}");
            }
        }
    }

    #[test]
    fn anything_else_is_refused() {
        for text in [
            "",
            ".",
            "1.2.3",
            "-1",
            "+1",
            "1e3",
            "inf",
            "NaN",
            "1,5",
            " 1",
            "1_0",
            "1234567890.1234567",
        ] {
            assert_eq!(parse_decimal(text), None, "{text}");
        }
    }
}
