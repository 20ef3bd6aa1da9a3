//! Lucene `RegExp` patterns (ES|QL's RLIKE) parsed with Lucene's grammar and translated to an anchored
//! `regex` crate pattern. Shared by the reference evaluator and the optimized engine: it decides what a
//! pattern *means*, not how a value is evaluated (nulls, multi-values and warnings stay in each engine).
//!
//! Lucene syntax differs from PCRE: `#` is the empty language, `@` any string, `"…"` a literal string,
//! `()` the empty string, `<n-m>` a decimal interval, there are no `^`/`$` anchors (the whole string must
//! match), reserved characters must be escaped even inside classes, and of the `\` shorthands only
//! `\d \D \s \S \w \W` exist (ASCII classes; `\s` is `[ \t\n\r]`); any other `\` + letter is an error.
//! A `*`, `+`, `?` or `{` with nothing to repeat is a literal character. Intersection `&`, complement `~`
//! and named automata `<name>` have no `regex` equivalent: they are [`RegexpError::Unsupported`], never a
//! guess. [`matches_all`] detects patterns ES rewrites to `IS NOT NULL` (`.*`, `@`).

/// A parsed Lucene regular expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// `a|b`
    Union(Box<Node>, Box<Node>),
    /// `ab`
    Concat(Box<Node>, Box<Node>),
    /// `a?`
    Optional(Box<Node>),
    /// `a*`, `a+`, `a{n,}`, `a{n,m}`: minimum and optional maximum.
    Repeat(Box<Node>, u32, Option<u32>),
    /// One character.
    Char(char),
    /// `"…"` or `()`.
    Str(String),
    /// `.`
    AnyChar,
    /// `#`
    Empty,
    /// `@`
    AnyString,
    /// `[…]` / `[^…]`: class items and negation.
    Class(Vec<ClassItem>, bool),
    /// `\d`, `\s`, `\w` and their negations.
    Predefined(char),
    /// `<n-m>`: min, max, fixed digit count (0 = any number of leading zeros).
    Interval(u64, u64, usize),
}

/// One item of a character class.
#[derive(Debug, Clone, PartialEq)]
pub enum ClassItem {
    /// A character.
    Char(char),
    /// An inclusive range.
    Range(char, char),
    /// A predefined class (`d`, `D`, `s`, `S`, `w`, `W`).
    Predefined(char),
}

/// A pattern Lucene rejects, or one using an operator this translator cannot express.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RegexpError {
    /// Lucene would reject the pattern.
    #[error("invalid RLIKE pattern [{pattern}]: {message}")]
    Invalid {
        /// The pattern.
        pattern: String,
        /// Lucene's reason, with the character position.
        message: String,
    },
    /// The pattern uses `&`, `~` or a named automaton.
    #[error("unsupported RLIKE operator [{operator}] at position {position} in [{pattern}]")]
    Unsupported {
        /// The pattern.
        pattern: String,
        /// The operator.
        operator: String,
        /// Character position of the operator.
        position: usize,
    },
}

struct Parser<'a> {
    pattern: &'a str,
    chars: Vec<char>,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn invalid(&self, message: impl Into<String>) -> RegexpError {
        RegexpError::Invalid {
            pattern: self.pattern.to_owned(),
            message: message.into(),
        }
    }

    fn unsupported(&self, operator: &str) -> RegexpError {
        RegexpError::Unsupported {
            pattern: self.pattern.to_owned(),
            operator: operator.to_owned(),
            position: self.pos.saturating_sub(1),
        }
    }

    fn more(&self) -> bool {
        self.pos < self.chars.len()
    }

    fn peek(&self, set: &str) -> bool {
        self.chars.get(self.pos).is_some_and(|c| set.contains(*c))
    }

    fn eat(&mut self, c: char) -> bool {
        if self.chars.get(self.pos) == Some(&c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn next(&mut self) -> Result<char, RegexpError> {
        let c = self
            .chars
            .get(self.pos)
            .copied()
            .ok_or_else(|| self.invalid("unexpected end-of-string"))?;
        self.pos += 1;
        Ok(c)
    }

    fn union(&mut self) -> Result<Node, RegexpError> {
        let e = self.inter()?;
        if self.eat('|') {
            return Ok(Node::Union(Box::new(e), Box::new(self.union()?)));
        }
        Ok(e)
    }

    fn inter(&mut self) -> Result<Node, RegexpError> {
        let e = self.concat()?;
        if self.eat('&') {
            return Err(self.unsupported("&"));
        }
        Ok(e)
    }

    fn concat(&mut self) -> Result<Node, RegexpError> {
        let e = self.repeat()?;
        if self.more() && !self.peek(")|&") {
            return Ok(Node::Concat(Box::new(e), Box::new(self.concat()?)));
        }
        Ok(e)
    }

    fn number(&mut self) -> Result<Option<u32>, RegexpError> {
        let start = self.pos;
        while self.peek("0123456789") {
            self.pos += 1;
        }
        if start == self.pos {
            return Ok(None);
        }
        let digits: String = self.chars[start..self.pos].iter().collect();
        digits
            .parse()
            .map(Some)
            .map_err(|_| self.invalid("Pattern repeat count is out of range"))
    }

    fn repeat(&mut self) -> Result<Node, RegexpError> {
        let mut e = self.complement()?;
        while self.peek("?*+{") {
            if self.eat('?') {
                e = Node::Optional(Box::new(e));
            } else if self.eat('*') {
                e = Node::Repeat(Box::new(e), 0, None);
            } else if self.eat('+') {
                e = Node::Repeat(Box::new(e), 1, None);
            } else if self.eat('{') {
                let n = self.number()?.ok_or_else(|| {
                    self.invalid(format!("integer expected at position {}", self.pos))
                })?;
                let m = if self.eat(',') {
                    self.number()?
                } else {
                    Some(n)
                };
                if !self.eat('}') {
                    return Err(self.invalid(format!("expected '}}' at position {}", self.pos)));
                }
                e = Node::Repeat(Box::new(e), n, m);
            }
        }
        Ok(e)
    }

    fn complement(&mut self) -> Result<Node, RegexpError> {
        if self.eat('~') {
            return Err(self.unsupported("~"));
        }
        self.char_class()
    }

    fn char_class(&mut self) -> Result<Node, RegexpError> {
        if !self.eat('[') {
            return self.simple();
        }
        let negated = self.eat('^');
        let mut items = vec![self.class_item()?];
        while self.more() && !self.peek("]") {
            items.push(self.class_item()?);
        }
        if !self.eat(']') {
            return Err(self.invalid(format!("expected ']' at position {}", self.pos)));
        }
        Ok(Node::Class(items, negated))
    }

    fn class_item(&mut self) -> Result<ClassItem, RegexpError> {
        if let Some(p) = self.predefined()? {
            return Ok(match p {
                Node::Predefined(c) => ClassItem::Predefined(c),
                Node::Char(c) => self.range_from(c)?,
                _ => unreachable!("predefined() returns classes or chars"),
            });
        }
        let c = self.char_exp()?;
        self.range_from(c)
    }

    fn range_from(&mut self, c: char) -> Result<ClassItem, RegexpError> {
        if self.eat('-') {
            let to = self.char_exp()?;
            if c > to {
                return Err(self.invalid(format!(
                    "invalid range: from ({}) cannot be > to ({})",
                    c as u32, to as u32
                )));
            }
            return Ok(ClassItem::Range(c, to));
        }
        Ok(ClassItem::Char(c))
    }

    /// Lucene's `matchPredefinedCharacterClass`: after a `\`, `d D s S w W` are classes, `\\` is a
    /// backslash, other letters are errors; anything else falls through to a literal character.
    fn predefined(&mut self) -> Result<Option<Node>, RegexpError> {
        if !self.eat('\\') {
            return Ok(None);
        }
        if self.peek("dDwWsS") {
            return Ok(Some(Node::Predefined(self.next()?)));
        }
        if self.peek("\\") {
            return Ok(Some(Node::Char(self.next()?)));
        }
        if self
            .chars
            .get(self.pos)
            .is_some_and(|c| c.is_ascii_alphabetic())
        {
            let c = self.next()?;
            return Err(self.invalid(format!("invalid character class \\{c}")));
        }
        // The backslash is consumed; the next character is literal.
        Ok(Some(Node::Char(self.next()?)))
    }

    fn char_exp(&mut self) -> Result<char, RegexpError> {
        self.eat('\\');
        self.next()
    }

    fn simple(&mut self) -> Result<Node, RegexpError> {
        if self.eat('.') {
            return Ok(Node::AnyChar);
        }
        if self.eat('#') {
            return Ok(Node::Empty);
        }
        if self.eat('@') {
            return Ok(Node::AnyString);
        }
        if self.eat('"') {
            let start = self.pos;
            while self.more() && !self.peek("\"") {
                self.pos += 1;
            }
            if !self.eat('"') {
                return Err(self.invalid(format!("expected '\"' at position {}", self.pos)));
            }
            return Ok(Node::Str(self.chars[start..self.pos - 1].iter().collect()));
        }
        if self.eat('(') {
            if self.eat(')') {
                return Ok(Node::Str(String::new()));
            }
            let e = self.union()?;
            if !self.eat(')') {
                return Err(self.invalid(format!("expected ')' at position {}", self.pos)));
            }
            return Ok(e);
        }
        if self.eat('<') {
            return self.interval();
        }
        if let Some(p) = self.predefined()? {
            return Ok(p);
        }
        Ok(Node::Char(self.char_exp()?))
    }

    fn interval(&mut self) -> Result<Node, RegexpError> {
        let start = self.pos;
        while self.more() && !self.peek(">") {
            self.pos += 1;
        }
        if !self.eat('>') {
            return Err(self.invalid(format!("expected '>' at position {}", self.pos)));
        }
        let body: String = self.chars[start..self.pos - 1].iter().collect();
        let Some((lo, hi)) = body.split_once('-') else {
            return Err(self.unsupported(&format!("<{body}>")));
        };
        let bad = || {
            self.invalid(format!(
                "interval syntax error at position {}",
                self.pos - 1
            ))
        };
        if lo.is_empty() || hi.is_empty() || hi.contains('-') {
            return Err(bad());
        }
        let (a, b): (u64, u64) = (
            lo.parse().map_err(|_| bad())?,
            hi.parse().map_err(|_| bad())?,
        );
        if a > i32::MAX as u64 || b > i32::MAX as u64 {
            return Err(bad());
        }
        let digits = if lo.len() == hi.len() { lo.len() } else { 0 };
        Ok(Node::Interval(a.min(b), a.max(b), digits))
    }
}

/// Parses a Lucene regular expression.
pub fn parse(pattern: &str) -> Result<Node, RegexpError> {
    if pattern.is_empty() {
        return Ok(Node::Str(String::new()));
    }
    let mut p = Parser {
        pattern,
        chars: pattern.chars().collect(),
        pos: 0,
    };
    let e = p.union()?;
    if p.more() {
        return Err(p.invalid(format!("end-of-string expected at position {}", p.pos)));
    }
    Ok(e)
}

/// True when the node certainly matches every string (ES then rewrites the RLIKE to `IS NOT NULL`).
pub fn matches_all(node: &Node) -> bool {
    match node {
        Node::AnyString => true,
        Node::Repeat(inner, 0, None) => matches!(**inner, Node::AnyChar) || matches_all(inner),
        Node::Repeat(inner, _, _) | Node::Optional(inner) => matches_all(inner),
        Node::Concat(a, b) => matches_all(a) && matches_all(b),
        Node::Union(a, b) => matches_all(a) || matches_all(b),
        _ => false,
    }
}

const NEVER: &str = "[a&&b]";

fn predefined_class(c: char) -> &'static str {
    match c {
        'd' => "[0-9]",
        'D' => "[^0-9]",
        's' => "[ \\t\\n\\r]",
        'S' => "[^ \\t\\n\\r]",
        'w' => "[a-zA-Z_0-9]",
        _ => "[^a-zA-Z_0-9]",
    }
}

fn class_char(c: char) -> String {
    format!("\\x{{{:x}}}", c as u32)
}

/// Writes `node` as `regex` crate syntax (unanchored; [`to_regex`] anchors it).
fn emit(node: &Node, out: &mut String) {
    match node {
        Node::Union(a, b) => {
            out.push_str("(?:");
            emit(a, out);
            out.push('|');
            emit(b, out);
            out.push(')');
        }
        Node::Concat(a, b) => {
            emit(a, out);
            emit(b, out);
        }
        Node::Optional(a) => {
            out.push_str("(?:");
            emit(a, out);
            out.push_str(")?");
        }
        Node::Repeat(a, min, max) => match max {
            Some(max) if max < min => out.push_str(NEVER),
            _ => {
                out.push_str("(?:");
                emit(a, out);
                out.push(')');
                match max {
                    None => out.push_str(&format!("{{{min},}}")),
                    Some(max) => out.push_str(&format!("{{{min},{max}}}")),
                }
            }
        },
        Node::Char(c) => out.push_str(&regex::escape(&c.to_string())),
        Node::Str(s) => {
            out.push_str("(?:");
            out.push_str(&regex::escape(s));
            out.push(')');
        }
        Node::AnyChar => out.push('.'),
        Node::Empty => out.push_str(NEVER),
        Node::AnyString => out.push_str(".*"),
        Node::Predefined(c) => out.push_str(predefined_class(*c)),
        Node::Class(items, negated) => {
            out.push('[');
            if *negated {
                out.push('^');
            }
            for item in items {
                match item {
                    ClassItem::Char(c) => out.push_str(&class_char(*c)),
                    ClassItem::Range(a, b) => {
                        out.push_str(&class_char(*a));
                        out.push('-');
                        out.push_str(&class_char(*b));
                    }
                    ClassItem::Predefined(c) => out.push_str(predefined_class(*c)),
                }
            }
            out.push(']');
        }
        Node::Interval(lo, hi, digits) => out.push_str(&interval_regex(*lo, *hi, *digits)),
    }
}

/// A regex for the decimal numbers in `[lo, hi]`: zero-padded to `digits` when non-zero, otherwise
/// with any number of leading zeros (Lucene's `makeDecimalInterval`).
fn interval_regex(lo: u64, hi: u64, digits: usize) -> String {
    if digits > 0 {
        let (a, b) = (format!("{lo:0digits$}"), format!("{hi:0digits$}"));
        return format!("(?:{})", same_length(a.as_bytes(), b.as_bytes()));
    }
    let mut alternatives = Vec::new();
    let (lo_len, hi_len) = (lo.to_string().len(), hi.to_string().len());
    for len in lo_len..=hi_len {
        let floor = if len == 1 {
            0
        } else {
            10u64.pow(len as u32 - 1)
        };
        let ceil = 10u64.pow(len as u32) - 1;
        let (a, b) = (lo.max(floor), hi.min(ceil));
        if a <= b {
            alternatives.push(same_length(
                a.to_string().as_bytes(),
                b.to_string().as_bytes(),
            ));
        }
    }
    format!("0*(?:{})", alternatives.join("|"))
}

/// A regex for the digit strings between `a` and `b` (same length, `a <= b`).
fn same_length(a: &[u8], b: &[u8]) -> String {
    if a.is_empty() {
        return String::new();
    }
    let (x, y) = (a[0], b[0]);
    if x == y {
        return format!("{}{}", x as char, same_length(&a[1..], &b[1..]));
    }
    let rest = a.len() - 1;
    let nines = vec![b'9'; rest];
    let zeros = vec![b'0'; rest];
    let mut parts = vec![format!("{}{}", x as char, same_length(&a[1..], &nines))];
    if y - x > 1 {
        parts.push(format!(
            "[{}-{}][0-9]{{{rest}}}",
            (x + 1) as char,
            (y - 1) as char
        ));
    }
    parts.push(format!("{}{}", y as char, same_length(&zeros, &b[1..])));
    format!("(?:{})", parts.join("|"))
}

/// Translates a Lucene pattern to an anchored `regex` crate pattern.
pub fn to_regex(pattern: &str) -> Result<String, RegexpError> {
    let node = parse(pattern)?;
    let mut out = String::from("^(?s:");
    emit(&node, &mut out);
    out.push_str(")$");
    Ok(out)
}

/// Compiles a Lucene pattern.
pub fn compile(pattern: &str) -> Result<regex::Regex, RegexpError> {
    let source = to_regex(pattern)?;
    regex::Regex::new(&source).map_err(|e| RegexpError::Invalid {
        pattern: pattern.to_owned(),
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, text: &str) -> bool {
        compile(pattern).unwrap().is_match(text)
    }

    /// spec:where-like rLikePrefix, rLikeSuffix, rLikeComplex, rLikeOrComplexExpression.
    #[test]
    fn common_patterns_are_anchored() {
        assert!(m("Aleja.*", "Alejandro"));
        assert!(!m("leja.*", "Alejandro"));
        assert!(m(".*itij", "Sumant Zhitij".trim_start_matches("Sumant ")));
        assert!(m("(Eberhar.*)|(.*arlene)", "Charlene"));
        assert!(m(".*o{2,}.*", "Koblick Moon"));
        assert!(!m(".*o{2,}.*", "Koblick"));
        assert!(m(".{9,}.*", "Sreekrishna"));
        assert!(!m("abc", "xabc"));
    }

    /// spec:where-like/rlikeWithEmptyLanguagePattern: `#` matches nothing; `@` everything.
    #[test]
    fn lucene_special_operators() {
        assert!(!m("#", "abc"));
        assert!(!m("#", ""));
        assert!(m("@", "anything at all\n"));
        assert!(m("a\"*.\"b", "a*.b"));
        assert!(!m("a\"*.\"b", "axxb"));
        assert!(m("a()b", "ab"));
        assert!(m("<1-12>", "7"));
        assert!(m("<1-12>", "007"));
        assert!(!m("<1-12>", "13"));
        assert!(m("<01-12>", "07"));
        assert!(!m("<01-12>", "7"));
        assert!(m("x<95-105>", "x100"));
        assert!(!m("x<95-105>", "x106"));
    }

    /// spec:where-like/rlikeListEscapedWildcard: `\\*` (after string unescaping `\*`) is a literal star.
    #[test]
    fn escapes_and_classes() {
        assert!(m("Eberhar\\*", "Eberhar*"));
        assert!(!m("Eberhar\\*", "Eberhardt"));
        assert!(m("\\d+", "123"));
        assert!(m("[\\d]+x", "12x"));
        assert!(m("\\.", "."));
        assert!(!m("\\.", "a"));
        assert!(m("[a-c]+", "abcab"));
        assert!(m("[^a-c]", "d"));
        assert!(!m("[^a-c]", "b"));
        assert!(m("\\s", " "));
        assert!(m("a[.]b", "a.b"));
        assert!(!m("a[.]b", "axb"));
        assert!(matches!(parse("\\q"), Err(RegexpError::Invalid { .. })));
        assert!(
            m("*a", "*a"),
            "a leading star repeats nothing and is literal"
        );
    }

    /// Operators the regex crate cannot express are reported, never guessed.
    #[test]
    fn intersection_and_complement_are_unsupported() {
        assert!(matches!(parse("a&b"), Err(RegexpError::Unsupported { .. })));
        assert!(matches!(
            parse("~(a)"),
            Err(RegexpError::Unsupported { .. })
        ));
        assert!(matches!(
            parse("<name>"),
            Err(RegexpError::Unsupported { .. })
        ));
    }

    /// spec:where-like/notRlikeListAllWildcard: `.*` matches everything → IS NOT NULL.
    #[test]
    fn match_all_detection() {
        assert!(matches_all(&parse(".*").unwrap()));
        assert!(matches_all(&parse("@").unwrap()));
        assert!(matches_all(&parse("(.*)").unwrap()));
        assert!(!matches_all(&parse(".+").unwrap()));
        assert!(!matches_all(&parse("a.*").unwrap()));
    }
}
