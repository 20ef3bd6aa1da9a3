//! A structural proof that one compact NDJSON line is a valid JSON object, from the bit masks of
//! [`super::json_index`], so the extracting walker can jump over the values a query does not read
//! (a string to its closing quote, a container to its matching bracket) instead of tokenizing them.
//!
//! The proof covers *compact* lines: no whitespace outside strings, no backslash and no control
//! character anywhere (the index already refuses those), quotes paired. Such a line is a sequence of
//! tokens with nothing between them — `{ } [ ] : ,`, strings, and scalar runs (maximal runs of the
//! other bytes outside strings) — so the JSON grammar becomes rules on *adjacent bytes*:
//! - brackets (a scalar loop over the bracket bits, ~1 in 80 bytes of Elastic Defend documents):
//!   matched with their type on a stack of at most [`MAX_DEPTH`]; an opener follows `[`, `:` or `,`
//!   (or starts the line); `{` is followed by `"` or `}`; `[` by a value or `]`; a closer follows
//!   neither `,` nor `:` and is followed by `,`, `}` or `]`, or ends the line when it closes the root;
//! - 64 bytes at a time: after `:` and `,` a value starts; after a string `:`, `,` or a bracket; after a
//!   scalar `,` or a bracket; a string is a key (followed by `:`) exactly when it opens after `{` or
//!   after a `,` of an object — the container kind at each byte comes from the bracket loop (one flip
//!   bit per bracket that changes it, prefix-XORed), and a mark on an opening quote reaches its closing
//!   quote by a carry through the string's bits; a `,` of an object is followed by a string;
//! - each scalar run is `true`, `false`, `null` or a number in RFC 8259 form without exponent and at
//!   most 300 bytes (the walker leaves exponents and long numbers to serde_json: some are out of range).
//!
//! Oracle twin: `serde_json::from_str` (and the token-by-token walker of [`super::json_scan`]).
//! Invariant: `check` returns `true` only for lines serde_json parses as an object and the walker's
//! validating skip accepts (same depth limit, same number rules); lines it refuses are walked token by
//! token as before, so a refusal costs time, never a result.

use super::json_index::prefix_xor;

/// Deepest nesting accepted (the walker's limit; the root object is level 1).
pub const MAX_DEPTH: usize = 100;

/// The masks of one 64-byte word of the line, outside strings unless said (bits past the line's end
/// are zero).
#[derive(Debug, Clone, Copy, Default)]
pub struct Word {
    /// Quotes (all of them).
    pub quote: u64,
    /// Inside a string: its opening quote and content (not its closing quote).
    pub string: u64,
    /// Bracket-class bytes: `{ } [ ]`, and `Y _ y` DEL, which share their class bits.
    pub bracket: u64,
    /// Colons.
    pub colon: u64,
    /// Commas.
    pub comma: u64,
    /// Other bytes (scalar runs).
    pub scalar: u64,
}

/// Bracket kinds, indexing the neighbour tables.
const OBJ_OPEN: u8 = 0;
const ARR_OPEN: u8 = 1;
const OBJ_CLOSE: u8 = 2;
const ARR_CLOSE: u8 = 3;
const NOT_BRACKET: u8 = 4;

/// Per byte: its bracket kind.
static KIND: [u8; 256] = {
    let mut t = [NOT_BRACKET; 256];
    t[b'{' as usize] = OBJ_OPEN;
    t[b'[' as usize] = ARR_OPEN;
    t[b'}' as usize] = OBJ_CLOSE;
    t[b']' as usize] = ARR_CLOSE;
    t
};

/// Per byte: the bracket kinds (bits) it may precede (the line's start counts as `[`).
static PREV_OK: [u8; 256] = {
    let mut t = [0b1100u8; 256];
    t[b'[' as usize] = 0b1111;
    t[b':' as usize] = 0b0011;
    t[b',' as usize] = 0b0011;
    t
};

/// Per byte: the bracket kinds (bits) it may follow (0 stands for the line's end).
static NEXT_OK: [u8; 256] = {
    let mut t = [0b0010u8; 256];
    t[0] = 0b1100;
    t[b',' as usize] = 0b1100;
    t[b':' as usize] = 0;
    t[b'}' as usize] = 0b1101;
    t[b']' as usize] = 0b1110;
    t[b'"' as usize] = 0b0011;
    t
};

/// The proof of one line, fed a word at a time ([`Prover::word`]), and its result: where each
/// container closes.
#[derive(Debug)]
pub struct Prover {
    /// Per word: bracket-class bits.
    brackets: Vec<u64>,
    /// Per word: brackets in the words before it.
    before: Vec<u32>,
    /// Per bracket, in line order: for an opener, the position of its matching closer.
    closes: Vec<u32>,
    /// Open containers: their bracket ordinals.
    ordinals: [u32; 128],
    /// Open containers' kinds (1: object), by depth.
    kinds: [u8; 128],
    /// The innermost open container is an object.
    object: u64,
    depth: i32,
    /// Any rule broken so far.
    bad: bool,
    /// The previous word, for the one-byte shift across word boundaries.
    prev: Word,
    prev_object: u64,
    prev_object_comma: u64,
    prev_before_key: u64,
    prev_key: u64,
    prev_value: u64,
    /// Carry of the key marks through strings.
    carry: bool,
}

impl Default for Prover {
    fn default() -> Prover {
        Prover {
            brackets: Vec::new(),
            before: Vec::new(),
            closes: Vec::new(),
            ordinals: [0; 128],
            kinds: [0; 128],
            object: 0,
            depth: 0,
            bad: false,
            prev: Word::default(),
            prev_object: 0,
            prev_object_comma: 0,
            prev_before_key: 0,
            prev_key: 0,
            prev_value: 0,
            carry: false,
        }
    }
}

/// Bits of `x` moved one byte forward, with the top bit of the previous word's `prev` coming in.
#[inline]
fn after(x: u64, prev: u64) -> u64 {
    (x << 1) | (prev >> 63)
}

impl Prover {
    /// Starts the proof of `s`; `false` when it cannot be an object line.
    pub fn start(&mut self, s: &[u8]) -> bool {
        self.brackets.clear();
        self.before.clear();
        self.closes.clear();
        self.kinds[127] = 0;
        self.object = 0;
        self.depth = 0;
        self.bad = false;
        self.prev = Word::default();
        self.prev_object = 0;
        self.prev_object_comma = 0;
        self.prev_before_key = 0;
        self.prev_key = 0;
        self.prev_value = 0;
        self.carry = false;
        s.len() >= 2 && s[0] == b'{' && s[s.len() - 1] == b'}'
    }

    /// Checks word `w` of `s`; `false` as soon as a rule is broken.
    #[inline]
    pub fn word(&mut self, s: &[u8], w: usize, word: &Word) -> bool {
        let flips = self.brackets_of(s, w, word.bracket);
        self.adjacency(word, flips);
        self.bad |= !scalars(s, w, word.scalar, self.prev.scalar);
        self.prev = *word;
        !self.bad
    }

    /// The proof's verdict after the last word.
    pub fn finish(&self) -> bool {
        !self.bad && self.depth == 0
    }

    /// The matching closer of the opener at `open` (only after a successful proof).
    #[inline]
    pub fn close_of(&self, open: usize) -> Option<usize> {
        let w = open / 64;
        let below = self.brackets.get(w)? & ((1u64 << (open % 64)) - 1);
        let k = *self.before.get(w)? as usize + below.count_ones() as usize;
        self.closes.get(k).map(|&c| c as usize)
    }

    /// The brackets of one word, without data-dependent branches: types matched on the stack,
    /// neighbours checked by table, closers recorded; returns the bits where the kind changes.
    #[inline]
    fn brackets_of(&mut self, s: &[u8], w: usize, mut bits: u64) -> u64 {
        self.brackets.push(bits);
        self.before.push(self.closes.len() as u32);
        let last = s.len() - 1;
        let mut flips = 0u64;
        // The root's opener (byte 0) and closer (the last byte) are handled outside the loop, so
        // every other bracket has a byte on each side and stays inside the root.
        if w == 0 {
            self.bad |= bits & 1 == 0 || !matches!(s[1], b'"' | b'}');
            bits &= !1;
            self.closes.push(0);
            self.kinds[0] = 1;
            self.ordinals[0] = 0;
            self.depth = 1;
            self.object = 1;
            flips |= 1;
        }
        let root_close = (last / 64 == w).then_some(last % 64);
        if let Some(bit) = root_close {
            self.bad |= bits >> bit & 1 == 0;
            bits &= !(1 << bit);
        }
        let (ordinals, kinds, closes) = (&mut self.ordinals, &mut self.kinds, &mut self.closes);
        let mut depth = self.depth;
        let mut object = self.object;
        let mut bad = false;
        while bits != 0 {
            let bit = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            let p = w * 64 + bit;
            let kind = KIND[usize::from(s[p])];
            let (prev, next) = (s[p - 1], s[p + 1]);
            bad |= (PREV_OK[usize::from(prev)] & NEXT_OK[usize::from(next)]) >> kind & 1 == 0;
            let open = kind < OBJ_CLOSE;
            let is_object = u8::from(kind & 1 == 0);
            // One slot of the stack is read and written whatever the kind (no data-dependent
            // branch): an opener's own slot, or the slot a closer pops.
            let slot = (if open { depth } else { depth - 1 } & 127) as usize;
            let ordinal = closes.len() as u32;
            let (popped_kind, popped) = (kinds[slot], ordinals[slot]);
            closes.push(p as u32);
            let target = if open { ordinal } else { popped } as usize;
            if let Some(c) = closes.get_mut(target) {
                *c = p as u32;
            }
            bad |= !open & (popped_kind != is_object);
            kinds[slot] = is_object;
            ordinals[slot] = ordinal;
            depth += if open { 1 } else { -1 };
            // Still inside the root, at most MAX_DEPTH deep.
            bad |= (depth - 1) as u32 >= MAX_DEPTH as u32;
            let now = u64::from(if open {
                is_object
            } else {
                kinds[((depth - 1) & 127) as usize]
            });
            flips |= (now ^ object) << bit;
            object = now;
        }
        if let Some(bit) = root_close {
            bad |= depth != 1 || matches!(s[last - 1], b',' | b':');
            closes.push(last as u32);
            closes[0] = last as u32;
            depth = 0;
            flips |= object << bit;
            object = 0;
        }
        self.depth = depth;
        self.object = object;
        self.bad |= bad;
        flips
    }

    /// The neighbour rules of colons, commas, strings and scalars of one word.
    #[inline]
    fn adjacency(&mut self, word: &Word, flips: u64) {
        let prev = self.prev;
        let opening = word.quote & word.string;
        let closing = word.quote & !word.string;
        let prev_closing = prev.quote & !prev.string;
        let object = prefix_xor(flips) ^ 0u64.wrapping_sub(self.prev_object >> 63);
        let value_start = opening | word.scalar | word.bracket;
        let mut bad = after(word.colon, prev.colon) & !value_start;
        bad |= after(word.comma, prev.comma) & !value_start;
        bad |= after(closing, prev_closing) & !(word.colon | word.comma | word.bracket);
        bad |= after(word.scalar, prev.scalar) & !word.scalar & !(word.comma | word.bracket);
        let object_comma = word.comma & object;
        bad |= after(object_comma, self.prev_object_comma) & !opening;
        // Keys: strings opened after `{` or after an object's `,` (not after `:`); the mark on the
        // opening quote is carried through the string's bits to its closing quote.
        let before_key = object & !word.colon;
        let marks = opening & after(before_key, self.prev_before_key);
        let (sum, c1) = word.string.overflowing_add(marks);
        let (sum, c2) = sum.overflowing_add(u64::from(self.carry));
        self.carry = c1 || c2;
        let key = sum & closing;
        let value = closing & !key;
        bad |= after(key, self.prev_key) & !word.colon;
        bad |= after(value, self.prev_value) & word.colon;
        self.bad |= bad != 0;
        self.prev_object = object;
        self.prev_object_comma = object_comma;
        self.prev_before_key = before_key;
        self.prev_key = key;
        self.prev_value = value;
    }
}

/// The scalar runs starting in word `w`: each is a literal or a number the walker accepts, and
/// ends at `,` or a closer.
#[inline]
fn scalars(s: &[u8], w: usize, scalar: u64, prev_scalar: u64) -> bool {
    let mut starts = scalar & !after(scalar, prev_scalar);
    while starts != 0 {
        let p = w * 64 + starts.trailing_zeros() as usize;
        starts &= starts - 1;
        let end = match s[p] {
            b't' if s[p..].starts_with(b"true") => p + 4,
            b'f' if s[p..].starts_with(b"false") => p + 5,
            b'n' if s[p..].starts_with(b"null") => p + 4,
            _ => match number_end(s, p) {
                Some(e) => e,
                None => return false,
            },
        };
        if !matches!(s.get(end), Some(b',' | b'}' | b']')) {
            return false;
        }
    }
    true
}

/// The end of the number at `p` (`-`? int frac?), `None` if it is not one the walker accepts.
fn number_end(s: &[u8], p: usize) -> Option<usize> {
    let digits = |mut i: usize| {
        while s.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let mut i = p + usize::from(s.get(p) == Some(&b'-'));
    i = match s.get(i)? {
        b'0' => i + 1,
        b'1'..=b'9' => digits(i + 1),
        _ => return None,
    };
    if s.get(i) == Some(&b'.') {
        let d = digits(i + 1);
        if d == i + 1 {
            return None;
        }
        i = d;
    }
    if matches!(s.get(i), Some(b'e' | b'E')) || i - p > 300 {
        return None;
    }
    Some(i)
}
