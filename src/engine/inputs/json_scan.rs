//! A validating JSON walker that extracts only the fields a query reads from one NDJSON line.
//!
//! The walker checks the whole line against the JSON grammar (strings are scanned with `memchr`,
//! control characters and escapes are checked, numbers and literals follow RFC 8259), descends only
//! into objects on the path of a needed field (the [`Layout`] trie) and converts needed leaf values with
//! [`super::convert`]. Everything else is skipped after validation, never built.
//!
//! Oracle twin: `serde_json::from_str` + `esql::ingest::Indexer::index` for the needed fields.
//! Invariant: [`scan_line`] either returns exactly the values ingest would store for the needed fields
//! of a document it accepts, or [`Bail`] — for any line that is not plain valid JSON as the walker
//! understands it (syntax errors, `\u` escapes, duplicate keys on a needed path, an object where a
//! needed value is expected, values without a fast conversion, nesting deeper than 100, …). A bailed
//! line is re-read by the caller through serde_json and ingest, which give the exact document or error.
//! With a [`LineIndex`] of the line ([`scan_line_indexed`]), strings end at the next indexed quote.
//! Unneeded values are validated and skipped by an iterative loop (no recursion, no trie lookups), or,
//! in a line the index proved valid ([`LineIndex::proven`]), jumped over; objects on needed paths of
//! such a line are walked by `Walker::object_proven` (keys end at the indexed quote, no re-checks).
//! Numbers with an exponent or longer than 300 bytes bail (serde_json rejects some as out of range).
//! Known difference, by design: values of fields the query does not read are not type-checked, so a
//! document ingest would reject only because of such a field is read here.

use std::borrow::Cow;

use super::convert::{Bail, from_bool, from_number, from_str, plain_keyword};
use super::json_index::LineIndex;
use super::layout::{Layout, Pending};

const MAX_DEPTH: u32 = 100;

/// How an object or value relates to the `_id` source (`event.id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    /// The document root.
    Root,
    /// The value of the root's `event` key.
    Event,
    /// The value of `event` → `id` (ingest reads it as `_id`).
    IdNested,
    /// The value of the root's `event.id` key (read as `_id` when the nested form is absent).
    IdDotted,
    /// Anywhere else.
    Other,
}

/// Outcome of a line that the walker handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// Only JSON whitespace: skipped (not a document).
    Blank,
    /// A document; its needed values are in the pending buffer.
    Document,
}

/// Walks `line` (without its newline), filling `pending` (cleared first), validating every byte.
pub fn scan_line<'a>(
    layout: &Layout,
    line: &'a str,
    pending: &mut Pending<'a>,
) -> Result<Line, Bail> {
    scan_line_indexed(layout, line, pending, None)
}

/// [`scan_line`] with an optional string index of `line`: when `index` is given, it must have been
/// built from `line` and have returned `true`; strings then end at the next indexed quote instead of
/// being scanned and checked byte by byte. The grammar is checked the same way, so the result is the
/// same.
pub fn scan_line_indexed<'a>(
    layout: &Layout,
    line: &'a str,
    pending: &mut Pending<'a>,
    index: Option<&LineIndex>,
) -> Result<Line, Bail> {
    pending.clear();
    let mut w = Walker {
        s: line.as_bytes(),
        text: line,
        i: 0,
        depth: 0,
        layout,
        pending,
        index,
    };
    w.ws();
    if w.i == w.s.len() {
        return Ok(Line::Blank);
    }
    if w.s[w.i] != b'{' {
        return Err(Bail);
    }
    w.object(Some(0), Route::Root)?;
    w.ws();
    if w.i != w.s.len() {
        return Err(Bail);
    }
    Ok(Line::Document)
}

struct Walker<'a, 'p, 'l> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
    depth: u32,
    layout: &'l Layout,
    pending: &'p mut Pending<'a>,
    /// The line's string index (the line then has no escapes and no control characters).
    index: Option<&'l LineIndex>,
}

impl<'a> Walker<'a, '_, '_> {
    #[inline]
    fn ws(&mut self) {
        while let Some(&b) = self.s.get(self.i) {
            if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                break;
            }
            self.i += 1;
        }
    }

    #[inline]
    fn peek(&self) -> Result<u8, Bail> {
        self.s.get(self.i).copied().ok_or(Bail)
    }

    #[inline]
    fn expect(&mut self, b: u8) -> Result<(), Bail> {
        self.ws();
        if self.peek()? != b {
            return Err(Bail);
        }
        self.i += 1;
        Ok(())
    }

    fn enter(&mut self) -> Result<(), Bail> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Bail);
        }
        Ok(())
    }

    /// A string starting at the opening quote: `(content start, content end, has escapes)`.
    #[inline]
    fn string(&mut self) -> Result<(usize, usize, bool), Bail> {
        if let Some(ix) = self.index {
            // An indexed line has no escapes: the next quote closes the string.
            let start = self.i + 1;
            let end = ix.string_end(self.i).ok_or(Bail)?;
            self.i = end + 1;
            return Ok((start, end, false));
        }
        self.i += 1;
        let start = self.i;
        let mut escaped = false;
        // Most keys and many values are short: look at the first bytes inline before calling memchr.
        let s = self.s;
        let stop = (start + 24).min(s.len());
        while self.i < stop {
            let b = s[self.i];
            if b == b'"' {
                self.i += 1;
                return Ok((start, self.i - 1, false));
            }
            if b == b'\\' || b < 0x20 {
                break;
            }
            self.i += 1;
        }
        loop {
            let rest = &self.s[self.i..];
            let k = memchr::memchr2(b'"', b'\\', rest).ok_or(Bail)?;
            if rest[..k].iter().any(|&b| b < 0x20) {
                return Err(Bail);
            }
            self.i += k;
            if self.s[self.i] == b'"' {
                self.i += 1;
                return Ok((start, self.i - 1, escaped));
            }
            escaped = true;
            match self.s.get(self.i + 1) {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.i += 2,
                // `\u` escapes (surrogates and all) are left to serde_json.
                _ => return Err(Bail),
            }
        }
    }

    /// A number token; returns its text.
    #[inline]
    fn number(&mut self) -> Result<&'a str, Bail> {
        let s = self.s;
        let start = self.i;
        let mut i = self.i;
        if s.get(i) == Some(&b'-') {
            i += 1;
        }
        match s.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while s.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
            }
            _ => return Err(Bail),
        }
        if s.get(i) == Some(&b'.') {
            i += 1;
            let d = i;
            while s.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == d {
                return Err(Bail);
            }
        }
        if matches!(s.get(i), Some(b'e' | b'E')) || i - start > 300 {
            // serde_json rejects some of these (out of range for f64): left to it.
            return Err(Bail);
        }
        self.i = i;
        Ok(&self.text[start..i])
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), Bail> {
        if self.s[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err(Bail)
        }
    }

    /// An object starting at `{`, on trie node `node` (`None`: validate and skip).
    fn object(&mut self, node: Option<u32>, route: Route) -> Result<(), Bail> {
        if let (Some(n), Some(ix)) = (node, self.index.filter(|ix| ix.proven())) {
            return self.object_proven(n, route, ix);
        }
        self.enter()?;
        self.i += 1;
        self.ws();
        if self.peek()? == b'}' {
            self.i += 1;
            self.depth -= 1;
            return Ok(());
        }
        // Trie children already met in this object (a repeated key: serde_json keeps the last value).
        let mut seen: u64 = 0;
        let mut dotted: Vec<&'a [u8]> = Vec::new();
        loop {
            self.ws();
            if self.peek()? != b'"' {
                return Err(Bail);
            }
            let (ks, ke, kesc) = self.string()?;
            self.expect(b':')?;
            self.ws();
            match node {
                None => self.value(None, Route::Other)?,
                Some(n) => {
                    if kesc {
                        return Err(Bail);
                    }
                    let key = &self.s[ks..ke];
                    let (child, child_route) =
                        self.resolve(n, key, route, &mut seen, &mut dotted)?;
                    self.value(child, child_route)?;
                }
            }
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    break;
                }
                _ => return Err(Bail),
            }
        }
        self.depth -= 1;
        Ok(())
    }

    /// [`Walker::object`] in a proven line (see [`LineIndex::proven`]): compact and valid, so a key
    /// is followed by `:` and a value by `,` or `}`; unneeded values are jumped over.
    fn object_proven(&mut self, n: u32, route: Route, ix: &LineIndex) -> Result<(), Bail> {
        self.enter()?;
        let s = self.s;
        self.i += 1;
        if s.get(self.i) == Some(&b'}') {
            self.i += 1;
            self.depth -= 1;
            return Ok(());
        }
        let mut seen: u64 = 0;
        let mut dotted: Vec<&'a [u8]> = Vec::new();
        let layout = self.layout;
        let node = layout.nodes.get(n as usize).ok_or(Bail)?;
        loop {
            let ke = ix.string_end(self.i).ok_or(Bail)?;
            let key = s.get(self.i + 1..ke).ok_or(Bail)?;
            self.i = ke + 2;
            // Most keys are neither children nor dotted: skipped without the full resolution.
            let plain = node.child(key).is_none() && !has_dot(s, key);
            if plain {
                self.i = ix.value_end(s, self.i).ok_or(Bail)?;
            } else {
                match self.resolve(n, key, route, &mut seen, &mut dotted)? {
                    (None, _) => self.i = ix.value_end(s, self.i).ok_or(Bail)?,
                    (child, child_route) => self.value(child, child_route)?,
                }
            }
            let b = *s.get(self.i).ok_or(Bail)?;
            self.i += 1;
            if b == b'}' {
                break;
            }
        }
        self.depth -= 1;
        Ok(())
    }

    /// The trie node (if any) of `key` (possibly dotted) under node `n`.
    fn resolve(
        &self,
        n: u32,
        key: &'a [u8],
        route: Route,
        seen: &mut u64,
        dotted: &mut Vec<&'a [u8]>,
    ) -> Result<(Option<u32>, Route), Bail> {
        let nodes = &self.layout.nodes;
        if !has_dot(self.s, key) {
            let Some((ci, child)) = nodes[n as usize].child(key) else {
                return Ok((None, Route::Other));
            };
            if ci >= 64 || *seen & (1 << ci) != 0 {
                return Err(Bail);
            }
            *seen |= 1 << ci;
            let r = match (route, key) {
                (Route::Root, b"event") => Route::Event,
                (Route::Event, b"id") => Route::IdNested,
                _ => Route::Other,
            };
            return Ok((Some(child), r));
        }
        let mut cur = n;
        let mut segs = key.split(|&b| b == b'.').peekable();
        while let Some(seg) = segs.next() {
            if seg.is_empty() {
                return Err(Bail);
            }
            let node = &nodes[cur as usize];
            if !node.slots.is_empty() || node.event_id {
                // A dotted key through a leaf field: ingest rejects it.
                return Err(Bail);
            }
            match node.child(seg) {
                Some((_, c)) => cur = c,
                None => {
                    // Empty segments later in the key are still an error for ingest.
                    if segs.any(<[u8]>::is_empty) {
                        return Err(Bail);
                    }
                    return Ok((None, Route::Other));
                }
            }
        }
        if dotted.contains(&key) {
            return Err(Bail);
        }
        dotted.push(key);
        let r = if route == Route::Root && key == b"event.id" {
            Route::IdDotted
        } else {
            Route::Other
        };
        Ok((Some(cur), r))
    }

    /// Any value, on trie node `node`.
    fn value(&mut self, node: Option<u32>, route: Route) -> Result<(), Bail> {
        let layout = self.layout;
        let b = self.peek()?;
        let Some(n) = node else {
            return self.skip();
        };
        let nd = &layout.nodes[n as usize];
        let leaf = !nd.slots.is_empty() || nd.event_id;
        match b {
            b'{' if leaf => Err(Bail),
            b'{' => self.object(Some(n), route),
            b'[' => self.array(Some(n)),
            b'n' => self.literal(b"null"),
            _ if !leaf => Err(Bail),
            b'"' => {
                let (s, e, esc) = self.string()?;
                let text: Cow<'a, str> = if esc {
                    Cow::Owned(serde_json::from_str(&self.text[s - 1..=e]).map_err(|_| Bail)?)
                } else {
                    Cow::Borrowed(&self.text[s..e])
                };
                for &slot in &nd.slots {
                    let sl = &layout.slots[slot as usize];
                    let v = if sl.plain_keyword {
                        plain_keyword(&sl.mapping, text.clone())
                    } else {
                        from_str(&sl.mapping, text.clone())?
                    };
                    if let Some(v) = v {
                        self.pending.values[slot as usize].push(v);
                    }
                }
                self.id(nd.event_id, route, text);
                Ok(())
            }
            b't' | b'f' => {
                let v = b == b't';
                self.literal(if v { b"true" } else { b"false" })?;
                for &slot in &nd.slots {
                    let f = &layout.slots[slot as usize].mapping;
                    if let Some(v) = from_bool(f, v)? {
                        self.pending.values[slot as usize].push(v);
                    }
                }
                if nd.event_id && matches!(route, Route::IdNested | Route::IdDotted) {
                    // ingest's `event_id` reads only strings and numbers.
                    return Err(Bail);
                }
                Ok(())
            }
            _ => {
                let token = self.number()?;
                for &slot in &nd.slots {
                    let f = &layout.slots[slot as usize].mapping;
                    if let Some(v) = from_number(f, token)? {
                        self.pending.values[slot as usize].push(v);
                    }
                }
                if nd.event_id && matches!(route, Route::IdNested | Route::IdDotted) {
                    // serde_json re-prints numbers; only plain non-negative integers are kept as is.
                    if token.len() > 18 || !token.bytes().all(|b| b.is_ascii_digit()) {
                        return Err(Bail);
                    }
                    self.id(true, route, Cow::Borrowed(token));
                }
                Ok(())
            }
        }
    }

    /// Validates and skips one value the layout does not read (at its first byte), without
    /// recursion: `stack` holds one bit per open container (1: object), at most `MAX_DEPTH` deep.
    fn skip(&mut self) -> Result<(), Bail> {
        if let Some(ix) = self.index.filter(|ix| ix.proven()) {
            // A proven line: the value is valid, jump to its end.
            self.i = ix.value_end(self.s, self.i).ok_or(Bail)?;
            return Ok(());
        }
        let mut stack: u128 = 0;
        let mut open = 0u32;
        loop {
            // A value starts here.
            match self.peek()? {
                b'"' => {
                    self.string()?;
                }
                b'{' | b'[' => {
                    let object = self.s[self.i] == b'{';
                    self.enter()?;
                    open += 1;
                    stack = (stack << 1) | u128::from(object);
                    self.i += 1;
                    self.ws();
                    let end = if object { b'}' } else { b']' };
                    if self.peek()? == end {
                        self.i += 1;
                        self.depth -= 1;
                        open -= 1;
                        stack >>= 1;
                    } else {
                        if object {
                            self.key()?;
                        }
                        continue;
                    }
                }
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                _ => {
                    self.number()?;
                }
            }
            // After a value: close containers until a comma starts the next value.
            loop {
                if open == 0 {
                    return Ok(());
                }
                self.ws();
                let object = stack & 1 == 1;
                match self.peek()? {
                    b',' => {
                        self.i += 1;
                        self.ws();
                        if object {
                            self.key()?;
                        }
                        break;
                    }
                    b'}' if object => {}
                    b']' if !object => {}
                    _ => return Err(Bail),
                }
                self.i += 1;
                self.depth -= 1;
                open -= 1;
                stack >>= 1;
            }
        }
    }

    /// A key and its colon inside an object being skipped; leaves the walker at the value.
    #[inline]
    fn key(&mut self) -> Result<(), Bail> {
        if self.peek()? != b'"' {
            return Err(Bail);
        }
        self.string()?;
        self.expect(b':')?;
        self.ws();
        Ok(())
    }

    fn id(&mut self, is_id: bool, route: Route, text: Cow<'a, str>) {
        if !is_id {
            return;
        }
        match route {
            Route::IdNested => self.pending.id_nested = Some(text),
            Route::IdDotted => self.pending.id_dotted = Some(text),
            _ => {}
        }
    }

    /// An array: its elements are values of the same field (route is lost: `_id` reads no arrays).
    fn array(&mut self, node: Option<u32>) -> Result<(), Bail> {
        self.enter()?;
        self.i += 1;
        self.ws();
        if self.peek()? == b']' {
            self.i += 1;
            self.depth -= 1;
            return Ok(());
        }
        loop {
            self.ws();
            self.value(node, Route::Other)?;
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    break;
                }
                _ => return Err(Bail),
            }
        }
        self.depth -= 1;
        Ok(())
    }
}

/// `key` (a slice of `line`) holds a `.`: 8 bytes at a time, keys of up to 16 bytes without a
/// loop (keys are short; a byte loop's exit mispredicts).
#[inline]
fn has_dot(line: &[u8], key: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES << 7;
    const DOTS: u64 = ONES * b'.' as u64;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGH != 0;
    // Bytes past the first `n` of a word are made non-dots (and non-zero after the XOR).
    let past = |n: usize| match n {
        0 => !0u64,
        1..=7 => !0u64 << (n * 8),
        _ => 0,
    };
    let word = |b: &[u8]| {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(b);
        u64::from_le_bytes(bytes)
    };
    if key.len() <= 16 && line.as_ptr_range().contains(&key.as_ptr()) {
        let start = key.as_ptr() as usize - line.as_ptr() as usize;
        if let Some(w) = line.get(start..start + 16) {
            let (lo, hi) = (word(&w[..8]), word(&w[8..]));
            let n = key.len();
            return zero_byte((lo ^ DOTS) | past(n))
                || zero_byte((hi ^ DOTS) | past(n.saturating_sub(8)));
        }
    }
    key.contains(&b'.')
}

#[cfg(test)]
mod tests {
    use super::has_dot;

    #[test]
    fn has_dot_equals_contains() {
        let line = b"{\"a.b\":1,\"abcdefgh\":2,\"abcdefg.\":3,\".\":4,\"\":5,\"process.parent.name\":6,\"x\":7}";
        for start in 0..line.len() {
            for end in start..=line.len() {
                let key = &line[start..end];
                assert_eq!(has_dot(line, key), key.contains(&b'.'), "{start}..{end}");
            }
        }
        assert!(has_dot(b"a.", b"a."));
        assert!(!has_dot(b"zz", b"ab"));
    }
}
