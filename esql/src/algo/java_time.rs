//! Java `DateTimeFormatter` patterns (DATE_FORMAT, DATE_PARSE), the ISO parser behind TO_DATETIME, and
//! calendar arithmetic (`java.time` month addition), in UTC with English (`Locale.ROOT`) names. Shared by
//! both evaluators: nulls, multi-values and warnings stay in each evaluator.
//!
//! Supported pattern letters: `y u` (year), `M L` (month: number, `MMM` short name, `MMMM` full name), `d`,
//! `D` (day of year), `H`, `h`, `k`, `K`, `m`, `s`, `S` (fraction), `a`, `E` (day name), `e` (localized day
//! of week), `Z`, `X`, `x`; quoted literals with `'`. Any other letter is an unsupported-pattern error
//! naming it, never a guess. Parsing reads numeric fields, `MMM`/`MMMM` month names, literals and `Z`/`X`
//! offsets.

use crate::format::{civil, civil_from_days, days_from_civil};

const MS_PER_DAY: i64 = 86_400_000;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// One piece of a parsed pattern: a letter run or a literal.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Field(char, usize),
    Literal(String),
}

fn pieces(pattern: &str) -> Result<Vec<Piece>, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            let mut lit = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err(format!("unterminated quote in pattern [{pattern}]")),
                    Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                        lit.push('\'');
                        i += 2;
                    }
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some(c) => {
                        lit.push(*c);
                        i += 1;
                    }
                }
            }
            if lit.is_empty() {
                lit.push('\'');
            }
            out.push(Piece::Literal(lit));
        } else if c.is_ascii_alphabetic() {
            let start = i;
            while chars.get(i) == Some(&c) {
                i += 1;
            }
            if !"yuMLdDHhkKmsSaEeZXx".contains(c) {
                return Err(format!("pattern letter [{c}] in [{pattern}]"));
            }
            out.push(Piece::Field(c, i - start));
        } else {
            out.push(Piece::Literal(c.to_string()));
            i += 1;
        }
    }
    Ok(out)
}

/// Formats epoch milliseconds with a Java pattern.
pub fn format_millis(ms: i64, pattern: &str) -> Result<String, String> {
    let (y, mo, d, h, mi, s) = civil(ms.div_euclid(1000));
    let milli = ms.rem_euclid(1000);
    let days = ms.div_euclid(86_400_000);
    let weekday = (days + 3).rem_euclid(7) as usize; // 0 = Monday
    let mut out = String::new();
    for p in pieces(pattern)? {
        match p {
            Piece::Literal(l) => out.push_str(&l),
            Piece::Field(c, n) => out.push_str(&match c {
                'y' | 'u' if n == 2 => format!("{:02}", y.rem_euclid(100)),
                'y' | 'u' => {
                    if y > 9999 && n == 4 {
                        format!("+{y}")
                    } else {
                        format!("{y:0n$}")
                    }
                }
                'M' | 'L' if n == 3 => MONTHS[mo as usize - 1][..3].to_string(),
                'M' | 'L' if n >= 4 => MONTHS[mo as usize - 1].to_string(),
                'M' | 'L' => format!("{mo:0n$}"),
                'd' => format!("{d:0n$}"),
                'D' => format!("{:0n$}", days - days_from_civil(y, 1, 1) + 1),
                'H' => format!("{h:0n$}"),
                'k' => format!("{:0n$}", if h == 0 { 24 } else { h }),
                'K' => format!("{:0n$}", h % 12),
                'h' => format!("{:0n$}", if h % 12 == 0 { 12 } else { h % 12 }),
                'm' => format!("{mi:0n$}"),
                's' => format!("{s:0n$}"),
                'S' => {
                    let nanos = format!("{:09}", milli * 1_000_000);
                    nanos
                        .chars()
                        .chain(std::iter::repeat('0'))
                        .take(n)
                        .collect()
                }
                'a' => (if h < 12 { "AM" } else { "PM" }).to_string(),
                'E' if n >= 4 => DAYS[weekday].to_string(),
                'E' => DAYS[weekday][..3].to_string(),
                'e' => format!("{:0n$}", weekday + 1),
                'Z' if n <= 3 => "+0000".to_string(),
                'Z' => "GMT".to_string(),
                'X' => "Z".to_string(),
                'x' if n == 1 => "+00".to_string(),
                'x' if n == 2 || n == 4 => "+0000".to_string(),
                'x' => "+00:00".to_string(),
                other => return Err(format!("pattern letter [{other}] in [{pattern}]")),
            }),
        }
    }
    Ok(out)
}

/// The default DATE_FORMAT pattern.
pub const DEFAULT_PATTERN: &str = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'";

struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, min: usize, max: usize) -> Option<i64> {
        let start = self.i;
        while self.i < self.s.len() && self.i - start < max && self.s[self.i].is_ascii_digit() {
            self.i += 1;
        }
        if self.i - start < min {
            return None;
        }
        std::str::from_utf8(&self.s[start..self.i])
            .ok()?
            .parse()
            .ok()
    }

    fn literal(&mut self, l: &str) -> Option<()> {
        if self.s[self.i..].starts_with(l.as_bytes()) {
            self.i += l.len();
            Some(())
        } else {
            None
        }
    }

    fn offset(&mut self) -> Option<i64> {
        if self.literal("Z").is_some() {
            return Some(0);
        }
        let sign = match self.s.get(self.i)? {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        self.i += 1;
        let h = self.digits(2, 2)?;
        let _ = self.literal(":");
        let m = self.digits(2, 2).unwrap_or(0);
        Some(sign * (h * 3600 + m * 60) * 1000)
    }
}

fn to_millis(fields: (i64, i64, i64, i64, i64, i64, i64), offset: i64) -> Option<i64> {
    let (y, mo, d, h, mi, s, milli) = fields;
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo as u32) as i64 {
        return None;
    }
    if h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let days = days_from_civil(y, mo as u32, d as u32);
    Some(days * 86_400_000 + ((h * 60 + mi) * 60 + s) * 1000 + milli - offset)
}

/// Parses `strict_date_optional_time`: `yyyy[-MM[-dd]]['T'HH[:mm[:ss[.S…]]]][Z|±HH[:]mm]`.
pub fn parse_iso_datetime(s: &str) -> Option<i64> {
    let mut c = Cursor {
        s: s.as_bytes(),
        i: 0,
    };
    let y = c.digits(4, 4)?;
    let (mut mo, mut d, mut h, mut mi, mut sec, mut milli) = (1, 1, 0, 0, 0, 0);
    let mut offset = 0;
    if c.literal("-").is_some() {
        mo = c.digits(2, 2)?;
        if c.literal("-").is_some() {
            d = c.digits(2, 2)?;
            if c.literal("T").is_some() {
                h = c.digits(2, 2)?;
                if c.literal(":").is_some() {
                    mi = c.digits(2, 2)?;
                    if c.literal(":").is_some() {
                        sec = c.digits(2, 2)?;
                        if c.literal(".").is_some() || c.literal(",").is_some() {
                            let start = c.i;
                            let frac = c.digits(1, 9)?;
                            let n = c.i - start;
                            milli = frac * 10i64.pow(9 - n as u32) / 1_000_000;
                        }
                    }
                }
                if c.i < s.len() {
                    offset = c.offset()?;
                }
            }
        }
    }
    if c.i != s.len() {
        return None;
    }
    to_millis((y, mo, d, h, mi, sec, milli), offset)
}

/// Parses `s` with a Java pattern.
pub fn parse_with_pattern(s: &str, pattern: &str) -> Result<Option<i64>, String> {
    let mut c = Cursor {
        s: s.as_bytes(),
        i: 0,
    };
    let (mut y, mut mo, mut d, mut h, mut mi, mut sec, mut milli, mut offset) =
        (1970, 1, 1, 0, 0, 0, 0, 0);
    let mut pm: Option<bool> = None;
    for p in pieces(pattern)? {
        let ok = match p {
            Piece::Literal(l) => c.literal(&l),
            Piece::Field(f, n) => {
                let max = if n == 1 { 9 } else { n.max(2) };
                match f {
                    'y' | 'u' => c.digits(n.min(4), if n == 2 { 2 } else { 9 }).map(|v| {
                        y = if n == 2 { 2000 + v } else { v };
                    }),
                    'M' | 'L' if n >= 3 => MONTHS
                        .iter()
                        .position(|m| {
                            let name = if n == 3 { &m[..3] } else { m };
                            c.literal(name).is_some()
                        })
                        .map(|i| mo = i as i64 + 1),
                    'M' | 'L' => c.digits(n, max).map(|v| mo = v),
                    'd' => c.digits(n, max).map(|v| d = v),
                    'H' | 'k' => c.digits(n, max).map(|v| h = v % 24),
                    'h' | 'K' => c.digits(n, max).map(|v| h = v % 12),
                    'm' => c.digits(n, max).map(|v| mi = v),
                    's' => c.digits(n, max).map(|v| sec = v),
                    'S' => {
                        let start = c.i;
                        c.digits(n, n).map(|v| {
                            let k = (c.i - start) as u32;
                            milli = if k >= 3 {
                                v / 10i64.pow(k - 3)
                            } else {
                                v * 10i64.pow(3 - k)
                            };
                        })
                    }
                    'a' => {
                        if c.literal("AM").is_some() {
                            pm = Some(false);
                            Some(())
                        } else if c.literal("PM").is_some() {
                            pm = Some(true);
                            Some(())
                        } else {
                            None
                        }
                    }
                    'X' | 'Z' | 'x' => c.offset().map(|o| offset = o),
                    other => {
                        return Err(format!(
                            "pattern letter [{other}] in DATE_PARSE [{pattern}]"
                        ));
                    }
                }
            }
        };
        if ok.is_none() {
            return Ok(None);
        }
    }
    if c.i != s.len() {
        return Ok(None);
    }
    if pm == Some(true) {
        h += 12;
    }
    Ok(to_millis((y, mo, d, h, mi, sec, milli), offset))
}

/// Adds `months` calendar months to epoch milliseconds, clamping the day to the month's end.
pub fn add_months(ms: i64, months: i64) -> i64 {
    let days = ms.div_euclid(MS_PER_DAY);
    let time = ms.rem_euclid(MS_PER_DAY);
    let (y, m, d) = civil_from_days(days);
    let total = y * 12 + (m as i64 - 1) + months;
    let (ny, nm) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
    let nd = d.min(days_in_month(ny, nm));
    days_from_civil(ny, nm, nd) * MS_PER_DAY + time
}

/// Days in a month of the proleptic Gregorian calendar.
pub fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_674_476_100_123; // 2023-01-23T12:15:00.123Z, a Monday

    #[test]
    fn formats_like_java() {
        assert_eq!(
            format_millis(T, DEFAULT_PATTERN).unwrap(),
            "2023-01-23T12:15:00.123Z"
        );
        assert_eq!(format_millis(T, "yyyy").unwrap(), "2023");
        assert_eq!(
            format_millis(T, "yyyy-MM-dd HH:mm").unwrap(),
            "2023-01-23 12:15"
        );
        assert_eq!(format_millis(T, "EEE, d MMM yy").unwrap(), "Mon, 23 Jan 23");
        assert_eq!(
            format_millis(T, "hh 'o''clock' a").unwrap(),
            "12 o'clock PM"
        );
        assert!(format_millis(T, "qqq").is_err());
    }

    #[test]
    fn parses_iso_and_patterns() {
        assert_eq!(parse_iso_datetime("2023-01-23T12:15:00.123Z"), Some(T));
        assert_eq!(
            parse_iso_datetime("2023-01-23"),
            Some(T - T.rem_euclid(86_400_000))
        );
        assert_eq!(parse_iso_datetime("2023-01-23T14:15:00.123+02:00"), Some(T));
        assert_eq!(parse_iso_datetime("2023-02-30"), None);
        assert_eq!(parse_iso_datetime("nope"), None);
        assert_eq!(
            parse_with_pattern("23/01/2023 12:15", "dd/MM/yyyy HH:mm").unwrap(),
            Some(T - 123)
        );
        assert_eq!(parse_with_pattern("x", "yyyy").unwrap(), None);
    }
}
