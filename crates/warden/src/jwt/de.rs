//! The claims of a token in one pass: a `serde` deserializer over the
//! strict JSON reader of [`json`](super::json) that hands the claims type
//! `C` its members and, on the way, records the registered claims (`exp`,
//! `nbf`, `iat`, `iss`, `aud`, `sub`, `jti`) and the required ones.
//!
//! It accepts exactly what [`json`](super::json) accepts (RFC 8259, nesting
//! at most [`MAX_DEPTH`]) and gives `C` what `serde_json` would: borrowed
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

use super::{
    claims::{Claim, Registered, Validation},
    json::{MAX_DEPTH, Number, RawStr, Reader, Value},
};

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
/// numbers out of range); infinite is an error.
#[inline]
fn visit_number<'de, V: Visitor<'de>>(number: Number<'_>, visitor: V) -> Result<V::Value> {
    match number.magnitude {
        Some(magnitude) if !number.negative => visitor.visit_u64(magnitude),
        #[allow(clippy::cast_possible_wrap)]
        Some(magnitude) if (magnitude as i64).wrapping_neg() < 0 => {
            visitor.visit_i64((magnitude as i64).wrapping_neg())
        }
        _ => {
            let text = std::str::from_utf8(number.text).map_err(|_| Error)?;
            let value: f64 = text.parse().map_err(|_| Error)?;
            if value.is_finite() { visitor.visit_f64(value) } else { Err(Error) }
        }
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
                let value = visitor.visit_map(Map { de: &mut *self, first: true })?;
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
        seed.deserialize(Key { de: &mut *self.de }).map(Some)
    }

    #[inline]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        self.de.reader.skip_ws();
        self.de.reader.expect(b':')?;
        seed.deserialize(&mut *self.de)
    }
}

/// A member name, its opening quote already read: a string whatever is asked.
struct Key<'a, 'de> {
    de: &'a mut Deserializer<'de>,
}

impl<'de> de::Deserializer<'de> for Key<'_, 'de> {
    type Error = Error;

    #[inline]
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.de.string(visitor)
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
        let variant = seed.deserialize(Key { de: &mut *self.de })?;
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

/// A number the validation already read, handed to `C` as [`Deserializer`]
/// would.
struct ReadNumber<'de>(Number<'de>);

impl<'de> de::Deserializer<'de> for ReadNumber<'de> {
    type Error = Error;

    #[inline]
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visit_number(self.0, visitor)
    }

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
        let value = visitor.visit_map(Members {
            de: &mut *self.de,
            validation: self.validation,
            found: self.found,
            first: true,
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
                let slot = match claim {
                    Claim::Exp => &mut found.exp,
                    Claim::Nbf => &mut found.nbf,
                    _ => &mut found.iat,
                };
                if null {
                    *slot = None;
                } else {
                    let number = reader.number_parts()?;
                    *slot = Some(number.date()?);
                    return seed.deserialize(ReadNumber(number));
                }
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;
    use serde_json::{Value, json};

    use super::*;

    fn validation() -> Validation {
        Validation {
            algorithms: super::super::AlgorithmSet::default(),
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
            r#" { "exp" : 1690000000 , "aud" : ["a", "b"] , "\u0065xp": 5 } "#,
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
        assert_eq!((found.exp, found.nbf, found.iat), (Some(1_690_000_000), Some(-5), Some(1)));
        // The registered claims are watched even inside a flattened map.
        let ours: BTreeMap<String, Value> = claims(&text, &validation(), &mut found).unwrap();
        assert_eq!(ours, serde_json::from_str::<BTreeMap<String, Value>>(&text).unwrap());
    }

    #[test]
    fn registered_claims_are_recorded_on_the_way() {
        let mut found = Registered::default();
        let text = r#"{"sub": "a", "exp": 100, "nbf": 50.9, "scopes": [], "exp": 90}"#;
        let value: Value = claims(text, &validation(), &mut found).unwrap();
        assert_eq!(value["exp"], 90, "duplicates: the last one wins, as in serde_json");
        assert_eq!((found.exp, found.nbf), (Some(90), Some(50)));
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
        // An infinite number, like serde_json, when `C` wants it (ignored, it is fine).
        let mut found = Registered::default();
        assert!(claims::<Value>(r#"{"a":1e999}"#, &validation(), &mut found).is_err());
        assert!(claims::<serde::de::IgnoredAny>(r#"{"a":1e999}"#, &validation(), &mut found).is_ok());
        let deep = format!(r#"{{"a":{}1{}}}"#, "[".repeat(70), "]".repeat(70));
        let mut found = Registered::default();
        assert!(claims::<Value>(&deep, &validation(), &mut found).is_err());
        let fine = format!(r#"{{"a":{}1{}}}"#, "[".repeat(60), "]".repeat(60));
        assert!(claims::<Value>(&fine, &validation(), &mut found).is_ok());
    }
}
