//! JSON Web Keys (RFC 7517) and [`KeySet`], the parsed keys a verifier looks
//! up by `kid`.

use std::{fmt, sync::Arc};

use serde::{Deserialize, Deserializer, Serialize};

use super::{
    Algorithm, DecodingKey, Header, JwtError, JwtErrorKind, KeyError, KeySource,
    pem::{decode_b64url, encode_b64url},
    source::unknown_key,
};

/// A JSON Web Key (RFC 7517 §4), as published in a JWK set.
///
/// Members are kept as text, so that a key of a type warden cannot use still
/// deserializes (and is skipped by [`KeySet::from_jwks`]). Private members
/// (`d`, `p`, `q`, …) are never read; the symmetric `k` is kept for `oct`
/// keys and never shown by `Debug`.
///
/// ```
/// use warden::jwt::{DecodingKey, Jwk};
///
/// let jwk: Jwk = serde_json::from_str(r#"{
///     "kty": "OKP", "crv": "Ed25519", "kid": "ed-1", "use": "sig",
///     "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
/// }"#)?;
/// assert_eq!(jwk.kid.as_deref(), Some("ed-1"));
/// let key = DecodingKey::from_jwk(&jwk)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Jwk {
    /// `kty`: `RSA`, `EC`, `OKP` or `oct` (others are kept and skipped).
    pub kty: String,
    /// `use`: `sig` or `enc`; a key for `enc` never verifies a token.
    #[serde(rename = "use", default, skip_serializing_if = "Option::is_none")]
    pub key_use: Option<String>,
    /// `key_ops`: a key whose list lacks `verify` never verifies a token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_ops: Option<Vec<String>>,
    /// `alg`: the one algorithm the key is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    /// `kid`: the key ID tokens name in their header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// `x5u`: a URL of an X.509 certificate chain (not fetched).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x5u: Option<String>,
    /// `x5c`: an X.509 certificate chain, base64 DER (not used to verify).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x5c: Option<Vec<String>>,
    /// `x5t`: the SHA-1 thumbprint of the certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x5t: Option<String>,
    /// `x5t#S256`: the SHA-256 thumbprint of the certificate.
    #[serde(rename = "x5t#S256", default, skip_serializing_if = "Option::is_none")]
    pub x5t_s256: Option<String>,
    /// `n`: the RSA modulus, base64url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    /// `e`: the RSA public exponent, base64url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e: Option<String>,
    /// `crv`: the curve of an `EC` (`P-256`, `P-384`) or `OKP` (`Ed25519`) key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crv: Option<String>,
    /// `x`: the x coordinate (`EC`) or the public key (`OKP`), base64url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    /// `y`: the y coordinate of an `EC` key, base64url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
    /// `k`: the secret of an `oct` key, base64url. Never shown by `Debug`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k: Option<String>,
}

impl fmt::Debug for Jwk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Jwk");
        debug.field("kty", &self.kty);
        for (name, value) in [
            ("use", &self.key_use),
            ("alg", &self.alg),
            ("kid", &self.kid),
            ("crv", &self.crv),
            ("n", &self.n),
            ("e", &self.e),
            ("x", &self.x),
            ("y", &self.y),
        ] {
            if let Some(value) = value {
                debug.field(name, value);
            }
        }
        if self.k.is_some() {
            debug.field("k", &crate::secret::REDACTED);
        }
        debug.finish_non_exhaustive()
    }
}

impl Jwk {
    /// The key's RFC 7638 thumbprint: the SHA-256 of its required members
    /// (`e`, `kty`, `n` for RSA; `crv`, `kty`, `x`, `y` for EC; `crv`,
    /// `kty`, `x` for OKP; `k`, `kty` for oct) as JSON in lexicographic
    /// order without whitespace, base64url. Equal keys have equal
    /// thumbprints whatever their other members, so it makes a `kid` that
    /// every replica holding the key agrees on.
    ///
    /// ```
    /// // The example key of RFC 7638 §3.1.
    /// let jwk: warden::jwt::Jwk = serde_json::from_str(r#"{
    ///     "kty": "RSA", "e": "AQAB", "alg": "RS256", "kid": "2011-04-29",
    ///     "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
    /// }"#)?;
    /// assert_eq!(jwk.thumbprint()?, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// An unknown `kty`, or a required member missing.
    pub fn thumbprint(&self) -> Result<String, KeyError> {
        let missing = || KeyError::new("the JWK lacks a member its thumbprint needs");
        let members: &[(&str, &Option<String>)] = match self.kty.as_str() {
            "RSA" => &[("e", &self.e), ("n", &self.n)],
            "EC" => &[("crv", &self.crv), ("x", &self.x), ("y", &self.y)],
            "OKP" => &[("crv", &self.crv), ("x", &self.x)],
            "oct" => &[("k", &self.k)],
            _ => return Err(KeyError::new("no thumbprint for an unknown JWK kty")),
        };
        let kty = Some(self.kty.clone());
        let mut members = members.to_vec();
        members.push(("kty", &kty));
        members.sort_unstable_by_key(|(name, _)| *name);
        let mut json = String::from("{");
        for (index, (name, value)) in members.iter().enumerate() {
            if index > 0 {
                json.push(',');
            }
            let value = value.as_deref().ok_or_else(missing)?;
            // Names and values as JSON strings (RFC 7638 §3.3: no escapes are
            // expected, but a value that needs one is still valid JSON).
            json.push_str(&serde_json::to_string(name).map_err(|_| missing())?);
            json.push(':');
            json.push_str(&serde_json::to_string(value).map_err(|_| missing())?);
        }
        json.push('}');
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, json.as_bytes());
        Ok(encode_b64url(digest.as_ref()))
    }
}

/// A JWK set (RFC 7517 §5): `{"keys": [...]}`.
///
/// Deserializing is lenient about the keys, as RFC 7517 §5 asks of
/// implementations: a member of `keys` that is not a JWK object (a key
/// member of the wrong type, say) is dropped rather than failing the set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JwkSet {
    /// The keys.
    #[serde(deserialize_with = "lenient_keys")]
    pub keys: Vec<Jwk>,
}

impl JwkSet {
    /// A set of `keys`.
    pub fn new(keys: Vec<Jwk>) -> Self {
        Self { keys }
    }

    /// The first key whose `kid` is `kid`.
    pub fn find(&self, kid: &str) -> Option<&Jwk> {
        self.keys.iter().find(|jwk| jwk.kid.as_deref() == Some(kid))
    }
}

fn lenient_keys<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Jwk>, D::Error> {
    let values = Vec::<serde_json::Value>::deserialize(deserializer)?;
    Ok(values.into_iter().filter_map(|value| serde_json::from_value(value).ok()).collect())
}

struct Entry {
    kid: Option<Box<str>>,
    key: Arc<DecodingKey>,
}

/// Decoding keys parsed once, looked up by `kid`: the [`KeySource`] of an
/// issuer with several keys, and the snapshot a JWKS fetcher swaps.
///
/// Lookup for a token header:
///
/// * with a `kid`: the key of that ID that fits the token's `alg`
///   ([`UnknownKey`](JwtErrorKind::UnknownKey) if there is no key of that
///   ID, [`KeyMismatch`](JwtErrorKind::KeyMismatch) if there is one but it
///   cannot verify the `alg`);
/// * without a `kid`: the one key that fits the `alg`, when there is exactly
///   one ([`UnknownKey`](JwtErrorKind::UnknownKey) otherwise).
///
/// Keys are held as `Arc<DecodingKey>` so that a source swapping sets can
/// hand out a key that outlives the set ([`find`](Self::find) then
/// `.cloned()`). Lookup is a linear scan, which beats hashing for the
/// handful of keys a JWK set has.
///
/// ```
/// use warden::jwt::{Algorithm, DecodingKey, KeySet, JwtErrorKind, Header};
///
/// let keys = KeySet::new()
///     .with_key("2024", DecodingKey::from_secret(b"old secret, 32 bytes or more....")?)
///     .with_key("2025", DecodingKey::from_secret(b"new secret, 32 bytes or more....")?);
/// assert!(keys.find(&Header::new(Algorithm::Hs256).with_kid("2025")).is_ok());
/// let unknown = keys.find(&Header::new(Algorithm::Hs256).with_kid("1999")).unwrap_err();
/// assert_eq!(unknown.kind(), JwtErrorKind::UnknownKey);
/// // Two keys fit HS256, so a token without kid names none of them.
/// assert!(keys.find(&Header::new(Algorithm::Hs256)).is_err());
/// # Ok::<(), warden::jwt::KeyError>(())
/// ```
#[derive(Default, Clone)]
pub struct KeySet {
    entries: Vec<Entry>,
}

impl Clone for Entry {
    fn clone(&self) -> Self {
        Self { kid: self.kid.clone(), key: Arc::clone(&self.key) }
    }
}

impl KeySet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// The usable keys of a JWK set. Keys that cannot verify tokens are
    /// skipped, not errors: `use` other than `sig`, `key_ops` without
    /// `verify`, an unknown `kty`, `crv` or `alg`, malformed members (each
    /// is logged at DEBUG under `warden::jwt`).
    pub fn from_jwks(jwks: &JwkSet) -> Self {
        let mut set = Self::new();
        for jwk in &jwks.keys {
            match DecodingKey::from_jwk(jwk) {
                Ok(key) => set.insert(jwk.kid.as_deref(), key),
                Err(error) => {
                    tracing::debug!(target: "warden::jwt", kid = jwk.kid.as_deref(), kty = %jwk.kty, %error, "skipping JWK");
                }
            }
        }
        set
    }

    /// Adds `key` under `kid` (`None` for a key without ID).
    pub fn insert(&mut self, kid: Option<&str>, key: DecodingKey) {
        self.entries.push(Entry { kid: kid.map(Box::from), key: Arc::new(key) });
    }

    /// Adds `key` under `kid`, builder style.
    #[must_use]
    pub fn with_key(mut self, kid: &str, key: DecodingKey) -> Self {
        self.insert(Some(kid), key);
        self
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the set has no key.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The first key of ID `kid`, whatever its algorithm.
    pub fn get(&self, kid: &str) -> Option<&Arc<DecodingKey>> {
        self.entries.iter().find(|entry| entry.kid.as_deref() == Some(kid)).map(|entry| &entry.key)
    }

    /// The key IDs, in insertion order (`None` for keys without one).
    pub fn kids(&self) -> impl Iterator<Item = Option<&str>> {
        self.entries.iter().map(|entry| entry.kid.as_deref())
    }

    /// The key for a token header (see the [type documentation](Self)).
    ///
    /// # Errors
    ///
    /// [`UnknownKey`](JwtErrorKind::UnknownKey) or
    /// [`KeyMismatch`](JwtErrorKind::KeyMismatch), as described above.
    pub fn find(&self, header: &Header<'_>) -> Result<&Arc<DecodingKey>, JwtError> {
        let alg = header.alg();
        match header.kid() {
            Some(kid) => {
                let mut named = false;
                for entry in &self.entries {
                    if entry.kid.as_deref() == Some(kid) {
                        if entry.key.fits(alg) {
                            return Ok(&entry.key);
                        }
                        named = true;
                    }
                }
                Err(if named { JwtError::new(JwtErrorKind::KeyMismatch) } else { unknown_key() })
            }
            None => {
                let mut fitting = self.entries.iter().filter(|entry| entry.key.fits(alg));
                match (fitting.next(), fitting.next()) {
                    (Some(entry), None) => Ok(&entry.key),
                    _ => Err(unknown_key()),
                }
            }
        }
    }
}

impl fmt::Debug for KeySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.entries.iter().map(|entry| (&entry.kid, &entry.key))).finish()
    }
}

impl KeySource for KeySet {
    type Key<'a> = &'a DecodingKey;

    #[inline]
    fn resolve(&self, header: &Header<'_>) -> Result<&DecodingKey, JwtError> {
        self.find(header).map(|key| &**key)
    }

    fn supports(&self, alg: Algorithm) -> bool {
        self.entries.iter().any(|entry| entry.key.fits(alg))
    }

    fn shortest_secret(&self, alg: Algorithm) -> Option<usize> {
        self.entries.iter().filter_map(|entry| entry.key.secret_len(alg)).min()
    }
}

fn member<'a>(value: &'a Option<String>, name: &'static str) -> Result<&'a str, KeyError> {
    value.as_deref().ok_or(KeyError::new(name))
}

fn b64_member(value: &Option<String>, name: &'static str) -> Result<Vec<u8>, KeyError> {
    decode_b64url(member(value, name)?.as_bytes()).ok_or(KeyError::new(name))
}

pub(super) fn decoding_key_from_jwk(jwk: &Jwk) -> Result<DecodingKey, KeyError> {
    if jwk.key_use.as_deref().is_some_and(|key_use| key_use != "sig") {
        return Err(KeyError::new("the JWK is not for signatures (use)"));
    }
    if jwk.key_ops.as_ref().is_some_and(|ops| !ops.iter().any(|op| op == "verify")) {
        return Err(KeyError::new("the JWK is not for verification (key_ops)"));
    }
    let alg = match jwk.alg.as_deref() {
        None => None,
        Some(name) => Some(
            Algorithm::from_name(name.as_bytes())
                .ok_or(KeyError::new("the JWK alg is not a JWS algorithm warden supports"))?,
        ),
    };
    let key = match jwk.kty.as_str() {
        "RSA" => {
            let n = b64_member(&jwk.n, "an RSA JWK needs a base64url n")?;
            let e = b64_member(&jwk.e, "an RSA JWK needs a base64url e")?;
            DecodingKey::from_rsa_components(&n, &e)?
        }
        "EC" => {
            let size = match member(&jwk.crv, "an EC JWK needs crv")? {
                "P-256" => 32,
                "P-384" => 48,
                _ => return Err(KeyError::new("the EC JWK curve is not P-256 or P-384")),
            };
            let x = b64_member(&jwk.x, "an EC JWK needs a base64url x")?;
            let y = b64_member(&jwk.y, "an EC JWK needs a base64url y")?;
            if x.len() != size || y.len() != size {
                return Err(KeyError::new("the EC JWK coordinates do not have the curve's size"));
            }
            let mut point = Vec::with_capacity(1 + 2 * size);
            point.push(4);
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            let key = DecodingKey::from_ec_der(&point)?;
            let expected = if size == 32 { Algorithm::Es256 } else { Algorithm::Es384 };
            if !key.fits(expected) {
                return Err(KeyError::new("the EC JWK point is not on its curve"));
            }
            key
        }
        "OKP" => {
            if member(&jwk.crv, "an OKP JWK needs crv")? != "Ed25519" {
                return Err(KeyError::new("the OKP JWK curve is not Ed25519"));
            }
            DecodingKey::from_ed25519_raw(&b64_member(&jwk.x, "an OKP JWK needs a base64url x")?)?
        }
        "oct" => DecodingKey::from_secret(&b64_member(&jwk.k, "an oct JWK needs a base64url k")?)?,
        _ => return Err(KeyError::new("unsupported JWK kty")),
    };
    match alg {
        Some(alg) => key.restrict_to(alg),
        None => Ok(key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwk(json: serde_json::Value) -> Jwk {
        serde_json::from_value(json).unwrap()
    }

    const ED_X: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

    #[test]
    fn encryption_keys_and_unknown_types_are_skipped_not_fatal() {
        let set: JwkSet = serde_json::from_value(serde_json::json!({"keys": [
            {"kty": "OKP", "crv": "Ed25519", "x": ED_X, "kid": "sig"},
            {"kty": "OKP", "crv": "Ed25519", "x": ED_X, "kid": "enc", "use": "enc"},
            {"kty": "OKP", "crv": "Ed25519", "x": ED_X, "kid": "ops", "key_ops": ["encrypt"]},
            {"kty": "ML-DSA", "kid": "future"},
            {"kty": "EC", "crv": "P-521", "x": "AA", "y": "AA", "kid": "p521"},
            {"kty": "RSA", "n": 5, "kid": "wrong type"},
            "not an object",
        ]}))
        .unwrap();
        assert_eq!(set.keys.len(), 5, "non-JWK members are dropped when deserializing");
        let keys = KeySet::from_jwks(&set);
        assert_eq!(keys.kids().collect::<Vec<_>>(), [Some("sig")]);
    }

    #[test]
    fn jwk_alg_restricts_the_key() {
        let key =
            DecodingKey::from_jwk(&jwk(serde_json::json!({"kty": "oct", "k": "c2VjcmV0", "alg": "HS384"}))).unwrap();
        assert!(key.fits(Algorithm::Hs384));
        assert!(!key.fits(Algorithm::Hs256));
        let mismatched = jwk(serde_json::json!({"kty": "oct", "k": "c2VjcmV0", "alg": "RS256"}));
        assert!(DecodingKey::from_jwk(&mismatched).is_err());
        let unknown = jwk(serde_json::json!({"kty": "oct", "k": "c2VjcmV0", "alg": "none"}));
        assert!(DecodingKey::from_jwk(&unknown).is_err());
    }

    /// The example key of RFC 7638 §3.1.
    const RFC_7638_N: &str = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";

    #[test]
    fn the_thumbprint_of_rfc_7638_s_example_key_is_the_rfc_s() {
        let key =
            jwk(serde_json::json!({"kty": "RSA", "n": RFC_7638_N, "e": "AQAB", "alg": "RS256", "kid": "2011-04-29"}));
        assert_eq!(key.thumbprint().unwrap(), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    }

    #[test]
    fn the_thumbprint_reads_only_the_required_members() {
        let bare = jwk(serde_json::json!({"kty": "RSA", "n": RFC_7638_N, "e": "AQAB"}));
        let dressed = jwk(serde_json::json!({
            "kty": "RSA", "n": RFC_7638_N, "e": "AQAB", "use": "enc", "kid": "other", "x5t": "abc", "key_ops": ["verify"],
        }));
        assert_eq!(bare.thumbprint(), dressed.thumbprint());
        let other_e = jwk(serde_json::json!({"kty": "RSA", "n": RFC_7638_N, "e": "AQAC"}));
        assert_ne!(bare.thumbprint(), other_e.thumbprint());
    }

    #[test]
    fn an_oct_thumbprint_is_jwcrypto_s() {
        // jwcrypto: JWK(kty="oct", k=...).thumbprint()
        let key = jwk(serde_json::json!({"kty": "oct", "k": "c2VjcmV0LCAzMiBieXRlcyBvciBtb3JlLCBmb3IgSFMyNTY"}));
        assert_eq!(key.thumbprint().unwrap(), "aJtrTVhqd15cliEGWJ2NQwOjurTJotXkPo0h7EcpIA0");
    }

    #[test]
    fn a_thumbprint_needs_a_known_kty_and_its_required_members() {
        for json in [
            serde_json::json!({"kty": "RSA", "n": RFC_7638_N}),
            serde_json::json!({"kty": "EC", "crv": "P-256", "x": "AA"}),
            serde_json::json!({"kty": "OKP", "x": ED_X}),
            serde_json::json!({"kty": "oct"}),
            serde_json::json!({"kty": "ML-DSA", "x": ED_X}),
        ] {
            assert!(jwk(json.clone()).thumbprint().is_err(), "{json}");
        }
    }

    #[test]
    fn debug_never_shows_an_oct_secret() {
        let key = jwk(serde_json::json!({"kty": "oct", "k": "c2VjcmV0"}));
        assert!(!format!("{key:?}").contains("c2VjcmV0"));
    }

    #[test]
    fn without_kid_exactly_one_fitting_key_is_used() {
        let ed = DecodingKey::from_ed25519_raw(&decode_b64url(ED_X.as_bytes()).unwrap()).unwrap();
        let hmac = DecodingKey::from_secret(b"s").unwrap();
        let keys = KeySet::new().with_key("ed", ed).with_key("h", hmac);
        assert!(keys.find(&Header::new(Algorithm::EdDsa)).is_ok());
        assert!(keys.find(&Header::new(Algorithm::Hs256)).is_ok());
        assert_eq!(keys.find(&Header::new(Algorithm::Rs256)).unwrap_err().kind(), JwtErrorKind::UnknownKey);
        assert_eq!(
            keys.find(&Header::new(Algorithm::Hs256).with_kid("ed")).unwrap_err().kind(),
            JwtErrorKind::KeyMismatch
        );
        assert!(keys.supports(Algorithm::EdDsa));
        assert!(!keys.supports(Algorithm::Es256));
    }
}
