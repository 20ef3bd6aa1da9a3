//! Text forms of values as Elasticsearch prints them (dates, doubles).

/// Formats epoch milliseconds as `yyyy-MM-ddTHH:mm:ss.SSSZ` (UTC), as ES|QL prints dates.
pub fn date_millis(ms: i64) -> String {
    let (secs, milli) = (ms.div_euclid(1000), ms.rem_euclid(1000));
    let (y, mo, d, h, mi, s) = civil(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}Z")
}

/// Formats epoch nanoseconds as `yyyy-MM-ddTHH:mm:ss.SSSSSSSSSZ` (UTC).
pub fn date_nanos(ns: i64) -> String {
    let (secs, nano) = (ns.div_euclid(1_000_000_000), ns.rem_euclid(1_000_000_000));
    let (y, mo, d, h, mi, s) = civil(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{nano:09}Z")
}

/// Splits epoch seconds into (year, month, day, hour, minute, second), proleptic Gregorian, UTC.
pub fn civil(secs: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    (
        y,
        m,
        d,
        (rem / 3600) as u32,
        (rem % 3600 / 60) as u32,
        (rem % 60) as u32,
    )
}

/// Days since 1970-01-01 → (year, month, day). Howard Hinnant's algorithm.
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

/// (year, month, day) → days since 1970-01-01. Howard Hinnant's algorithm.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Formats a double as Java's `Double.toString` does (`1.0`, `0.1`, `1.0E10`, `NaN`), which is how ES
/// prints doubles in text and csv-spec results.
pub fn double(d: f64) -> String {
    if d.is_nan() {
        return "NaN".into();
    }
    if d.is_infinite() {
        return if d > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if d == 0.0 {
        return if d.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    let abs = d.abs();
    if (1e-3..1e7).contains(&abs) {
        let s = format!("{d}");
        if s.contains('.') { s } else { format!("{s}.0") }
    } else {
        // Shortest round-trip digits in scientific form, Java style: 1.0E10, 1.234E-5.
        let s = format!("{d:e}");
        let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let mant = if mant.contains('.') {
            mant.to_string()
        } else {
            format!("{mant}.0")
        };
        format!("{mant}E{exp}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_format_like_es() {
        assert_eq!(date_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(date_millis(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(date_millis(1_674_476_100_000), "2023-01-23T12:15:00.000Z");
        assert_eq!(days_from_civil(2023, 1, 23), 19_380);
        assert_eq!(civil_from_days(19_380), (2023, 1, 23));
    }

    #[test]
    fn doubles_format_like_java() {
        assert_eq!(double(1.0), "1.0");
        assert_eq!(double(0.1), "0.1");
        assert_eq!(double(1e10), "1.0E10");
        assert_eq!(double(1.5e-5), "1.5E-5");
        assert_eq!(double(318171948.1), "3.181719481E8");
    }
}
