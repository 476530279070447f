//! The JOSE header (RFC 7515 §4.1): one type for the header a token is
//! signed with and the header a key source and a verified token are read by.

use std::borrow::Cow;

use serde::Serialize;

use super::Algorithm;

/// The JOSE header of a token (RFC 7515 §4.1): `alg`, and `kid`, `typ` and
/// `cty` when present.
///
/// To sign, build one with [`Header::new`] and pass it to
/// [`encode`](super::encode):
///
/// ```
/// use warden::jwt::{Algorithm, Header};
///
/// let header = Header::new(Algorithm::Rs256).with_kid("2025-01");
/// assert_eq!(serde_json::to_string(&header)?, r#"{"alg":"RS256","kid":"2025-01","typ":"JWT"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// When a token is verified, its header is borrowed from the decoded
/// segment (`Header<'_>`): a [`KeySource`](super::KeySource) reads it to
/// find the key, and [`Verified::header`](super::Verified::header) gives
/// it. Only the parameters warden uses are kept; a header with `crit` or
/// `b64` never gets that far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Header<'a> {
    pub(crate) alg: Algorithm,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) kid: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) typ: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cty: Option<Cow<'a, str>>,
}

impl Header<'static> {
    /// `{"alg": alg, "typ": "JWT"}`, PyJWT's header.
    pub fn new(alg: Algorithm) -> Self {
        Self { alg, kid: None, typ: Some(Cow::Borrowed("JWT")), cty: None }
    }
}

impl<'a> Header<'a> {
    /// The same header with `kid`.
    #[must_use]
    pub fn with_kid(self, kid: impl Into<Cow<'a, str>>) -> Self {
        Self { kid: Some(kid.into()), ..self }
    }

    /// The same header with `typ` (`"at+jwt"` for RFC 9068 access tokens),
    /// or without one (`None`).
    #[must_use]
    pub fn with_typ(self, typ: Option<&'a str>) -> Self {
        Self { typ: typ.map(Cow::Borrowed), ..self }
    }

    /// `alg`: the signature algorithm (when verifying, already checked
    /// against the verifier's allow-list).
    pub fn alg(&self) -> Algorithm {
        self.alg
    }

    /// `kid`: the key ID, if there is one.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// `typ`: the media type of the token (`"JWT"`, `"at+jwt"`), if any.
    pub fn typ(&self) -> Option<&str> {
        self.typ.as_deref()
    }

    /// `cty`: the content type, if any (`"JWT"` for a nested token, which
    /// warden does not unwrap).
    pub fn cty(&self) -> Option<&str> {
        self.cty.as_deref()
    }

    /// The same header, owning its text.
    pub fn into_owned(self) -> Header<'static> {
        let owned = |text: Option<Cow<'a, str>>| text.map(|text| Cow::Owned(text.into_owned()));
        Header { alg: self.alg, kid: owned(self.kid), typ: owned(self.typ), cty: owned(self.cty) }
    }
}
