//! Column selection: `KEEP`, `DROP` and `RENAME`, whose operands are name patterns read in the
//! lexer's PROJECT/RENAME modes (`host.*`, `` `a b`* ``, `?p`).

use crate::ast::{DropCommand, KeepCommand, NamePattern, RenameClause, RenameCommand, RenameStyle};
use crate::lexer::TokenKind as K;
use crate::parser::names::PATTERN_START;
use crate::parser::{PResult, Parser};

impl Parser<'_> {
    /// `KEEP qualifiedNamePatterns`
    pub(crate) fn parse_keep(&mut self) -> PResult<KeepCommand> {
        let start = self.mark();
        self.advance();
        let patterns = self.parse_name_patterns()?;
        Ok(KeepCommand {
            patterns,
            span: self.span_from(start),
        })
    }

    /// `DROP qualifiedNamePatterns`
    pub(crate) fn parse_drop(&mut self) -> PResult<DropCommand> {
        let start = self.mark();
        self.advance();
        let patterns = self.parse_name_patterns()?;
        Ok(DropCommand {
            patterns,
            span: self.span_from(start),
        })
    }

    /// A `qualifiedNamePattern`, checking its first token; `immediate` as in
    /// [`Parser::parse_name_pattern`].
    pub(crate) fn parse_pattern_checked(&mut self, immediate: bool) -> PResult<NamePattern> {
        if !PATTERN_START.contains(&self.peek()) {
            return Err(self.pending_or(|p| p.mismatch(PATTERN_START)));
        }
        self.parse_name_pattern(immediate)
    }

    /// `RENAME renameClause (COMMA renameClause)*`
    pub(crate) fn parse_rename(&mut self) -> PResult<RenameCommand> {
        let start = self.mark();
        self.advance();
        let first = self.parse_rename_clause()?;
        let mut clauses = self.list_of(first);
        while self.eat(K::Comma).is_some() {
            clauses.push(self.parse_rename_clause()?);
        }
        Ok(RenameCommand {
            clauses,
            span: self.span_from(start),
        })
    }

    /// `renameClause : old AS new | new ASSIGN old`. ANTLR reads the first pattern before it
    /// knows which form this is.
    fn parse_rename_clause(&mut self) -> PResult<RenameClause> {
        let start = self.mark();
        if !PATTERN_START.contains(&self.peek()) {
            return Err(self.mismatch(PATTERN_START));
        }
        let prev = self.predict();
        let first = self.parse_name_pattern(false)?;
        let style = match self.peek() {
            K::As => RenameStyle::As,
            K::Assign => RenameStyle::Assign,
            _ => return Err(self.no_viable(self.pending.unwrap_or(start))),
        };
        self.resolve(prev);
        self.advance();
        let second = self.parse_pattern_checked(true)?;
        let (old, new) = match style {
            RenameStyle::As => (first, second),
            RenameStyle::Assign => (second, first),
        };
        Ok(RenameClause {
            old,
            new,
            style,
            span: self.span_from(start),
        })
    }
}
