//! Why a token was refused, and why a key or a verifier could not be built.

use std::{borrow::Cow, fmt};

use crate::AuthRejection;

/// What went wrong with a token (or, for [`Encoding`](Self::Encoding), with
/// signing one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JwtErrorKind {
    /// Longer than the verifier's [limit](super::JwtVerifierBuilder::max_token_len)
    /// (8 KiB by default): refused before anything of it is decoded.
    TooLong,
    /// Not three base64url segments, not strict base64url (padding,
    /// non-canonical trailing bits), not UTF-8, not a JSON object, a JSON
    /// object with a member name twice (at any depth, compared unescaped), a
    /// number a double cannot hold (`1e309`), a header parameter of the wrong
    /// type, or a `b64` header parameter (RFC 7797) without `crit`.
    Malformed,
    /// The `alg` is `none`, unknown, or not in the verifier's allow-list.
    DisallowedAlgorithm,
    /// The `typ` is absent or not the one the verifier
    /// [requires](super::JwtVerifierBuilder::require_typ) (RFC 8725 §3.11).
    InvalidType,
    /// The header has a `crit` parameter (RFC 7515 §4.1.11): warden
    /// understands no extension, so it must refuse the token.
    UnsupportedCritical,
    /// No key for the token: its `kid` is unknown, or it has none and no
    /// single key fits its algorithm.
    UnknownKey,
    /// The key found cannot verify the token's algorithm (an `HS256` token
    /// checked against an RSA key, say: the HS/RS confusion attack).
    KeyMismatch,
    /// The key source could not answer (a key set that could not be fetched).
    KeyUnavailable,
    /// The key source refused to wait: too many verifications are already
    /// waiting for a key fetch. As an [`AuthRejection`] it is `503` with
    /// `Retry-After: 1`, not a verdict on the token.
    Overloaded,
    /// The signature does not verify.
    InvalidSignature,
    /// A registered claim of the wrong type (`exp` that is not a number, `aud`
    /// that is neither a string nor an array of strings), or claims that do
    /// not deserialize into the claims type.
    InvalidClaims,
    /// `exp` is past (by more than the leeway).
    Expired,
    /// `nbf` is in the future (by more than the leeway).
    NotYetValid,
    /// `aud` names none of the accepted audiences, or the token has an `aud`
    /// and the verifier accepts none.
    InvalidAudience,
    /// `iss` is not one of the accepted issuers.
    InvalidIssuer,
    /// A required claim is absent or `null` ([`JwtError::claim`] names it).
    MissingClaim,
    /// Signing failed: the key does not fit the header's algorithm, or the
    /// claims could not be serialized.
    Encoding,
}

impl JwtErrorKind {
    /// A short, lowercase description that contains nothing of the token or
    /// the key; it is sent as the `error_description` of the challenge.
    pub const fn description(self) -> &'static str {
        match self {
            Self::TooLong => "the token is too long",
            Self::Malformed => "the token is malformed",
            Self::DisallowedAlgorithm => "the token algorithm is not allowed",
            Self::InvalidType => "the token type is not accepted",
            Self::UnsupportedCritical => "the token has an unsupported critical header parameter",
            Self::UnknownKey => "no key matches the token",
            Self::KeyMismatch => "the token algorithm does not match the key",
            Self::KeyUnavailable => "the signing keys are unavailable",
            Self::Overloaded => "too many tokens are waiting for the signing keys",
            Self::InvalidSignature => "the token signature is invalid",
            Self::InvalidClaims => "the token claims are invalid",
            Self::Expired => "the token has expired",
            Self::NotYetValid => "the token is not yet valid",
            Self::InvalidAudience => "the token audience is not accepted",
            Self::InvalidIssuer => "the token issuer is not accepted",
            Self::MissingClaim => "the token is missing a required claim",
            Self::Encoding => "the token could not be signed",
        }
    }
}

impl fmt::Display for JwtErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}

#[derive(Debug)]
struct Inner {
    kind: JwtErrorKind,
    claim: Option<Cow<'static, str>>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// A token that was refused (or could not be signed).
///
/// [`kind`](Self::kind) says why; the [`Display`](fmt::Display) text and
/// [`description`](Self::description) never contain token or key material.
/// As an [`AuthRejection`] (`?` in a handler returning one, or `.into()`) it
/// is RFC 6750's `401` with
/// `WWW-Authenticate: Bearer error="invalid_token", error_description="…"`:
///
/// ```
/// use warden::{AuthRejection, jwt::{JwtError, JwtErrorKind}};
///
/// let rejection = AuthRejection::from(JwtError::new(JwtErrorKind::Expired));
/// assert_eq!(rejection.status(), 401);
/// assert_eq!(
///     rejection.challenges()[0].to_string(),
///     r#"Bearer error="invalid_token", error_description="the token has expired""#
/// );
/// ```
pub struct JwtError(Box<Inner>);

impl JwtError {
    /// An error of `kind`. Key sources use it to refuse a token
    /// ([`JwtErrorKind::UnknownKey`], [`JwtErrorKind::KeyUnavailable`]).
    #[cold]
    pub fn new(kind: JwtErrorKind) -> Self {
        Self(Box::new(Inner { kind, claim: None, source: None }))
    }

    /// A [`MissingClaim`](JwtErrorKind::MissingClaim) error for `claim`.
    #[cold]
    pub fn missing_claim(claim: impl Into<Cow<'static, str>>) -> Self {
        Self(Box::new(Inner { kind: JwtErrorKind::MissingClaim, claim: Some(claim.into()), source: None }))
    }

    /// Attaches the underlying cause (for logs; never sent to the client).
    #[must_use]
    pub fn with_source(mut self, source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        self.0.source = Some(source.into());
        self
    }

    /// Why the token was refused.
    pub fn kind(&self) -> JwtErrorKind {
        self.0.kind
    }

    /// The claim a [`MissingClaim`](JwtErrorKind::MissingClaim) error is about.
    pub fn claim(&self) -> Option<&str> {
        self.0.claim.as_deref()
    }

    /// The text sent as the challenge's `error_description`: the kind's
    /// description, naming the claim for a missing claim.
    pub fn description(&self) -> Cow<'static, str> {
        match (&self.0.kind, &self.0.claim) {
            (JwtErrorKind::MissingClaim, Some(claim)) => Cow::Owned(format!("the token is missing the {claim} claim")),
            (kind, _) => Cow::Borrowed(kind.description()),
        }
    }
}

impl From<JwtErrorKind> for JwtError {
    fn from(kind: JwtErrorKind) -> Self {
        Self::new(kind)
    }
}

impl fmt::Debug for JwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("JwtError");
        debug.field("kind", &self.0.kind);
        if let Some(claim) = &self.0.claim {
            debug.field("claim", claim);
        }
        if let Some(source) = &self.0.source {
            debug.field("source", source);
        }
        debug.finish()
    }
}

impl fmt::Display for JwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.description())
    }
}

impl std::error::Error for JwtError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source.as_deref().map(|source| source as &(dyn std::error::Error + 'static))
    }
}

impl From<JwtError> for AuthRejection {
    /// RFC 6750 §3.1 `invalid_token` with the error's
    /// [description](JwtError::description).
    fn from(error: JwtError) -> Self {
        if error.kind() == JwtErrorKind::Overloaded {
            return Self::unavailable(std::time::Duration::from_secs(1)).with_reason(error.kind().description());
        }
        Self::invalid_token(&error.description()).with_reason(error.kind().description())
    }
}

/// A key that cannot be used: bad PEM or DER, an unsupported curve or key
/// type, a JWK without the members its type needs, or a JWK meant for
/// encryption. The message names the problem, never the key material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError(Cow<'static, str>);

impl KeyError {
    #[cold]
    pub(crate) fn new(why: impl Into<Cow<'static, str>>) -> Self {
        Self(why.into())
    }

    /// What is wrong with the key.
    pub fn reason(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unusable key: {}", self.0)
    }
}

impl std::error::Error for KeyError {}

/// A verifier or issuer configuration that cannot work, found when it is
/// built (never when a token arrives).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwtConfigError {
    /// The algorithm allow-list is empty.
    NoAlgorithms,
    /// An allowed algorithm that no key of the source can verify (or, for an
    /// issuer, that its key cannot sign).
    AlgorithmWithoutKey(super::Algorithm),
    /// An empty audience, issuer or required-claim name, or more than 64
    /// required claims.
    InvalidClaimSetting(&'static str),
    /// A cache of capacity 0.
    ZeroCacheCapacity,
    /// An HMAC secret shorter than the hash output of an algorithm it is
    /// used with (RFC 7518 §3.2: 32, 48 and 64 bytes for `HS256`, `HS384`,
    /// `HS512`), without `allow_weak_hmac_secret`.
    WeakHmacSecret {
        /// The algorithm.
        alg: super::Algorithm,
        /// The secret's length, in bytes.
        len: usize,
        /// The least RFC 7518 §3.2 asks for, in bytes.
        min: usize,
    },
}

impl fmt::Display for JwtConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoAlgorithms => f.write_str("the algorithm allow-list is empty"),
            Self::AlgorithmWithoutKey(alg) => write!(f, "no key can handle the allowed algorithm {alg}"),
            Self::InvalidClaimSetting(why) => write!(f, "invalid claim setting: {why}"),
            Self::ZeroCacheCapacity => f.write_str("the token cache capacity must be at least 1"),
            Self::WeakHmacSecret { alg, len, min } => write!(
                f,
                "an HMAC secret of {len} bytes is too short for {alg}: RFC 7518 §3.2 asks for at least {min} (allow_weak_hmac_secret accepts it)"
            ),
        }
    }
}

impl std::error::Error for JwtConfigError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_renders_as_invalid_token_with_its_description() {
        let kinds = [
            JwtErrorKind::TooLong,
            JwtErrorKind::Malformed,
            JwtErrorKind::DisallowedAlgorithm,
            JwtErrorKind::InvalidType,
            JwtErrorKind::UnsupportedCritical,
            JwtErrorKind::UnknownKey,
            JwtErrorKind::KeyMismatch,
            JwtErrorKind::KeyUnavailable,
            JwtErrorKind::InvalidSignature,
            JwtErrorKind::InvalidClaims,
            JwtErrorKind::Expired,
            JwtErrorKind::NotYetValid,
            JwtErrorKind::InvalidAudience,
            JwtErrorKind::InvalidIssuer,
            JwtErrorKind::MissingClaim,
            JwtErrorKind::Encoding,
        ];
        for kind in kinds {
            let rejection = AuthRejection::from(JwtError::new(kind));
            assert_eq!(rejection.status(), 401);
            assert_eq!(rejection.kind(), crate::AuthErrorKind::InvalidToken);
            assert_eq!(
                rejection.challenges()[0].to_string(),
                format!(r#"Bearer error="invalid_token", error_description="{}""#, kind.description())
            );
        }
    }

    #[test]
    fn overloaded_is_a_503_with_retry_after_not_a_verdict_on_the_token() {
        let rejection = AuthRejection::from(JwtError::new(JwtErrorKind::Overloaded));
        assert_eq!(rejection.status(), 503);
        assert_eq!(rejection.kind(), crate::AuthErrorKind::Unavailable);
        assert_eq!(rejection.headers()["retry-after"], "1");
        assert!(rejection.challenges().is_empty());
    }

    #[test]
    fn missing_claim_names_the_claim() {
        let error = JwtError::missing_claim("sub");
        assert_eq!(error.kind(), JwtErrorKind::MissingClaim);
        assert_eq!(error.to_string(), "the token is missing the sub claim");
    }
}
