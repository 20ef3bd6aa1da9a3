//! The expected result table of a csv-spec test, parsed as ES's `CsvTestUtils.loadCsvSpecValues` does.
//!
//! The table is CSV with delimiter `|` and quote `"` (SuperCSV): quotes are removed (`""` inside quotes
//! is one quote), every cell is trimmed. The header cells are `name:type`, split at the `:` that is not
//! part of a `::` cast. A cell `null` (any case) is null; `[a, b]` is a multi-value split on commas not
//! preceded by `\` (each element trimmed, `\,` unescaped), `[x]` is the scalar `x`. Values are
//! converted by the column type (Java's `Integer.parseInt`, `Double.parseDouble`, …).

use std::net::IpAddr;
use std::str::FromStr;

use esql::{DataType, Value};

/// One expected column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedColumn {
    /// Column name as written.
    pub name: String,
    /// Column type.
    pub data_type: DataType,
}

/// The expected table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExpectedTable {
    /// Columns in order.
    pub columns: Vec<ExpectedColumn>,
    /// Rows of values (multi-values as [`Value::Multi`], keeping the written order).
    pub rows: Vec<Vec<Value>>,
}

/// An expected table that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected table line {line}: {message}")]
pub struct ExpectedError {
    /// 0-based line within the table (0 is the header).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Splits one CSV line on `|` outside quotes, removing quotes (`""` inside quotes is a quote), and
/// trims every cell.
pub fn split_cells(line: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                cur.push('"');
            }
            '"' => quoted = !quoted,
            '|' if !quoted => cells.push(std::mem::take(&mut cur).trim().to_owned()),
            c => cur.push(c),
        }
    }
    cells.push(cur.trim().to_owned());
    cells
}

/// Splits `s` on commas not preceded by a backslash (Java regex `(?<!\\),`), dropping trailing empty
/// parts as Java's `String.split` does.
pub fn split_unescaped_commas(s: &str) -> Vec<&str> {
    let mut parts = split_unescaped_commas_keep_empty(s);
    while parts.len() > 1 && parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    parts
}

/// Splits `s` on commas not preceded by a backslash, keeping every part.
pub fn split_unescaped_commas_keep_empty(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let bytes = s.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b',' && (i == 0 || bytes[i - 1] != b'\\') {
            parts.push(&s[start..i]);
            start = i + 1;
        }
    }
    parts.push(&s[start..]);
    parts
}

/// Parses the header cell `name:type` (a `::` cast in the name is kept).
pub fn parse_header_cell(cell: &str) -> Result<ExpectedColumn, String> {
    const SPACER: &str = "\u{0}TYPECAST\u{0}";
    let protected = cell.replace("::", SPACER);
    let parts: Vec<&str> = protected.split(':').collect();
    if parts.len() != 2 {
        return Err(format!("invalid header cell [{cell}]"));
    }
    let name = parts[0].replace(SPACER, "::").trim().to_owned();
    let ty = parts[1].replace(SPACER, "::").trim().to_owned();
    if ty.is_empty() {
        return Err(format!("no type in header cell [{cell}]"));
    }
    let data_type = DataType::from_str(&ty).map_err(|e| format!("header cell [{cell}]: {e}"))?;
    Ok(ExpectedColumn { name, data_type })
}

/// Parses the expected table (`\r\n`-joined lines, header first).
pub fn parse_expected(table: &str) -> Result<ExpectedTable, ExpectedError> {
    let mut lines = table.split("\r\n").filter(|l| !l.is_empty());
    let Some(header) = lines.next() else {
        return Err(ExpectedError {
            line: 0,
            message: "no header line".into(),
        });
    };
    let columns = split_cells(header)
        .iter()
        .map(|c| parse_header_cell(c))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|message| ExpectedError { line: 0, message })?;
    let mut rows = Vec::new();
    for (i, line) in lines.enumerate() {
        let cells = split_cells(line);
        if cells.len() != columns.len() {
            return Err(ExpectedError {
                line: i + 1,
                message: format!("{} cells for {} columns", cells.len(), columns.len()),
            });
        }
        let row = cells
            .iter()
            .zip(&columns)
            .map(|(cell, col)| expected_value(cell, col.data_type))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|message| ExpectedError {
                line: i + 1,
                message,
            })?;
        rows.push(row);
    }
    Ok(ExpectedTable { columns, rows })
}

/// Converts one (already trimmed) cell.
pub fn expected_value(cell: &str, ty: DataType) -> Result<Value, String> {
    if cell.eq_ignore_ascii_case("null") {
        return Ok(Value::Null);
    }
    if let Some(inner) = cell.strip_prefix('[') {
        let inner = inner
            .strip_suffix(']')
            .ok_or_else(|| format!("incomplete multi-value [{cell}]"))?;
        let parts = split_unescaped_commas(inner);
        if parts.len() == 1 {
            return convert(&parts[0].replace("\\,", ","), ty);
        }
        let values = parts
            .iter()
            .map(|p| convert(&p.trim().replace("\\,", ","), ty))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Value::Multi(values));
    }
    convert(cell, ty)
}

/// Converts one scalar text by type, as `CsvTestUtils.Type` converters do.
pub fn convert(s: &str, ty: DataType) -> Result<Value, String> {
    let bad = |what: &str| format!("cannot read [{s}] as {what}");
    Ok(match ty {
        DataType::Null => Value::Null,
        DataType::Integer => Value::Integer(s.parse().map_err(|_| bad("integer"))?),
        DataType::Long => Value::Long(s.parse().map_err(|_| bad("long"))?),
        DataType::UnsignedLong => Value::UnsignedLong(s.parse().map_err(|_| bad("unsigned_long"))?),
        DataType::Double => Value::Double(parse_java_double(s).ok_or_else(|| bad("double"))?),
        DataType::Keyword | DataType::Text => Value::Keyword(s.to_owned()),
        DataType::Boolean => match s {
            "true" => Value::Boolean(true),
            "false" => Value::Boolean(false),
            _ => return Err(bad("boolean")),
        },
        DataType::Date => {
            let nanos = esql::ingest::date::parse_strict_date_optional_time(s)
                .ok_or_else(|| bad("datetime"))?;
            Value::Date(esql::ingest::date::nanos_to_millis(nanos).ok_or_else(|| bad("datetime"))?)
        }
        DataType::DateNanos => {
            let nanos = esql::ingest::date::parse_strict_date_optional_time(s)
                .ok_or_else(|| bad("date_nanos"))?;
            Value::DateNanos(i64::try_from(nanos).map_err(|_| bad("date_nanos"))?)
        }
        DataType::Ip => {
            let ip: IpAddr = s.parse().map_err(|_| bad("ip"))?;
            Value::Ip(match ip {
                IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
                v4 => v4,
            })
        }
        DataType::Version => Value::Version(s.to_owned()),
        other => {
            return Err(format!(
                "type [{other}] is not supported in expected results"
            ));
        }
    })
}

/// `Double.parseDouble`: decimal or scientific notation, `NaN`, `Infinity`, optional sign; Java also
/// accepts a trailing `d`/`f`.
pub fn parse_java_double(s: &str) -> Option<f64> {
    let t = s.trim();
    let t = t.strip_suffix(['d', 'D', 'f', 'F']).unwrap_or(t);
    match t {
        "NaN" => Some(f64::NAN),
        "Infinity" | "+Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        _ if t
            .bytes()
            .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b)) =>
        {
            t.parse().ok()
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_split_on_pipes_outside_quotes_and_trim() {
        assert_eq!(split_cells(" a | \"b|c\" |  "), ["a", "b|c", ""]);
        assert_eq!(split_cells("\"33,F\"|[\"a\", \"b\"]"), ["33,F", "[a, b]"]);
        assert_eq!(split_cells("\"say \"\"hi\"\"\""), ["say \"hi\""]);
    }

    #[test]
    fn header_cells_keep_casts_and_read_abbreviations() {
        let c = parse_header_cell("x::long:l").unwrap();
        assert_eq!((c.name.as_str(), c.data_type), ("x::long", DataType::Long));
        let c = parse_header_cell(" MIN(salary  * 10) : i ").unwrap();
        assert_eq!(
            (c.name.as_str(), c.data_type),
            ("MIN(salary  * 10)", DataType::Integer)
        );
        let c = parse_header_cell("count(`event_duration`):l").unwrap();
        assert_eq!(c.name, "count(`event_duration`)");
        assert!(parse_header_cell("a:b:c").is_err());
        assert!(parse_header_cell("a:nope").is_err());
    }

    #[test]
    fn values_convert_by_type_with_nulls_and_multi_values() {
        let t = parse_expected(
            "a:integer | b:keyword | c:double | d:date | e:ip | f:boolean\r\n\
             1 | [x\\, y, z] | 3.181719481E8 | 1953-09-02T00:00:00.000Z | ::ffff:1.2.3.4 | true\r\n\
             NULL | [only] | [1.5, -0.0] | null | fe80::1 | false",
        )
        .unwrap();
        assert_eq!(t.columns.len(), 6);
        assert_eq!(t.rows[0][0], Value::Integer(1));
        assert_eq!(
            t.rows[0][1],
            Value::Multi(vec![Value::keyword("x, y"), Value::keyword("z")])
        );
        assert_eq!(t.rows[0][2], Value::Double(318171948.1));
        assert_eq!(t.rows[0][3], Value::Date(-515_376_000_000));
        assert_eq!(t.rows[0][4], Value::Ip("1.2.3.4".parse().unwrap()));
        assert_eq!(t.rows[1][0], Value::Null);
        assert_eq!(t.rows[1][1], Value::keyword("only"));
        assert_eq!(
            t.rows[1][2],
            Value::Multi(vec![Value::Double(1.5), Value::Double(-0.0)])
        );
        assert_eq!(t.rows[1][5], Value::Boolean(false));
    }

    #[test]
    fn an_empty_cell_is_the_empty_string_and_bad_cells_fail_with_their_line() {
        let t = parse_expected("s:keyword\r\n\"\"").unwrap();
        assert_eq!(t.rows[0][0], Value::keyword(""));
        let e = parse_expected("a:integer\r\n1\r\nx").unwrap_err();
        assert_eq!(e.line, 2);
        let e = parse_expected("a:integer|b:long\r\n1").unwrap_err();
        assert!(e.message.contains("1 cells for 2 columns"));
    }
}
