//! Reading `*.csv-spec` files: Elasticsearch's golden ES|QL tests (format: SEMANTICS.md §1, after
//! ES's `SpecReader` and `CsvSpecReader`).
//!
//! Every physical line is trimmed; empty lines and lines starting with `//` or `#` are skipped
//! everywhere. A test is a name line (`name[#[skip:LOW-HIGH, reason:…]]`; a name ending in `-Ignore`
//! disables it), directives (`required_capability:` …), query lines joined with `\r\n` up to the first
//! line ending in `;` (a line ending in `\;` continues, as `;` plus a newline), then the result section
//! up to a line starting with `;`: `warning:`, `warningRegex:`, `ignoreOrder:` lines and the CSV
//! table (header then rows, see [`super::expected`]).

/// A `#[skip:LOW-HIGH, reason:…]` instruction on a test's name line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkipRange {
    /// Lowest version skipped (`None`: unbounded).
    pub low: Option<String>,
    /// Highest version skipped (`None`: unbounded).
    pub high: Option<String>,
    /// The reason given, if any.
    pub reason: Option<String>,
}

/// One test of a csv-spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecTest {
    /// File name (without directory) the test is in.
    pub file: String,
    /// Test name as written (without the `#[…]` instructions).
    pub name: String,
    /// 1-based line of the name line.
    pub line: usize,
    /// Disabled by a `-Ignore` name suffix.
    pub ignored: bool,
    /// `#[skip:…]` ranges.
    pub skips: Vec<SkipRange>,
    /// `required_capability:` (and old `required_feature:`) values, in order.
    pub capabilities: Vec<String>,
    /// Other directives as `(key, value)`, lower-case key (`pragma`, `dataset`, …).
    pub directives: Vec<(String, String)>,
    /// The query, lines joined with `\r\n`, final `;` removed, trimmed.
    pub query: String,
    /// Exact expected warnings (`warning:`).
    pub warnings: Vec<String>,
    /// Expected warning regexes (`warningRegex:`), as written.
    pub warning_regexes: Vec<String>,
    /// `ignoreOrder:true`.
    pub ignore_order: bool,
    /// The CSV table (header and rows) joined with `\r\n`.
    pub table: String,
    /// 1-based line of the table's header (0 when there is no table).
    pub table_line: usize,
}

/// A csv-spec file that does not follow the format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct SpecError {
    /// File name.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Directive prefixes (lower case) recognised before a test's query ends.
const DIRECTIVES: &[&str] = &[
    "required_capability_coordinator",
    "missing_capability_coordinator",
    "missing_capability_data_node",
    "required_capability",
    "required_feature",
    "approximate",
    "pragma",
    "request_stored",
    "request_time_filter",
    "dataset",
    "skip_flattened_rewrite",
    "documents_found",
];

enum State {
    /// Waiting for a name line.
    Name,
    /// Reading directives and query lines.
    Query(Vec<String>),
    /// Reading the result section.
    Result(Vec<String>),
}

/// Parses the text of one csv-spec file.
pub fn parse_spec(file: &str, text: &str) -> Result<Vec<SpecTest>, SpecError> {
    let err = |line: usize, message: String| SpecError {
        file: file.to_owned(),
        line,
        message,
    };
    let mut tests: Vec<SpecTest> = Vec::new();
    let mut current: Option<SpecTest> = None;
    let mut state = State::Name;
    for (i, raw) in text.lines().enumerate() {
        let lineno = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with("//") || line.starts_with('#') {
            continue;
        }
        match &mut state {
            State::Name => {
                // ES requires unique names, but stored files can break the rule (row.csv-spec repeats
                // rowStatsProjectGroupByLong); both tests run, told apart by their line.
                current = Some(name_line(file, line, lineno).map_err(|m| err(lineno, m))?);
                state = State::Query(Vec::new());
            }
            State::Query(lines) => {
                let t = current
                    .as_mut()
                    .ok_or_else(|| err(lineno, "no test open".into()))?;
                let lower = line.to_ascii_lowercase();
                if let Some((key, value)) = directive(line, &lower) {
                    if key == "required_capability" || key == "required_feature" {
                        t.capabilities.push(value);
                    } else {
                        t.directives.push((key, value));
                    }
                } else if let Some(body) = line.strip_suffix("\\;") {
                    lines.push(format!("{body};"));
                } else if let Some(body) = line.strip_suffix(';') {
                    lines.push(body.to_owned());
                    t.query = lines.join("\r\n").trim().to_owned();
                    state = State::Result(Vec::new());
                } else {
                    lines.push(line.to_owned());
                }
            }
            State::Result(lines) => {
                let t = current
                    .as_mut()
                    .ok_or_else(|| err(lineno, "no test open".into()))?;
                let lower = line.to_ascii_lowercase();
                if line.starts_with(';') {
                    t.table = lines.join("\r\n");
                    tests.extend(current.take());
                    state = State::Name;
                } else if lower.starts_with("warning:") {
                    if !t.warning_regexes.is_empty() {
                        return Err(err(lineno, "cannot mix warning: and warningRegex:".into()));
                    }
                    t.warnings.push(line["warning:".len()..].trim().to_owned());
                } else if lower.starts_with("warningregex:") {
                    if !t.warnings.is_empty() {
                        return Err(err(lineno, "cannot mix warning: and warningRegex:".into()));
                    }
                    t.warning_regexes
                        .push(line["warningregex:".len()..].trim().to_owned());
                } else if lower.starts_with("ignoreorder:") {
                    t.ignore_order = line["ignoreorder:".len()..]
                        .trim()
                        .eq_ignore_ascii_case("true");
                } else if lower.starts_with("documents_found:") {
                    t.directives
                        .push(("documents_found".into(), line[16..].trim().to_owned()));
                } else {
                    if lines.is_empty() {
                        t.table_line = lineno;
                    }
                    lines.push(line.to_owned());
                }
            }
        }
    }
    match state {
        State::Name => Ok(tests),
        _ => {
            let t = current.map(|t| (t.name, t.line)).unwrap_or_default();
            Err(err(
                t.1,
                format!("test [{}] is not closed (missing `;` line)", t.0),
            ))
        }
    }
}

fn directive(line: &str, lower: &str) -> Option<(String, String)> {
    if lower.starts_with("schema::") {
        return Some(("schema".into(), line[8..].trim().to_owned()));
    }
    DIRECTIVES.iter().find_map(|d| {
        let rest = lower.strip_prefix(d)?.strip_prefix(':')?;
        let _ = rest;
        Some((d.to_string(), line[d.len() + 1..].trim().to_owned()))
    })
}

fn name_line(file: &str, line: &str, lineno: usize) -> Result<SpecTest, String> {
    let (name, instructions) = match line.find('#') {
        Some(i) => (line[..i].trim(), Some(&line[i + 1..])),
        None => (line, None),
    };
    let mut skips = Vec::new();
    if let Some(ins) = instructions {
        let body = ins
            .trim()
            .strip_prefix('[')
            .and_then(|s| s.strip_suffix(']'))
            .ok_or_else(|| format!("malformed instructions [{ins}] on test name line"))?;
        let mut range = SkipRange {
            low: None,
            high: None,
            reason: None,
        };
        let mut has_skip = false;
        for part in body.split(',') {
            let (k, v) = part
                .split_once(':')
                .ok_or_else(|| format!("malformed instruction [{part}]"))?;
            match k.trim().to_ascii_lowercase().as_str() {
                "skip" => {
                    has_skip = true;
                    let (lo, hi) = v
                        .trim()
                        .split_once('-')
                        .ok_or_else(|| format!("malformed skip range [{v}]"))?;
                    range.low = Some(lo.trim().to_owned()).filter(|s| !s.is_empty());
                    range.high = Some(hi.trim().to_owned()).filter(|s| !s.is_empty());
                }
                "reason" => range.reason = Some(v.trim().to_owned()),
                other => return Err(format!("unknown instruction [{other}]")),
            }
        }
        if has_skip {
            skips.push(range);
        }
    }
    if name.is_empty() {
        return Err("empty test name".into());
    }
    Ok(SpecTest {
        file: file.to_owned(),
        name: name.to_owned(),
        line: lineno,
        ignored: name.ends_with("-Ignore"),
        skips,
        capabilities: vec![],
        directives: vec![],
        query: String::new(),
        warnings: vec![],
        warning_regexes: vec![],
        ignore_order: false,
        table: String::new(),
        table_line: 0,
    })
}

/// Compares dotted version strings numerically (`8.11.99` < `8.12.0`); missing parts are 0.
pub fn compare_versions(a: &str, b: &str) -> std::cmp::Ordering {
    let parts = |s: &str| -> Vec<u64> {
        s.split('.')
            .map(|p| p.trim().parse().unwrap_or(0))
            .collect()
    };
    let (x, y) = (parts(a), parts(b));
    (0..x.len().max(y.len()))
        .map(|i| x.get(i).unwrap_or(&0).cmp(y.get(i).unwrap_or(&0)))
        .find(|o| o.is_ne())
        .unwrap_or(std::cmp::Ordering::Equal)
}

impl SkipRange {
    /// Whether `version` lies in the range (bounds inclusive).
    pub fn contains(&self, version: &str) -> bool {
        use std::cmp::Ordering::*;
        let above_low = self
            .low
            .as_deref()
            .is_none_or(|l| compare_versions(version, l) != Less);
        let below_high = self
            .high
            .as_deref()
            .is_none_or(|h| compare_versions(version, h) != Greater);
        above_low && below_high
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "// a comment\n\
        simple\n\
        required_capability: fix_no_columns\n\
        FROM employees\n\
        | KEEP emp_no // trailing comment stays\n\
        | LIMIT 2;\n\
        \n\
        emp_no:integer\n\
        10001\n\
        10002\n\
        ;\n\
        \n\
        withWarnings#[skip:-8.12.99,reason:spaces since 8.13]\n\
        row a = [1,2] | where a == 1;\n\
        warning:Line 1:23: evaluation of [a == 1] failed\n\
        warning: Line 1:23: java.lang.IllegalArgumentException: x\n\
        ignoreOrder:true\n\
        a:integer\n\
        ;\n\
        disabled-Ignore\n\
        SET a=1\\;\n\
        row x = 1;\n\
        \n\
        # a hash comment\n\
        x:i\n\
        1\n\
        ;";

    #[test]
    fn tests_parse_with_query_directives_and_result_section() {
        let tests = parse_spec("f.csv-spec", SAMPLE).unwrap();
        assert_eq!(tests.len(), 3);
        let t = &tests[0];
        assert_eq!((t.name.as_str(), t.line), ("simple", 2));
        assert_eq!(t.capabilities, ["fix_no_columns"]);
        assert_eq!(
            t.query,
            "FROM employees\r\n| KEEP emp_no // trailing comment stays\r\n| LIMIT 2"
        );
        assert_eq!(t.table, "emp_no:integer\r\n10001\r\n10002");
        assert_eq!(t.table_line, 8);
        let t = &tests[1];
        assert_eq!(t.skips[0].high.as_deref(), Some("8.12.99"));
        assert_eq!(t.skips[0].low, None);
        assert_eq!(t.skips[0].reason.as_deref(), Some("spaces since 8.13"));
        assert_eq!(t.warnings.len(), 2);
        assert_eq!(
            t.warnings[1],
            "Line 1:23: java.lang.IllegalArgumentException: x"
        );
        assert!(t.ignore_order);
        assert_eq!(t.table, "a:integer");
        let t = &tests[2];
        assert!(t.ignored);
        assert_eq!(t.query, "SET a=1;\r\nrow x = 1");
        assert_eq!(t.table, "x:i\r\n1");
    }

    #[test]
    fn skip_ranges_compare_versions_numerically() {
        let r = SkipRange {
            low: None,
            high: Some("8.11.99".into()),
            reason: None,
        };
        assert!(r.contains("8.11.0"));
        assert!(!r.contains("9.3.0"));
        let r = SkipRange {
            low: None,
            high: Some("9.99.99".into()),
            reason: None,
        };
        assert!(r.contains("9.3.0"));
    }

    #[test]
    fn malformed_files_report_file_and_line() {
        let e = parse_spec("x.csv-spec", "t1\nrow a = 1;\na:i\n1\n").unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("x.csv-spec", 1));
        assert_eq!(
            parse_spec("x.csv-spec", "t1\nrow a=1;\n;\nT1\nrow b=1;\n;\n")
                .unwrap()
                .len(),
            2
        );
        let e = parse_spec("x.csv-spec", "t1#[skip]\nrow a=1;\n;\n").unwrap_err();
        assert_eq!(e.line, 1);
    }
}
