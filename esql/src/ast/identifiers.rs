//! Names: identifiers, dotted field names, parameters and the name patterns of KEEP/DROP/RENAME.
//!
//! An [`Ident`] stores its *value* (backquotes removed, doubled backquotes undone) and whether it
//! was backquoted, so the printer can reproduce it. Keyword-like words (`by`, `on`, `first`, …)
//! can only be field names when backquoted; the parser guarantees that an unquoted `Ident` is a
//! valid unquoted identifier of the lexer mode it was read in.

use crate::Span;
use compact_str::CompactString;

/// An identifier: `host`, `@timestamp`, `` `weird name` ``.
#[derive(Debug, Clone)]
pub struct Ident {
    /// The name, without backquotes (a doubled backquote is one backquote). Names up to 24
    /// bytes are stored inline (no allocation).
    pub name: CompactString,
    /// True when written between backquotes.
    pub quoted: bool,
    /// Source span (including backquotes).
    pub span: Span,
}
eq_ignoring_span!(Ident { name, quoted });

impl Ident {
    /// An unquoted identifier (span empty).
    pub fn new(name: impl Into<CompactString>) -> Ident {
        Ident {
            name: name.into(),
            quoted: false,
            span: Span::default(),
        }
    }

    /// A backquoted identifier (span empty).
    pub fn quoted(name: impl Into<CompactString>) -> Ident {
        Ident {
            name: name.into(),
            quoted: true,
            span: Span::default(),
        }
    }
}

/// A query parameter: `?`, `?name`, `?1`, or the identifier forms `??`, `??name`, `??1`.
#[derive(Debug, Clone)]
pub struct Param {
    /// The text after the question marks: empty (anonymous), a name, or digits (positional).
    pub name: String,
    /// True for `??` (a parameter that stands for an identifier or pattern).
    pub double: bool,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(Param { name, double });

/// One component of a dotted name: an identifier or a parameter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NamePart {
    /// `host`, `` `a.b` ``.
    Ident(Ident),
    /// `?x`, `??x`.
    Param(Param),
}

impl NamePart {
    /// Source span of the part.
    pub fn span(&self) -> Span {
        match self {
            NamePart::Ident(i) => i.span,
            NamePart::Param(p) => p.span,
        }
    }
}

/// A dotted field name: `host.os.name`, `@timestamp`, `` `a.b`.c ``.
#[derive(Debug, Clone)]
pub struct QualifiedName {
    /// The components between the dots (at least one).
    pub parts: Vec<NamePart>,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(QualifiedName { parts });

impl QualifiedName {
    /// A name from unquoted identifier parts (span empty).
    pub fn from_parts<'a>(parts: impl IntoIterator<Item = &'a str>) -> QualifiedName {
        QualifiedName {
            parts: parts
                .into_iter()
                .map(|p| NamePart::Ident(Ident::new(p)))
                .collect(),
            span: Span::default(),
        }
    }

    /// The dotted name ES resolves (`a.b.c`), or `None` when a part is a parameter.
    pub fn dotted(&self) -> Option<String> {
        let mut out = String::new();
        for (i, part) in self.parts.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            match part {
                NamePart::Ident(id) => out.push_str(&id.name),
                NamePart::Param(_) => return None,
            }
        }
        Some(out)
    }
}

/// The name of a called function: an identifier (including `first`/`last`) or a parameter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FunctionName {
    /// `count`, `FIRST`, `` `to_lower` ``.
    Ident(Ident),
    /// `?fn`, `??fn`.
    Param(Param),
}

/// One lexical piece of an `ID_PATTERN` token.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PatternPiece {
    /// Unquoted text, where `*` is a wildcard: `host*`, `*`, `_x*y`.
    Unquoted(CompactString),
    /// Backquoted text (value without backquotes), taken literally: `` `a.b` ``.
    Quoted(CompactString),
}

/// One `ID_PATTERN` token of KEEP/DROP/RENAME/ENRICH: unquoted and backquoted pieces written
/// without a gap, e.g. `` `host`* `` is `[Quoted("host"), Unquoted("*")]`. Two unquoted pieces
/// are never adjacent (the lexer reads them as one).
#[derive(Debug, Clone)]
pub struct PatternPart {
    /// The pieces, in order (at least one).
    pub pieces: Vec<PatternPiece>,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(PatternPart { pieces });

/// A dotted name pattern of KEEP/DROP/RENAME/ENRICH: `host.*`, `*`, `` `a b`.c* ``, `?p`.
#[derive(Debug, Clone)]
pub struct NamePattern {
    /// The components between the dots (at least one).
    pub parts: Vec<NamePatternPart>,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(NamePattern { parts });

/// One component of a [`NamePattern`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NamePatternPart {
    /// A pattern token.
    Pattern(PatternPart),
    /// `?x`, `??x`.
    Param(Param),
}

impl NamePattern {
    /// The pattern as one string: pieces concatenated, parts joined with dots. Quoted pieces are
    /// included verbatim (a `*` inside backquotes is *not* a wildcard; use [`PatternPiece`] to
    /// tell them apart). `None` when a part is a parameter.
    pub fn pattern_text(&self) -> Option<String> {
        let mut out = String::new();
        for (i, part) in self.parts.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            match part {
                NamePatternPart::Pattern(p) => {
                    for piece in &p.pieces {
                        match piece {
                            PatternPiece::Unquoted(s) | PatternPiece::Quoted(s) => out.push_str(s),
                        }
                    }
                }
                NamePatternPart::Param(_) => return None,
            }
        }
        Some(out)
    }

    /// True when some unquoted piece contains the `*` wildcard.
    pub fn has_wildcard(&self) -> bool {
        self.parts.iter().any(|part| match part {
            NamePatternPart::Pattern(p) => p
                .pieces
                .iter()
                .any(|piece| matches!(piece, PatternPiece::Unquoted(s) if s.contains('*'))),
            NamePatternPart::Param(_) => false,
        })
    }
}
