//! Signing: [`encode`], and [`TokenIssuer`] for FastAPI's OAuth2 tutorial
//! tokens.

use std::{fmt, sync::Arc, time::Duration};

use serde::{Deserialize, Serialize};

use super::{
    Algorithm, Clock, EncodingKey, Header, JwtConfigError, JwtError, JwtErrorKind, SystemClock, pem::encode_b64url_into,
};

/// Signs `claims` with `key` under `header`: the compact JWS
/// `header.payload.signature`.
///
/// ```
/// use warden::jwt::{Algorithm, EncodingKey, Header, encode};
///
/// let key = EncodingKey::from_secret(b"a secret of at least 32 bytes!!!")?;
/// let token = encode(&Header::new(Algorithm::Hs256), &serde_json::json!({"sub": "johndoe"}), &key)?;
/// assert!(token.starts_with("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`KeyMismatch`](JwtErrorKind::KeyMismatch) when `key` cannot sign with
/// `header.alg`; [`Encoding`](JwtErrorKind::Encoding) when the claims do
/// not serialize to a JSON object or the backend fails.
pub fn encode<T: Serialize + ?Sized>(header: &Header<'_>, claims: &T, key: &EncodingKey) -> Result<String, JwtError> {
    let encoding = |error: serde_json::Error| JwtError::new(JwtErrorKind::Encoding).with_source(error);
    if !key.fits(header.alg) {
        return Err(JwtError::new(JwtErrorKind::KeyMismatch));
    }
    let header_json = serde_json::to_vec(header).map_err(encoding)?;
    let claims_json = serde_json::to_vec(claims).map_err(encoding)?;
    if claims_json.first() != Some(&b'{') {
        return Err(JwtError::new(JwtErrorKind::Encoding));
    }
    let mut token = String::with_capacity((header_json.len() + claims_json.len()) * 4 / 3 + 700);
    encode_b64url_into(&header_json, &mut token);
    token.push('.');
    encode_b64url_into(&claims_json, &mut token);
    let signature = key.sign(header.alg, token.as_bytes())?;
    token.push('.');
    encode_b64url_into(&signature, &mut token);
    Ok(token)
}

/// The claims of FastAPI's OAuth2 scopes tutorial:
/// `{"sub": "johndoe", "scopes": ["me", "items"], "exp": 1690000000}`.
///
/// What [`TokenIssuer::issue`] signs, and a ready claims type for
/// [`JwtVerifier`](super::JwtVerifier).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ScopedClaims {
    /// The subject: the user name.
    pub sub: String,
    /// The scopes granted (missing is none).
    #[serde(default)]
    pub scopes: Vec<String>,
    /// The expiry, in seconds since the Unix epoch: a NumericDate with a
    /// fraction (`1690000000.5`, RFC 7519 §2) is rounded down, as the
    /// verifier compares it.
    #[serde(deserialize_with = "whole_seconds")]
    pub exp: i64,
}

/// A NumericDate as whole seconds, rounded down: an integer, or a finite
/// number with a fraction (the verifier has already refused anything else,
/// and anything beyond ±2^53).
fn whole_seconds<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    struct Seconds;

    impl serde::de::Visitor<'_> for Seconds {
        type Value = i64;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a NumericDate")
        }

        fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<i64, E> {
            Ok(value)
        }

        fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<i64, E> {
            i64::try_from(value).map_err(|_| E::custom("a NumericDate out of range"))
        }

        fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<i64, E> {
            // 2^53, beyond which the verifier refuses a NumericDate.
            const LIMIT: f64 = 9_007_199_254_740_992.0;
            if value.is_finite() && value.abs() <= LIMIT {
                // Exact: |floor| <= 2^53 fits an i64 and a double holds it.
                #[allow(clippy::cast_possible_truncation)]
                Ok(value.floor() as i64)
            } else {
                Err(E::custom("a NumericDate out of range"))
            }
        }
    }

    deserializer.deserialize_any(Seconds)
}

impl ScopedClaims {
    /// Whether `scope` was granted.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|granted| granted == scope)
    }

    /// The first of `required` that was not granted, if any: feed the list
    /// to [`AuthRejection::insufficient_scope`](crate::AuthRejection::insufficient_scope).
    pub fn missing_scope<'a>(&self, required: &[&'a str]) -> Option<&'a str> {
        required.iter().copied().find(|scope| !self.has_scope(scope))
    }
}

#[derive(Serialize)]
struct ScopedClaimsRef<'a> {
    sub: &'a str,
    scopes: &'a [&'a str],
    exp: i64,
}

/// Issues FastAPI-tutorial access tokens: `sub`, `scopes` and
/// `exp = now + ttl`, with the time from an injectable [`Clock`].
///
/// ```
/// use std::time::Duration;
/// use warden::jwt::{Algorithm, EncodingKey, FixedClock, TokenIssuer};
///
/// let issuer = TokenIssuer::new(EncodingKey::from_secret(b"a secret of at least 32 bytes!!!")?, Algorithm::Hs256)?
///     .ttl(Duration::from_secs(30 * 60))
///     .clock(FixedClock::at(1_690_000_000));
/// let token = issuer.issue("johndoe", &["me", "items"])?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct TokenIssuer {
    key: EncodingKey,
    header: Header<'static>,
    ttl: Duration,
    clock: Arc<dyn Clock>,
}

impl TokenIssuer {
    /// An issuer signing with `key` and `alg`, tokens valid for 15 minutes
    /// (FastAPI's default `expires_delta`), by the system clock.
    ///
    /// # Errors
    ///
    /// [`AlgorithmWithoutKey`](JwtConfigError::AlgorithmWithoutKey) when
    /// `key` cannot sign with `alg`;
    /// [`WeakHmacSecret`](JwtConfigError::WeakHmacSecret) when an HMAC
    /// secret is shorter than `alg`'s hash output (32, 48, 64 bytes; RFC
    /// 7518 §3.2): see [`with_weak_hmac_secret`](Self::with_weak_hmac_secret).
    pub fn new(key: EncodingKey, alg: Algorithm) -> Result<Self, JwtConfigError> {
        if let (Some(min), Some(len)) = (alg.min_secret_len(), key.secret_len(alg))
            && len < min
        {
            return Err(JwtConfigError::WeakHmacSecret { alg, len, min });
        }
        Self::with_weak_hmac_secret(key, alg)
    }

    /// As [`new`](Self::new), but accepting an HMAC secret shorter than the
    /// hash output: for a legacy secret that cannot be changed at once (its
    /// verifier needs
    /// [`allow_weak_hmac_secret`](super::JwtVerifierBuilder::allow_weak_hmac_secret)).
    ///
    /// # Errors
    ///
    /// [`AlgorithmWithoutKey`](JwtConfigError::AlgorithmWithoutKey) when
    /// `key` cannot sign with `alg`.
    pub fn with_weak_hmac_secret(key: EncodingKey, alg: Algorithm) -> Result<Self, JwtConfigError> {
        if !key.fits(alg) {
            return Err(JwtConfigError::AlgorithmWithoutKey(alg));
        }
        Ok(Self { key, header: Header::new(alg), ttl: Duration::from_secs(15 * 60), clock: Arc::new(SystemClock) })
    }

    /// Tokens expire `ttl` after they are issued (whole seconds).
    #[must_use]
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// Names the signing key in every token's header.
    #[must_use]
    pub fn kid(mut self, kid: impl Into<String>) -> Self {
        self.header.kid = Some(kid.into().into());
        self
    }

    /// Reads the time from `clock`.
    #[must_use]
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// A token for `sub` with `scopes`, expiring `ttl` from now.
    ///
    /// # Errors
    ///
    /// [`Encoding`](JwtErrorKind::Encoding) if the backend fails to sign.
    pub fn issue(&self, sub: &str, scopes: &[&str]) -> Result<String, JwtError> {
        let ttl = i64::try_from(self.ttl.as_secs()).unwrap_or(i64::MAX);
        let exp = self.clock.now().saturating_add(ttl);
        encode(&self.header, &ScopedClaimsRef { sub, scopes, exp }, &self.key)
    }
}

impl fmt::Debug for TokenIssuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenIssuer")
            .field("key", &self.key)
            .field("header", &self.header)
            .field("ttl", &self.ttl)
            .field("clock", &self.clock)
            .finish()
    }
}
