//! Parsing of `date` and `date_nanos` values with Elasticsearch's default date format,
//! `strict_date_optional_time||epoch_millis`.
//!
//! `strict_date_optional_time` is `yyyy[-MM[-dd]]` optionally followed by `T` and
//! `HH[:mm[:ss[(.|,)fraction]]]` and a zone (`Z`, `±HH`, `±HHmm`, `±HH:mm`); a missing part defaults
//! to its smallest value and a missing zone is UTC. The year has exactly four digits, or a sign and five
//! to ten digits. When that fails the text is tried as `epoch_millis`: an optionally signed integer, with an
//! optional fraction of up to six digits. The first format wins, so `"2023"` is the year 2023, not
//! 2023 ms (docs: mapping-reference/mapping-date-format, "built-in formats"; date field type
//! docs: "default `strict_date_optional_time||epoch_millis`").

use crate::format::days_from_civil;

/// Nanoseconds since the epoch of a date string, or `None` if neither format matches.
pub fn parse_default_date(text: &str) -> Option<i128> {
    parse_strict_date_optional_time(text).or_else(|| parse_epoch_millis(text))
}

/// Epoch milliseconds (rounded toward negative infinity, as `Instant::toEpochMilli` does) of
/// epoch nanoseconds, or `None` outside the `i64` range.
pub fn nanos_to_millis(nanos: i128) -> Option<i64> {
    i64::try_from(nanos.div_euclid(1_000_000)).ok()
}

/// `strict_date_optional_time`.
pub fn parse_strict_date_optional_time(text: &str) -> Option<i128> {
    let mut c = Cursor {
        s: text.as_bytes(),
        i: 0,
    };
    let year = c.year()?;
    let (mut month, mut day) = (1, 1);
    let (mut hour, mut minute, mut second, mut nanos) = (0, 0, 0, 0i128);
    let mut offset_secs = 0i64;
    if c.eat(b'-') {
        month = c.digits(2)?;
        if c.eat(b'-') {
            day = c.digits(2)?;
        }
    }
    if c.eat(b'T') {
        if c.peek_digit() {
            hour = c.digits(2)?;
            if c.eat(b':') {
                minute = c.digits(2)?;
                if c.eat(b':') {
                    second = c.digits(2)?;
                    if c.eat(b'.') || c.eat(b',') {
                        nanos = c.fraction(9)?;
                    }
                }
            }
        }
        if !c.done() {
            offset_secs = c.zone()?;
        }
    }
    if !c.done() || !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let days = days_from_civil(year, month as u32, day as u32) as i128;
    let secs = days * 86_400 + (hour * 3600 + minute * 60 + second) as i128 - offset_secs as i128;
    Some(secs * 1_000_000_000 + nanos)
}

/// `epoch_millis`: `[-]digits[.fraction]`, the fraction up to six digits (nanosecond precision).
pub fn parse_epoch_millis(text: &str) -> Option<i128> {
    let (neg, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    if int.is_empty() || int.len() > 19 || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut nanos = int.parse::<i128>().ok()? * 1_000_000;
    if let Some(f) = frac {
        if f.is_empty() || f.len() > 6 || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let scaled: i128 = f.parse::<i128>().ok()? * 10i128.pow(6 - f.len() as u32);
        nanos += scaled;
    }
    Some(if neg { -nanos } else { nanos })
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn done(&self) -> bool {
        self.i == self.s.len()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.s.get(self.i) == Some(&b) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn peek_digit(&self) -> bool {
        self.s.get(self.i).is_some_and(u8::is_ascii_digit)
    }

    fn digits(&mut self, n: usize) -> Option<i64> {
        let part = self.s.get(self.i..self.i + n)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.i += n;
        Some(part.iter().fold(0, |acc, d| acc * 10 + (d - b'0') as i64))
    }

    /// Four digits, or a sign followed by 5 to 10 digits (Java's `SignStyle.EXCEEDS_PAD` rejects a sign
    /// in strict parsing unless the pad width of 4 is exceeded).
    fn year(&mut self) -> Option<i64> {
        let sign = if self.eat(b'+') {
            Some(1)
        } else if self.eat(b'-') {
            Some(-1)
        } else {
            None
        };
        let start = self.i;
        while self.peek_digit() {
            self.i += 1;
        }
        let len = self.i - start;
        let value: i64 = std::str::from_utf8(&self.s[start..self.i])
            .ok()?
            .parse()
            .ok()?;
        match sign {
            None if len == 4 => Some(value),
            Some(s) if (5..=10).contains(&len) => Some(s * value),
            _ => None,
        }
    }

    /// 1 to `max` fraction digits as nanoseconds.
    fn fraction(&mut self, max: usize) -> Option<i128> {
        let start = self.i;
        while self.peek_digit() {
            self.i += 1;
        }
        let len = self.i - start;
        if len == 0 || len > max {
            return None;
        }
        let v: i128 = std::str::from_utf8(&self.s[start..self.i])
            .ok()?
            .parse()
            .ok()?;
        Some(v * 10i128.pow((9 - len) as u32))
    }

    /// `Z`, `±HH`, `±HHmm` or `±HH:mm`, as seconds east of UTC.
    fn zone(&mut self) -> Option<i64> {
        if self.eat(b'Z') {
            return Some(0);
        }
        let sign = if self.eat(b'+') {
            1
        } else if self.eat(b'-') {
            -1
        } else {
            return None;
        };
        let h = self.digits(2)?;
        let colon = self.eat(b':');
        let m = if colon || self.peek_digit() {
            self.digits(2)?
        } else {
            0
        };
        if h > 18 || m > 59 {
            return None;
        }
        Some(sign * (h * 3600 + m * 60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: i128 = 1_000_000;

    #[test]
    fn full_and_partial_iso_dates_parse() {
        // Values from employees.csv (birth_date 1953-09-02T00:00:00Z) and ES's date format docs.
        assert_eq!(parse_default_date("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_default_date("1953-09-02T00:00:00Z"),
            Some(-515_376_000_000 * MS)
        );
        assert_eq!(
            parse_default_date("2023-01-23T12:15:00.000Z"),
            Some(1_674_476_100_000 * MS)
        );
        assert_eq!(
            parse_default_date("2023-01-23"),
            Some(1_674_432_000_000 * MS)
        );
        assert_eq!(
            parse_default_date("2023-01"),
            parse_default_date("2023-01-01T00:00:00Z")
        );
        assert_eq!(
            parse_default_date("2023-01-23T12"),
            parse_default_date("2023-01-23T12:00:00Z")
        );
        assert_eq!(
            parse_default_date("2023-01-23T12:15:00.123456789Z"),
            Some(1_674_476_100_123_456_789)
        );
        assert_eq!(
            parse_default_date("2023-01-23T12:15:00,5Z"),
            Some(1_674_476_100_500 * MS)
        );
    }

    #[test]
    fn offsets_shift_to_utc() {
        let utc = parse_default_date("2023-01-23T12:15:00Z");
        assert_eq!(parse_default_date("2023-01-23T14:15:00+02:00"), utc);
        assert_eq!(parse_default_date("2023-01-23T14:15:00+0200"), utc);
        assert_eq!(parse_default_date("2023-01-23T14:15:00+02"), utc);
        assert_eq!(parse_default_date("2023-01-23T10:15:00-02:00"), utc);
    }

    #[test]
    fn a_four_digit_number_is_a_year_and_longer_ones_are_epoch_millis() {
        // strict_date_optional_time is tried first (docs: "multiple formats separated by ||").
        assert_eq!(
            parse_default_date("2023"),
            parse_default_date("2023-01-01T00:00:00Z")
        );
        assert_eq!(
            parse_default_date("1674476100000"),
            Some(1_674_476_100_000 * MS)
        );
        assert_eq!(parse_default_date("-1000"), Some(-1000 * MS));
        assert_eq!(parse_default_date("1.5"), Some(1_500_000));
    }

    #[test]
    fn malformed_dates_are_rejected() {
        for bad in [
            "2023-13-01",
            "2023-02-29",
            "2023-01-32",
            "2023-01-01T24:00:00Z",
            "23-01-01",
            "2023/01/01",
            "2023-01-01 12:00:00",
            "yesterday",
            "",
            "2023-01-01T12:00:00+19:00",
            "1.1234567",
        ] {
            assert_eq!(parse_default_date(bad), None, "{bad}");
        }
        assert!(parse_default_date("2024-02-29").is_some());
    }

    #[test]
    fn millis_round_toward_negative_infinity() {
        assert_eq!(nanos_to_millis(-1), Some(-1));
        assert_eq!(nanos_to_millis(1_999_999), Some(1));
    }
}
