//! Loading one file: a detection rule TOML, a hunting TOML or a plain `.esql` file, into its
//! metadata and the ES|QL queries it holds.
//!
//! Nothing is dropped silently: queries that are not ES|QL (entries of a hunting file in another
//! language, rules of another type, TOML files that are neither) are listed in
//! [`RuleFile::skipped`] with the reason, for the caller to report and count.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use esql::LineIndex;
use serde::Deserialize;
use serde::de::IgnoredAny;

use super::detection::{DetectionRule, RawDetectionFile};
use super::error::{RuleError, RuleErrorKind};
use super::hunt::{Hunt, RawHuntFile};
use super::query::QuerySource;
use super::toml_doc::TomlDoc;

/// What a loaded file is.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleFileKind {
    /// A detection rule (`[rule]`).
    Detection(Box<DetectionRule>),
    /// A hunting file (`[hunt]`).
    Hunt(Box<Hunt>),
    /// A plain `.esql` file: the whole file is one query.
    Esql,
    /// A TOML file with neither `[rule]` nor `[hunt]`.
    Other,
}

/// A query (or a whole file) that was not taken as ES|QL, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedQuery {
    /// The entry's index in a hunting file's `query` list; `None` when the whole file is skipped.
    pub index: Option<usize>,
    /// Why (`not ES|QL (starts with `SELECT`)`, `rule type `eql` is not ES|QL`, …).
    pub reason: String,
}

/// A loaded file.
#[derive(Debug, Clone)]
pub struct RuleFile {
    /// The file, as given or found.
    pub path: PathBuf,
    /// What it is, with its typed metadata.
    pub kind: RuleFileKind,
    /// Its ES|QL queries, in file order.
    pub queries: Vec<QuerySource>,
    /// What was not taken as ES|QL.
    pub skipped: Vec<SkippedQuery>,
}

/// Reads and loads `path` by its extension (`.toml` or `.esql`, case-insensitive).
pub fn load_file(path: &Path) -> Result<RuleFile, RuleError> {
    let bytes = std::fs::read(path).map_err(|e| RuleError::new(path, RuleErrorKind::Io(e)))?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]);
            let position = LineIndex::new(&prefix).position(valid);
            return Err(RuleError::at(path, position, RuleErrorKind::NotUtf8));
        }
    };
    load_str(path, text)
}

/// Loads a file's text; `path` names it and decides its kind by extension.
pub fn load_str(path: &Path, text: impl Into<Arc<str>>) -> Result<RuleFile, RuleError> {
    match extension(path).as_deref() {
        Some("esql") => Ok(load_esql(path, text.into())),
        Some("toml") => load_toml(path, text.into()),
        _ => Err(RuleError::new(path, RuleErrorKind::UnsupportedFile)),
    }
}

/// Whether `path` has an extension detsim loads (`.toml`, `.esql`).
pub fn is_rule_file(path: &Path) -> bool {
    matches!(extension(path).as_deref(), Some("toml" | "esql"))
}

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
}

/// A `.esql` file: one query, the whole text.
pub fn load_esql(path: &Path, text: Arc<str>) -> RuleFile {
    RuleFile {
        path: path.to_owned(),
        kind: RuleFileKind::Esql,
        queries: vec![QuerySource::whole_file(path, text)],
        skipped: vec![],
    }
}

/// Which tables a TOML file has.
#[derive(Deserialize)]
struct Probe {
    rule: Option<IgnoredAny>,
    hunt: Option<IgnoredAny>,
}

/// A detection rule or hunting TOML file.
pub fn load_toml(path: &Path, text: Arc<str>) -> Result<RuleFile, RuleError> {
    let doc = TomlDoc::new(path, &text);
    let probe: Probe = doc.deserialize()?;
    let mut file = RuleFile {
        path: path.to_owned(),
        kind: RuleFileKind::Other,
        queries: vec![],
        skipped: vec![],
    };
    if probe.rule.is_some() {
        let raw: RawDetectionFile = doc.deserialize()?;
        let literal = raw.rule.query.as_ref().map(|q| q.span());
        let rule = DetectionRule::from_raw(raw, &doc)?;
        if !rule.is_esql() {
            file.skipped.push(SkippedQuery {
                index: None,
                reason: format!("rule type `{}` is not ES|QL", rule.rule_type),
            });
        } else if let (Some(query), Some(literal)) = (&rule.query, literal) {
            file.queries.push(QuerySource::embedded(
                path,
                0,
                false,
                text.clone(),
                literal,
                query.clone(),
            ));
        } else {
            let at = text.find("[rule]").unwrap_or(0);
            return Err(doc.field_error(
                at..at,
                "rule.query",
                "missing (an ES|QL rule needs a query)",
            ));
        }
        file.kind = RuleFileKind::Detection(Box::new(rule));
    } else if probe.hunt.is_some() {
        let raw: RawHuntFile = doc.deserialize()?;
        let hunt = raw.hunt.metadata();
        for (index, query) in raw.hunt.query.into_iter().enumerate() {
            if let Some(reason) = hunt.skip_reason(query.get_ref()) {
                file.skipped.push(SkippedQuery {
                    index: Some(index),
                    reason,
                });
            } else {
                let literal = query.span();
                file.queries.push(QuerySource::embedded(
                    path,
                    index,
                    true,
                    text.clone(),
                    literal,
                    query.into_inner(),
                ));
            }
        }
        file.kind = RuleFileKind::Hunt(Box::new(hunt));
    } else {
        file.skipped.push(SkippedQuery {
            index: None,
            reason: "not a rule or hunting file (no [rule] or [hunt] table)".to_owned(),
        });
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleErrorKind;
    use esql::Position;

    const HUNT: &str = r#"[hunt]
author = "Elastic"
name = "Persistence via Cron"
uuid = "e1cffb7c-4acf-4e7a-8d72-b8b7657cf7b8"
integration = ["endpoint"]
language = ["ES|QL", "SQL"]
license = "Elastic License v2"
notes = ["one", "two"]
mitre = ["T1053.003"]
query = [
'''
from logs-endpoint.events.file-*
| where host.os.type == "linux"
''',
'''
SELECT * FROM crontab
''',
"from logs-endpoint.events.process-* | wher x"
]
"#;

    #[test]
    fn hunting_files_keep_esql_queries_and_list_the_rest() {
        let file = load_str(Path::new("h.toml"), HUNT).unwrap();
        let RuleFileKind::Hunt(hunt) = &file.kind else {
            panic!("not a hunt: {:?}", file.kind)
        };
        assert_eq!(hunt.name, "Persistence via Cron");
        assert_eq!(
            hunt.uuid.as_deref(),
            Some("e1cffb7c-4acf-4e7a-8d72-b8b7657cf7b8")
        );
        assert_eq!(hunt.author.as_deref(), Some("Elastic"));
        assert_eq!(hunt.language, vec!["ES|QL", "SQL"]);
        assert_eq!(hunt.integration, vec!["endpoint"]);
        assert_eq!(hunt.notes, vec!["one", "two"]);
        assert_eq!(hunt.mitre, vec!["T1053.003"]);
        assert_eq!(hunt.query_count, 3);

        let labels: Vec<String> = file.queries.iter().map(|q| q.label()).collect();
        assert_eq!(labels, vec!["h.toml#0", "h.toml#2"]);
        assert_eq!(
            &*file.queries[0].text,
            "from logs-endpoint.events.file-*\n| where host.os.type == \"linux\"\n"
        );
        assert_eq!(
            file.skipped,
            vec![SkippedQuery {
                index: Some(1),
                reason: "not ES|QL (starts with `SELECT`)".into()
            }]
        );
        // Query 0 starts on line 12 of the file; query 2 is on line 18 after its opening quote.
        let at = |q: &QuerySource, line, column| q.file_position(Position { line, column });
        assert_eq!(
            at(&file.queries[0], 2, 3),
            Position {
                line: 13,
                column: 3
            }
        );
        assert_eq!(
            at(&file.queries[1], 1, 40),
            Position {
                line: 18,
                column: 41
            }
        );
    }

    #[test]
    fn a_hunt_with_a_single_query_string() {
        let text = "[hunt]\nname = \"h\"\nlanguage = \"ES|QL\"\nquery = \"row a = 1\"\n";
        let file = load_str(Path::new("h.toml"), text).unwrap();
        assert_eq!(file.queries.len(), 1);
        assert_eq!(file.queries[0].label(), "h.toml#0");
    }

    #[test]
    fn hunt_errors_name_the_entry() {
        let text = "[hunt]\nname = \"h\"\nlanguage = [\"ES|QL\"]\nquery = [\"from a\", 3]\n";
        let e = load_str(Path::new("h.toml"), text).unwrap_err();
        assert_eq!(
            e.to_string(),
            "h.toml:4:20: hunt.query: invalid type: integer `3`, expected a string"
        );
        let e = load_str(Path::new("h.toml"), "[hunt]\nname = \"h\"\nquery = 3\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "h.toml:3:9: hunt.query: invalid type: integer `3`, expected a string or a list of strings"
        );
        let e = load_str(
            Path::new("h.toml"),
            "[hunt]\nlanguage = [\"ES|QL\"]\nquery = []\n",
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "h.toml:1:1: hunt: missing field `name`");
    }

    #[test]
    fn esql_files_are_one_query() {
        let file = load_str(Path::new("dir/q.ESQL"), "from a\n| limit 1").unwrap();
        assert_eq!(file.kind, RuleFileKind::Esql);
        assert_eq!(file.queries.len(), 1);
        assert_eq!(&*file.queries[0].text, "from a\n| limit 1");
        assert_eq!(file.queries[0].index, 0);
    }

    #[test]
    fn other_toml_files_are_skipped_with_a_reason() {
        let file = load_str(Path::new("Cargo.toml"), "[package]\nname = \"x\"\n").unwrap();
        assert_eq!(file.kind, RuleFileKind::Other);
        assert!(file.queries.is_empty());
        assert_eq!(file.skipped[0].index, None);
        assert!(file.skipped[0].reason.contains("no [rule] or [hunt] table"));
    }

    #[test]
    fn unsupported_extensions_are_errors() {
        let e = load_str(Path::new("notes.txt"), "from a").unwrap_err();
        assert!(matches!(e.kind, RuleErrorKind::UnsupportedFile));
        assert!(is_rule_file(Path::new("a.toml")) && is_rule_file(Path::new("b.Esql")));
        assert!(!is_rule_file(Path::new("c.txt")) && !is_rule_file(Path::new("toml")));
    }

    #[test]
    fn unreadable_and_non_utf8_files_are_errors_with_a_place() {
        let dir = std::env::temp_dir().join(format!("detsim-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bad = dir.join("bad.esql");
        std::fs::write(&bad, b"from a\n| where x == \"\xff\"").unwrap();
        let e = load_file(&bad).unwrap_err();
        assert!(matches!(e.kind, RuleErrorKind::NotUtf8));
        assert_eq!(
            e.position,
            Some(Position {
                line: 2,
                column: 15
            })
        );
        let e = load_file(&dir.join("missing.esql")).unwrap_err();
        assert!(
            matches!(&e.kind, RuleErrorKind::Io(io) if io.kind() == std::io::ErrorKind::NotFound)
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    mod never_panics {
        use super::*;
        use proptest::prelude::*;

        /// A rule file with one character replaced, inserted or deleted at `at`.
        fn mutate(base: &str, at: usize, op: u8, c: char) -> String {
            let mut chars: Vec<char> = base.chars().collect();
            let at = at % (chars.len() + 1);
            match op % 3 {
                0 if at < chars.len() => chars[at] = c,
                1 => chars.insert(at, c),
                _ if at < chars.len() => {
                    chars.remove(at);
                }
                _ => {}
            }
            chars.into_iter().collect()
        }

        fn exercise(path: &str, text: String, line: u32, column: u32) {
            if let Ok(file) = load_str(Path::new(path), text) {
                for q in &file.queries {
                    let _ = q.file_position(Position { line, column });
                    let _ = q.label();
                }
            }
        }

        proptest! {
            #[test]
            fn arbitrary_text(text in "\\PC{0,200}", line in 0u32..20, column in 0u32..200) {
                exercise("x.toml", text.clone(), line, column);
                exercise("x.esql", text, line, column);
            }

            #[test]
            fn mutated_rule_and_hunt_files(
                at in 0usize..2000,
                op in 0u8..3,
                c in prop::sample::select(vec!['\'', '"', '\\', '[', ']', '=', '\n', '\r', 'u', ',', '#', 'é', ' ']),
                line in 0u32..30,
                column in 0u32..80,
            ) {
                for (path, base) in [("r.toml", crate::rules::detection::tests::FULL), ("h.toml", HUNT)] {
                    exercise(path, mutate(base, at, op, c), line, column);
                }
            }
        }
    }
}
