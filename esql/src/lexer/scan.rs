//! Fragment matchers of Elastic's lexer grammar, on bytes.
//!
//! Each matcher takes the input and a start offset and returns the end offset of the longest match
//! of its rule (`None` if the rule does not match). The excluded characters of every negated set
//! in the grammar are ASCII, so matching bytes gives the same token boundaries as matching code
//! points: every byte of a multi-byte character is "not excluded". Matchers also widen
//! [`Scan::reach`], the furthest offset any rule looked at, which ANTLR prints in its
//! `token recognition error at: '…'` message.

/// A view of the input with the furthest offset examined so far.
pub(crate) struct Scan<'a> {
    /// The query bytes.
    pub(crate) b: &'a [u8],
    /// One past the furthest byte any matcher examined (ANTLR's failure index).
    pub(crate) reach: usize,
}

pub(crate) fn is_letter(c: u8) -> bool {
    c.is_ascii_alphabetic()
}

pub(crate) fn is_digit(c: u8) -> bool {
    c.is_ascii_digit()
}

/// `LETTER | DIGIT | '_'`
pub(crate) fn is_id_body(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// `[ \t\r\n]`
pub(crate) fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

impl<'a> Scan<'a> {
    pub(crate) fn new(b: &'a [u8]) -> Scan<'a> {
        Scan { b, reach: 0 }
    }

    /// The byte at `i`, if any; records that `i` was examined.
    #[inline]
    pub(crate) fn at(&mut self, i: usize) -> Option<u8> {
        if i + 1 > self.reach {
            self.reach = i + 1;
        }
        self.b.get(i).copied()
    }

    /// Case-insensitive keyword `kw` (ASCII, lower case in the table) at `i`.
    pub(crate) fn keyword(&mut self, i: usize, kw: &[u8]) -> Option<usize> {
        for (k, &want) in kw.iter().enumerate() {
            let c = self.at(i + k)?;
            if c.to_ascii_lowercase() != want {
                return None;
            }
        }
        Some(i + kw.len())
    }

    /// A literal string at `i` (case-sensitive).
    pub(crate) fn literal(&mut self, i: usize, lit: &[u8]) -> Option<usize> {
        for (k, &want) in lit.iter().enumerate() {
            if self.at(i + k)? != want {
                return None;
            }
        }
        Some(i + lit.len())
    }

    /// Advances from `i` while `f` holds; records the first byte that stopped it.
    #[inline]
    fn run(&mut self, i: usize, f: impl Fn(u8) -> bool) -> usize {
        let n = self.b[i.min(self.b.len())..]
            .iter()
            .take_while(|&&c| f(c))
            .count();
        let j = i + n;
        if j + 1 > self.reach {
            self.reach = j + 1;
        }
        j
    }

    /// `[ \t\r\n]+`
    pub(crate) fn ws(&mut self, i: usize) -> Option<usize> {
        let j = self.run(i, is_ws);
        (j > i).then_some(j)
    }

    /// `'//' ~[\r\n]* '\r'? '\n'?`
    pub(crate) fn line_comment(&mut self, i: usize) -> Option<usize> {
        let j = self.literal(i, b"//")?;
        let mut j = self.run(j, |c| c != b'\r' && c != b'\n');
        if self.at(j) == Some(b'\r') {
            j += 1;
        }
        if self.at(j) == Some(b'\n') {
            j += 1;
        }
        Some(j)
    }

    /// `'/*' (MULTILINE_COMMENT | .)*? '*/'`: nested comments, with ANTLR's non-greedy priority.
    ///
    /// Simulates the rule's configurations in priority order: at each character the loop exit
    /// (`*/`) is tried first, then a nested comment, then "any character". When a configuration
    /// closes the outermost comment, that end is recorded and all lower-priority configurations
    /// are dropped (they passed through the non-greedy loop); higher-priority ones continue and may
    /// accept later. The result is the last recorded end.
    pub(crate) fn multiline_comment(&mut self, i: usize) -> Option<usize> {
        #[derive(Clone, Copy, PartialEq)]
        enum St {
            /// At the loop decision with `depth` enclosing nested comments.
            Loop(u32),
            /// Read `*` of a closing `*/`.
            Star(u32),
            /// Read `/` of an opening nested `/*`.
            Slash(u32),
        }
        let start = self.literal(i, b"/*")?;
        let mut configs = vec![St::Loop(0)];
        let mut accepted = None;
        let mut pos = start;
        let mut next = Vec::new();
        while !configs.is_empty() {
            let Some(c) = self.at(pos) else { break };
            next.clear();
            let push = |v: &mut Vec<St>, s: St| {
                if !v.contains(&s) {
                    v.push(s);
                }
            };
            'cfg: for &cfg in &configs {
                match cfg {
                    St::Loop(d) => {
                        if c == b'*' {
                            push(&mut next, St::Star(d));
                        }
                        if c == b'/' {
                            push(&mut next, St::Slash(d));
                        }
                        push(&mut next, St::Loop(d));
                    }
                    St::Star(d) => {
                        if c == b'/' {
                            if d == 0 {
                                accepted = Some(pos + 1);
                                break 'cfg;
                            }
                            push(&mut next, St::Loop(d - 1));
                        }
                    }
                    St::Slash(d) => {
                        if c == b'*' {
                            push(&mut next, St::Loop(d + 1));
                        }
                    }
                }
            }
            std::mem::swap(&mut configs, &mut next);
            pos += 1;
            // A pathological input could grow the set with every `/*`; bound the work.
            if configs.len() > 4096 {
                configs.truncate(4096);
            }
        }
        accepted
    }

    /// `QUOTED_STRING`: `"…"` with escapes, or `"""…"""` (no line breaks) plus up to two `"`.
    pub(crate) fn quoted_string(&mut self, i: usize) -> Option<usize> {
        if self.at(i) != Some(b'"') {
            return None;
        }
        let regular = self.regular_string(i);
        let triple = self.triple_string(i);
        match (regular, triple) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }

    fn regular_string(&mut self, i: usize) -> Option<usize> {
        let mut j = i + 1;
        loop {
            j = self.run(j, |c| !matches!(c, b'"' | b'\\' | b'\r' | b'\n'));
            match self.at(j)? {
                b'"' => return Some(j + 1),
                b'\\' => match self.at(j + 1)? {
                    b't' | b'n' | b'r' | b'T' | b'N' | b'R' | b'"' | b'\\' => j += 2,
                    _ => return None,
                },
                b'\r' | b'\n' => return None,
                _ => j += 1,
            }
        }
    }

    fn triple_string(&mut self, i: usize) -> Option<usize> {
        let mut j = self.literal(i, b"\"\"\"")?;
        loop {
            match self.at(j)? {
                b'\r' | b'\n' => return None,
                b'"' if self.b.get(j + 1) == Some(&b'"') && self.b.get(j + 2) == Some(&b'"') => {
                    let mut end = j + 3;
                    for _ in 0..2 {
                        if self.at(end) == Some(b'"') {
                            end += 1;
                        } else {
                            break;
                        }
                    }
                    return Some(end);
                }
                _ => j += 1,
            }
        }
    }

    /// `DIGIT+`
    pub(crate) fn integer(&mut self, i: usize) -> Option<usize> {
        let j = self.run(i, is_digit);
        (j > i).then_some(j)
    }

    /// `[Ee] [+-]? DIGIT+`
    fn exponent(&mut self, i: usize) -> Option<usize> {
        let mut j = i;
        if !matches!(self.at(j)?, b'e' | b'E') {
            return None;
        }
        j += 1;
        if matches!(self.at(j), Some(b'+' | b'-')) {
            j += 1;
        }
        self.integer(j)
    }

    /// `DECIMAL_LITERAL`: `1.`, `1.5`, `.5`, `1e5`, `1.5e-3`, `.5E2`.
    pub(crate) fn decimal(&mut self, i: usize) -> Option<usize> {
        let mut best: Option<usize> = None;
        let mut take = |e: Option<usize>| {
            if let Some(e) = e {
                best = Some(best.map_or(e, |b| b.max(e)));
            }
        };
        if let Some(int_end) = self.integer(i) {
            // DIGIT+ '.' DIGIT*
            if self.at(int_end) == Some(b'.') {
                let frac_end = self.integer(int_end + 1).unwrap_or(int_end + 1);
                take(Some(frac_end));
                // DIGIT+ '.' DIGIT* EXPONENT
                take(self.exponent(frac_end));
            }
            // DIGIT+ EXPONENT
            take(self.exponent(int_end));
        } else if self.at(i) == Some(b'.') {
            // '.' DIGIT+ EXPONENT?
            if let Some(frac_end) = self.integer(i + 1) {
                take(Some(frac_end));
                take(self.exponent(frac_end));
            }
        }
        best
    }

    /// `UNQUOTED_IDENTIFIER`: `LETTER (LETTER|DIGIT|'_')*` or `('_'|'@') (LETTER|DIGIT|'_')+`.
    pub(crate) fn unquoted_identifier(&mut self, i: usize) -> Option<usize> {
        let first = self.at(i)?;
        if !(is_letter(first) || first == b'_' || first == b'@') {
            return None;
        }
        let j = self.run(i + 1, is_id_body);
        (is_letter(first) || j > i + 1).then_some(j)
    }

    /// `QUOTED_ID`: a backquote, one or more of (any character but a backquote, or two
    /// backquotes), a backquote. Returns the longest such match.
    pub(crate) fn quoted_id(&mut self, i: usize) -> Option<usize> {
        if self.at(i) != Some(b'`') {
            return None;
        }
        let mut j = i + 1;
        let mut blocks = 0usize;
        let mut accepted = None;
        loop {
            match self.at(j) {
                None => return accepted,
                Some(b'`') => {
                    if blocks > 0 {
                        accepted = Some(j + 1);
                    }
                    if self.at(j + 1) == Some(b'`') {
                        j += 2;
                        blocks += 1;
                    } else {
                        return accepted;
                    }
                }
                Some(_) => {
                    j += 1;
                    blocks += 1;
                }
            }
        }
    }

    /// `'?' (LETTER|'_') (LETTER|DIGIT|'_')* | '?' DIGIT+`, after `prefix` question marks.
    pub(crate) fn named_or_positional_param(&mut self, i: usize, prefix: usize) -> Option<usize> {
        for k in 0..prefix {
            if self.at(i + k)? != b'?' {
                return None;
            }
        }
        let j = i + prefix;
        let c = self.at(j)?;
        if is_letter(c) || c == b'_' {
            let mut e = j + 1;
            while self.at(e).is_some_and(is_id_body) {
                e += 1;
            }
            Some(e)
        } else if is_digit(c) {
            self.integer(j)
        } else {
            None
        }
    }

    /// `UNQUOTED_ID_PATTERN`: `(LETTER|'*') (LETTER|DIGIT|'_'|'*')*` or
    /// `('_'|'@') (LETTER|DIGIT|'_'|'*')+`.
    fn unquoted_id_pattern(&mut self, i: usize) -> Option<usize> {
        let body = |c: u8| is_id_body(c) || c == b'*';
        let first = self.at(i)?;
        if !(is_letter(first) || first == b'*' || first == b'_' || first == b'@') {
            return None;
        }
        let mut j = i + 1;
        while self.at(j).is_some_and(body) {
            j += 1;
        }
        (is_letter(first) || first == b'*' || j > i + 1).then_some(j)
    }

    /// `ID_PATTERN`: `(UNQUOTED_ID_PATTERN | QUOTED_ID)+`.
    pub(crate) fn id_pattern(&mut self, i: usize) -> Option<usize> {
        let mut j = i;
        loop {
            let next = if self.at(j) == Some(b'`') {
                self.quoted_id(j)
            } else {
                self.unquoted_id_pattern(j)
            };
            match next {
                Some(e) => j = e,
                None => break,
            }
        }
        (j > i).then_some(j)
    }

    /// `UNQUOTED_SOURCE`: one or more of (a character outside `[ \t\r\n"(),/:=[]|]`, or `/` not
    /// followed by `*` or `/`).
    pub(crate) fn unquoted_source(&mut self, i: usize) -> Option<usize> {
        let mut j = i;
        loop {
            j = self.run(j, |c| !is_source_excluded(c));
            match self.at(j) {
                Some(b'/') => match self.at(j + 1) {
                    Some(b'*' | b'/') | None => break,
                    Some(_) => j += 2,
                },
                _ => break,
            }
        }
        (j > i).then_some(j)
    }

    /// `ENRICH_POLICY_NAME`: `(BODY+ ':')? BODY+`.
    pub(crate) fn enrich_policy_name(&mut self, i: usize) -> Option<usize> {
        let body = |c: u8| !is_policy_excluded(c);
        let mut j = i;
        while self.at(j).is_some_and(body) {
            j += 1;
        }
        if j == i {
            return None;
        }
        if self.at(j) == Some(b':') {
            let mut k = j + 1;
            while self.at(k).is_some_and(body) {
                k += 1;
            }
            if k > j + 1 {
                return Some(k);
            }
        }
        Some(j)
    }

    /// `UNKNOWN_CMD`: one or more characters outside `[ \t\r\n/[]]`.
    pub(crate) fn unknown_cmd(&mut self, i: usize) -> Option<usize> {
        let mut j = i;
        while self
            .at(j)
            .is_some_and(|c| !matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'/' | b'[' | b']'))
        {
            j += 1;
        }
        (j > i).then_some(j)
    }
}

/// Characters that end an `UNQUOTED_SOURCE` part (besides `/` before `*` or `/`).
fn is_source_excluded(c: u8) -> bool {
    matches!(
        c,
        b'\t'
            | b'\n'
            | b'\r'
            | b' '
            | b'"'
            | b'('
            | b')'
            | b','
            | b'/'
            | b':'
            | b'='
            | b'['
            | b']'
            | b'|'
    )
}

/// Characters that are not part of an `ENRICH_POLICY_NAME_BODY`.
fn is_policy_excluded(c: u8) -> bool {
    matches!(
        c,
        b'\t'
            | b'\n'
            | b'\r'
            | b' '
            | b'"'
            | b'#'
            | b'('
            | b')'
            | b','
            | b'/'
            | b':'
            | b'<'
            | b'>'
            | b'?'
            | b'\\'
            | b'|'
    )
}

/// Characters that are not a `PROMQL_OTHER_QUERY_CONTENT`.
pub(crate) fn is_promql_other_excluded(c: u8) -> bool {
    matches!(
        c,
        b'\n' | b'\r' | b' ' | b'"' | b'#' | b'\'' | b'(' | b')' | b'`' | b'|'
    )
}
