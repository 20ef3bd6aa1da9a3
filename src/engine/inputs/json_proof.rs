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

/// The masks of one 64-byte word of a line that the proof reads, as classified (inside strings
/// too; bits past the line's end are zero).
#[derive(Debug, Clone, Copy, Default)]
pub struct Masks {
    /// Bracket-class bytes: `{ } [ ]`, and `Y _ y` DEL, which share their class bits.
    pub bracket: u64,
    /// Colons.
    pub colon: u64,
    /// Commas.
    pub comma: u64,
}

/// Lines this long or longer are not proven (a position must fit in 30 bits of a stack entry).
pub const MAX_PROVEN_LEN: usize = 1 << 29;

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

/// The proof of one line ([`Prover::prove`]) and its result: where each container closes.
#[derive(Debug)]
pub struct Prover {
    /// Per byte position of the line: for an opener, the position of its matching closer (other
    /// positions hold stale or meaningless values; the buffer only grows, and is not cleared).
    closes: Vec<u32>,
    /// Open containers by depth: their position << 2 | the kind of the container around them << 1
    /// | their kind (1: object).
    stack: [u32; 128],
}

impl Default for Prover {
    fn default() -> Prover {
        Prover {
            closes: Vec::new(),
            stack: [0; 128],
        }
    }
}

/// Bits of `x` moved one byte forward, with the top bit of the previous word's `prev` coming in.
#[inline]
fn after(x: u64, prev: u64) -> u64 {
    (x << 1) | (prev >> 63)
}

/// The state the rules carry from one word to the next.
#[derive(Debug, Clone, Copy, Default)]
struct Carry {
    colon: u64,
    comma: u64,
    closing: u64,
    scalar: u64,
    object: u64,
    object_comma: u64,
    before_key: u64,
    key: u64,
    value: u64,
    /// Carry of the key marks through strings.
    mark: bool,
}

impl Prover {
    /// Proves `s` (the line, without its newline) from its quote masks and [`Masks`], one per
    /// 64-byte word: `true` when it is a valid compact JSON object (see the module doc); the
    /// matching closers are then known ([`Prover::close_of`]).
    #[inline(always)]
    pub fn prove(&mut self, s: &[u8], quotes: &[u64], masks: &[Masks]) -> bool {
        // Positions are kept in 30 bits of a stack entry: longer lines are not proven.
        if s.len() < 2
            || s.len() >= MAX_PROVEN_LEN
            || s[0] != b'{'
            || s[s.len() - 1] != b'}'
            || quotes.len() != masks.len()
        {
            return false;
        }
        // Room for a closer per byte position (written by position: no growth checks in the loop).
        if self.closes.len() < s.len() {
            self.closes.resize(s.len(), 0);
        }
        let last = s.len() - 1;
        let (last_word, last_bit) = (last / 64, last % 64);
        let mut in_string = 0u64;
        let mut prev = Carry::default();
        let mut depth = 0i32;
        // The innermost open container is an object (1) or not (0).
        let mut object = 0u32;
        for (w, (&quote, m)) in quotes.iter().zip(masks).enumerate() {
            // Inside a string: its opening quote and content (an odd number of quotes so far).
            let string = prefix_xor(quote) ^ in_string;
            in_string = 0u64.wrapping_sub(string >> 63);
            let valid = if w == last_word {
                !0u64 >> (63 - last_bit)
            } else {
                !0
            };
            let outside = !(string | quote) & valid;
            let (bracket, colon, comma) =
                (m.bracket & outside, m.colon & outside, m.comma & outside);
            let scalar = outside & !(bracket | colon | comma);
            let mut bad = 0u64;

            // Brackets, without data-dependent branches: types matched on the stack, neighbours
            // checked by table, closers recorded, and the bits where the container kind changes.
            let mut bits = bracket;
            let mut flips = 0u64;
            // The root's opener (byte 0) and closer (the last byte) are handled outside the loop,
            // so every other bracket has a byte on each side and stays inside the root.
            if w == 0 {
                bad |= u64::from(bits & 1 == 0 || !matches!(s[1], b'"' | b'}'));
                bits &= !1;
                // The root: position 0, inside nothing, an object.
                self.stack[0] = 1;
                depth = 1;
                object = 1;
                flips |= 1;
            }
            if w == last_word {
                bad |= !bits >> last_bit & 1;
                bits &= !(1u64 << last_bit);
            }
            let stack = &mut self.stack;
            let closes = &mut self.closes;
            while bits != 0 {
                let bit = bits.trailing_zeros();
                bits &= bits - 1;
                let p = w * 64 + bit as usize;
                let Some(&[before, b, next]) = s.get(p.wrapping_sub(1)..p + 2) else {
                    bad = 1;
                    break;
                };
                let kind = KIND[usize::from(b)];
                bad |= u64::from(
                    (PREV_OK[usize::from(before)] & NEXT_OK[usize::from(next)]) >> kind & 1 == 0,
                );
                let open = kind < OBJ_CLOSE;
                let is_object = u32::from(kind & 1 == 0);
                // One slot of the stack is read and written whatever the kind (no data-dependent
                // branch): an opener's own slot, or the slot a closer pops.
                let slot = (if open { depth } else { depth - 1 } & 127) as usize;
                let entry = stack[slot];
                // An opener writes its own slot (overwritten by its closer); a closer its opener's.
                let target = if open { p } else { (entry >> 2) as usize };
                if let Some(c) = closes.get_mut(target) {
                    *c = p as u32;
                }
                bad |= u64::from(!open & (entry & 1 != is_object));
                stack[slot] = if open {
                    (p as u32) << 2 | object << 1 | is_object
                } else {
                    entry
                };
                depth += if open { 1 } else { -1 };
                // Still inside the root, at most MAX_DEPTH deep.
                bad |= u64::from((depth - 1) as u32 >= MAX_DEPTH as u32);
                let now = if open { is_object } else { entry >> 1 & 1 };
                flips |= u64::from(now ^ object) << bit;
                object = now;
            }
            if w == last_word {
                bad |= u64::from(depth != 1 || matches!(s[last - 1], b',' | b':'));
                closes[0] = last as u32;
                depth = 0;
                flips |= u64::from(object) << last_bit;
                object = 0;
            }

            // The neighbour rules of colons, commas, strings and scalars.
            let opening = quote & string;
            let closing = quote & !string;
            let in_object = prefix_xor(flips) ^ 0u64.wrapping_sub(prev.object >> 63);
            let value_start = opening | scalar | bracket;
            bad |= after(colon, prev.colon) & !value_start;
            bad |= after(comma, prev.comma) & !value_start;
            bad |= after(closing, prev.closing) & !(colon | comma | bracket);
            bad |= after(scalar, prev.scalar) & !scalar & !(comma | bracket);
            let object_comma = comma & in_object;
            bad |= after(object_comma, prev.object_comma) & !opening;
            // Keys: strings opened after `{` or after an object's `,` (not after `:`); the mark
            // on the opening quote is carried through the string's bits to its closing quote.
            let before_key = in_object & !colon;
            let marks = opening & after(before_key, prev.before_key);
            let (sum, c1) = string.overflowing_add(marks);
            let (sum, c2) = sum.overflowing_add(u64::from(prev.mark));
            let key = sum & closing;
            let value = closing & !key;
            bad |= after(key, prev.key) & !colon;
            bad |= after(value, prev.value) & colon;
            if bad != 0 || !scalars(s, w, scalar, prev.scalar) {
                return false;
            }
            prev = Carry {
                colon,
                comma,
                closing,
                scalar,
                object: in_object,
                object_comma,
                before_key,
                key,
                value,
                mark: c1 || c2,
            };
        }
        in_string == 0 && depth == 0
    }

    /// The matching closer of the opener at `open` (only after a successful proof, and only for
    /// the position of an opener outside strings: other positions give meaningless values).
    #[inline]
    pub fn close_of(&self, open: usize) -> Option<usize> {
        self.closes.get(open).map(|&c| c as usize)
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
