//! The claims of a token in one pass: a `serde` deserializer over the
//! strict JSON reader of [`json`](super::json) that hands the claims type
//! `C` its members and, on the way, records the registered claims (`exp`,
//! `nbf`, `iat`, `iss`, `aud`, `sub`, `jti`) and the required ones.
//!
//! It accepts exactly what [`json`](super::json) accepts (RFC 8259, nesting
//! at most [`MAX_DEPTH`], no object with two members of the same name, no
//! number a double cannot hold) and gives `C` what `serde_json` would: borrowed
//! strings when unescaped, `u64` / `i64` / `f64` numbers as `serde_json`
//! chooses them, maps, sequences, options, enums. When it fails, for
//! whatever reason (invalid JSON, a registered claim of the wrong type, a
//! `C` that does not fit, or a `C` that wants something only `serde_json`
//! gives, such as `RawValue`), its error says nothing: the verifier then
//! reads the claims the two-pass way ([`Validation::scan`] and
//! `serde_json`), whose answer is authoritative. This module only makes the
//! common case fast; it never decides a refusal.

use std::{borrow::Cow, fmt};

use serde::de::{
    self, DeserializeSeed, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
    value::{BorrowedStrDeserializer, StrDeserializer},
};

use super::json::{self, MAX_DEPTH, Names, Number, RawStr, Reader, Rounding, Value};
use crate::jwt::claims::{Claim, Registered, Validation};

/// The claims could not be read in one pass (see the module docs).
#[derive(Debug)]
pub(crate) struct Error;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the claims could not be read in one pass")
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    #[cold]
    fn custom<T: fmt::Display>(_: T) -> Self {
        Self
    }
}

impl From<super::json::Invalid> for Error {
    #[inline]
    fn from(_: super::json::Invalid) -> Self {
        Self
    }
}

type Result<T> = std::result::Result<T, Error>;

/// Deserializes `C` from the JSON object `claims`, recording its registered
/// claims into `found`.
#[inline]
pub(crate) fn claims<'de, C: de::Deserialize<'de>>(
    claims: &'de str,
    validation: &Validation,
    found: &mut Registered<'de>,
) -> Result<C> {
    let mut de = Deserializer { reader: Reader::new(claims.as_bytes()), text: claims, depth: 1 };
    let value = C::deserialize(Claims { de: &mut de, validation, found })?;
    de.reader.skip_ws();
    if de.reader.pos == claims.len() { Ok(value) } else { Err(Error) }
}

/// A deserializer over JSON text.
struct Deserializer<'de> {
    reader: Reader<'de>,
    /// The same text, to borrow strings from.
    text: &'de str,
    /// How deep the container being read is (the claims object is 1).
    depth: u32,
}

impl<'de> Deserializer<'de> {
    /// A string, the opening quote already read.
    #[inline]
    fn string<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value> {
        let raw = self.reader.string()?;
        visit_str(raw, self.text, visitor)
    }

    /// Enters a container: one level deeper, refused past [`MAX_DEPTH`].
    #[inline]
    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH { Err(Error) } else { Ok(()) }
    }
}

/// Visits a number as `serde_json` does: `u64` when non-negative and whole,
/// `i64` when negative and whole, `f64` otherwise (and for `-0` and whole
/// numbers out of range), the very double `serde_json` reads
/// ([`json::float`]); one a double cannot hold is an error.
#[inline]
fn visit_number<'de, V: Visitor<'de>>(number: Number<'_>, visitor: V) -> Result<V::Value> {
    match number.magnitude {
        Some(magnitude) if !number.negative => visitor.visit_u64(magnitude),
        #[allow(clippy::cast_possible_wrap)]
        Some(magnitude) if (magnitude as i64).wrapping_neg() < 0 => {
            visitor.visit_i64((magnitude as i64).wrapping_neg())
        }
        _ => visitor.visit_f64(json::float(number.text)?),
    }
}

/// Visits a string, borrowed from `text` unless it has escapes.
#[inline]
fn visit_str<'de, V: Visitor<'de>>(raw: RawStr<'de>, text: &'de str, visitor: V) -> Result<V::Value> {
    match raw.decode_in(text)? {
        Cow::Borrowed(value) => visitor.visit_borrowed_str(value),
        Cow::Owned(value) => visitor.visit_string(value),
    }
}

impl<'de> de::Deserializer<'de> for &mut Deserializer<'de> {
    type Error = Error;

    #[inline]
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.reader.skip_ws();
        match self.reader.peek().ok_or(Error)? {
            b'"' => {
                self.reader.pos += 1;
                self.string(visitor)
            }
            b'-' | b'0'..=b'9' => visit_number(self.reader.number_parts()?, visitor),
            b't' => {
                self.reader.literal(b"true")?;
                visitor.visit_bool(true)
            }
            b'f' => {
                self.reader.literal(b"false")?;
                visitor.visit_bool(false)
            }
            b'n' => {
                self.reader.literal(b"null")?;
                visitor.visit_unit()
            }
            b'[' => {
                self.enter()?;
                self.reader.pos += 1;
                let value = visitor.visit_seq(Seq { de: &mut *self, first: true })?;
                self.reader.skip_ws();
                self.reader.expect(b']')?;
                self.depth -= 1;
                Ok(value)
            }
            b'{' => {
                self.enter()?;
                self.reader.pos += 1;
                let mut names = Names::new();
                let value = visitor.visit_map(Map { de: &mut *self, first: true, names: &mut names })?;
                self.reader.skip_ws();
                self.reader.expect(b'}')?;
                self.depth -= 1;
                Ok(value)
            }
            _ => Err(Error),
        }
    }

    #[inline]
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.reader.skip_ws();
        if self.reader.peek() == Some(b'n') {
            self.reader.literal(b"null")?;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    #[inline]
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        // Validated as strictly as any other value, built into nothing.
        self.reader.skip(self.depth)?;
        visitor.visit_unit()
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.reader.skip_ws();
        if self.reader.peek() != Some(b'"') {
            return self.deserialize_any(visitor);
        }
        self.reader.pos += 1;
        let raw = self.reader.string()?;
        if raw.escaped() {
            visitor.visit_byte_buf(raw.decode()?.into_owned().into_bytes())
        } else {
            visitor.visit_borrowed_bytes(raw.raw())
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.reader.skip_ws();
        match self.reader.peek() {
            // A unit variant: its name.
            Some(b'"') => {
                self.reader.pos += 1;
                let raw = self.reader.string()?;
                de::Deserializer::deserialize_enum(ReadStr { raw, text: self.text }, name, variants, visitor)
            }
            // `{"Variant": content}`.
            Some(b'{') => {
                self.enter()?;
                self.reader.pos += 1;
                let value = visitor.visit_enum(Variant { de: &mut *self })?;
                self.reader.skip_ws();
                self.reader.expect(b'}')?;
                self.depth -= 1;
                Ok(value)
            }
            _ => Err(Error),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

/// The members of an object after its `{`.
struct Map<'a, 'de> {
    de: &'a mut Deserializer<'de>,
    first: bool,
    /// The names read so far: a duplicate is refused.
    names: &'a mut Names<'de>,
}

/// Reads up to the opening quote of the next member's name, or `None` at
/// the closing brace (left for the caller).
#[inline]
fn next_member(reader: &mut Reader<'_>, first: &mut bool) -> Result<Option<()>> {
    reader.skip_ws();
    if reader.peek() == Some(b'}') {
        return Ok(None);
    }
    if !*first {
        reader.expect(b',')?;
        reader.skip_ws();
    }
    *first = false;
    reader.expect(b'"')?;
    Ok(Some(()))
}

impl<'de> MapAccess<'de> for Map<'_, 'de> {
    type Error = Error;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if next_member(&mut self.de.reader, &mut self.first)?.is_none() {
            return Ok(None);
        }
        let raw = self.de.reader.string()?;
        self.names.insert(raw)?;
        seed.deserialize(Key { raw, text: self.de.text }).map(Some)
    }

    #[inline]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        self.de.reader.skip_ws();
        self.de.reader.expect(b':')?;
        seed.deserialize(&mut *self.de)
    }
}

/// A member name, read: a string whatever is asked.
struct Key<'de> {
    raw: RawStr<'de>,
    text: &'de str,
}

impl<'de> de::Deserializer<'de> for Key<'de> {
    type Error = Error;

    #[inline]
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visit_str(self.raw, self.text, visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// The elements of an array after its `[`.
struct Seq<'a, 'de> {
    de: &'a mut Deserializer<'de>,
    first: bool,
}

impl<'de> SeqAccess<'de> for Seq<'_, 'de> {
    type Error = Error;

    #[inline]
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        let reader = &mut self.de.reader;
        reader.skip_ws();
        if reader.peek() == Some(b']') {
            return Ok(None);
        }
        if !self.first {
            reader.expect(b',')?;
        }
        self.first = false;
        seed.deserialize(&mut *self.de).map(Some)
    }
}

/// `{"Variant": content}` after its `{`.
struct Variant<'a, 'de> {
    de: &'a mut Deserializer<'de>,
}

impl<'de> EnumAccess<'de> for Variant<'_, 'de> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<(T::Value, Self)> {
        self.de.reader.skip_ws();
        self.de.reader.expect(b'"')?;
        let raw = self.de.reader.string()?;
        let variant = seed.deserialize(Key { raw, text: self.de.text })?;
        self.de.reader.skip_ws();
        self.de.reader.expect(b':')?;
        Ok((variant, self))
    }
}

impl<'de> VariantAccess<'de> for Variant<'_, 'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<()> {
        de::Deserialize::deserialize(self.de)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        seed.deserialize(self.de)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_any(self.de, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(self, _fields: &'static [&'static str], visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_any(self.de, visitor)
    }
}

/// The methods of a deserializer over a value the validation already read
/// (a number or a string): it is there (`Some`), skipping it reads
/// nothing, and a newtype wraps it.
macro_rules! a_value_already_read {
    () => {
        #[inline]
        fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            visitor.visit_some(self)
        }

        #[inline]
        fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            visitor.visit_unit()
        }

        fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value> {
            visitor.visit_newtype_struct(self)
        }
    };
}

/// A number the validation already read, handed to `C` as [`Deserializer`]
/// would.
struct ReadNumber<'de>(Number<'de>);

impl<'de> de::Deserializer<'de> for ReadNumber<'de> {
    type Error = Error;

    #[inline]
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visit_number(self.0, visitor)
    }

    a_value_already_read!();

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value> {
        Err(Error)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

/// A string the validation already read, handed to `C` as [`Deserializer`]
/// would.
struct ReadStr<'de> {
    raw: RawStr<'de>,
    text: &'de str,
}

impl<'de> de::Deserializer<'de> for ReadStr<'de> {
    type Error = Error;

    #[inline]
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visit_str(self.raw, self.text, visitor)
    }

    a_value_already_read!();

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.raw.escaped() {
            visitor.visit_byte_buf(self.raw.decode()?.into_owned().into_bytes())
        } else {
            visitor.visit_borrowed_bytes(self.raw.raw())
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self.raw.decode_in(self.text)? {
            Cow::Borrowed(name) => visitor.visit_enum(BorrowedStrDeserializer::<Error>::new(name)),
            Cow::Owned(name) => visitor.visit_enum(StrDeserializer::<Error>::new(&name)),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

/// The claims object itself: whatever `C` asks for, its members, each
/// watched by the [`Validation`].
struct Claims<'a, 'de> {
    de: &'a mut Deserializer<'de>,
    validation: &'a Validation,
    found: &'a mut Registered<'de>,
}

impl<'de> de::Deserializer<'de> for Claims<'_, 'de> {
    type Error = Error;

    #[inline]
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let reader = &mut self.de.reader;
        reader.skip_ws();
        reader.expect(b'{')?;
        let mut names = Names::new();
        let value = visitor.visit_map(Members {
            de: &mut *self.de,
            validation: self.validation,
            found: self.found,
            first: true,
            names: &mut names,
            claim: Claim::Other,
            name: None,
        })?;
        self.de.reader.skip_ws();
        self.de.reader.expect(b'}')?;
        Ok(value)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

/// The name of the member being read, kept when claims are required.
enum Name<'de> {
    Borrowed(&'de [u8]),
    Decoded(String),
}

/// The top-level members of the claims.
struct Members<'a, 'de> {
    de: &'a mut Deserializer<'de>,
    validation: &'a Validation,
    found: &'a mut Registered<'de>,
    first: bool,
    /// The names read so far: a duplicate is refused.
    names: &'a mut Names<'de>,
    /// What the member being read is to the validation.
    claim: Claim,
    /// Its name, when required claims are looked for.
    name: Option<Name<'de>>,
}

impl<'de> MapAccess<'de> for Members<'_, 'de> {
    type Error = Error;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if next_member(&mut self.de.reader, &mut self.first)?.is_none() {
            return Ok(None);
        }
        let start = self.de.reader.pos;
        let raw = self.de.reader.string()?;
        self.names.insert(raw)?;
        let required = !self.validation.required.is_empty();
        if raw.escaped() {
            let name = raw.decode()?.into_owned();
            let key = seed.deserialize(StrDeserializer::<Error>::new(&name))?;
            self.claim = Claim::of(name.as_bytes());
            self.name = required.then_some(Name::Decoded(name));
            Ok(Some(key))
        } else {
            let name = self.de.text.get(start..self.de.reader.pos - 1).ok_or(Error)?;
            self.claim = Claim::of(name.as_bytes());
            self.name = required.then_some(Name::Borrowed(name.as_bytes()));
            seed.deserialize(BorrowedStrDeserializer::<Error>::new(name)).map(Some)
        }
    }

    #[inline]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        let reader = &mut self.de.reader;
        reader.skip_ws();
        reader.expect(b':')?;
        reader.skip_ws();
        // A value that starts with `n` is `null` or no JSON (refused below).
        let null = reader.peek() == Some(b'n');
        if let Some(name) = self.name.take() {
            let name = match &name {
                Name::Borrowed(name) => name,
                Name::Decoded(name) => name.as_bytes(),
            };
            self.validation.record_required(self.found, name, null);
        }
        // What the validation needs is read here, once: a date or a string
        // is then handed to `C` as read; anything else `C` reads again.
        let found = &mut *self.found;
        match std::mem::replace(&mut self.claim, Claim::Other) {
            Claim::Other => {}
            claim @ (Claim::Exp | Claim::Nbf | Claim::Iat) => {
                let (slot, rounding) = match claim {
                    Claim::Exp => (&mut found.exp, Rounding::Floor),
                    Claim::Nbf => (&mut found.nbf, Rounding::Ceil),
                    _ => (&mut found.iat, Rounding::Ceil),
                };
                // Anything but a number (`null` included) fails here, and
                // the two-pass reading refuses the token.
                let number = reader.number_parts()?;
                *slot = Some(number.date(rounding)?);
                return seed.deserialize(ReadNumber(number));
            }
            Claim::StringOnly if null => {}
            Claim::StringOnly => {
                reader.expect(b'"')?;
                let raw = reader.string()?;
                return seed.deserialize(ReadStr { raw, text: self.de.text });
            }
            claim @ (Claim::Iss | Claim::Aud) => {
                let slot = if claim == Claim::Iss { &mut found.iss } else { &mut found.aud };
                if reader.eat(b'"') {
                    let raw = reader.string()?;
                    *slot = Some(Value::Str(raw));
                    return seed.deserialize(ReadStr { raw, text: self.de.text });
                }
                let start = reader.pos;
                *slot = Some(reader.value(1)?);
                reader.pos = start;
            }
        }
        seed.deserialize(&mut *self.de)
    }
}

/// For `fuzz/fuzz_targets/jwt_claims.rs`: checks the one-pass reader
/// against the reference of [`differential`] on `data` (random bytes), and
/// on `data` spliced into realistic claims; panics on any disagreement.
#[cfg(fuzzing)]
#[doc(hidden)]
pub fn fuzz_claims(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let spliced = differential::splice(text);
    for text in [text, spliced.as_str()] {
        if let Err(disagreement) = differential::compare(text) {
            panic!("{text:?}: {disagreement}");
        }
    }
}

/// The one-pass reader ([`claims`] then [`Validation::check`]), the
/// two-pass reading the verifier falls back on ([`Validation::scan`],
/// `check`, `serde_json`) and the header's reader
/// ([`json::for_each_member`]) held to a reference built independently:
/// `serde_json` with a visitor that refuses duplicate member names (and
/// nesting deeper than the reader's documented 64), and the rules of the
/// registered claims written again, simply, over its `serde_json::Value`.
/// They must make the same decision on every input, under several
/// validations, for several claims types, and read the same claims and
/// dates when they accept.
#[cfg(any(test, fuzzing))]
pub(crate) mod differential {
    use std::fmt::Debug;

    use serde::{
        Deserialize,
        de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor},
    };
    use serde_json::{Map, Number, Value};

    use super::{super::super::AlgorithmSet, Registered, Validation, claims, json};

    /// An application's claims type.
    #[derive(Debug, Clone, PartialEq, Deserialize)]
    struct App {
        sub: String,
        scopes: Vec<String>,
        exp: f64,
    }

    /// Claims that pass the first validation of [`validations`] at its time.
    #[cfg(test)]
    pub(crate) const REALISTIC: &str = r#"{"sub":"johndoe","scopes":["me","items"],"aud":"api","iss":"https://id.example","iat":1699999000,"nbf":1699999000,"exp":1700003600,"jti":"a1b2"}"#;

    /// `text` as the value of a claim of realistic claims (one that passes
    /// the first validation with any `nbf`, `iat` and `ctx` it accepts), the
    /// claim picked by the length of `text`.
    pub(crate) fn splice(text: &str) -> String {
        let base = [
            ("sub", r#""johndoe""#),
            ("scopes", r#"["me"]"#),
            ("aud", r#""api""#),
            ("iss", r#""https://id.example""#),
            ("exp", "1700003600"),
        ];
        let claim = ["exp", "nbf", "iat", "ctx", "aud", "sub"].get(text.len() % 6).copied().unwrap_or("ctx");
        let mut out = String::from("{");
        for (name, value) in base.iter().filter(|(name, _)| *name != claim) {
            out.push_str(&format!(r#""{name}":{value},"#));
        }
        out.push_str(&format!(r#""{claim}":{text}}}"#));
        out
    }

    /// The validations every input is checked under, each with its time.
    fn validations() -> [(Validation, i64); 4] {
        let validation =
            |require_exp, reject_future_iat, leeway, audiences: &[&str], issuers: &[&str], required: &[&str]| {
                let boxed = |names: &[&str]| names.iter().map(|name| Box::from(*name)).collect();
                Validation {
                    algorithms: AlgorithmSet::default(),
                    leeway,
                    require_exp,
                    reject_future_iat,
                    audiences: boxed(audiences),
                    any_audience: false,
                    issuers: boxed(issuers),
                    required: boxed(required),
                }
            };
        [
            (validation(true, true, 0, &["api"], &["https://id.example"], &["scopes"]), 1_700_000_000),
            (validation(false, false, 60, &[], &[], &[]), 1_700_000_000),
            (
                Validation { any_audience: true, ..validation(false, true, 0, &[], &[], &["sub", "scopes"]) },
                4_102_444_800,
            ),
            (validation(true, false, 5, &["api", "web"], &[], &[]), 4_102_444_800),
        ]
    }

    /// The claims object as the reference reads it: `serde_json`, refusing
    /// duplicate names and nesting deeper than 64; `None` when refused.
    fn reference(text: &str) -> Option<Map<String, Value>> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let value = Unique { depth: 1 }.deserialize(&mut deserializer).ok()?;
        deserializer.end().ok()?;
        match value {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    /// A `serde_json::Value`, refusing duplicate member names.
    struct Unique {
        depth: u32,
    }

    impl<'de> DeserializeSeed<'de> for Unique {
        type Value = Value;

        fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
            deserializer.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Unique {
        type Value = Value;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("JSON")
        }

        fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
            Ok(Value::Bool(value))
        }

        fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
            Ok(Value::from(value))
        }

        fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
            Ok(Value::from(value))
        }

        fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Value, E> {
            Number::from_f64(value).map(Value::Number).ok_or_else(|| E::custom("not finite"))
        }

        fn visit_str<E>(self, value: &str) -> Result<Value, E> {
            Ok(Value::from(value))
        }

        fn visit_unit<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
            if self.depth > 64 {
                return Err(serde::de::Error::custom("too deep"));
            }
            let mut elements = Vec::new();
            while let Some(element) = seq.next_element_seed(Self { depth: self.depth + 1 })? {
                elements.push(element);
            }
            Ok(Value::Array(elements))
        }

        fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
            if self.depth > 64 {
                return Err(serde::de::Error::custom("too deep"));
            }
            let mut map = Map::new();
            while let Some(name) = access.next_key::<String>()? {
                if map.contains_key(&name) {
                    return Err(serde::de::Error::custom("duplicate member"));
                }
                let value = access.next_value_seed(Self { depth: self.depth + 1 })?;
                map.insert(name, value);
            }
            Ok(Value::Object(map))
        }
    }

    /// The registered claims rules (RFC 7519 §4.1, issue #13), written over
    /// the reference's reading: `Some((exp, nbf))` when the claims pass.
    fn reference_rules(claims: &Map<String, Value>, v: &Validation, now: i64) -> Option<(Option<i64>, Option<i64>)> {
        const LIMIT: f64 = 9_007_199_254_740_992.0;
        let date = |name: &str, up: bool| -> Option<Option<i64>> {
            let Some(value) = claims.get(name) else { return Some(None) };
            let number = value.as_number()?;
            let seconds = if let Some(whole) = number.as_i64() {
                (whole.unsigned_abs() <= 1 << 53).then_some(whole)?
            } else if let Some(whole) = number.as_u64() {
                (whole <= 1 << 53).then(|| i64::try_from(whole).ok())??
            } else {
                let value = number.as_f64()?;
                if value.abs() > LIMIT {
                    return None;
                }
                #[allow(clippy::cast_possible_truncation)]
                let whole = (if up { value.ceil() } else { value.floor() }) as i64;
                whole
            };
            Some(Some(seconds))
        };
        let (exp, nbf, iat) = (date("exp", false)?, date("nbf", true)?, date("iat", true)?);
        let (now, leeway) = (i128::from(now), i128::from(v.leeway));
        for name in ["sub", "jti"] {
            if !matches!(claims.get(name), None | Some(Value::String(_) | Value::Null)) {
                return None;
            }
        }
        if v.required.iter().any(|name| matches!(claims.get(&**name), None | Some(Value::Null))) {
            return None;
        }
        match exp {
            None if v.require_exp => return None,
            Some(exp) if now >= i128::from(exp) + leeway => return None,
            _ => {}
        }
        if nbf.is_some_and(|nbf| now + leeway < i128::from(nbf)) {
            return None;
        }
        if v.reject_future_iat && iat.is_some_and(|iat| now + leeway < i128::from(iat)) {
            return None;
        }
        let accepted = |value: &Value| value.as_str().is_some_and(|aud| v.audiences.iter().any(|a| **a == *aud));
        let audience = match claims.get("aud") {
            _ if v.any_audience => true,
            None | Some(Value::Null) => v.audiences.is_empty(),
            Some(_) if v.audiences.is_empty() => false,
            Some(Value::Array(list)) => list.iter().all(Value::is_string) && list.iter().any(accepted),
            Some(single) => accepted(single),
        };
        let issuer = v.issuers.is_empty()
            || claims.get("iss").and_then(Value::as_str).is_some_and(|iss| v.issuers.iter().any(|i| **i == *iss));
        (audience && issuer).then_some((exp, nbf))
    }

    /// What a reading made of the claims: `C` and the `exp` and `nbf` it
    /// found, or a refusal.
    type Outcome<C> = Option<(C, Option<i64>, Option<i64>)>;

    /// How many of the readings accepted, over the types and validations.
    #[derive(Debug, Default, Clone, Copy)]
    pub(crate) struct Tally {
        pub(crate) accepted: usize,
        pub(crate) refused: usize,
    }

    /// Compares every reading of `text`; the disagreement, if any.
    pub(crate) fn compare(text: &str) -> Result<Tally, String> {
        let tree = reference(text);
        let header = json::for_each_member(text.as_bytes(), |_, _| Ok(())).is_ok();
        if header != tree.is_some() {
            return Err(format!("for_each_member accepts: {header}, the reference: {}", tree.is_some()));
        }
        let mut tally = Tally::default();
        compare_as::<Value>(text, tree.as_ref(), &mut tally)?;
        compare_as::<App>(text, tree.as_ref(), &mut tally)?;
        compare_as::<IgnoredAny>(text, tree.as_ref(), &mut tally)?;
        Ok(tally)
    }

    fn compare_as<C: DeserializeOwned + PartialEq + Debug + Clone>(
        text: &str,
        tree: Option<&Map<String, Value>>,
        tally: &mut Tally,
    ) -> Result<(), String> {
        let name = std::any::type_name::<C>();
        // `serde_json`'s reading of `C`, for the reference and the two passes.
        let typed: Option<C> = serde_json::from_str(text).ok();
        for (index, (validation, now)) in validations().iter().enumerate() {
            let expected: Outcome<C> = tree
                .and_then(|tree| reference_rules(tree, validation, *now))
                .and_then(|(exp, nbf)| Some((typed.clone()?, exp, nbf)));
            let mut found = Registered::default();
            let one_pass = claims::<C>(text, validation, &mut found);
            let scanned = validation.scan(text.as_bytes());
            if let (Ok(scanned), Ok(_)) = (&scanned, &one_pass) {
                let (ours, theirs) = ((found.exp, found.nbf, found.iat), (scanned.exp, scanned.nbf, scanned.iat));
                if ours != theirs {
                    return Err(format!(
                        "{name}, validation {index}: the one pass found {ours:?}, the scan {theirs:?}"
                    ));
                }
            }
            let fast: Outcome<C> = match one_pass {
                Ok(claims) => validation.check(&found, *now).ok().map(|()| (claims, found.exp, found.nbf)),
                Err(_) => None,
            };
            let two_pass: Outcome<C> = scanned.ok().and_then(|registered| {
                validation.check(&registered, *now).ok()?;
                Some((typed.clone()?, registered.exp, registered.nbf))
            });
            if fast != expected {
                return Err(format!("{name}, validation {index}: one pass {fast:?}, reference {expected:?}"));
            }
            if two_pass != expected {
                return Err(format!("{name}, validation {index}: two passes {two_pass:?}, reference {expected:?}"));
            }
            if expected.is_some() {
                tally.accepted += 1;
            } else {
                tally.refused += 1;
            }
        }
        Ok(())
    }

    /// Whether the reference accepts `text` under the first validation.
    #[cfg(test)]
    pub(crate) fn first_accepts(text: &str) -> bool {
        let [(validation, now), ..] = validations();
        reference(text).and_then(|tree| reference_rules(&tree, &validation, now)).is_some()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;
    use serde_json::{Value, json};

    use super::*;

    fn validation() -> Validation {
        Validation {
            algorithms: crate::jwt::AlgorithmSet::default(),
            leeway: 0,
            require_exp: true,
            reject_future_iat: false,
            audiences: Box::new([]),
            any_audience: false,
            issuers: Box::new([]),
            required: Box::new(["scopes".into()]),
        }
    }

    /// `C` read in one pass, beside what `serde_json` reads.
    fn both<C: for<'de> Deserialize<'de> + PartialEq + fmt::Debug>(text: &str) -> (Option<C>, Option<C>) {
        let mut found = Registered::default();
        (claims::<C>(text, &validation(), &mut found).ok(), serde_json::from_str::<C>(text).ok())
    }

    #[test]
    fn values_are_what_serde_json_reads() {
        for text in [
            r#"{"a": 1, "b": -2, "c": 1.5, "d": -0, "e": 1e3, "f": 18446744073709551616, "g": -9223372036854775808}"#,
            r#"{"s": "x\"y\u00e9\ud83d\ude00", "t": true, "n": null, "l": [1, [2, {"x": []}], "z"], "o": {}}"#,
            r#" { "exp" : 1690000000 , "aud" : ["a", "b"] , "\u0065xq": 5 } "#,
            r#"{"big": 99999999999999999999, "neg": -9223372036854775809, "tiny": 1e-400}"#,
        ] {
            let (ours, theirs) = both::<Value>(text);
            assert_eq!(ours, theirs, "{text}");
            assert!(ours.is_some(), "{text}");
        }
    }

    #[test]
    fn typed_claims_are_what_serde_json_reads() {
        #[derive(Debug, Deserialize, PartialEq)]
        enum Role {
            Admin,
            Custom(String),
            Pair(u8, u8),
            Named { level: u32 },
        }
        #[derive(Debug, Deserialize, PartialEq)]
        struct Claims {
            sub: String,
            exp: i64,
            scopes: Vec<String>,
            #[serde(default)]
            nick: Option<String>,
            roles: Vec<Role>,
            extra: BTreeMap<String, Value>,
            #[serde(with = "serde_bytes_like")]
            raw: Vec<u8>,
            ch: char,
            unit: (),
            ratio: f32,
        }
        mod serde_bytes_like {
            pub(super) fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
                struct Bytes;
                impl<'de> serde::de::Visitor<'de> for Bytes {
                    type Value = Vec<u8>;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("bytes")
                    }
                    fn visit_bytes<E>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                        Ok(v.to_vec())
                    }
                }
                d.deserialize_bytes(Bytes)
            }
        }
        let text = json!({
            "sub": "johndoe", "exp": 1_690_000_000, "scopes": ["me", "items"], "nick": null,
            "roles": ["Admin", {"Custom": "x"}, {"Pair": [1, 2]}, {"Named": {"level": 3}}],
            "extra": {"k": [1, "v"]}, "raw": "bytes", "ch": "é", "unit": null, "ratio": 0.5,
            "ignored": {"deep": [[[]]]}
        })
        .to_string();
        let (ours, theirs) = both::<Claims>(&text);
        assert_eq!(ours, theirs);
        assert!(ours.is_some());
        assert!(both::<serde::de::IgnoredAny>(&text).0.is_some());
    }

    #[test]
    fn registered_claims_reach_the_claims_type_as_read() {
        #[derive(Debug, Deserialize, PartialEq)]
        #[serde(tag = "kind")]
        enum Kind {
            User { name: String },
            Service,
        }
        #[derive(Debug, Deserialize, PartialEq)]
        struct Claims {
            exp: Option<i64>,
            nbf: f64,
            sub: Option<String>,
            iss: Box<str>,
            aud: Vec<String>,
            kind: Vec<Kind>,
            #[serde(flatten)]
            rest: BTreeMap<String, Value>,
        }
        let text = json!({
            "exp": 1_690_000_000, "nbf": -5, "sub": "a\"b", "iss": "i", "aud": ["x", "y"], "jti": null,
            "kind": [{"kind": "User", "name": "n"}, {"kind": "Service"}], "iat": 1.5, "other": [1, {"a": null}]
        })
        .to_string();
        let mut found = Registered::default();
        let ours: Claims = claims(&text, &validation(), &mut found).unwrap();
        assert_eq!(ours, serde_json::from_str::<Claims>(&text).unwrap());
        assert_eq!((found.exp, found.nbf, found.iat), (Some(1_690_000_000), Some(-5), Some(2)));
        // The registered claims are watched even inside a flattened map.
        let ours: BTreeMap<String, Value> = claims(&text, &validation(), &mut found).unwrap();
        assert_eq!(ours, serde_json::from_str::<BTreeMap<String, Value>>(&text).unwrap());
    }

    #[test]
    fn registered_claims_are_recorded_on_the_way() {
        let mut found = Registered::default();
        let text = r#"{"sub": "a", "exp": 90.5, "nbf": 50.1, "scopes": [], "iat": 49.9}"#;
        let value: Value = claims(text, &validation(), &mut found).unwrap();
        assert_eq!(value["exp"], 90.5);
        assert_eq!((found.exp, found.nbf, found.iat), (Some(90), Some(51), Some(50)));
        assert!(validation().check(&found, 60).is_ok(), "scopes is present");
        let mut found = Registered::default();
        let _: Value = claims(r#"{"exp": 100, "scopes": null}"#, &validation(), &mut found).unwrap();
        assert!(validation().check(&found, 60).is_err(), "scopes is null");
        // Even when `C` ignores everything.
        let mut found = Registered::default();
        let _: serde::de::IgnoredAny = claims(text, &validation(), &mut found).unwrap();
        assert_eq!(found.exp, Some(90));
    }

    #[test]
    fn anything_the_strict_reader_refuses_fails() {
        for text in [
            "",
            "[]",
            "null",
            r#"{"a":1,}"#,
            r#"{"a":01}"#,
            r#"{"a":"\ud800"}"#,
            "{\"a\":\"\u{1}\"}",
            r#"{"a":1} x"#,
            r#"{"exp":"1"}"#,
            r#"{"sub":7}"#,
        ] {
            let mut found = Registered::default();
            assert!(claims::<Value>(text, &validation(), &mut found).is_err(), "{text}");
            let mut found = Registered::default();
            assert!(claims::<serde::de::IgnoredAny>(text, &validation(), &mut found).is_err(), "{text}");
        }
        // A number a double cannot hold, whether `C` reads it or not.
        let mut found = Registered::default();
        assert!(claims::<Value>(r#"{"a":1e999}"#, &validation(), &mut found).is_err());
        assert!(claims::<serde::de::IgnoredAny>(r#"{"a":[1e999]}"#, &validation(), &mut found).is_err());
        let deep = format!(r#"{{"a":{}1{}}}"#, "[".repeat(70), "]".repeat(70));
        let mut found = Registered::default();
        assert!(claims::<Value>(&deep, &validation(), &mut found).is_err());
        let fine = format!(r#"{{"a":{}1{}}}"#, "[".repeat(60), "]".repeat(60));
        assert!(claims::<Value>(&fine, &validation(), &mut found).is_ok());
    }

    #[test]
    fn duplicate_members_fail_whatever_the_claims_type_reads() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Typed {
            sub: String,
            ctx: BTreeMap<String, Value>,
            #[serde(default)]
            list: Vec<std::collections::HashMap<String, u8>>,
        }
        for text in [
            r#"{"sub": "a", "sub": "b", "ctx": {}}"#,
            r#"{"sub": "a", "\u0073ub": "b", "ctx": {}}"#,
            r#"{"sub": "a", "ctx": {"k": 1, "k": 2}}"#,
            r#"{"sub": "a", "ctx": {"k": {"j": 1, "\u006a": 2}}}"#,
            r#"{"sub": "a", "ctx": {}, "list": [{"x": 1}, {"y": 1, "y": 2}]}"#,
            r#"{"sub": "a", "ctx": {}, "ignored": {"x": 1, "x": 2}}"#,
            r#"{"sub": "a", "ctx": {}, "ignored": [[{"x": 1, "x\/": 2, "x/": 3}]]}"#,
            r#"{"sub": "a", "ctx": {}, "aud": [{"x": 1, "x": 2}]}"#,
            r#"{"sub": "a", "ctx": {}, "iss": {"x": 1, "x": 2}}"#,
            r#"{"sub": "a", "ctx": {}, "exp": 1, "exp": 1}"#,
        ] {
            let mut found = Registered::default();
            assert!(claims::<Typed>(text, &validation(), &mut found).is_err(), "{text}");
            assert!(claims::<Value>(text, &validation(), &mut found).is_err(), "{text}");
            assert!(claims::<BTreeMap<String, Value>>(text, &validation(), &mut found).is_err(), "{text}");
            assert!(claims::<serde::de::IgnoredAny>(text, &validation(), &mut found).is_err(), "{text}");
            // And the two-pass reading, which the verifier falls back on, refuses it.
            assert!(validation().scan(text.as_bytes()).is_err(), "{text}");
        }
        let fine = r#"{"sub": "a", "ctx": {"sub": {"sub": 1}}, "list": [{"x": 1}, {"x": 2}]}"#;
        let mut found = Registered::default();
        assert!(claims::<Typed>(fine, &validation(), &mut found).is_ok());
    }

    #[test]
    fn numeric_dates_that_are_not_numbers_fail() {
        for text in [
            r#"{"exp": null}"#,
            r#"{"nbf": null, "exp": 1}"#,
            r#"{"iat": "1", "exp": 1}"#,
            r#"{"exp": 9007199254740993}"#,
            r#"{"exp": -1e16}"#,
            r#"{"exp": 1e309}"#,
        ] {
            let mut found = Registered::default();
            assert!(claims::<Value>(text, &validation(), &mut found).is_err(), "{text}");
            assert!(claims::<serde::de::IgnoredAny>(text, &validation(), &mut found).is_err(), "{text}");
        }
    }

    /// Hand-written inputs where a reader could go wrong.
    fn tricky() -> Vec<String> {
        let mut inputs: Vec<String> = [
            differential::REALISTIC,
            r#"{"sub":"johndoe","scopes":["me"],"aud":["web","api"],"iss":"https:\/\/id.example","exp":1700003600}"#,
            // Duplicates, at every depth, compared after unescaping.
            r#"{"sub":"a","scopes":[],"aud":"api","iss":"https://id.example","exp":1,"exp":1700003600}"#,
            r#"{"sub":"a","scopes":[],"aud":"api","iss":"https://id.example","exp":1700003600,"\u0065xp":1}"#,
            r#"{"sub":"a","sub":"b","scopes":[],"exp":1700003600}"#,
            r#"{"sub":"a","scopes":[],"exp":1700003600,"ctx":{"r":"u","r":"admin"}}"#,
            r#"{"sub":"a","scopes":[],"exp":1700003600,"ctx":[{"r":1},{"r":1,"\u0072":2}]}"#,
            r#"{"sub":"a","scopes":[],"exp":1700003600,"ctx":{"a/b":1,"a\/b":2}}"#,
            r#"{"sub":"a","scopes":[],"exp":1700003600,"ctx":{"a/b":1,"a\\/b":2}}"#,
            r#"{"sub":"a","scopes":[],"exp":1700003600,"aud":[{"x":1,"x":1}]}"#,
            r#"{"sub":"a","scopes":[],"exp":1700003600,"iss":{"x":1,"x":1}}"#,
            r#"{"sub":"a","scopes":[],"exp":1700003600,"":1,"":2}"#,
            // NumericDates: fractions, exponents, bounds, null, other types.
            r#"{"sub":"a","scopes":[],"exp":4102444800.5}"#,
            r#"{"sub":"a","scopes":[],"exp":1700000000.5}"#,
            r#"{"sub":"a","scopes":[],"exp":1700000000.0000001}"#,
            r#"{"sub":"a","scopes":[],"exp":1700000001,"nbf":1700000000.5}"#,
            r#"{"sub":"a","scopes":[],"exp":1700003600,"nbf":1699999999.99999999999}"#,
            r#"{"sub":"a","scopes":[],"exp":1700003600,"iat":1700000000.1}"#,
            r#"{"sub":"a","scopes":[],"exp":1700003600,"iat":1700000000}"#,
            r#"{"sub":"a","scopes":[],"exp":1.7000036e9,"nbf":17e8}"#,
            r#"{"sub":"a","scopes":[],"exp":4102444805,"nbf":-0,"iat":-0.0}"#,
            r#"{"sub":"a","scopes":[],"exp":9007199254740992}"#,
            r#"{"sub":"a","scopes":[],"exp":9007199254740993}"#,
            r#"{"sub":"a","scopes":[],"exp":9007199254740992.5}"#,
            r#"{"sub":"a","scopes":[],"exp":9.007199254740993e15}"#,
            r#"{"sub":"a","scopes":[],"exp":1700003600,"nbf":-9007199254740993}"#,
            r#"{"sub":"a","scopes":[],"exp":18446744073709551616}"#,
            r#"{"sub":"a","scopes":[],"exp":1e300}"#,
            r#"{"sub":"a","scopes":[],"exp":-1e16}"#,
            r#"{"sub":"a","scopes":[],"exp":1e309}"#,
            r#"{"sub":"a","scopes":[],"exp":-1e309}"#,
            r#"{"sub":"a","scopes":[],"exp":1700003600,"x":[1e999]}"#,
            r#"{"sub":"a","scopes":[],"exp":1700003600,"x":1e-999}"#,
            r#"{"sub":"a","scopes":[],"exp":null}"#,
            r#"{"sub":"a","scopes":[],"exp":1700003600,"nbf":null}"#,
            r#"{"sub":"a","scopes":[],"exp":1700003600,"iat":null}"#,
            r#"{"sub":"a","scopes":[],"exp":"1700003600"}"#,
            r#"{"sub":"a","scopes":[],"exp":[1700003600]}"#,
            r#"{"sub":"a","scopes":[],"exp":true}"#,
            r#"{"sub":"a","scopes":[],"exp":{"t":1}}"#,
            r#"{"sub":"a","scopes":[]}"#,
            // Other registered claims.
            r#"{"sub":null,"scopes":[],"exp":1700003600}"#,
            r#"{"sub":7,"scopes":[],"exp":1700003600}"#,
            r#"{"sub":"a","scopes":null,"exp":1700003600}"#,
            r#"{"sub":"a","scopes":[],"exp":1700003600,"jti":{}}"#,
            r#"{"sub":"a","scopes":[],"exp":1700003600,"aud":[]}"#,
            r#"{"sub":"a","scopes":[],"exp":1700003600,"aud":["api",1]}"#,
            r#"{"sub":"a","scopes":[],"exp":1700003600,"aud":null,"iss":null}"#,
            r#"{"sub":"a","scopes":[],"exp":1700003600,"aud":"\u0061pi","iss":"https://id.example"}"#,
            // Strings, whitespace, and what RFC 8259 refuses.
            r#"{"sub":"\ud83d\ude00\"\\\n","scopes":["\u00e9"],"exp":1700003600}"#,
            r#"{"sub":"\ud800","scopes":[],"exp":1700003600}"#,
            r#"{"sub":"a","scopes":[],"exp":1700003600,"\udc00":1}"#,
            "{\"sub\":\"a\u{1}\",\"scopes\":[],\"exp\":1700003600}",
            " \t\r\n{ \"sub\" : \"a\" , \"scopes\" : [ ] , \"exp\" : 1700003600 } \n",
            r#"{"sub":"a","scopes":[],"exp":1700003600,}"#,
            r#"{"sub":"a","scopes":[],"exp":01700003600}"#,
            r#"{"sub":"a","scopes":[],"exp":1700003600} x"#,
            r#"{"sub":"a","scopes":[],"exp":1700003600}{}"#,
            "[]",
            "null",
            "",
            "{}",
            "{",
        ]
        .iter()
        .map(|text| (*text).to_owned())
        .collect();
        // Nesting around the limit.
        for depth in [62, 63, 64, 65] {
            let (open, close) = ("[".repeat(depth), "]".repeat(depth));
            inputs.push(format!(r#"{{"sub":"a","scopes":[],"exp":1700003600,"x":{open}1{close}}}"#));
            let (open, close) = (r#"{"k":"#.repeat(depth), "}".repeat(depth));
            inputs.push(format!(r#"{{"sub":"a","scopes":[],"exp":1700003600,"x":{open}1{close}}}"#));
        }
        // Many members, with a duplicate past those kept on the stack.
        let many = (0..40).map(|index| format!(r#""c{index}":{index}"#)).collect::<Vec<_>>().join(",");
        inputs.push(format!(r#"{{"sub":"a","scopes":[],"exp":1700003600,{many}}}"#));
        inputs.push(format!(r#"{{"sub":"a","scopes":[],"exp":1700003600,{many},"\u00633":0}}"#));
        inputs.push(format!(r#"{{"sub":"a","scopes":[],"exp":1700003600,"x":{{{many},"c39":0}}}}"#));
        inputs
    }

    #[test]
    fn the_one_pass_agrees_with_the_reference_on_tricky_claims() {
        let mut total = differential::Tally::default();
        for text in tricky() {
            for text in [text.clone(), differential::splice(&text)] {
                let tally =
                    differential::compare(&text).unwrap_or_else(|disagreement| panic!("{text:?}: {disagreement}"));
                total.accepted += tally.accepted;
                total.refused += tally.refused;
            }
        }
        // Both decisions are exercised.
        assert!(total.accepted > 50 && total.refused > 50, "{total:?}");
    }

    #[test]
    fn the_reference_refuses_what_the_rules_refuse() {
        // The reference is itself held to the rules, so that agreeing with
        // it means something; its first validation accepts REALISTIC.
        let claims =
            |extra: &str| format!(r#"{{"sub":"johndoe","scopes":[],"aud":"api","iss":"https://id.example"{extra}}}"#);
        for (text, accepted) in [
            (differential::REALISTIC.to_owned(), true),
            (claims(r#","exp":1700003600"#), true),
            (claims(r#","exp":1700003600,"exp":1700003600"#), false),
            (claims(r#","exp":1700003600,"x":{"a":1,"\u0061":1}"#), false),
            (claims(r#","exp":1700003600,"x":[{"a/":1,"a\/":1}]"#), false),
            (claims(r#","exp":1700000000.5"#), false),
            (claims(r#","exp":1700000001.5"#), true),
            (claims(r#","exp":1700003600,"iat":1700000000.5"#), false),
            (claims(r#","exp":1700003600,"iat":1700000000"#), true),
            (claims(r#","exp":1700003600,"nbf":1700000000.5"#), false),
            (claims(r#","exp":null"#), false),
            (claims(r#","exp":9007199254740993"#), false),
            (claims(""), false),
        ] {
            assert_eq!(differential::first_accepts(&text), accepted, "{text}");
            differential::compare(&text).unwrap_or_else(|disagreement| panic!("{text:?}: {disagreement}"));
        }
    }
}
