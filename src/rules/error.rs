//! Errors from finding and loading rule files, each with the file and, where known, the line and
//! column (1-based) and the TOML field.

use std::fmt;
use std::path::PathBuf;

use esql::Position;

/// A rule, hunting or `.esql` file that could not be loaded.
#[derive(Debug, thiserror::Error)]
pub struct RuleError {
    /// The file (or folder) the error is about, as it was given or found.
    pub path: PathBuf,
    /// Where in the file, when the error has a place (1-based line and column).
    pub position: Option<Position>,
    /// What went wrong.
    pub kind: RuleErrorKind,
}

/// The kinds of [`RuleError`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RuleErrorKind {
    /// The path could not be read (missing file, permissions, a broken folder entry).
    #[error("cannot read: {0}")]
    Io(std::io::Error),
    /// The file is not UTF-8 (the position is the first invalid byte).
    #[error("not valid UTF-8")]
    NotUtf8,
    /// A file given on the command line that is neither `.toml` nor `.esql`.
    #[error("unsupported file type (expected a .toml or .esql file)")]
    UnsupportedFile,
    /// The TOML does not parse.
    #[error("invalid TOML: {message}")]
    Syntax {
        /// The TOML parser's message.
        message: String,
    },
    /// A field is missing, has the wrong type, or an invalid value.
    #[error("{field}: {message}")]
    Field {
        /// The dotted path of the field (`rule.risk_score`, `rule.threat[0].tactic`, `hunt.query[2]`).
        field: String,
        /// What is wrong with it.
        message: String,
    },
}

impl RuleError {
    /// An error without a position.
    pub fn new(path: impl Into<PathBuf>, kind: RuleErrorKind) -> RuleError {
        RuleError {
            path: path.into(),
            position: None,
            kind,
        }
    }

    /// An error at a position in the file.
    pub fn at(path: impl Into<PathBuf>, position: Position, kind: RuleErrorKind) -> RuleError {
        RuleError {
            path: path.into(),
            position: Some(position),
            kind,
        }
    }

    /// The error's message without the file and position (`rule.risk_score: must be 0..=100`).
    pub fn message(&self) -> String {
        self.kind.to_string()
    }
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(pos) = self.position {
            write!(f, ":{}:{}", pos.line, pos.column)?;
        }
        write!(f, ": {}", self.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_line_column_and_field() {
        let err = RuleError::at(
            "rules/a.toml",
            Position {
                line: 3,
                column: 14,
            },
            RuleErrorKind::Field {
                field: "rule.risk_score".into(),
                message: "must be between 0 and 100, found 250".into(),
            },
        );
        assert_eq!(
            err.to_string(),
            "rules/a.toml:3:14: rule.risk_score: must be between 0 and 100, found 250"
        );
        let err = RuleError::new("x.txt", RuleErrorKind::UnsupportedFile);
        assert_eq!(
            err.to_string(),
            "x.txt: unsupported file type (expected a .toml or .esql file)"
        );
    }
}
