//! Identifiers, parameters, dotted names and the name patterns of KEEP/DROP/RENAME/ENRICH.
//!
//! The grammar also has a development-only bracketed name form, `[cluster].[field]`, guarded by
//! `{isDevVersion()}?`. Release builds reject it, but ANTLR still reads it while predicting, so
//! the error lands on its `[` when the form is complete and on the first token that breaks the
//! form otherwise. [`Parser::dev_bracket_error`] reproduces that.

use super::{PResult, Parser};
use crate::ast::CompactString;
use crate::ast::{
    FunctionName, Ident, NamePart, NamePattern, NamePatternPart, Param, PatternPart, PatternPiece,
    QualifiedName,
};
use crate::error::ParseErrorKind;
use crate::lexer::{Token, TokenKind as K};

/// Tokens that start an `identifierOrParameter`.
pub(crate) const NAME_START: &[K] = &[
    K::UnquotedIdentifier,
    K::QuotedIdentifier,
    K::Param,
    K::NamedOrPositionalParam,
    K::DoubleParams,
    K::NamedOrPositionalDoubleParams,
];

/// Tokens that start an `identifierPattern` (KEEP, DROP, RENAME, ENRICH fields).
pub(crate) const PATTERN_START: &[K] = &[
    K::Param,
    K::DoubleParams,
    K::NamedOrPositionalParam,
    K::NamedOrPositionalDoubleParams,
    K::OpeningBracket,
    K::IdPattern,
];

/// True for the four parameter tokens.
pub(crate) fn is_param(k: K) -> bool {
    matches!(
        k,
        K::Param | K::NamedOrPositionalParam | K::DoubleParams | K::NamedOrPositionalDoubleParams
    )
}

/// The value of a backquoted identifier token (outer backquotes removed, doubled ones undone).
pub(crate) fn unquote_backquoted(text: &str) -> CompactString {
    let inner = text
        .strip_prefix('`')
        .and_then(|t| t.strip_suffix('`'))
        .unwrap_or(text);
    if inner.contains("``") {
        inner.replace("``", "`").into()
    } else {
        CompactString::from(inner)
    }
}

impl Parser<'_> {
    /// An identifier from an `UNQUOTED_IDENTIFIER` or `QUOTED_IDENTIFIER` token.
    pub(crate) fn ident_from(&self, t: Token) -> Ident {
        let text = self.text(t);
        if t.kind == K::QuotedIdentifier {
            Ident {
                name: unquote_backquoted(text),
                quoted: true,
                span: t.span,
            }
        } else {
            Ident {
                name: CompactString::from(text),
                quoted: false,
                span: t.span,
            }
        }
    }

    /// A parameter from one of the four parameter tokens.
    pub(crate) fn param_from(&self, t: Token) -> Param {
        let text = self.text(t);
        let double = matches!(t.kind, K::DoubleParams | K::NamedOrPositionalDoubleParams);
        let name = text.trim_start_matches('?').to_owned();
        Param {
            name,
            double,
            span: t.span,
        }
    }

    /// `identifier : UNQUOTED_IDENTIFIER | QUOTED_IDENTIFIER`
    pub(crate) fn parse_identifier(&mut self) -> PResult<Ident> {
        match self.peek() {
            K::UnquotedIdentifier | K::QuotedIdentifier => {
                let t = self.advance();
                Ok(self.ident_from(t))
            }
            _ => Err(self.mismatch(&[K::UnquotedIdentifier, K::QuotedIdentifier])),
        }
    }

    /// `identifierOrParameter`
    pub(crate) fn parse_name_part(&mut self) -> PResult<NamePart> {
        let k = self.peek();
        if matches!(k, K::UnquotedIdentifier | K::QuotedIdentifier) {
            let t = self.advance();
            Ok(NamePart::Ident(self.ident_from(t)))
        } else if is_param(k) {
            let t = self.advance();
            Ok(NamePart::Param(self.param_from(t)))
        } else {
            Err(self.pending_or(|p| p.mismatch(NAME_START)))
        }
    }

    /// `fieldName : identifierOrParameter (DOT identifierOrParameter)*`, with the first part
    /// already read.
    pub(crate) fn parse_field_name_rest(
        &mut self,
        first: NamePart,
        start: usize,
    ) -> PResult<QualifiedName> {
        let mut parts = Vec::with_capacity(1 + self.dots_ahead());
        parts.push(first);
        while self.at(K::Dot) {
            self.advance();
            parts.push(self.parse_name_part()?);
        }
        Ok(QualifiedName {
            parts,
            span: self.span_from(start),
        })
    }

    /// How many `. part` pairs follow the current token at most (sizes a dotted name's parts
    /// exactly: most names have one to four).
    fn dots_ahead(&self) -> usize {
        let mut n = 0;
        while self.toks_kind(self.mark() + 2 * n) == K::Dot {
            n += 1;
        }
        n
    }

    /// `qualifiedName` in a context where ANTLR decides between the bracketed (development) form
    /// and a plain name right at the first token (`immediate`), or after reading ahead.
    pub(crate) fn parse_qualified_name(&mut self, immediate: bool) -> PResult<QualifiedName> {
        let start = self.mark();
        if self.at(K::OpeningBracket) {
            return Err(self.dev_bracket_error(false, immediate));
        }
        let first = self.parse_name_part()?;
        self.parse_field_name_rest(first, start)
    }

    /// Looks ahead over a dotted name (`part (. part)*`) without consuming it: the index of the
    /// token after it, or of the token where it breaks.
    pub(crate) fn scan_qualified_name(&self) -> Result<usize, usize> {
        let mut i = self.mark();
        loop {
            if !NAME_START.contains(&self.toks_kind(i)) {
                return Err(i);
            }
            i += 1;
            if self.toks_kind(i) != K::Dot {
                return Ok(i);
            }
            i += 1;
        }
    }

    /// A function name: `identifierOrParameter | FIRST | LAST`.
    pub(crate) fn function_name_from(&self, t: Token) -> FunctionName {
        match t.kind {
            K::First | K::Last => FunctionName::Ident(Ident {
                name: CompactString::from(self.text(t)),
                quoted: false,
                span: t.span,
            }),
            k if is_param(k) => FunctionName::Param(self.param_from(t)),
            _ => FunctionName::Ident(self.ident_from(t)),
        }
    }

    /// `qualifiedNamePattern : fieldNamePattern` (the bracketed form is development-only).
    pub(crate) fn parse_name_pattern(&mut self, immediate: bool) -> PResult<NamePattern> {
        let start = self.mark();
        if self.at(K::OpeningBracket) {
            return Err(self.dev_bracket_error(true, immediate));
        }
        let first = self.parse_pattern_part()?;
        let mut parts = Vec::with_capacity(1 + self.dots_ahead());
        parts.push(first);
        while self.at(K::Dot) {
            self.advance();
            parts.push(self.parse_pattern_part()?);
        }
        Ok(NamePattern {
            parts,
            span: self.span_from(start),
        })
    }

    /// `identifierPattern : ID_PATTERN | parameter | doubleParameter`
    fn parse_pattern_part(&mut self) -> PResult<NamePatternPart> {
        let k = self.peek();
        if k == K::IdPattern {
            let t = self.advance();
            Ok(NamePatternPart::Pattern(PatternPart {
                pieces: pattern_pieces(self.text(t)),
                span: t.span,
            }))
        } else if is_param(k) {
            let t = self.advance();
            Ok(NamePatternPart::Param(self.param_from(t)))
        } else {
            Err(self.pending_or(|p| {
                p.mismatch(&[
                    K::Param,
                    K::DoubleParams,
                    K::NamedOrPositionalParam,
                    K::NamedOrPositionalDoubleParams,
                    K::IdPattern,
                ])
            }))
        }
    }

    /// `qualifiedNamePatterns : qualifiedNamePattern (COMMA qualifiedNamePattern)*`
    pub(crate) fn parse_name_patterns(&mut self) -> PResult<Vec<NamePattern>> {
        if !PATTERN_START.contains(&self.peek()) {
            return Err(self.mismatch(PATTERN_START));
        }
        let first = self.parse_name_pattern(true)?;
        let mut v = self.list_of(first);
        while self.eat(K::Comma).is_some() {
            if !PATTERN_START.contains(&self.peek()) {
                return Err(self.mismatch(PATTERN_START));
            }
            v.push(self.parse_name_pattern(true)?);
        }
        Ok(v)
    }

    /// The error for a development-only `[…].[…]` name at the current `[`.
    ///
    /// With `immediate`, ANTLR's decision sees only the `[` and fails there. Otherwise it reads
    /// the whole form first: the error is at the first token that breaks
    /// `[ name? ] . [ part (. part)* ]`, or at the `[` when the form is complete.
    pub(crate) fn dev_bracket_error(
        &self,
        pattern: bool,
        immediate: bool,
    ) -> crate::error::ParseError {
        let open = self.mark();
        let start = self.pending.unwrap_or(open);
        if immediate {
            return self.no_viable_at(open, open);
        }
        if self.pending.is_none() {
            // A primary expression with no enclosing prediction: the list constant and the
            // bracketed name are both alive at `[`. If the next token continues the name, only
            // it is left and its predicate fails at `[`; otherwise both die at that token.
            let next = self.toks_kind(open + 1);
            if next == K::UnquotedIdentifier || next == K::ClosingBracket {
                return self.no_viable_at(open, open);
            }
            return self.no_viable_at(open, open + 1);
        }
        let name_tok = if pattern {
            K::IdPattern
        } else {
            K::UnquotedIdentifier
        };
        let part_ok = |k: K| {
            if pattern {
                k == K::IdPattern || is_param(k)
            } else {
                NAME_START.contains(&k)
            }
        };
        let mut i = open + 1;
        if self.toks_kind(i) == name_tok {
            i += 1;
        }
        for want in [K::ClosingBracket, K::Dot, K::OpeningBracket] {
            if self.toks_kind(i) != want {
                return self.no_viable_at(start, i);
            }
            i += 1;
        }
        loop {
            if !part_ok(self.toks_kind(i)) {
                return self.no_viable_at(start, i);
            }
            i += 1;
            if self.toks_kind(i) == K::Dot {
                i += 1;
            } else {
                break;
            }
        }
        if self.toks_kind(i) != K::ClosingBracket {
            return self.no_viable_at(start, i);
        }
        self.no_viable_at(open, open)
    }

    /// If a decision is pending (ANTLR is still predicting from an earlier token), the error is a
    /// `no viable alternative` quoting the input since then; otherwise `local`.
    pub(crate) fn pending_or(
        &self,
        local: impl FnOnce(&Self) -> crate::error::ParseError,
    ) -> crate::error::ParseError {
        match self.pending {
            Some(start) if start < self.mark() => self.no_viable(start),
            _ => local(self),
        }
    }

    /// An error of `kind` at the current token (helper for command parsers).
    #[allow(dead_code)]
    pub(crate) fn error_here(&self, kind: ParseErrorKind) -> crate::error::ParseError {
        self.error_at(self.mark(), kind, vec![])
    }
}

/// Splits an `ID_PATTERN` token into unquoted and backquoted pieces.
pub(crate) fn pattern_pieces(text: &str) -> Vec<PatternPiece> {
    if !text.contains('`') {
        return vec![PatternPiece::Unquoted(CompactString::from(text))];
    }
    let mut pieces = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'`' {
            let mut value = CompactString::default();
            let mut j = i + 1;
            let mut seg = j;
            while j < b.len() {
                if b[j] == b'`' {
                    if b.get(j + 1) == Some(&b'`') {
                        value.push_str(&text[seg..j]);
                        value.push('`');
                        j += 2;
                        seg = j;
                        continue;
                    }
                    break;
                }
                j += 1;
            }
            value.push_str(&text[seg..j.min(b.len())]);
            pieces.push(PatternPiece::Quoted(value));
            i = j + 1;
        } else {
            let j = text[i..].find('`').map_or(b.len(), |k| i + k);
            pieces.push(PatternPiece::Unquoted(CompactString::from(&text[i..j])));
            i = j;
        }
    }
    pieces
}
