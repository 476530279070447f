//! HTTP Bearer authentication (RFC 6750).
//!
//! ```text
//! credentials = "Bearer" 1*SP b64token
//! b64token    = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
//! ```
//!
//! | request | answer |
//! | --- | --- |
//! | `Authorization: Bearer abc.def` (any case of `Bearer`) | credentials: scheme as sent, token `abc.def` |
//! | no `Authorization`, an empty one, another scheme, `Bearer` alone | **missing**: `401`, `WWW-Authenticate: Bearer` (`None` when optional) |
//! | a token that is not a `b64token` (`"abc"`, `a,b`, non-ASCII) | `400`, `Bearer error="invalid_request", error_description="…"` (D6) |
//! | two `Authorization` lines | `400`, `Bearer error="invalid_request", …` (D10) |
//!
//! The 400s are sent even when the scheme is optional, and the
//! not-authenticated hook never replaces them (D18).
//!
//! # Example
//!
//! ```
//! use axum::{Router, routing::get, body::Body, http::Request};
//! use tower::ServiceExt;
//! use warden::{Auth, HttpBearer};
//!
//! async fn me(Auth(creds): Auth<HttpBearer>) -> String {
//!     format!("token {}", creds.token())
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let app = Router::new().route("/me", get(me)).with_state(HttpBearer::new());
//!
//! let response = app.clone().oneshot(Request::get("/me").body(Body::empty())?).await?;
//! assert_eq!(response.status(), 401);
//! assert_eq!(response.headers()["www-authenticate"], "Bearer");
//!
//! let request = Request::get("/me").header("authorization", r#"Bearer "quoted""#).body(Body::empty())?;
//! let response = app.clone().oneshot(request).await?;
//! assert_eq!(response.status(), 400);
//! assert!(response.headers()["www-authenticate"].to_str()?.starts_with(r#"Bearer error="invalid_request""#));
//!
//! let request = Request::get("/me").header("authorization", "Bearer abc.def").body(Body::empty())?;
//! assert_eq!(app.oneshot(request).await?.status(), 200);
//! # Ok(()) }
//! ```

use std::{borrow::Cow, fmt, marker::PhantomData};

use http::request::Parts;

use super::{HttpCredentials, Scheme, SchemeOptions, scheme_handle, shared_builder_methods};
use crate::{
    AuthErrorKind, AuthRejection, Challenge, ConfigError,
    parse::{self, SchemeAndCredentials},
};

/// The HTTP Bearer scheme, with an optional bearer format (documentation
/// only, `JWT` say) and the [shared options](SchemeOptions).
pub struct HttpBearer<M = ()> {
    inner: &'static BearerInner,
    marker: PhantomData<fn() -> M>,
}

struct BearerInner {
    bearer_format: Option<Cow<'static, str>>,
    options: SchemeOptions,
}

impl fmt::Debug for BearerInner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpBearer")
            .field("bearer_format", &self.bearer_format)
            .field("options", &self.options)
            .finish()
    }
}

scheme_handle!(HttpBearer, BearerInner);

/// The configuration of [`HttpBearer::new`], shared by every such scheme.
static DEFAULT_BEARER: BearerInner = BearerInner { bearer_format: None, options: SchemeOptions::new() };

impl HttpBearer {
    /// A Bearer scheme with default options. Allocates nothing.
    pub const fn new() -> Self {
        Self::from_static(&DEFAULT_BEARER)
    }

    /// A builder for a Bearer scheme.
    pub fn builder() -> HttpBearerBuilder {
        HttpBearerBuilder { bearer_format: None, options: SchemeOptions::default() }
    }
}

impl Default for HttpBearer {
    fn default() -> Self {
        Self::new()
    }
}

impl<M> HttpBearer<M> {
    /// The bearer format, if one was set.
    pub fn bearer_format(&self) -> Option<&str> {
        self.inner.bearer_format.as_deref()
    }
}

impl<M: 'static> Scheme for HttpBearer<M> {
    type Credentials = HttpCredentials;

    fn extract(&self, parts: &Parts) -> Result<Option<HttpCredentials>, AuthRejection> {
        Ok(bearer_token(parts)?.map(|split| HttpCredentials::from_parts(split.scheme, split.credentials)))
    }

    fn not_authenticated(&self) -> AuthRejection {
        self.inner.options.not_authenticated(AuthErrorKind::Missing, &BEARER)
    }

    fn identity(&self) -> Option<usize> {
        Some(self.address())
    }
}

/// The bare `Bearer` challenge (RFC 6750 §3: no `error` when no credentials
/// were sent).
pub(crate) const BEARER: Challenge = Challenge::known_token("Bearer");

/// Finds a bearer token under the rules every bearer-family scheme shares
/// (D6, D7, D10, D18): `Ok(None)` when missing, a `400 invalid_request` when
/// ambiguous or not a `b64token`.
pub(crate) fn bearer_token(parts: &Parts) -> Result<Option<SchemeAndCredentials<'_>>, AuthRejection> {
    let split = parse::authorization_for(&parts.headers, "bearer")
        .map_err(|()| invalid_request("more than one Authorization header", "Multiple Authorization headers"))?;
    let Some(split) = split.filter(|split| !split.credentials.is_empty()) else {
        return Ok(None);
    };
    if !parse::is_b64token(split.credentials) {
        return Err(invalid_request(
            "the bearer token is not a b64token (RFC 6750 section 2.1)",
            "Invalid bearer token",
        ));
    }
    Ok(Some(split))
}

/// RFC 6750 §3.1 `invalid_request`: `400` with
/// `Bearer error="invalid_request", error_description="…"`.
#[cold]
pub(crate) fn invalid_request(description: &'static str, detail: &'static str) -> AuthRejection {
    let challenge = BEARER.param_lossy("error", "invalid_request").param_lossy("error_description", description);
    AuthRejection::new(AuthErrorKind::InvalidRequest)
        .with_challenge(challenge)
        .with_detail(detail)
        .with_reason(description)
}

/// Builds an [`HttpBearer`].
#[derive(Debug)]
#[must_use]
pub struct HttpBearerBuilder {
    bearer_format: Option<Cow<'static, str>>,
    options: SchemeOptions,
}

impl HttpBearerBuilder {
    shared_builder_methods!();

    /// Documents the token format (`JWT`); it has no effect on parsing.
    pub fn bearer_format(mut self, format: impl Into<Cow<'static, str>>) -> Self {
        self.bearer_format = Some(format.into());
        self
    }

    /// Builds the scheme.
    ///
    /// # Errors
    ///
    /// None today; the `Result` keeps every scheme builder alike.
    pub fn build(self) -> Result<HttpBearer, ConfigError> {
        Ok(HttpBearer::from_inner(BearerInner { bearer_format: self.bearer_format, options: self.options }))
    }
}

#[cfg(feature = "openapi")]
impl<M> crate::openapi::DescribeScheme for HttpBearer<M> {
    /// `HTTPBearer` unless named.
    fn openapi_name(&self) -> &str {
        crate::openapi::name_or(self.options(), "HTTPBearer")
    }

    /// `{"type": "http", "scheme": "bearer"}`, with `bearerFormat` when set.
    fn security_scheme(&self) -> crate::openapi::SecuritySchemeObject {
        crate::openapi::SecuritySchemeObject::http(self.options(), "bearer", self.bearer_format())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extract_with(bearer: &HttpBearer, lines: &[&[u8]]) -> Result<Option<HttpCredentials>, AuthRejection> {
        let parts = super::super::authorization_parts(lines);
        bearer.extract(&parts)
    }

    fn extract(lines: &[&[u8]]) -> Result<Option<HttpCredentials>, AuthRejection> {
        extract_with(&HttpBearer::new(), lines)
    }

    fn token(line: &[u8]) -> (String, String) {
        let creds = extract(&[line]).unwrap().unwrap();
        (creds.scheme().to_owned(), creds.token().to_owned())
    }

    #[test]
    fn token_after_any_case_of_bearer() {
        assert_eq!(token(b"Bearer abc.def.ghi"), ("Bearer".into(), "abc.def.ghi".into()));
        assert_eq!(token(b"bearer abc"), ("bearer".into(), "abc".into()));
        assert_eq!(token(b"BEARER abc=="), ("BEARER".into(), "abc==".into()));
        assert_eq!(token(b"Bearer  \t \t abc \t "), ("Bearer".into(), "abc".into()));
    }

    #[test]
    fn empty_token_or_other_scheme_is_missing() {
        for line in [
            &b""[..],
            b"Bearer",
            b"Bearer ",
            b"Bearer     ",
            b"Bearerabc",
            b"Bearer\tabc",
            b"Bearer, abc",
            b"Token abc",
        ] {
            assert!(extract(&[line]).unwrap().is_none(), "{:?}", String::from_utf8_lossy(line));
        }
    }

    #[test]
    fn a_token_that_is_not_b64token_is_a_bad_request() {
        for line in [
            &br#"Bearer "abc""#[..],
            b"Bearer abc, Basic xyz",
            b"Bearer \xa0abc",
            b"Bearer \x85abc",
            b"Bearer t\xc3\xb6k",
        ] {
            let rejection = extract(&[line]).unwrap_err();
            assert_eq!(rejection.status(), 400);
            assert_eq!(rejection.kind(), AuthErrorKind::InvalidRequest);
            assert_eq!(rejection.challenges()[0].get("error"), Some("invalid_request"));
            assert_eq!(rejection.challenges()[0].scheme(), "Bearer");
        }
    }

    #[test]
    fn two_authorization_lines_are_a_bad_request_with_a_challenge() {
        let rejection = extract(&[b"Bearer first", b"Bearer second"]).unwrap_err();
        assert_eq!(rejection.status(), 400);
        assert!(
            rejection.challenges()[0].to_string().starts_with(r#"Bearer error="invalid_request", error_description=""#)
        );
    }

    #[test]
    fn missing_answer_is_a_bare_bearer_challenge() {
        let rejection = HttpBearer::new().not_authenticated();
        assert_eq!(rejection.status(), 401);
        assert_eq!(rejection.challenges(), [BEARER]);
    }

    #[test]
    fn legacy_hook_replaces_the_missing_answer_but_not_the_400s() {
        let legacy = HttpBearer::builder().on_not_authenticated(AuthRejection::legacy_forbidden).build().unwrap();
        let missing = legacy.not_authenticated();
        assert_eq!(missing.status(), 403);
        assert!(missing.challenges().is_empty());
        assert_eq!(extract_with(&legacy, &[b"Bearer \"x\""]).unwrap_err().status(), 400);
        assert_eq!(extract_with(&legacy, &[b"Bearer a", b"Bearer b"]).unwrap_err().status(), 400);
    }

    #[test]
    fn debug_hides_the_token() {
        let creds = extract(&[b"Bearer supersecret"]).unwrap().unwrap();
        assert!(!format!("{creds:?}").contains("supersecret"));
    }
}
