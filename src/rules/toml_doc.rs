//! A TOML file being loaded: deserializes it into typed structs and turns every problem into a
//! [`RuleError`] at the file, line, column and dotted field where it is.

use std::ops::Range;
use std::path::Path;

use esql::{LineIndex, Position};
use serde::de::DeserializeOwned;

use super::error::{RuleError, RuleErrorKind};

/// The text of one TOML file and its name, for locating errors.
pub(crate) struct TomlDoc<'a> {
    /// The file, as given or found.
    pub path: &'a Path,
    /// The whole file.
    pub text: &'a str,
}

impl<'a> TomlDoc<'a> {
    /// A document for `text`, read from `path`.
    pub fn new(path: &'a Path, text: &'a str) -> TomlDoc<'a> {
        TomlDoc { path, text }
    }

    /// The 1-based position of byte `offset`.
    pub fn position(&self, offset: usize) -> Position {
        LineIndex::new(self.text).position(offset)
    }

    /// Deserializes the whole document, naming the field of a type error (`rule.risk_score`).
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T, RuleError> {
        let de = toml::Deserializer::parse(self.text).map_err(|e| {
            self.error(
                e.span(),
                RuleErrorKind::Syntax {
                    message: e.message().trim_end().to_owned(),
                },
            )
        })?;
        serde_path_to_error::deserialize(de).map_err(|e| {
            let field = clean_path(&e.path().to_string());
            let inner = e.into_inner();
            self.error(
                inner.span(),
                RuleErrorKind::Field {
                    field,
                    message: inner.message().trim_end().to_owned(),
                },
            )
        })
    }

    /// An error about `field` whose value spans `span` in the file.
    pub fn field_error(
        &self,
        span: Range<usize>,
        field: &str,
        message: impl Into<String>,
    ) -> RuleError {
        self.error(
            Some(span),
            RuleErrorKind::Field {
                field: field.to_owned(),
                message: message.into(),
            },
        )
    }

    fn error(&self, span: Option<Range<usize>>, kind: RuleErrorKind) -> RuleError {
        RuleError {
            path: self.path.to_owned(),
            position: span.map(|s| self.position(s.start)),
            kind,
        }
    }
}

/// `rule.risk_score.$__serde_spanned_private_value` → `rule.risk_score`; `.` → `(top level)`.
fn clean_path(path: &str) -> String {
    let cleaned: Vec<&str> = path
        .split('.')
        .filter(|part| !part.starts_with("$__") && !part.is_empty() && *part != "?")
        .collect();
    if cleaned.is_empty() {
        "(top level)".to_owned()
    } else {
        cleaned.join(".")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Doc {
        rule: Rule,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Rule {
        name: String,
        risk_score: toml::Spanned<i64>,
        #[serde(default)]
        tags: Vec<String>,
    }

    fn load(text: &str) -> Result<Doc, RuleError> {
        TomlDoc::new(Path::new("r.toml"), text).deserialize()
    }

    #[test]
    fn type_errors_name_the_field_and_point_at_the_value() {
        let err = load("[rule]\nname = \"x\"\nrisk_score = \"high\"\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "r.toml:3:14: rule.risk_score: invalid type: string \"high\", expected i64"
        );
        let err = load("[rule]\nname = \"x\"\nrisk_score = 1\ntags = [\n  \"a\",\n  2,\n]\n")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "r.toml:6:3: rule.tags[1]: invalid type: integer `2`, expected a string"
        );
    }

    #[test]
    fn missing_fields_point_at_their_table() {
        let err = load("[metadata]\n\n[rule]\nname = \"x\"\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "r.toml:3:1: rule: missing field `risk_score`"
        );
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let err = load("[rule]\nname = \"x\nrisk_score = 1\n").unwrap_err();
        assert_eq!(
            err.position,
            Some(Position {
                line: 2,
                column: 10
            })
        );
        assert!(matches!(err.kind, RuleErrorKind::Syntax { .. }), "{err}");
    }

    #[test]
    fn paths_are_cleaned() {
        assert_eq!(
            clean_path("rule.risk_score.$__serde_spanned_private_value"),
            "rule.risk_score"
        );
        assert_eq!(
            clean_path("hunt.query[1].$__serde_spanned_private_value"),
            "hunt.query[1]"
        );
        assert_eq!(clean_path("."), "(top level)");
    }
}
