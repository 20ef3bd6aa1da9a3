//! GROK patterns, shared by the analyzer (which columns a GROK adds, and their types) and the evaluators
//! (the regular expression to run and where each capture goes). Matching itself is the evaluators' job.
//!
//! Semantics follow Elasticsearch's `org.elasticsearch.grok.Grok` as ES|QL uses it
//! (docs commands/grok.md; `Grok.pattern`, `GrokCaptureConfig`, `GrokEvaluatorExtracter`):
//! - the built-in dictionary is the ECS-compatible set ([`library`]);
//! - `%{SYNTAX:SEMANTIC:TYPE}` and raw `(?<name>…)` groups are captures; a capture's *group name* is
//!   `SYNTAX:SEMANTIC[:TYPE]` (or the raw name), split on `:` into the column name (the second part, or
//!   the only one) and the type (the third part: `int`, `long`, `float`, `double`, `boolean`, else
//!   string); columns come out sorted by name; `float` columns are `double` in ES|QL;
//! - groups with the same group name are one capture; a column named by several captures, or by a
//!   capture matched several times, gets every value (a multi-value), in capture order then group order;
//! - several patterns (`GROK x "p1", "p2"`) are combined into `(?:p1)|(?:p2)`;
//! - matching is an unanchored search with Ruby-syntax line anchors (`^`/`$` match at line breaks).

pub mod expand;
pub mod library;

use std::collections::BTreeMap;

use crate::DataType;

/// Why a grok pattern cannot be compiled (ES's messages where ES has one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrokError {
    /// `%{NAME}` names no built-in pattern.
    #[error("Unable to find pattern [{0}] in Grok's pattern dictionary")]
    UnknownPattern(String),
    /// A pattern refers to itself.
    #[error("circular reference in pattern back [{0}]")]
    Circular(String),
    /// Expansion did not terminate.
    #[error("Can not convert grok patterns to regular expression")]
    TooDeep,
    /// The expanded regular expression does not compile.
    #[error("invalid regular expression: {0}")]
    Regex(String),
    /// One column is captured with two different types.
    #[error("the attribute [{0}] is defined multiple times with different types")]
    ConflictingTypes(String),
}

/// The type a grok capture converts its text to (`GrokCaptureType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureType {
    /// No conversion (also any unknown type suffix).
    String,
    /// `:int` (Java `Integer.parseInt`).
    Int,
    /// `:long` (Java `Long.parseLong`).
    Long,
    /// `:float` (Java `Float.parseFloat`, then widened to double).
    Float,
    /// `:double` (Java `Double.parseDouble`).
    Double,
    /// `:boolean` (Java `Boolean.parseBoolean`: `true` in any case, anything else false).
    Boolean,
}

impl CaptureType {
    fn from_suffix(s: &str) -> CaptureType {
        match s {
            "int" => CaptureType::Int,
            "long" => CaptureType::Long,
            "float" => CaptureType::Float,
            "double" => CaptureType::Double,
            "boolean" => CaptureType::Boolean,
            _ => CaptureType::String,
        }
    }

    /// The ES|QL column type (small floats widened to double).
    pub fn data_type(self) -> DataType {
        match self {
            CaptureType::String => DataType::Keyword,
            CaptureType::Int => DataType::Integer,
            CaptureType::Long => DataType::Long,
            CaptureType::Float | CaptureType::Double => DataType::Double,
            CaptureType::Boolean => DataType::Boolean,
        }
    }
}

/// One capture: all the regex groups sharing one group name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    /// The group name as grok built it (`NUMBER:x:int`, `[process][pid]`, `user`).
    pub group_name: String,
    /// The column it fills.
    pub column: String,
    /// The conversion.
    pub capture_type: CaptureType,
    /// The renamed regex groups (`g0`, `g3`, …) in the order they open.
    pub groups: Vec<String>,
}

/// A compiled grok pattern: the regular expression and its captures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrokPattern {
    /// The expanded regular expression, for `fancy-regex` (look-around and atomic groups kept), with
    /// the `(?m)` flag for Ruby's line anchors. Search it unanchored.
    pub regex: String,
    /// The captures in the order ES emits their values (first appearance of each group name).
    pub captures: Vec<Capture>,
}

impl GrokPattern {
    /// The columns GROK adds, sorted by name, each once, with their ES|QL types.
    pub fn keys(&self) -> Vec<(String, DataType)> {
        let mut m: BTreeMap<&str, DataType> = BTreeMap::new();
        for c in &self.captures {
            m.entry(&c.column).or_insert(c.capture_type.data_type());
        }
        m.into_iter().map(|(k, t)| (k.to_owned(), t)).collect()
    }
}

/// Splits a group name as `GrokCaptureConfig` does: Java `split(":")` (trailing empty parts dropped),
/// the column is the second part if there are two or more, the type the third if there are exactly three.
fn column_and_type(group_name: &str) -> (String, CaptureType) {
    let mut parts: Vec<&str> = group_name.split(':').collect();
    while parts.len() > 1 && parts.last() == Some(&"") {
        parts.pop();
    }
    let column = if parts.len() >= 2 { parts[1] } else { parts[0] };
    let ty = if parts.len() == 3 {
        CaptureType::from_suffix(parts[2])
    } else {
        CaptureType::String
    };
    (column.to_owned(), ty)
}

/// Compiles one grok pattern.
pub fn compile(pattern: &str) -> Result<GrokPattern, GrokError> {
    compile_all(&[pattern])
}

/// Compiles the patterns of one GROK command, combined as `(?:p1)|(?:p2)|…` when there are several.
pub fn compile_all<S: AsRef<str>>(patterns: &[S]) -> Result<GrokPattern, GrokError> {
    let combined = match patterns {
        [one] => one.as_ref().to_owned(),
        many => many
            .iter()
            .map(|p| format!("(?:{})", p.as_ref()))
            .collect::<Vec<_>>()
            .join("|"),
    };
    let expanded = expand::expand(&combined)?;
    let mut captures: Vec<Capture> = Vec::new();
    for (i, name) in expanded.groups.iter().enumerate() {
        let group = format!("g{i}");
        match captures.iter_mut().find(|c| &c.group_name == name) {
            Some(c) => c.groups.push(group),
            None => {
                let (column, capture_type) = column_and_type(name);
                captures.push(Capture {
                    group_name: name.clone(),
                    column,
                    capture_type,
                    groups: vec![group],
                });
            }
        }
    }
    for (i, c) in captures.iter().enumerate() {
        if captures[..i].iter().any(|p| {
            p.column == c.column && p.capture_type.data_type() != c.capture_type.data_type()
        }) {
            return Err(GrokError::ConflictingTypes(c.column.clone()));
        }
    }
    let regex = format!("(?m){}", expanded.regex);
    fancy_regex::Regex::new(&regex).map_err(|e| GrokError::Regex(e.to_string()))?;
    Ok(GrokPattern { regex, captures })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_patterns_expand_and_type() {
        // The curl/wget LLM triage rules and the DNS exfiltration rule.
        let p = compile("%{URIPROTO:url_protocol}://%{URIHOST:dest_host}").unwrap();
        assert_eq!(
            p.keys(),
            [
                ("dest_host".to_string(), DataType::Keyword),
                ("url_protocol".to_string(), DataType::Keyword)
            ]
        );
        let p = compile(
            r"%{INT:chunk_index:int}-%{DATA:chunk_payload}\.%{GREEDYDATA:Esql.base_domain}",
        )
        .unwrap();
        let keys: Vec<String> = p.keys().into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["Esql.base_domain", "chunk_index", "chunk_payload"]);
        assert_eq!(p.captures[0].capture_type, CaptureType::Int);
        let p = compile(r"instanceId=(?<Esql.instance_id>[^,}\]]+)").unwrap();
        assert_eq!(
            p.keys(),
            [("Esql.instance_id".to_string(), DataType::Keyword)]
        );
    }

    #[test]
    fn group_names_split_like_grok_capture_config() {
        assert_eq!(
            column_and_type("NUMBER:x:int"),
            ("x".into(), CaptureType::Int)
        );
        assert_eq!(
            column_and_type("NUMBER:x:float"),
            ("x".into(), CaptureType::Float)
        );
        assert_eq!(
            column_and_type("WORD:x:nope"),
            ("x".into(), CaptureType::String)
        );
        assert_eq!(
            column_and_type("WORD:x:int:more"),
            ("x".into(), CaptureType::String)
        );
        assert_eq!(
            column_and_type("user"),
            ("user".into(), CaptureType::String)
        );
        assert_eq!(
            column_and_type("[process][pid]"),
            ("[process][pid]".into(), CaptureType::String)
        );
        assert_eq!(CaptureType::Float.data_type(), DataType::Double);
    }

    #[test]
    fn repeated_names_share_a_capture_and_types_must_agree() {
        let p = compile("%{WORD:a} %{WORD:a} %{INT:a}").unwrap();
        assert_eq!(p.captures.len(), 2);
        assert_eq!(p.captures[0].groups, ["g0", "g1"]);
        assert_eq!(p.captures[1].groups, ["g2"]);
        assert_eq!(p.keys(), [("a".to_string(), DataType::Keyword)]);
        assert_eq!(
            compile("%{NUMBER:a:int} %{NUMBER:a:long}")
                .unwrap_err()
                .to_string(),
            "the attribute [a] is defined multiple times with different types"
        );
        // The ECS names of the syslog patterns are kept as written.
        let p = compile("%{SYSLOGPROG}").unwrap();
        let keys: Vec<String> = p.keys().into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["[process][name]", "[process][pid]"]);
    }

    #[test]
    fn several_patterns_are_alternatives() {
        let p = compile_all(&["%{INT:n:int}", "%{WORD:w}"]).unwrap();
        assert!(p.regex.starts_with("(?m)(?:(?<g0>"), "{}", p.regex);
        assert_eq!(p.keys().len(), 2);
    }

    #[test]
    fn bad_regexes_are_errors() {
        assert!(matches!(compile("(unclosed"), Err(GrokError::Regex(_))));
    }
}
