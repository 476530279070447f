//! Generic HTTP authentication schemes (RFC 9110 §11.4): Digest, or any
//! scheme by name.
//!
//! ```text
//! credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//! ```
//!
//! | request (scheme `custom-scheme`) | answer |
//! | --- | --- |
//! | `Authorization: custom-scheme tok` (scheme compared case-insensitively, D9) | credentials: scheme as sent, `tok` |
//! | no `Authorization`, an empty one, another scheme, or the scheme alone | **missing**: `401`, challenge `Custom-Scheme` (`None` when optional) |
//! | two `Authorization` lines | `400` (D10) |
//!
//! The challenge is the scheme name title-cased as FastAPI does
//! (`digest` -> `Digest`). The credentials are not checked further: a Digest
//! `Authorization` value reaches the handler unparsed.
//!
//! # Example
//!
//! ```
//! use axum::{Router, routing::get, body::Body, http::Request};
//! use tower::ServiceExt;
//! use warden::{Auth, HttpScheme};
//!
//! async fn echo(Auth(creds): Auth<HttpScheme>) -> String {
//!     format!("{} {}", creds.scheme(), creds.credentials())
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let app = Router::new().route("/", get(echo)).with_state(HttpScheme::new("custom-scheme")?);
//!
//! let response = app.clone().oneshot(Request::get("/").body(Body::empty())?).await?;
//! assert_eq!(response.status(), 401);
//! assert_eq!(response.headers()["www-authenticate"], "Custom-Scheme");
//!
//! let request = Request::get("/").header("authorization", "CUSTOM-SCHEME tok").body(Body::empty())?;
//! assert_eq!(app.oneshot(request).await?.status(), 200);
//! # Ok(()) }
//! ```

use std::{borrow::Cow, fmt, marker::PhantomData};

use http::request::Parts;

use super::{Scheme, SchemeOptions, basic::duplicate_authorization, scheme_handle, shared_builder_methods};
use crate::{AuthErrorKind, AuthRejection, Challenge, ConfigError, challenge::is_token, parse, secret};

/// A generic HTTP authentication scheme, named at build time: Digest
/// ([`HttpScheme::digest`]) or any other.
pub struct HttpScheme<M = ()> {
    inner: &'static HttpInner,
    marker: PhantomData<fn() -> M>,
}

struct HttpInner {
    scheme: Cow<'static, str>,
    challenge: Challenge,
    options: SchemeOptions,
}

impl fmt::Debug for HttpInner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpScheme").field("scheme", &self.scheme).field("options", &self.options).finish()
    }
}

scheme_handle!(HttpScheme, HttpInner);

/// The configuration of [`HttpScheme::digest`], shared by every such scheme.
static DIGEST: HttpInner = HttpInner {
    scheme: Cow::Borrowed("digest"),
    challenge: Challenge::known_token("Digest"),
    options: SchemeOptions::new(),
};

impl HttpScheme {
    /// A scheme named `scheme` (an RFC 9110 token), with default options.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidSchemeName`] when `scheme` is empty or not a token.
    pub fn new(scheme: impl Into<String>) -> Result<Self, ConfigError> {
        Self::builder(scheme).build()
    }

    /// HTTP Digest (RFC 7616), checked for its scheme name only. Allocates
    /// nothing.
    pub const fn digest() -> Self {
        Self::from_static(&DIGEST)
    }

    /// A builder for a scheme named `scheme`.
    pub fn builder(scheme: impl Into<String>) -> HttpSchemeBuilder {
        HttpSchemeBuilder { scheme: scheme.into(), options: SchemeOptions::default() }
    }
}

impl<M> HttpScheme<M> {
    /// The scheme name as configured.
    pub fn scheme(&self) -> &str {
        &self.inner.scheme
    }

    /// The challenge: the title-cased scheme name.
    pub fn challenge(&self) -> &Challenge {
        &self.inner.challenge
    }
}

impl<M: 'static> Scheme for HttpScheme<M> {
    type Credentials = HttpCredentials;

    fn extract(&self, parts: &Parts) -> Result<Option<HttpCredentials>, AuthRejection> {
        let split =
            parse::authorization_for(&parts.headers, &self.inner.scheme).map_err(|()| duplicate_authorization())?;
        Ok(split
            .filter(|split| !split.credentials.is_empty())
            .map(|split| HttpCredentials::from_parts(split.scheme, split.credentials)))
    }

    fn not_authenticated(&self) -> AuthRejection {
        self.inner.options.not_authenticated(AuthErrorKind::Missing, &self.inner.challenge)
    }

    fn identity(&self) -> Option<usize> {
        Some(self.address())
    }
}

/// Builds an [`HttpScheme`].
#[derive(Debug)]
#[must_use]
pub struct HttpSchemeBuilder {
    scheme: String,
    options: SchemeOptions,
}

impl HttpSchemeBuilder {
    shared_builder_methods!();

    /// Checks the scheme name and builds the scheme.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidSchemeName`] when the name is empty or not an
    /// RFC 9110 token.
    pub fn build(self) -> Result<HttpScheme, ConfigError> {
        if !is_token(&self.scheme) {
            return Err(ConfigError::InvalidSchemeName(format!("{:?} is not an RFC 9110 token", self.scheme)));
        }
        let challenge = Challenge::new(parse::title_case(&self.scheme))?;
        Ok(HttpScheme::from_inner(HttpInner { scheme: Cow::Owned(self.scheme), challenge, options: self.options }))
    }
}

/// An `Authorization` scheme and its credentials (FastAPI's
/// `HTTPAuthorizationCredentials`), as produced by [`HttpScheme`] and
/// [`HttpBearer`](super::HttpBearer).
///
/// The scheme is kept as the client sent it (`bearer`, `Bearer`, `BEARER`).
/// Credential bytes outside ASCII are read as ISO-8859-1 (D21). `Debug`
/// hides the credentials; there is no `==`: compare with
/// [`credentials_eq`](Self::credentials_eq), which takes constant time.
#[derive(Clone)]
pub struct HttpCredentials {
    /// Scheme then credentials, one allocation for both.
    text: String,
    scheme_len: usize,
}

impl HttpCredentials {
    /// Copies `scheme` (ASCII, it matched a token) and `credentials` into one
    /// string: one allocation, and two copies when both are ASCII, as a
    /// bearer token always is.
    #[inline]
    pub(crate) fn from_parts(scheme: &[u8], credentials: &[u8]) -> Self {
        let mut bytes = Vec::with_capacity(scheme.len() + credentials.len());
        bytes.extend_from_slice(scheme);
        let ascii = credentials.is_ascii();
        if ascii {
            bytes.extend_from_slice(credentials);
        }
        // ASCII throughout, one validation pass; it never fails, and the
        // fallback keeps this panic-free.
        let mut text = String::from_utf8(bytes).unwrap_or_default();
        if !ascii {
            parse::push_latin1(&mut text, credentials);
        }
        Self { text, scheme_len: scheme.len() }
    }

    /// The scheme, as sent.
    pub fn scheme(&self) -> &str {
        &self.text[..self.scheme_len]
    }

    /// The credentials: for Bearer, the token.
    pub fn credentials(&self) -> &str {
        &self.text[self.scheme_len..]
    }

    /// The bearer token (the same as [`credentials`](Self::credentials)).
    pub fn token(&self) -> &str {
        self.credentials()
    }

    /// Compares the credentials with `expected` in constant time.
    pub fn credentials_eq(&self, expected: &str) -> bool {
        secret::ct_eq(self.credentials().as_bytes(), expected.as_bytes())
    }
}

impl fmt::Debug for HttpCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpCredentials")
            .field("scheme", &self.scheme())
            .field("credentials", &secret::REDACTED)
            .finish()
    }
}

#[cfg(feature = "openapi")]
impl<M> crate::openapi::DescribeScheme for HttpScheme<M> {
    /// `HTTPDigest` for Digest, `HTTPBase` for any other scheme (FastAPI's
    /// classes), unless named.
    fn openapi_name(&self) -> &str {
        let default = if self.scheme().eq_ignore_ascii_case("digest") { "HTTPDigest" } else { "HTTPBase" };
        crate::openapi::name_or(self.options(), default)
    }

    /// `{"type": "http", "scheme": <the scheme as configured>}`.
    fn security_scheme(&self) -> crate::openapi::SecuritySchemeObject {
        crate::openapi::SecuritySchemeObject::http(self.options(), self.scheme(), None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extract(scheme: &HttpScheme, lines: &[&[u8]]) -> Result<Option<HttpCredentials>, AuthRejection> {
        let parts = super::super::authorization_parts(lines);
        scheme.extract(&parts)
    }

    #[test]
    fn scheme_is_compared_case_insensitively() {
        let custom = HttpScheme::new("custom-scheme").unwrap();
        let creds = extract(&custom, &[b"CUSTOM-scheme tok"]).unwrap().unwrap();
        assert_eq!((creds.scheme(), creds.credentials()), ("CUSTOM-scheme", "tok"));
        assert!(extract(&custom, &[b"Anything tok"]).unwrap().is_none());
    }

    #[test]
    fn scheme_alone_or_tab_separated_is_missing() {
        let digest = HttpScheme::digest();
        assert!(extract(&digest, &[b"Digest"]).unwrap().is_none());
        assert!(extract(&digest, &[b"Digest   "]).unwrap().is_none());
        assert!(extract(&digest, &[b"Digest\tabc"]).unwrap().is_none());
        assert!(extract(&digest, &[b""]).unwrap().is_none());
    }

    #[test]
    fn digest_credentials_are_passed_unparsed() {
        let digest = HttpScheme::digest();
        let creds = extract(&digest, &[br#"Digest  username="a", realm="b" "#]).unwrap().unwrap();
        assert_eq!(creds.credentials(), r#"username="a", realm="b""#);
    }

    #[test]
    fn obs_text_credentials_are_latin1() {
        let digest = HttpScheme::digest();
        let creds = extract(&digest, &[b"Digest \xa0abc"]).unwrap().unwrap();
        assert_eq!(creds.credentials(), "\u{a0}abc");
    }

    #[test]
    fn challenge_is_the_title_cased_name() {
        assert_eq!(HttpScheme::new("custom-scheme").unwrap().challenge().to_string(), "Custom-Scheme");
        assert_eq!(HttpScheme::digest().challenge().to_string(), "Digest");
        let missing = HttpScheme::digest().not_authenticated();
        assert_eq!((missing.status(), missing.kind()), (http::StatusCode::UNAUTHORIZED, AuthErrorKind::Missing));
    }

    #[test]
    fn invalid_scheme_names_fail_at_build_time() {
        assert!(matches!(HttpScheme::new(""), Err(ConfigError::InvalidSchemeName(_))));
        assert!(matches!(HttpScheme::new("two words"), Err(ConfigError::InvalidSchemeName(_))));
    }

    #[test]
    fn duplicates_are_a_bad_request() {
        let rejection = extract(&HttpScheme::digest(), &[b"Digest a", b"Digest b"]).unwrap_err();
        assert_eq!(rejection.status(), 400);
    }
}
