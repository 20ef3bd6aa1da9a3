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
    Hunt(Hunt),
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
        file.kind = RuleFileKind::Hunt(hunt);
    } else {
        file.skipped.push(SkippedQuery {
            index: None,
            reason: "not a rule or hunting file (no [rule] or [hunt] table)".to_owned(),
        });
    }
    Ok(file)
}
