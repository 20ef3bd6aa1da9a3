//! Syntax errors: what went wrong, where (byte span, 1-based line and column as Elasticsearch
//! prints them), what was expected, and a caret renderer for the CLI.
//!
//! Messages use ANTLR's wording, as Elasticsearch returns them in `parsing_exception`:
//! `mismatched input 'x' expecting {…}`, `extraneous input 'x' expecting …`,
//! `missing X at 'y'`, `no viable alternative at input '…'`, `token recognition error at: '…'`.
//! The position is the offending token's start, exactly where ANTLR reports it.
//!
//! Elasticsearch's release build rewrites parser messages (not lexer messages) before it reports
//! them: its error listener deletes every match of `,*\s*DEV_\w+\s*`, the names of the
//! development-only tokens ANTLR lists among the expected ones. detsim applies the same rewrite,
//! stray `{, ` included (`expecting {, 'row', 'from', …}`), so its messages are the ones
//! Elasticsearch prints.

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;

use crate::{LineIndex, Position, Span};

/// The kind of a syntax error.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// No lexer rule matches at this point (`token recognition error at: '…'`).
    TokenRecognition {
        /// The unrecognised text (from the token start through the first failing character).
        text: String,
    },
    /// A `)` or `]` closed more lexer modes than were open. Elasticsearch's lexer fails with an
    /// internal `EmptyStackException` here; detsim reports a syntax error at the token.
    UnbalancedClose {
        /// The closing token.
        text: String,
    },
    /// The token cannot continue the query (`mismatched input 'x' expecting …`).
    MismatchedInput {
        /// The offending token's display text (`<EOF>` at the end).
        found: String,
    },
    /// The token is superfluous: the one after it fits (`extraneous input 'x' expecting …`).
    ExtraneousInput {
        /// The offending token's display text.
        found: String,
    },
    /// A required token is absent (`missing X at 'y'`).
    MissingToken {
        /// The missing token's name.
        missing: String,
        /// The token found instead.
        found: String,
    },
    /// No alternative of the grammar fits the input read so far
    /// (`no viable alternative at input '…'`).
    NoViableAlternative {
        /// The input from the start of the undecided construct through the offending token.
        input: String,
    },
    /// Expressions or subqueries nest deeper than the parser allows.
    TooDeep {
        /// The nesting limit.
        limit: usize,
    },
}

/// A syntax error with its location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// What went wrong.
    pub kind: ParseErrorKind,
    /// The full message, without the location (`mismatched input ',' expecting …`).
    pub message: String,
    /// Byte span of the offending token (empty at the end of input).
    pub span: Span,
    /// 1-based line of the offending token.
    pub line: u32,
    /// 1-based column (characters from the start of the line, plus one).
    pub column: u32,
    /// The expected tokens, as ANTLR names them (`'|'`, `QUOTED_STRING`, `<EOF>`), without the
    /// development-only `DEV_…` tokens a release build never accepts; may be empty.
    pub expected: Vec<String>,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for ParseError {}

impl ParseError {
    /// Builds an error of `kind` at `span` of `src`, with the expected token names.
    pub(crate) fn new(
        src: &str,
        span: Span,
        kind: ParseErrorKind,
        expected: Vec<String>,
    ) -> ParseError {
        let mut message = message(&kind, &expected);
        if from_parser(&kind) {
            message = release_message(&message);
        }
        let mut expected = expected;
        expected.retain(|name| !name.starts_with("DEV_"));
        let Position { line, column } = position(src, span.start as usize);
        ParseError {
            kind,
            message,
            span,
            line,
            column,
            expected,
        }
    }

    /// The position as a [`Position`].
    pub fn position(&self) -> Position {
        Position {
            line: self.line,
            column: self.column,
        }
    }

    /// Renders the error for humans: a `file:line:column: message` header, the source line, and a
    /// caret under the offending token.
    ///
    /// ```
    /// let src = "FROM logs\n| WHERE x ==";
    /// let err = esql::parse(src).unwrap_err();
    /// let shown = err.render(src, "rule.toml");
    /// assert!(shown.starts_with("rule.toml:2:13: "));
    /// assert!(shown.ends_with("| WHERE x ==\n            ^\n"));
    /// ```
    pub fn render(&self, source: &str, file_name: &str) -> String {
        let index = LineIndex::new(source);
        let line_text = index.line_text(self.line);
        let mut out = format!(
            "{file_name}:{}:{}: {}\n",
            self.line, self.column, self.message
        );
        out.push_str(line_text);
        out.push('\n');
        // Indent with the line's own tabs so the caret lines up in a terminal.
        for c in line_text
            .chars()
            .take(self.column.saturating_sub(1) as usize)
        {
            out.push(if c == '\t' { '\t' } else { ' ' });
        }
        let start = self.span.start as usize;
        let end = (self.span.end as usize).min(source.len());
        let on_line = source.get(start..end).unwrap_or("");
        let width = on_line
            .split('\n')
            .next()
            .unwrap_or("")
            .chars()
            .count()
            .max(1);
        out.push_str(&"^".repeat(width));
        out.push('\n');
        out
    }
}

fn position(src: &str, offset: usize) -> Position {
    let offset = offset.min(src.len());
    let before = &src[..floor_char_boundary(src, offset)];
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() as u32 + 1;
    Position { line, column }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// ANTLR's rendering of an expected-token set: one name bare, several in braces.
pub(crate) fn expected_display(expected: &[String]) -> String {
    match expected {
        [one] => one.clone(),
        many => format!("{{{}}}", many.join(", ")),
    }
}

/// ANTLR escapes line breaks and tabs in the texts it quotes.
pub(crate) fn escape(text: &str) -> String {
    text.replace('\n', "\\n")
        .replace('\r', "\\r")
        .replace('\t', "\\t")
}

/// Whether Elasticsearch's parser (rather than its lexer) reports errors of `kind`, so that its
/// release-build message rewrite applies.
fn from_parser(kind: &ParseErrorKind) -> bool {
    match kind {
        ParseErrorKind::MismatchedInput { .. }
        | ParseErrorKind::ExtraneousInput { .. }
        | ParseErrorKind::MissingToken { .. }
        | ParseErrorKind::NoViableAlternative { .. } => true,
        ParseErrorKind::TokenRecognition { .. }
        | ParseErrorKind::UnbalancedClose { .. }
        | ParseErrorKind::TooDeep { .. } => false,
    }
}

/// Elasticsearch's release-build rewrite of a parser message (`EsqlParser`'s error listener):
/// every match of `,*\s*DEV_\w+\s*` is deleted, wherever it is in the message (quoted input
/// included). Java's `\w` and `\s` are ASCII-only.
fn release_message(message: &str) -> String {
    static DEV: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r",*[ \t\n\x0B\x0C\r]*DEV_[A-Za-z0-9_]+[ \t\n\x0B\x0C\r]*").expect("valid regex")
    });
    if !message.contains("DEV_") {
        return message.to_owned();
    }
    DEV.replace_all(message, "").into_owned()
}

fn message(kind: &ParseErrorKind, expected: &[String]) -> String {
    match kind {
        ParseErrorKind::TokenRecognition { text } => {
            format!("token recognition error at: '{}'", escape(text))
        }
        ParseErrorKind::UnbalancedClose { text } => {
            format!("unbalanced '{text}': no open parenthesis or bracket to close")
        }
        ParseErrorKind::MismatchedInput { found } => {
            format!(
                "mismatched input '{found}' expecting {}",
                expected_display(expected)
            )
        }
        ParseErrorKind::ExtraneousInput { found } => {
            format!(
                "extraneous input '{found}' expecting {}",
                expected_display(expected)
            )
        }
        ParseErrorKind::MissingToken { missing, found } => {
            format!("missing {missing} at '{found}'")
        }
        ParseErrorKind::NoViableAlternative { input } => {
            format!("no viable alternative at input '{input}'")
        }
        ParseErrorKind::TooDeep { limit } => {
            format!("query nests expressions or subqueries more than {limit} levels deep")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_per_line() {
        assert_eq!(position("ab\ncé d", 7), Position { line: 2, column: 4 });
        assert_eq!(position("", 0), Position { line: 1, column: 1 });
    }

    #[test]
    fn release_messages_drop_dev_tokens_like_elasticsearch() {
        assert_eq!(
            release_message("expecting {DEV_EXPLAIN, 'row', 'from', DEV_EXTERNAL, 'set'}"),
            "expecting {, 'row', 'from', 'set'}"
        );
        assert_eq!(
            release_message("no viable alternative at input 'x DEV_ab,,  DEV_c y'"),
            "no viable alternative at input 'xy'"
        );
        // `DEV_` alone is no match (`\w+` needs a character); case matters.
        assert_eq!(
            release_message("at input 'DEV_ dev_x'"),
            "at input 'DEV_ dev_x'"
        );
        let err = ParseError::new(
            "",
            Span::new(0, 0),
            ParseErrorKind::MismatchedInput {
                found: "<EOF>".into(),
            },
            vec!["DEV_EXPLAIN".into(), "'row'".into()],
        );
        assert_eq!(err.message, "mismatched input '<EOF>' expecting {, 'row'}");
        assert_eq!(err.expected, vec!["'row'".to_owned()]);
        let lexical = ParseError::new(
            "DEV_X",
            Span::new(0, 1),
            ParseErrorKind::TokenRecognition {
                text: "DEV_X".into(),
            },
            vec![],
        );
        assert_eq!(lexical.message, "token recognition error at: 'DEV_X'");
    }

    #[test]
    fn render_draws_a_caret_under_the_token() {
        let src = "FROM a\n|\tWHERE x ==== 1";
        let at = src.find("==").unwrap() + 2;
        let err = ParseError::new(
            src,
            Span::new(at, at + 2),
            ParseErrorKind::MismatchedInput { found: "==".into() },
            vec!["<EOF>".into()],
        );
        assert_eq!(
            err.to_string(),
            "line 2:13: mismatched input '==' expecting <EOF>"
        );
        assert_eq!(
            err.render(src, "q.esql"),
            "q.esql:2:13: mismatched input '==' expecting <EOF>\n|\tWHERE x ==== 1\n \t          ^^\n"
        );
    }
}
