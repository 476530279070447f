//! A small, strict JSON reader for the two objects of a JWS: the header,
//! read whole, and the claims, which [`one_pass`](super::one_pass) deserializes with it
//! in one pass (or, when that pass fails, whose top level is read for the
//! registered claims before `serde_json` deserializes the claims type).
//!
//! It accepts exactly RFC 8259 JSON (no trailing commas, no comments, no
//! leading zeros, no control characters in strings, no lone surrogates),
//! nested at most [`MAX_DEPTH`] deep, and never panics: every index is
//! checked. Two limits of its own, wherever the value is, read or skipped:
//!
//! * an object with two members of the same name, compared after
//!   unescaping (`"\u0061lg"` is `alg`), is refused ([`Names`]): RFC 7515
//!   §5.2 and RFC 7519 §4 let a JOSE parser either refuse duplicates or keep
//!   the last one, and two parsers that pick differently read two different
//!   tokens from the same bytes;
//! * a number that a double cannot hold (`1e309`) is refused, as
//!   `serde_json` refuses it ([`float`]).

use std::{borrow::Cow, collections::HashSet};

/// How deep arrays and objects may nest (`serde_json` allows 128).
pub(crate) const MAX_DEPTH: u32 = 64;

/// Not JSON, or not the JSON expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Invalid;

type Result<T> = std::result::Result<T, Invalid>;

/// A string as it appears between its quotes, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawStr<'a> {
    raw: &'a [u8],
    escaped: bool,
    /// Where `raw` starts in the JSON text.
    start: usize,
}

impl<'a> RawStr<'a> {
    /// The string's value, borrowed unless it has escapes.
    pub(crate) fn decode(self) -> Result<Cow<'a, str>> {
        if !self.escaped {
            return std::str::from_utf8(self.raw).map(Cow::Borrowed).map_err(|_| Invalid);
        }
        let mut out = String::with_capacity(self.raw.len());
        let mut rest = self.raw;
        while let Some(index) = rest.iter().position(|byte| *byte == b'\\') {
            out.push_str(std::str::from_utf8(&rest[..index]).map_err(|_| Invalid)?);
            let (decoded, used) = unescape(&rest[index..])?;
            out.push(decoded);
            rest = &rest[index + used..];
        }
        out.push_str(std::str::from_utf8(rest).map_err(|_| Invalid)?);
        Ok(Cow::Owned(out))
    }

    /// The string's value, borrowed from `text` (the JSON text it was read
    /// from, known to be UTF-8) unless it has escapes: no second UTF-8 check.
    #[inline]
    pub(crate) fn decode_in(self, text: &'a str) -> Result<Cow<'a, str>> {
        if self.escaped {
            return self.decode();
        }
        match text.get(self.start..self.start + self.raw.len()) {
            Some(value) if value.as_ptr() == self.raw.as_ptr() => Ok(Cow::Borrowed(value)),
            _ => self.decode(),
        }
    }

    /// Whether the string has escape sequences.
    pub(crate) fn escaped(self) -> bool {
        self.escaped
    }

    /// The string as written, escapes and all.
    pub(crate) fn raw(self) -> &'a [u8] {
        self.raw
    }

    /// Whether the string's value is `expected`.
    pub(crate) fn is(self, expected: &str) -> bool {
        if self.escaped { self.decode().is_ok_and(|value| value == expected) } else { self.raw == expected.as_bytes() }
    }
}

/// The bytes of a validated string's value: its raw bytes with each escape
/// sequence replaced by the UTF-8 of its character, without allocating.
struct Decoded<'a> {
    rest: &'a [u8],
    /// The UTF-8 of the last escaped character, `pending[at..len]` still to give.
    pending: [u8; 4],
    at: u8,
    len: u8,
}

impl<'a> Decoded<'a> {
    fn new(raw: &'a [u8]) -> Self {
        Self { rest: raw, pending: [0; 4], at: 0, len: 0 }
    }
}

impl Iterator for Decoded<'_> {
    type Item = u8;

    #[inline]
    fn next(&mut self) -> Option<u8> {
        if self.at < self.len {
            let byte = self.pending.get(usize::from(self.at)).copied();
            self.at += 1;
            return byte;
        }
        let (&first, tail) = self.rest.split_first()?;
        if first != b'\\' {
            self.rest = tail;
            return Some(first);
        }
        // The string was validated: its escapes decode (an error ends it).
        let (character, used) = unescape(self.rest).ok()?;
        self.rest = self.rest.get(used..).unwrap_or_default();
        let encoded = character.encode_utf8(&mut self.pending).len();
        // At most 4.
        #[allow(clippy::cast_possible_truncation)]
        let len = encoded as u8;
        self.len = len;
        self.at = 1;
        self.pending.first().copied()
    }
}

/// How many member names an object keeps in [`Names`] before it switches to
/// a hash set (so that an object of thousands of members costs no more
/// than linear time).
const SMALL_OBJECT: usize = 16;

/// The names of the members of one object read so far, to refuse a second
/// member of the same name (compared decoded: `"\u0061"` is `"a"`).
///
/// Up to [`SMALL_OBJECT`] names are kept on the stack, as written, each
/// with a key: the first 8 bytes of its value (decoded), zero-padded. Two
/// names of different keys differ; only names of the same key (the same
/// name, or names that share their first 8 bytes) are compared in full:
/// raw bytes when neither has escapes, decoded byte by byte (no
/// allocation) when one has. Past that many names, a hash set of the
/// decoded names (std's, randomly keyed) takes over.
pub(crate) struct Names<'a> {
    keys: [u64; SMALL_OBJECT],
    small: [&'a [u8]; SMALL_OBJECT],
    /// Bit `i` is set when `small[i]` has escapes.
    escaped: u16,
    len: usize,
    large: Option<HashSet<Cow<'a, [u8]>>>,
}

/// The first 8 bytes of `bytes`, zero-padded, as a `u64`.
#[inline]
fn key(bytes: impl Iterator<Item = u8>) -> u64 {
    bytes.take(8).enumerate().fold(0, |key, (index, byte)| key | u64::from(byte) << (8 * index))
}

/// [`key`] of the bytes of `raw`, with two loads and no loop when it is
/// short (the overlapping loads put the same bytes at the same places).
#[inline(always)]
fn raw_key(raw: &[u8]) -> u64 {
    let len = raw.len();
    let byte = |index: usize| u64::from(raw.get(index).copied().unwrap_or_default()) << (8 * index);
    let word =
        |at: usize| u64::from(raw.get(at..at + 4).and_then(|four| four.try_into().ok()).map_or(0, u32::from_le_bytes));
    match len {
        0 => 0,
        1..=3 => byte(0) | byte(len / 2) | byte(len - 1),
        4..=7 => word(0) | word(len - 4) << (8 * (len - 4)),
        _ => raw.first_chunk::<8>().map_or(0, |first| u64::from_le_bytes(*first)),
    }
}

impl<'a> Names<'a> {
    #[inline]
    pub(crate) fn new() -> Self {
        Self { keys: [0; SMALL_OBJECT], small: [&[]; SMALL_OBJECT], escaped: 0, len: 0, large: None }
    }

    /// Adds the name of the next member, refused if an earlier member had
    /// the same.
    #[inline(always)]
    pub(crate) fn insert(&mut self, name: RawStr<'a>) -> Result<()> {
        if self.large.is_some() || self.len == SMALL_OBJECT {
            return self.insert_large(name);
        }
        let new_key = if name.escaped { key(Decoded::new(name.raw)) } else { raw_key(name.raw) };
        let seen = self.keys.get(..self.len).unwrap_or_default();
        if seen.contains(&new_key) && self.has(name, new_key) {
            return Err(Invalid);
        }
        if let (Some(key), Some(slot)) = (self.keys.get_mut(self.len), self.small.get_mut(self.len)) {
            *key = new_key;
            *slot = name.raw;
        }
        if name.escaped {
            self.escaped |= 1 << self.len;
        }
        self.len += 1;
        Ok(())
    }

    /// Whether a name of key `key` kept on the stack is `name`.
    #[cold]
    #[inline(never)]
    fn has(&self, name: RawStr<'a>, key: u64) -> bool {
        self.keys.iter().zip(&self.small).take(self.len).enumerate().any(|(index, (other_key, other))| {
            *other_key == key
                && if name.escaped || self.escaped & (1 << index) != 0 {
                    Decoded::new(name.raw).eq(Decoded::new(other))
                } else {
                    *other == name.raw
                }
        })
    }

    /// [`insert`](Self::insert) past the names kept on the stack.
    #[cold]
    #[inline(never)]
    fn insert_large(&mut self, name: RawStr<'a>) -> Result<()> {
        if self.large.is_none() {
            self.spill();
        }
        let inserted = self.large.as_mut().is_some_and(|large| large.insert(decoded(name.raw, name.escaped)));
        if inserted { Ok(()) } else { Err(Invalid) }
    }

    /// Moves the names kept on the stack to a hash set.
    fn spill(&mut self) {
        let mut large = HashSet::with_capacity(SMALL_OBJECT * 4);
        for (index, raw) in self.small.iter().enumerate() {
            large.insert(decoded(raw, self.escaped & (1 << index) != 0));
        }
        self.large = Some(large);
    }
}

/// The value of a validated string, as bytes, borrowed unless it has escapes.
fn decoded(raw: &[u8], escaped: bool) -> Cow<'_, [u8]> {
    if escaped { Cow::Owned(Decoded::new(raw).collect()) } else { Cow::Borrowed(raw) }
}

/// One escape sequence at the start of `input` (which starts with `\`):
/// the character and the number of bytes read.
fn unescape(input: &[u8]) -> Result<(char, usize)> {
    let simple = match input.get(1) {
        Some(b'"') => '"',
        Some(b'\\') => '\\',
        Some(b'/') => '/',
        Some(b'b') => '\u{8}',
        Some(b'f') => '\u{c}',
        Some(b'n') => '\n',
        Some(b'r') => '\r',
        Some(b't') => '\t',
        Some(b'u') => {
            let first = hex4(input.get(2..6))?;
            if (0xD800..0xDC00).contains(&first) {
                if input.get(6..8) != Some(b"\\u") {
                    return Err(Invalid);
                }
                let second = hex4(input.get(8..12))?;
                if !(0xDC00..0xE000).contains(&second) {
                    return Err(Invalid);
                }
                let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                return char::from_u32(code).map(|c| (c, 12)).ok_or(Invalid);
            }
            return char::from_u32(first).map(|c| (c, 6)).ok_or(Invalid);
        }
        _ => return Err(Invalid),
    };
    Ok((simple, 2))
}

fn hex4(digits: Option<&[u8]>) -> Result<u32> {
    let digits = digits.ok_or(Invalid)?;
    digits.iter().try_fold(0u32, |acc, digit| {
        let value = (*digit as char).to_digit(16).ok_or(Invalid)?;
        Ok(acc * 16 + value)
    })
}

/// The index of the first `"`, `\\` or control character of `bytes` at or
/// after `from` (`bytes.len()` if none), eight bytes at a time.
#[inline]
fn find_special(bytes: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut at = from;
    while let Some(Ok(chunk)) = bytes.get(at..at + 8).map(<[u8; 8]>::try_from) {
        let word = u64::from_le_bytes(chunk);
        let quote = word ^ (ONES * u64::from(b'"'));
        let backslash = word ^ (ONES * u64::from(b'\\'));
        // A zero byte of `quote` or `backslash`, or a byte below 0x20.
        let found = (quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash)
            | (word.wrapping_sub(ONES * 0x20) & !word);
        let found = found & HIGHS;
        if found != 0 {
            // The lowest flagged byte is exact (borrows only run upwards).
            return at + (found.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while let Some(&byte) = bytes.get(at) {
        if byte == b'"' || byte == b'\\' || byte < 0x20 {
            return at;
        }
        at += 1;
    }
    at
}

/// A member's value, validated; containers are kept as their raw text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Value<'a> {
    Str(RawStr<'a>),
    /// The number's text (RFC 8259 grammar).
    Num(&'a [u8]),
    Bool,
    Null,
    /// `[...]`, brackets included.
    Array(&'a [u8]),
    /// `{...}`, braces included.
    Object,
}

/// A number as [`Reader::number_parts`] reads it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Number<'a> {
    /// The number's text (RFC 8259 grammar).
    pub(crate) text: &'a [u8],
    pub(crate) negative: bool,
    /// The magnitude of an integer (no fraction, no exponent) that fits a `u64`.
    pub(crate) magnitude: Option<u64>,
}

/// Which way a `NumericDate` with a fraction becomes whole seconds: the way
/// that never makes a token valid for longer than it says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rounding {
    /// Towards the past, for `exp`.
    Floor,
    /// Towards the future, for `nbf` and `iat`.
    Ceil,
}

/// The largest magnitude of a `NumericDate`: 2^53, beyond which a double
/// no longer holds every whole second (I-JSON, RFC 7493 §2.2).
pub(crate) const MAX_DATE: u64 = 1 << 53;

impl Number<'_> {
    /// The number as a `NumericDate` (RFC 7519 §2: any JSON number), in whole
    /// seconds rounded as `rounding` says.
    ///
    /// An integer is exact; a number with a fraction or an exponent is the
    /// double `serde_json` reads ([`float`]). Refused: a magnitude beyond
    /// [`MAX_DATE`] (`9007199254740993`, `1e300`), and so every number a
    /// double cannot hold.
    #[inline]
    pub(crate) fn date(self, rounding: Rounding) -> Result<i64> {
        if let Some(magnitude) = self.magnitude {
            if magnitude > MAX_DATE {
                return Err(Invalid);
            }
            let magnitude = i64::try_from(magnitude).map_err(|_| Invalid)?;
            return Ok(if self.negative { -magnitude } else { magnitude });
        }
        let value = float(self.text)?;
        // Finite ([`float`]), so the comparison means what it says; 2^53
        // is exact as a double.
        #[allow(clippy::cast_precision_loss)]
        if value.abs() > MAX_DATE as f64 {
            return Err(Invalid);
        }
        let whole = match rounding {
            Rounding::Floor => value.floor(),
            Rounding::Ceil => value.ceil(),
        };
        // Whole and within ±2^53: exact.
        #[allow(clippy::cast_possible_truncation)]
        Ok(whole as i64)
    }
}

/// The number `text` (RFC 8259 grammar) as the `f64` that `serde_json`
/// reads, so that both parsers see the same double, and refuse the same
/// numbers: those a double cannot hold (`1e309`, `-1e309`).
pub(crate) fn float(text: &[u8]) -> Result<f64> {
    let text = std::str::from_utf8(text).map_err(|_| Invalid)?;
    match serde_json::from_str::<f64>(text) {
        Ok(value) if value.is_finite() => Ok(value),
        _ => Err(Invalid),
    }
}

/// A cursor over JSON text; [`one_pass`](super::one_pass) deserializes with it.
pub(crate) struct Reader<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, pos: 0 }
    }

    #[inline]
    pub(crate) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    #[inline]
    pub(crate) fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    #[inline]
    pub(crate) fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    #[inline]
    pub(crate) fn expect(&mut self, byte: u8) -> Result<()> {
        if self.eat(byte) { Ok(()) } else { Err(Invalid) }
    }

    pub(crate) fn literal(&mut self, word: &[u8]) -> Result<()> {
        if self.bytes.get(self.pos..self.pos + word.len()) == Some(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(Invalid)
        }
    }

    /// A string, the opening quote already read.
    #[inline]
    pub(crate) fn string(&mut self) -> Result<RawStr<'a>> {
        let start = self.pos;
        let mut escaped = false;
        loop {
            self.pos = find_special(self.bytes, self.pos);
            match self.peek().ok_or(Invalid)? {
                b'"' => {
                    let raw = self.bytes.get(start..self.pos).ok_or(Invalid)?;
                    self.pos += 1;
                    return Ok(RawStr { raw, escaped, start });
                }
                b'\\' => {
                    let rest = self.bytes.get(self.pos..).ok_or(Invalid)?;
                    let (_, used) = unescape(rest)?;
                    self.pos += used;
                    escaped = true;
                }
                _ => return Err(Invalid),
            }
        }
    }

    /// The run of digits at the cursor: how many, and their value (exact
    /// when there are at most 19 of them). Eight at a time while it can.
    #[inline]
    fn digits(&mut self) -> (usize, u64) {
        const ONES: u64 = 0x0101_0101_0101_0101;
        let start = self.pos;
        let mut value = 0u64;
        while let Some(Ok(chunk)) = self.bytes.get(self.pos..self.pos + 8).map(<[u8; 8]>::try_from) {
            let word = u64::from_le_bytes(chunk);
            // Every byte 0x30..=0x39: high nibble 3, and still 3 after adding 6.
            if word & (0xF0 * ONES) != 0x30 * ONES || word.wrapping_add(0x06 * ONES) & (0xF0 * ONES) != 0x30 * ONES {
                break;
            }
            // Eight digits, first in the low byte: pairs, fours, eight.
            let word = word - 0x30 * ONES;
            let word = (word.wrapping_mul(10) + (word >> 8)) & 0x00FF_00FF_00FF_00FF;
            let word = (word.wrapping_mul(100) + (word >> 16)) & 0x0000_FFFF_0000_FFFF;
            let word = (word.wrapping_mul(10_000) + (word >> 32)) & 0xFFFF_FFFF;
            value = value.wrapping_mul(100_000_000).wrapping_add(word);
            self.pos += 8;
        }
        while let Some(&digit) = self.bytes.get(self.pos) {
            if !digit.is_ascii_digit() {
                break;
            }
            value = value.wrapping_mul(10).wrapping_add(u64::from(digit - b'0'));
            self.pos += 1;
        }
        (self.pos - start, value)
    }

    /// A number (RFC 8259 grammar).
    #[inline]
    pub(crate) fn number(&mut self) -> Result<&'a [u8]> {
        self.number_parts().map(|number| number.text)
    }

    /// A number (RFC 8259 grammar), with its value when it is an integer.
    #[inline]
    pub(crate) fn number_parts(&mut self) -> Result<Number<'a>> {
        let start = self.pos;
        let negative = self.eat(b'-');
        let (count, magnitude) = match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                (1, 0)
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(Invalid),
        };
        let mut integer = true;
        if self.eat(b'.') {
            integer = false;
            if self.digits().0 == 0 {
                return Err(Invalid);
            }
        }
        let exponent = self.eat(b'e') || self.eat(b'E');
        if exponent {
            integer = false;
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            if self.digits().0 == 0 {
                return Err(Invalid);
            }
        }
        let text = self.bytes.get(start..self.pos).ok_or(Invalid)?;
        // Below 10^308 without an exponent: a double holds it.
        if exponent || count > 308 {
            float(text)?;
        }
        let magnitude = match count {
            _ if !integer => None,
            // At most 19 digits: below 10^19 < 2^64, exact.
            ..=19 => Some(magnitude),
            // 20 digits may still fit.
            20 => text.get(usize::from(negative)..).and_then(|digits| {
                digits.iter().try_fold(0u64, |acc, digit| acc.checked_mul(10)?.checked_add(u64::from(digit - b'0')))
            }),
            _ => None,
        };
        Ok(Number { text, negative, magnitude })
    }

    pub(crate) fn value(&mut self, depth: u32) -> Result<Value<'a>> {
        self.skip_ws();
        match self.peek().ok_or(Invalid)? {
            b'"' => {
                self.pos += 1;
                Ok(Value::Str(self.string()?))
            }
            b'-' | b'0'..=b'9' => Ok(Value::Num(self.number()?)),
            b't' => self.literal(b"true").map(|()| Value::Bool),
            b'f' => self.literal(b"false").map(|()| Value::Bool),
            b'n' => self.literal(b"null").map(|()| Value::Null),
            b'[' => {
                let start = self.pos;
                self.skip_container(depth + 1)?;
                Ok(Value::Array(self.bytes.get(start..self.pos).ok_or(Invalid)?))
            }
            b'{' => {
                self.skip_container(depth + 1)?;
                Ok(Value::Object)
            }
            _ => Err(Invalid),
        }
    }

    /// Reads a value of a container at `depth` (validated as [`value`](Self::value)
    /// does, built into nothing).
    pub(crate) fn skip(&mut self, depth: u32) -> Result<()> {
        self.skip_ws();
        match self.peek().ok_or(Invalid)? {
            b'"' => {
                self.pos += 1;
                self.string().map(drop)
            }
            b'-' | b'0'..=b'9' => self.number_parts().map(drop),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'[' | b'{' => self.skip_container(depth + 1),
            _ => Err(Invalid),
        }
    }

    /// Reads the array or object at the cursor, itself at `depth`.
    fn skip_container(&mut self, depth: u32) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(Invalid);
        }
        if self.eat(b'{') {
            return self.skip_members(depth);
        }
        self.expect(b'[')?;
        self.skip_ws();
        if self.eat(b']') {
            return Ok(());
        }
        loop {
            self.skip(depth)?;
            self.skip_ws();
            if self.eat(b']') {
                return Ok(());
            }
            self.expect(b',')?;
        }
    }

    /// Reads the members of an object at `depth`, its `{` read.
    fn skip_members(&mut self, depth: u32) -> Result<()> {
        self.skip_ws();
        if self.eat(b'}') {
            return Ok(());
        }
        let mut names = Names::new();
        loop {
            self.skip_ws();
            self.expect(b'"')?;
            names.insert(self.string()?)?;
            self.skip_ws();
            self.expect(b':')?;
            self.skip(depth)?;
            self.skip_ws();
            if self.eat(b'}') {
                return Ok(());
            }
            self.expect(b',')?;
        }
    }

    fn array(&mut self, depth: u32, mut each: impl FnMut(Value<'a>) -> Result<()>) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(Invalid);
        }
        self.expect(b'[')?;
        self.skip_ws();
        if self.eat(b']') {
            return Ok(());
        }
        loop {
            each(self.value(depth)?)?;
            self.skip_ws();
            if self.eat(b']') {
                return Ok(());
            }
            self.expect(b',')?;
        }
    }

    fn object(&mut self, depth: u32, mut each: impl FnMut(RawStr<'a>, Value<'a>) -> Result<()>) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(Invalid);
        }
        self.expect(b'{')?;
        self.skip_ws();
        if self.eat(b'}') {
            return Ok(());
        }
        let mut names = Names::new();
        loop {
            self.skip_ws();
            self.expect(b'"')?;
            let name = self.string()?;
            names.insert(name)?;
            self.skip_ws();
            self.expect(b':')?;
            let value = self.value(depth)?;
            each(name, value)?;
            self.skip_ws();
            if self.eat(b'}') {
                return Ok(());
            }
            self.expect(b',')?;
        }
    }
}

/// Calls `each` for every member of the JSON object `input` (the whole
/// input: whitespace may surround it, nothing else), in order.
pub(crate) fn for_each_member<'a>(
    input: &'a [u8],
    each: impl FnMut(RawStr<'a>, Value<'a>) -> Result<()>,
) -> Result<()> {
    let mut reader = Reader::new(input);
    reader.skip_ws();
    reader.object(1, each)?;
    reader.skip_ws();
    if reader.pos == input.len() { Ok(()) } else { Err(Invalid) }
}

/// Calls `each` for every element of `array`, the raw text of an array
/// [`Value::Array`] returned (so already validated).
pub(crate) fn for_each_element<'a>(array: &'a [u8], each: impl FnMut(Value<'a>) -> Result<()>) -> Result<()> {
    Reader::new(array).array(1, each)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(input: &str) -> Result<Vec<(String, Value<'_>)>> {
        let mut out = Vec::new();
        for_each_member(input.as_bytes(), |name, value| {
            out.push((name.decode()?.into_owned(), value));
            Ok(())
        })?;
        Ok(out)
    }

    #[test]
    fn reads_members_in_order_with_their_values() {
        let found = members(r#" {"a": "x", "b": -1.5e3, "c": [1, {"d": null}], "e": {}, "f": true} "#).unwrap();
        let names: Vec<_> = found.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c", "e", "f"]);
        assert_eq!(found[1].1, Value::Num(b"-1.5e3"));
        assert_eq!(found[2].1, Value::Array(br#"[1, {"d": null}]"#));
    }

    #[test]
    fn refuses_what_rfc_8259_refuses() {
        for bad in [
            "",
            "[]",
            "{",
            r#"{"a":1,}"#,
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":.5}"#,
            r#"{"a":1e}"#,
            r#"{"a":+1}"#,
            r#"{"a":tru}"#,
            r#"{"a":"\x"}"#,
            "{\"a\":\"\u{1}\"}",
            r#"{"a":"\ud800"}"#,
            r#"{"a":"\udc00"}"#,
            r#"{"a":1} x"#,
            r#"{'a':1}"#,
            r#"{"a" 1}"#,
            r#"{"a":[1 2]}"#,
            r#"{a:1}"#,
        ] {
            assert!(members(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn decodes_escapes_including_surrogate_pairs() {
        let found = members(r#"{"\u0065xp": "a\"b\\c\/d\n\ud83d\ude00"}"#).unwrap();
        assert_eq!(found[0].0, "exp");
        let Value::Str(value) = found[0].1 else { panic!("not a string") };
        assert_eq!(value.decode().unwrap(), "a\"b\\c/d\n\u{1f600}");
        assert!(value.is("a\"b\\c/d\n\u{1f600}"));
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!(r#"{{"a":{}1{}}}"#, "[".repeat(70), "]".repeat(70));
        assert!(members(&deep).is_err());
        let fine = format!(r#"{{"a":{}1{}}}"#, "[".repeat(60), "]".repeat(60));
        assert!(members(&fine).is_ok());
    }

    #[test]
    fn integers_are_read_exactly_at_every_length() {
        let mut value = 0u64;
        for length in 1..=20 {
            value = value * 10 + (length % 10);
            for candidate in [value, 10u64.pow(length as u32 - 1), u64::MAX, u64::MAX - 1] {
                for text in [candidate.to_string(), format!("-{candidate}")] {
                    let number = Reader::new(text.as_bytes()).number_parts().unwrap();
                    assert_eq!(number.text, text.as_bytes());
                    assert_eq!(number.magnitude, Some(candidate), "{text}");
                }
            }
        }
        for text in ["123456789012345678901", "18446744073709551616", "1.0", "12345678e1"] {
            let number = Reader::new(text.as_bytes()).number_parts().unwrap();
            assert_eq!((number.text, number.magnitude), (text.as_bytes(), None), "{text}");
        }
        let number = Reader::new(b"12345678901,").number_parts().unwrap();
        assert_eq!((number.text, number.magnitude), (&b"12345678901"[..], Some(12_345_678_901)));
    }

    fn date(text: &str, rounding: Rounding) -> Result<i64> {
        let mut reader = Reader::new(text.as_bytes());
        let number = reader.number_parts()?;
        assert_eq!(reader.pos, text.len(), "{text}");
        number.date(rounding)
    }

    #[test]
    fn numeric_dates_are_any_json_number_rounded_towards_refusal() {
        for (text, floor, ceil) in [
            ("1690000000", 1_690_000_000, 1_690_000_000),
            ("-5", -5, -5),
            ("-0", 0, 0),
            ("0.0", 0, 0),
            ("4102444800.5", 4_102_444_800, 4_102_444_801),
            ("1690000000.000001", 1_690_000_000, 1_690_000_001),
            ("-1.5", -2, -1),
            ("1.69e9", 1_690_000_000, 1_690_000_000),
            ("1690000000E-1", 169_000_000, 169_000_000),
            // The double nearest these is 0 (and 2^53): no fraction left.
            ("1e-400", 0, 0),
            ("9007199254740991.9", 1 << 53, 1 << 53),
            ("9007199254740992", 1 << 53, 1 << 53),
            ("-9007199254740992", -(1 << 53), -(1 << 53)),
            ("9.007199254740992e15", 1 << 53, 1 << 53),
        ] {
            assert_eq!(date(text, Rounding::Floor), Ok(floor), "{text}");
            assert_eq!(date(text, Rounding::Ceil), Ok(ceil), "{text}");
        }
    }

    #[test]
    fn numeric_dates_beyond_two_to_the_53_are_refused() {
        for text in [
            "9007199254740993",
            "-9007199254740993",
            "18446744073709551615",
            "99999999999999999999",
            "1e16",
            "-1e16",
            "1e300",
            "9007199254740994.0",
        ] {
            assert_eq!(date(text, Rounding::Floor), Err(Invalid), "{text}");
            assert_eq!(date(text, Rounding::Ceil), Err(Invalid), "{text}");
        }
    }

    #[test]
    fn numbers_a_double_cannot_hold_are_refused_wherever_they_are() {
        for text in ["1e309", "-1e309", "1E+400", "2e308", &format!("1{}", "0".repeat(309))] {
            assert_eq!(Reader::new(text.as_bytes()).number_parts().map(|n| n.text), Err(Invalid), "{text}");
            for json in [format!(r#"{{"a":{text}}}"#), format!(r#"{{"a":[{{"b":{text}}}]}}"#)] {
                assert!(members(&json).is_err(), "{json}");
                assert!(Reader::new(json.as_bytes()).skip(0).is_err(), "{json}");
            }
        }
        for text in ["1.7976931348623157e308", "-1.7976931348623157e308", "1e-400", "0e999999999999999999999", "1e308"]
        {
            let number = Reader::new(text.as_bytes()).number_parts().unwrap();
            assert_eq!(number.text, text.as_bytes());
            assert!(members(&format!(r#"{{"a":[{text}]}}"#)).is_ok(), "{text}");
        }
    }

    #[test]
    fn duplicate_member_names_are_refused_at_every_depth() {
        for bad in [
            r#"{"a":1,"a":1}"#,
            r#"{"alg":"none","kid":"k","alg":"HS256"}"#,
            r#"{"a":{"b":1,"b":2}}"#,
            r#"{"a":[1,{"b":1,"c":[],"b":2}]}"#,
            r#"{"a":[[[{"x":{"y":null,"y":null}}]]]}"#,
            r#"{"":1,"":2}"#,
        ] {
            assert!(members(bad).is_err(), "{bad}");
            // Skipped as a value, as the claims reader skips what `C` ignores.
            assert!(Reader::new(bad.as_bytes()).skip(0).is_err(), "{bad}");
            let nested = format!(r#"{{"z":{bad}}}"#);
            assert!(members(&nested).is_err(), "{nested}");
        }
        // The same name in two different objects is no duplicate.
        assert!(members(r#"{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}"#).is_ok());
    }

    #[test]
    fn duplicate_names_are_compared_after_unescaping() {
        for bad in [
            r#"{"alg":"none","\u0061lg":"HS256"}"#,
            r#"{"\u0061lg":"none","alg":"HS256"}"#,
            r#"{"\u0061lg":1,"al\u0067":2}"#,
            r#"{"a/b":1,"a\/b":2}"#,
            r#"{"\u00e9":1,"é":2}"#,
            r#"{"\ud83d\ude00":1,"😀":2}"#,
            r#"{"\n":1,"\u000a":2}"#,
            r#"{"x":{"\"":1,"\u0022":2}}"#,
            r#"{"abcdefghij":1,"abcdefgh\u0069j":2}"#,
            r#"{"https://claims.example/role":1,"https:\/\/claims.example\/role":2}"#,
        ] {
            assert!(members(bad).is_err(), "{bad}");
            assert!(Reader::new(bad.as_bytes()).skip(0).is_err(), "{bad}");
        }
        for fine in [
            r#"{"alg":1,"\u0061lgx":2}"#,
            r#"{"a":1,"\u0041":2}"#,
            r#"{"a\\b":1,"a\/b":2,"a/b\\":3}"#,
            r#"{"\u00e9":1,"e\u0301":2}"#,
            r#"{"a":1,"a\u0000":2,"\u0000a":3,"\u0000":4,"":5}"#,
            r#"{"abcdefgh":1,"abcdefghi":2,"abcdefghj":3,"abcdefgh\u0000":4}"#,
        ] {
            assert!(members(fine).is_ok(), "{fine}");
        }
    }

    #[test]
    fn the_key_of_a_raw_name_is_its_first_eight_bytes() {
        for raw in ["", "a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh", "abcdefghijk"] {
            assert_eq!(raw_key(raw.as_bytes()), key(raw.bytes()), "{raw}");
        }
    }

    #[test]
    fn large_objects_refuse_duplicates_in_linear_time() {
        let names: Vec<String> = (0..5000).map(|index| format!(r#""n{index}":0"#)).collect();
        let fine = format!("{{{}}}", names.join(","));
        assert_eq!(members(&fine).unwrap().len(), 5000);
        assert!(Reader::new(fine.as_bytes()).skip(0).is_ok());
        // A duplicate of the first, the last, and an escaped one, past the
        // names kept on the stack.
        for duplicate in [r#""n0":1"#, r#""n4999":1"#, r#""\u006e17":1"#, r#""n3":1"#] {
            let bad = format!("{{{},{duplicate}}}", names.join(","));
            assert!(members(&bad).is_err(), "{duplicate}");
            assert!(Reader::new(bad.as_bytes()).skip(0).is_err(), "{duplicate}");
        }
        // At the boundary of the names kept on the stack.
        for count in [SMALL_OBJECT - 1, SMALL_OBJECT, SMALL_OBJECT + 1] {
            let some: Vec<String> = (0..count).map(|index| format!(r#""\u006e{index}":0"#)).collect();
            let fine = format!("{{{}}}", some.join(","));
            assert!(members(&fine).is_ok(), "{count}");
            for index in [0, count - 1] {
                let bad = format!(r#"{{{},"n{index}":1}}"#, some.join(","));
                assert!(members(&bad).is_err(), "{count} {index}");
            }
        }
    }
}
