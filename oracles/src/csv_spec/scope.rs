//! Which csv-spec tests are outside detsim's scope, and why.
//!
//! A test is skipped only when it names something detsim does not implement: a source or processing
//! command outside the supported set, a function that `esql::functions` does not list, a dataset whose
//! files are not in `../shared/esql-spec`, a capability of an out-of-scope feature, a result type detsim
//! has no value for — or when Elasticsearch itself disables it (`-Ignore`, a `#[skip:…]` range covering
//! [`TARGET_VERSION`]). Everything else runs and must pass.

use esql::functions::{AggregateFunction, ScalarFunction, canonical_alias};

use super::spec_file::SpecTest;

/// The Elasticsearch version detsim matches, for `#[skip:LOW-HIGH]` ranges.
pub const TARGET_VERSION: &str = "9.3.0";

/// Source commands detsim supports.
pub const SOURCE_COMMANDS: &[&str] = &["from", "row"];

/// Processing commands detsim supports (`inline stats` is matched by its first word).
pub const PROCESSING_COMMANDS: &[&str] = &[
    "where",
    "eval",
    "stats",
    "inline",
    "inlinestats",
    "keep",
    "drop",
    "rename",
    "sort",
    "limit",
    "mv_expand",
    "dissect",
    "grok",
];

/// Capabilities of features outside detsim's scope, with the feature they name. A capability matches
/// when its name starts with the prefix (`join_lookup_v12`, `enrich_load`); a prefix names the feature
/// itself, never a word that other capabilities share (`variance_stddev_over_time` is the plain
/// VARIANCE aggregate, not the TS command's `*_over_time` functions).
pub const OUT_OF_SCOPE_CAPABILITIES: &[(&str, &str)] = &[
    (
        "aggregate_metric_double",
        "the aggregate_metric_double field type",
    ),
    ("join_lookup", "LOOKUP JOIN"),
    ("enrich", "ENRICH"),
    (
        "like_rlike_constant_expression",
        "a LIKE/RLIKE pattern that is an expression, not a string literal (newer than the Elasticsearch \
         9.5 grammar detsim's parser follows, which accepts only a string or a parameter there)",
    ),
];

/// Tests whose stored expectation comes from an older Elasticsearch than the behaviour detsim follows,
/// and which a newer stored test contradicts: (file, test name, why). Both cannot pass.
pub const STALE_EXPECTATIONS: &[(&str, &str, &str)] = &[(
    "mv_expand.csv-spec",
    "keepStarMvExpand",
    "expects scaled_float read back as `stored × (1 / scaling_factor)` (2.0300000000000002), the \
     behaviour before Elasticsearch's fix_precision_of_scaled_float_fields (elastic/elasticsearch#122586); \
     the stored mv_expand.csv-spec predates the fix, and keep.csv-spec/simpleEvalWithSortAndLimitOne, \
     which requires that capability, expects `stored / scaling_factor` (1.63)",
)];

/// Words that may precede `(` in a query without being a function call.
const KEYWORDS: &[&str] = &[
    "and", "or", "not", "in", "like", "rlike", "is", "by", "where", "on", "with", "as", "metadata",
    "null", "if", "from", "row", "eval", "stats", "keep", "drop",
];

/// Why a test is out of scope, or `None` if it must run. `available` says whether an index pattern
/// matches a loaded dataset, and `missing` explains an unavailable dataset name.
pub fn skip_reason(
    test: &SpecTest,
    available: &dyn Fn(&str) -> bool,
    missing: &dyn Fn(&str) -> Option<String>,
) -> Option<String> {
    if test.ignored {
        return Some("disabled in Elasticsearch (name ends in -Ignore)".into());
    }
    for s in &test.skips {
        if s.contains(TARGET_VERSION) {
            let range = format!(
                "{}-{}",
                s.low.as_deref().unwrap_or(""),
                s.high.as_deref().unwrap_or("")
            );
            let why = s.reason.as_deref().unwrap_or("no reason given");
            return Some(format!(
                "skipped by Elasticsearch for versions [{range}] ({why})"
            ));
        }
    }
    if let Some((_, _, why)) = STALE_EXPECTATIONS
        .iter()
        .find(|(file, name, _)| *file == test.file && *name == test.name)
    {
        return Some(format!("stale expectation: {why}"));
    }
    for cap in &test.capabilities {
        let lower = cap.to_ascii_lowercase();
        if let Some((_, feature)) = OUT_OF_SCOPE_CAPABILITIES
            .iter()
            .find(|(c, _)| lower.starts_with(c))
        {
            return Some(format!(
                "required_capability {cap}: {feature} is out of scope"
            ));
        }
    }
    let code = strip_strings_and_comments(&test.query);
    if code.trim_start().to_ascii_lowercase().starts_with("set ") {
        return Some("SET query settings are out of scope".into());
    }
    let segments = split_pipes(&code);
    let source = first_word(segments.first().map(String::as_str).unwrap_or(""));
    if !SOURCE_COMMANDS.contains(&source.as_str()) {
        return Some(format!(
            "source command {} is out of scope",
            source.to_uppercase()
        ));
    }
    for seg in segments.iter().skip(1) {
        let cmd = first_word(seg);
        if !PROCESSING_COMMANDS.contains(&cmd.as_str()) {
            return Some(format!("command {} is out of scope", cmd.to_uppercase()));
        }
    }
    if let Some(f) = unknown_function(&code) {
        return Some(format!("function {f} is not supported"));
    }
    if source == "from" {
        for pattern in from_patterns(segments.first().map(String::as_str).unwrap_or("")) {
            if !available(&pattern) {
                let why = missing(&pattern)
                    .map(|m| format!(" ({m})"))
                    .unwrap_or_default();
                return Some(format!("dataset `{pattern}` not available{why}"));
            }
        }
    }
    None
}

/// Replaces string literals (`"…"`, `"""…"""`) and comments with spaces, keeping backquoted names.
pub fn strip_strings_and_comments(q: &str) -> String {
    let b = q.as_bytes();
    let mut out = String::with_capacity(q.len());
    let mut i = 0;
    while i < b.len() {
        if q[i..].starts_with("\"\"\"") {
            let end = q[i + 3..]
                .find("\"\"\"")
                .map(|e| i + 3 + e + 3)
                .unwrap_or(b.len());
            out.push_str(" \"\" ");
            i = end;
        } else if b[i] == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            out.push_str(" \"\" ");
            i = (j + 1).min(b.len());
        } else if q[i..].starts_with("//") {
            i = q[i..].find('\n').map(|e| i + e).unwrap_or(b.len());
        } else if q[i..].starts_with("/*") {
            i = q[i + 2..]
                .find("*/")
                .map(|e| i + 2 + e + 2)
                .unwrap_or(b.len());
            out.push(' ');
        } else if b[i] == b'`' {
            let end = q[i + 1..]
                .find('`')
                .map(|e| i + 1 + e + 1)
                .unwrap_or(b.len());
            out.push_str(" `x` ");
            i = end;
        } else {
            let c = q[i..].chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// Splits stripped query text on `|`.
fn split_pipes(code: &str) -> Vec<String> {
    code.split('|').map(|s| s.trim().to_owned()).collect()
}

fn first_word(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '(')
        .find(|w| !w.is_empty())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The first `name(` whose name is neither a known function nor a keyword.
fn unknown_function(code: &str) -> Option<String> {
    let b = code.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c != b'(' {
            continue;
        }
        let mut j = i;
        while j > 0 && b[j - 1] == b' ' {
            j -= 1;
        }
        let end = j;
        while j > 0 && (b[j - 1].is_ascii_alphanumeric() || b[j - 1] == b'_') {
            j -= 1;
        }
        if j == end || (j > 0 && (b[j - 1] == b'.' || b[j - 1] == b'@')) {
            continue;
        }
        let name = code[j..end].to_ascii_lowercase();
        if name.bytes().next().is_some_and(|c| c.is_ascii_digit())
            || KEYWORDS.contains(&name.as_str())
        {
            continue;
        }
        let canon = canonical_alias(&name);
        if ScalarFunction::from_name(canon).is_none()
            && AggregateFunction::from_name(canon).is_none()
        {
            return Some(name);
        }
    }
    None
}

/// The index patterns of a `FROM a, b* METADATA …` segment.
pub fn from_patterns(segment: &str) -> Vec<String> {
    let rest = segment.trim_start();
    let rest = rest.get(4..).unwrap_or("");
    let lower = rest.to_ascii_lowercase();
    let end = lower
        .find(" metadata ")
        .or_else(|| lower.find("\nmetadata "))
        .unwrap_or(rest.len());
    rest[..end]
        .split(',')
        .map(|p| p.trim().trim_matches('"').to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv_spec::spec_file::parse_spec;

    fn reason(spec: &str) -> Option<String> {
        let t = parse_spec("t", spec).unwrap().remove(0);
        skip_reason(&t, &|p| p == "employees" || p == "emp*", &|p| {
            Some(format!("{p}.csv missing"))
        })
    }

    #[test]
    fn supported_queries_run() {
        assert_eq!(
            reason(
                "t\nFROM employees | WHERE to_lower(first_name) LIKE \"a*\" | STATS c = COUNT(*) BY x;\nc:l\n;"
            ),
            None
        );
        assert_eq!(
            reason("t\nrow a = \"st_distance(x)\" // lookup(y)\n| eval b = `weird(`;\na:k\n;"),
            None
        );
        assert_eq!(
            reason(
                "t\nfrom emp* | eval x = a IN (1, 2) AND NOT (b) | inline stats m = max(x);\nx:i\n;"
            ),
            None
        );
    }

    #[test]
    fn out_of_scope_features_are_named() {
        assert_eq!(
            reason("t\nFROM airports | keep x;\nx:i\n;").unwrap(),
            "dataset `airports` not available (airports.csv missing)"
        );
        assert_eq!(
            reason("t\nrow a = st_distance(x, y);\na:d\n;").unwrap(),
            "function st_distance is not supported"
        );
        assert_eq!(
            reason("t\nfrom employees | enrich p on x;\na:d\n;").unwrap(),
            "command ENRICH is out of scope"
        );
        assert_eq!(
            reason("t\nshow info;\na:d\n;").unwrap(),
            "source command SHOW is out of scope"
        );
        assert!(
            reason("t\nrequired_capability: join_lookup_v12\nrow a = 1;\na:i\n;")
                .unwrap()
                .contains("LOOKUP JOIN")
        );
        assert!(
            reason("t-Ignore\nrow a = 1;\na:i\n;")
                .unwrap()
                .contains("-Ignore")
        );
        assert!(
            reason("t#[skip:-9.99.99,reason:not yet fixed]\nrow a = 1;\na:i\n;")
                .unwrap()
                .contains("not yet fixed")
        );
        assert_eq!(reason("t#[skip:-8.12.99]\nrow a = 1;\na:i\n;"), None);
    }

    #[test]
    fn from_patterns_stop_at_metadata() {
        assert_eq!(
            from_patterns("FROM employees, sample_data METADATA _index"),
            ["employees", "sample_data"]
        );
        assert_eq!(from_patterns("from emp*"), ["emp*"]);
    }
}
