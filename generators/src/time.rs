//! Instants and durations of the simulation, with the exact text forms Elastic Defend writes.
//!
//! A [`Timestamp`] counts nanoseconds since the Unix epoch (UTC). Elastic Defend timestamps have 100 ns
//! resolution (they come from Windows-style FILETIME arithmetic in the agent), printed with up to seven
//! fractional digits and trailing zeros removed (`2022-02-16T23:49:50.5022851Z`, `2022-02-16T23:27:52.81Z`).
//! Formatting is hand-written (no allocation) because every event carries several timestamps.
//! Durations parse from `500ms`, `90s`, `2m`, `24h`, `7d` and ranges `2m..30m`.

use std::fmt;

/// Nanoseconds per unit.
pub const NANOS_PER_MS: i64 = 1_000_000;
/// Nanoseconds per second.
pub const NANOS_PER_SEC: i64 = 1_000_000_000;
/// Nanoseconds per minute.
pub const NANOS_PER_MIN: i64 = 60 * NANOS_PER_SEC;
/// Nanoseconds per hour.
pub const NANOS_PER_HOUR: i64 = 60 * NANOS_PER_MIN;
/// Nanoseconds per day.
pub const NANOS_PER_DAY: i64 = 24 * NANOS_PER_HOUR;
/// Seconds between 1601-01-01 (FILETIME epoch, used in entity ids) and 1970-01-01.
pub const FILETIME_UNIX_OFFSET_SECS: i64 = 11_644_473_600;

/// An instant, in nanoseconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

/// A span of time in nanoseconds (may be zero; never negative when parsed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span(pub i64);

/// A closed range of spans, `lo..hi`, drawn uniformly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpanRange {
    /// Lower bound.
    pub lo: Span,
    /// Upper bound (≥ `lo`).
    pub hi: Span,
}

/// Why a time text does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    /// Not an RFC 3339 timestamp.
    #[error("`{0}` is not an RFC 3339 timestamp (expected e.g. 2024-05-06T00:00:00Z)")]
    BadTimestamp(String),
    /// Not a duration.
    #[error(
        "`{0}` is not a duration (expected a number and a unit: ms, s, m, h, d, e.g. `90s`, `24h`)"
    )]
    BadDuration(String),
    /// A range whose bounds are reversed.
    #[error("duration range `{0}` has its upper bound below its lower bound")]
    ReversedRange(String),
}

impl Timestamp {
    /// Milliseconds since the epoch (what ES|QL's date type holds).
    pub fn millis(self) -> i64 {
        self.0.div_euclid(NANOS_PER_MS)
    }

    /// Adds a span.
    pub fn plus(self, span: Span) -> Timestamp {
        Timestamp(self.0.saturating_add(span.0))
    }

    /// Subtracts a span.
    pub fn minus(self, span: Span) -> Timestamp {
        Timestamp(self.0.saturating_sub(span.0))
    }

    /// Rounds down to 100 ns, the resolution of Elastic Defend timestamps.
    pub fn tick(self) -> Timestamp {
        Timestamp(self.0 - self.0.rem_euclid(100))
    }

    /// Parses RFC 3339 (`YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`).
    pub fn parse_rfc3339(text: &str) -> Result<Timestamp, TimeError> {
        parse_rfc3339(text.trim()).ok_or_else(|| TimeError::BadTimestamp(text.to_string()))
    }

    /// Writes the Elastic Defend form into `buf` and returns it as text (up to 7 fractional digits,
    /// trailing zeros trimmed, `Z`).
    pub fn format(self, buf: &mut [u8; 32]) -> &str {
        let n = self.write_into(buf, 7, true);
        std::str::from_utf8(&buf[..n]).unwrap_or("")
    }

    /// Writes `YYYY-MM-DDTHH:MM:SSZ` (seconds precision, as `event.ingested` is written by the pipeline).
    pub fn format_secs(self, buf: &mut [u8; 32]) -> &str {
        let n = self.write_into(buf, 0, true);
        std::str::from_utf8(&buf[..n]).unwrap_or("")
    }

    fn write_into(self, buf: &mut [u8; 32], digits: usize, trim: bool) -> usize {
        let secs = self.0.div_euclid(NANOS_PER_SEC);
        let nanos = self.0.rem_euclid(NANOS_PER_SEC) as u32;
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400) as u32;
        let (y, m, d) = civil_from_days(days);
        let y = y.clamp(0, 9999) as u32;
        let put2 = |buf: &mut [u8; 32], at: usize, v: u32| {
            buf[at] = b'0' + (v / 10) as u8;
            buf[at + 1] = b'0' + (v % 10) as u8;
        };
        put2(buf, 0, y / 100);
        put2(buf, 2, y % 100);
        buf[4] = b'-';
        put2(buf, 5, m);
        buf[7] = b'-';
        put2(buf, 8, d);
        buf[10] = b'T';
        put2(buf, 11, sod / 3600);
        buf[13] = b':';
        put2(buf, 14, (sod / 60) % 60);
        buf[16] = b':';
        put2(buf, 17, sod % 60);
        let mut n = 19;
        if digits > 0 {
            let mut frac = nanos / 10u32.pow(9 - digits as u32);
            let mut len = digits;
            if trim {
                while len > 0 && frac.is_multiple_of(10) {
                    frac /= 10;
                    len -= 1;
                }
            }
            if len > 0 {
                buf[n] = b'.';
                for i in (0..len).rev() {
                    buf[n + 1 + i] = b'0' + (frac % 10) as u8;
                    frac /= 10;
                }
                n += 1 + len;
            }
        }
        buf[n] = b'Z';
        n + 1
    }

    /// The `<seconds>.<fraction>` since 1601-01-01 that Elastic puts in entity ids
    /// (`13289528990.502285100`; a whole second prints as `13289528990.0`).
    pub fn filetime_text(self) -> String {
        let secs = self.0.div_euclid(NANOS_PER_SEC) + FILETIME_UNIX_OFFSET_SECS;
        let nanos = self.0.rem_euclid(NANOS_PER_SEC);
        if nanos == 0 {
            format!("{secs}.0")
        } else {
            format!("{secs}.{nanos:09}")
        }
    }

    /// Day of week, 0 = Monday … 6 = Sunday, at a UTC offset in minutes.
    pub fn weekday(self, offset_min: i32) -> u32 {
        let local = self.0 + i64::from(offset_min) * NANOS_PER_MIN;
        // 1970-01-01 was a Thursday (index 3).
        ((local.div_euclid(NANOS_PER_DAY) + 3).rem_euclid(7)) as u32
    }

    /// Hour of day as a fraction (0.0 ..< 24.0) at a UTC offset in minutes.
    pub fn hour_of_day(self, offset_min: i32) -> f64 {
        let local = self.0 + i64::from(offset_min) * NANOS_PER_MIN;
        local.rem_euclid(NANOS_PER_DAY) as f64 / NANOS_PER_HOUR as f64
    }

    /// The calendar date (year, month, day) in UTC.
    pub fn ymd(self) -> (i64, u32, u32) {
        civil_from_days(self.0.div_euclid(NANOS_PER_DAY))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; 32];
        f.write_str(self.format(&mut buf))
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; 32];
        s.serialize_str(self.format(&mut buf))
    }
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month, day) → days since 1970-01-01.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn parse_rfc3339(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)? as u32, num(8..10)? as u32);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut i = 19;
    let mut nanos = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            if i - start < 9 {
                nanos = nanos * 10 + i64::from(b[i] - b'0');
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        for _ in (i - start).min(9)..9 {
            nanos *= 10;
        }
    }
    let offset_secs = match b.get(i)? {
        b'Z' | b'z' if i + 1 == b.len() => 0,
        sign @ (b'+' | b'-') if i + 6 == b.len() && b[i + 3] == b':' => {
            let oh = num(i + 1..i + 3)?;
            let om = num(i + 4..i + 6)?;
            let v = oh * 3600 + om * 60;
            if *sign == b'+' { v } else { -v }
        }
        _ => return None,
    };
    let days = days_from_civil(y, mo, d);
    let secs = days * 86_400 + h * 3600 + mi * 60 + sec - offset_secs;
    Some(Timestamp(
        secs.checked_mul(NANOS_PER_SEC)?.checked_add(nanos)?,
    ))
}

impl Span {
    /// From milliseconds.
    pub const fn ms(v: i64) -> Span {
        Span(v * NANOS_PER_MS)
    }
    /// From seconds.
    pub const fn secs(v: i64) -> Span {
        Span(v * NANOS_PER_SEC)
    }
    /// From minutes.
    pub const fn mins(v: i64) -> Span {
        Span(v * NANOS_PER_MIN)
    }
    /// From hours.
    pub const fn hours(v: i64) -> Span {
        Span(v * NANOS_PER_HOUR)
    }
    /// From fractional seconds (rounded to the nanosecond).
    pub fn from_secs_f64(v: f64) -> Span {
        Span((v * NANOS_PER_SEC as f64).round() as i64)
    }
    /// As fractional seconds.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NANOS_PER_SEC as f64
    }

    /// Parses `500ms`, `90s`, `2m`, `24h`, `7d`, `1h30m` (units may be chained).
    pub fn parse(text: &str) -> Result<Span, TimeError> {
        let bad = || TimeError::BadDuration(text.to_string());
        let s = text.trim();
        if s.is_empty() {
            return Err(bad());
        }
        let mut total: i64 = 0;
        let mut rest = s;
        while !rest.is_empty() {
            let digits = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            if digits == 0 {
                return Err(bad());
            }
            let value: i64 = rest[..digits].parse().map_err(|_| bad())?;
            rest = &rest[digits..];
            let unit_len = rest
                .find(|c: char| c.is_ascii_digit())
                .unwrap_or(rest.len());
            let unit = match &rest[..unit_len] {
                "ms" => NANOS_PER_MS,
                "s" => NANOS_PER_SEC,
                "m" => NANOS_PER_MIN,
                "h" => NANOS_PER_HOUR,
                "d" => NANOS_PER_DAY,
                _ => return Err(bad()),
            };
            rest = &rest[unit_len..];
            total = value
                .checked_mul(unit)
                .and_then(|v| total.checked_add(v))
                .ok_or_else(bad)?;
        }
        Ok(Span(total))
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        for (unit, n) in [
            ("d", NANOS_PER_DAY),
            ("h", NANOS_PER_HOUR),
            ("m", NANOS_PER_MIN),
            ("s", NANOS_PER_SEC),
        ] {
            if v != 0 && v % n == 0 {
                return write!(f, "{}{unit}", v / n);
            }
        }
        write!(f, "{}ms", v / NANOS_PER_MS)
    }
}

impl SpanRange {
    /// A degenerate range.
    pub fn exactly(span: Span) -> SpanRange {
        SpanRange { lo: span, hi: span }
    }

    /// Parses `2m..30m` or a single duration.
    pub fn parse(text: &str) -> Result<SpanRange, TimeError> {
        match text.split_once("..") {
            Some((a, b)) => {
                let (lo, hi) = (Span::parse(a)?, Span::parse(b)?);
                if hi < lo {
                    return Err(TimeError::ReversedRange(text.to_string()));
                }
                Ok(SpanRange { lo, hi })
            }
            None => Ok(SpanRange::exactly(Span::parse(text)?)),
        }
    }

    /// A uniform draw in the range.
    pub fn draw(self, rng: &mut crate::rng::SimRng) -> Span {
        Span(rng.range_i64(self.lo.0, self.hi.0))
    }
}

impl fmt::Display for SpanRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.lo == self.hi {
            write!(f, "{}", self.lo)
        } else {
            write!(f, "{}..{}", self.lo, self.hi)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_elastic_defend() {
        let t = Timestamp::parse_rfc3339("2022-02-16T23:49:50.5022851Z").unwrap();
        assert_eq!(t.to_string(), "2022-02-16T23:49:50.5022851Z");
        let t = Timestamp::parse_rfc3339("2022-02-16T23:27:52.81Z").unwrap();
        assert_eq!(t.to_string(), "2022-02-16T23:27:52.81Z");
        let t = Timestamp::parse_rfc3339("2024-05-06T00:00:00Z").unwrap();
        assert_eq!(t.to_string(), "2024-05-06T00:00:00Z");
        let mut buf = [0u8; 32];
        assert_eq!(
            t.plus(Span::ms(1500)).format_secs(&mut buf),
            "2024-05-06T00:00:01Z"
        );
        let t = Timestamp::parse_rfc3339("2024-05-06T02:00:00+02:00").unwrap();
        assert_eq!(t.to_string(), "2024-05-06T00:00:00Z");
    }

    #[test]
    fn entity_id_time_matches_the_rfc_example() {
        // 12641-13289528990.502285100 in the RFC's real exec event ↔ 2022-02-16T23:49:50.5022851Z
        let t = Timestamp::parse_rfc3339("2022-02-16T23:49:50.5022851Z").unwrap();
        assert_eq!(t.filetime_text(), "13289528990.502285100");
        let t = Timestamp::parse_rfc3339("2022-02-16T22:02:00Z").unwrap();
        assert_eq!(t.filetime_text(), "13289522520.0");
    }

    #[test]
    fn calendar_round_trips() {
        for days in [-800_000i64, -1, 0, 1, 19_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        let monday = Timestamp::parse_rfc3339("2024-05-06T12:00:00Z").unwrap();
        assert_eq!(monday.weekday(0), 0);
        assert_eq!(monday.hour_of_day(120), 14.0);
    }

    #[test]
    fn durations_parse_and_reject() {
        assert_eq!(Span::parse("24h").unwrap(), Span::hours(24));
        assert_eq!(Span::parse("1h30m").unwrap(), Span::mins(90));
        assert_eq!(Span::parse("500ms").unwrap(), Span::ms(500));
        assert!(Span::parse("5 minutes").is_err());
        assert!(Span::parse("").is_err());
        assert!(Span::parse("m").is_err());
        let r = SpanRange::parse("2m..30m").unwrap();
        assert_eq!((r.lo, r.hi), (Span::mins(2), Span::mins(30)));
        assert!(matches!(
            SpanRange::parse("30m..2m"),
            Err(TimeError::ReversedRange(_))
        ));
        assert!(Timestamp::parse_rfc3339("2024-13-01T00:00:00Z").is_err());
        assert!(Timestamp::parse_rfc3339("yesterday").is_err());
        assert_eq!(Span::mins(90).to_string(), "90m");
    }
}
