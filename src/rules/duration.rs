//! Kibana's rule-schedule durations: `interval = "5m"` and the date-math look-back `from = "now-6m"`.
//!
//! Kibana accepts a whole number followed by one unit: `s` (seconds), `m` (minutes), `h` (hours)
//! or `d` (days); `from` is that duration after `now-`. Anything else is an error that says which
//! character is wrong, so the caller can point at the column in the TOML file.

use std::time::Duration;

/// Why a duration string was rejected; `offset` is the byte offset in the string of the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DurationError {
    /// Byte offset in the value where the problem is.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

fn err(offset: usize, message: impl Into<String>) -> DurationError {
    DurationError {
        offset,
        message: message.into(),
    }
}

/// Parses a schedule interval such as `5m`, `1h`, `30s`, `1d`.
pub fn parse_interval(text: &str) -> Result<Duration, DurationError> {
    parse_amount(text, 0)
}

/// Parses a date-math look-back such as `now-61m` into the duration after `now-` (61 minutes).
pub fn parse_lookback(text: &str) -> Result<Duration, DurationError> {
    let Some(rest) = text.strip_prefix("now-") else {
        return Err(err(
            0,
            format!("expected `now-<number><unit>` (like `now-6m`), found `{text}`"),
        ));
    };
    parse_amount(rest, 4)
}

/// `<digits><unit>`; `base` is the offset of `text` inside the whole value, for error offsets.
fn parse_amount(text: &str, base: usize) -> Result<Duration, DurationError> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return Err(err(
            base,
            format!("expected a whole number followed by s, m, h or d, found `{text}`"),
        ));
    }
    let unit = &text[digits..];
    let seconds_per_unit: u64 = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "" => {
            return Err(err(base + digits, "missing unit (expected s, m, h or d)"));
        }
        other => {
            return Err(err(
                base + digits,
                format!("unknown unit `{other}` (expected s, m, h or d)"),
            ));
        }
    };
    let amount: u64 = text[..digits]
        .parse()
        .map_err(|_| err(base, "number too large"))?;
    if amount == 0 {
        return Err(err(base, "must be greater than zero"));
    }
    let seconds = amount
        .checked_mul(seconds_per_unit)
        .ok_or_else(|| err(base, "number too large"))?;
    Ok(Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: u64 = 60;

    #[test]
    fn intervals_in_every_unit() {
        assert_eq!(parse_interval("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_interval("5m"), Ok(Duration::from_secs(5 * MIN)));
        assert_eq!(parse_interval("1h"), Ok(Duration::from_secs(3_600)));
        assert_eq!(parse_interval("2d"), Ok(Duration::from_secs(2 * 86_400)));
        assert_eq!(parse_interval("7200m"), Ok(Duration::from_secs(7200 * MIN)));
    }

    #[test]
    fn lookbacks_are_now_minus_a_duration() {
        assert_eq!(parse_lookback("now-61m"), Ok(Duration::from_secs(61 * MIN)));
        assert_eq!(parse_lookback("now-9m"), Ok(Duration::from_secs(9 * MIN)));
        assert_eq!(
            parse_lookback("now-24h"),
            Ok(Duration::from_secs(24 * 3_600))
        );
        assert_eq!(
            parse_lookback("now-7d"),
            Ok(Duration::from_secs(7 * 86_400))
        );
        assert_eq!(parse_lookback("now-90s"), Ok(Duration::from_secs(90)));
    }

    #[test]
    fn malformed_values_say_where() {
        let e = parse_lookback("now-61w").unwrap_err();
        assert_eq!(e.offset, 6);
        assert_eq!(e.message, "unknown unit `w` (expected s, m, h or d)");

        let e = parse_lookback("now+5m").unwrap_err();
        assert_eq!(e.offset, 0);
        assert!(
            e.message.starts_with("expected `now-<number><unit>`"),
            "{e}"
        );

        let e = parse_interval("h").unwrap_err();
        assert_eq!(e.offset, 0);
        assert!(e.message.starts_with("expected a whole number"), "{e}");

        let e = parse_interval("15").unwrap_err();
        assert_eq!(
            (e.offset, e.message.as_str()),
            (2, "missing unit (expected s, m, h or d)")
        );

        assert_eq!(
            parse_interval("0m").unwrap_err().message,
            "must be greater than zero"
        );
        assert_eq!(parse_interval("5 m").unwrap_err().offset, 1);
        assert_eq!(parse_interval("-5m").unwrap_err().offset, 0);
        assert_eq!(
            parse_interval("99999999999999999999d").unwrap_err().message,
            "number too large"
        );
        assert_eq!(
            parse_interval("999999999999999999d").unwrap_err().message,
            "number too large"
        );
    }
}
