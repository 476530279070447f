//! HTTP Basic authentication (RFC 7617).
//!
//! ```text
//! credentials = "Basic" 1*SP token68         ; base64 of user-id ":" password
//! challenge   = "Basic" realm="…", charset="UTF-8"
//! ```
//!
//! | request | answer |
//! | --- | --- |
//! | `Authorization: Basic dXNlcjpwYXNz` (`user:pass`) | credentials `user` / `pass` |
//! | no `Authorization`, an empty one, or another scheme | **missing**: `401`, the challenge (`None` for `Option<Auth<_>>`) |
//! | `Basic` alone, lenient base64 (D3), not UTF-8 (D4), a control character (D5), no `:` | **malformed**: `401`, the challenge, even when optional (D17) |
//! | two `Authorization` lines | `400` (D10) |
//!
//! Unlike FastAPI, a Basic scheme always has a realm and sends
//! `charset="UTF-8"` (D1), and the realm is escaped as a quoted-string; a realm
//! that cannot be sent is refused by [`HttpBasic::new`] (D2).
//!
//! # Example
//!
//! ```
//! use axum::{Router, routing::get, body::Body, http::Request};
//! use tower::ServiceExt;
//! use warden::{Auth, HttpBasic};
//!
//! async fn me(Auth(creds): Auth<HttpBasic>) -> String {
//!     format!("hello {}", creds.username())
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let app = Router::new().route("/me", get(me)).with_state(HttpBasic::new("api")?);
//!
//! let response = app.clone().oneshot(Request::get("/me").body(Body::empty())?).await?;
//! assert_eq!(response.status(), 401);
//! assert_eq!(response.headers()["www-authenticate"], r#"Basic realm="api", charset="UTF-8""#);
//!
//! let request = Request::get("/me").header("authorization", "Basic dXNlcjpwYXNz").body(Body::empty())?;
//! assert_eq!(app.oneshot(request).await?.status(), 200);
//! # Ok(()) }
//! ```

use std::{fmt, marker::PhantomData};

use http::request::Parts;

use super::{Scheme, SchemeOptions, scheme_handle, shared_builder_methods};
use crate::{AuthErrorKind, AuthRejection, Challenge, ConfigError, parse, secret};

/// The HTTP Basic scheme: a realm, and the [shared options](SchemeOptions).
///
/// `M` is a marker type that tells two Basic configurations of one app apart
/// (see the [`scheme`](crate::scheme) module).
pub struct HttpBasic<M = ()> {
    inner: &'static BasicInner,
    marker: PhantomData<fn() -> M>,
}

struct BasicInner {
    realm: String,
    challenge: Challenge,
    options: SchemeOptions,
}

impl fmt::Debug for BasicInner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpBasic").field("realm", &self.realm).field("options", &self.options).finish()
    }
}

scheme_handle!(HttpBasic, BasicInner);

impl HttpBasic {
    /// A Basic scheme with `realm` and default options.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidChallenge`] when the realm has a control or a
    /// non-ASCII character, which cannot be sent in a header (D2).
    pub fn new(realm: impl Into<String>) -> Result<Self, ConfigError> {
        Self::builder(realm).build()
    }

    /// A builder for a Basic scheme with `realm`.
    pub fn builder(realm: impl Into<String>) -> HttpBasicBuilder {
        HttpBasicBuilder { realm: realm.into(), options: SchemeOptions::default() }
    }
}

impl<M> HttpBasic<M> {
    /// The realm.
    pub fn realm(&self) -> &str {
        &self.inner.realm
    }

    /// The challenge: `Basic realm="…", charset="UTF-8"`.
    pub fn challenge(&self) -> &Challenge {
        &self.inner.challenge
    }

    /// A `401` with this scheme's challenge and `detail`, for credentials the
    /// application refused (a wrong password).
    pub fn invalid_credentials(&self, detail: impl Into<std::borrow::Cow<'static, str>>) -> AuthRejection {
        AuthRejection::new(AuthErrorKind::InvalidCredentials)
            .with_challenge(self.inner.challenge.clone())
            .with_detail(detail)
    }
}

impl<M: 'static> Scheme for HttpBasic<M> {
    type Credentials = BasicCredentials;

    fn extract(&self, parts: &Parts) -> Result<Option<BasicCredentials>, AuthRejection> {
        let Some(split) = parse::authorization_for(&parts.headers, "basic").map_err(|()| duplicate_authorization())?
        else {
            return Ok(None);
        };
        // `Basic` with nothing after it is malformed, not missing (D17).
        match parse::decode_basic(split.credentials) {
            Ok((text, colon)) => Ok(Some(BasicCredentials { text, colon })),
            Err(error) => Err(self
                .inner
                .options
                .not_authenticated(AuthErrorKind::Malformed, &self.inner.challenge)
                .with_reason(error.as_str())),
        }
    }

    fn not_authenticated(&self) -> AuthRejection {
        self.inner.options.not_authenticated(AuthErrorKind::Missing, &self.inner.challenge)
    }

    fn identity(&self) -> Option<usize> {
        Some(self.address())
    }
}

/// The `400` for a request with several `Authorization` lines (D10), for
/// schemes outside the bearer family.
pub(crate) fn duplicate_authorization() -> AuthRejection {
    AuthRejection::new(AuthErrorKind::InvalidRequest)
        .with_detail("Multiple Authorization headers")
        .with_reason("more than one authorization header")
}

/// Builds an [`HttpBasic`].
#[derive(Debug)]
#[must_use]
pub struct HttpBasicBuilder {
    realm: String,
    options: SchemeOptions,
}

impl HttpBasicBuilder {
    shared_builder_methods!();

    /// Checks the realm and builds the scheme.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidChallenge`] when the realm cannot be sent (D2).
    pub fn build(self) -> Result<HttpBasic, ConfigError> {
        let challenge = Challenge::new("Basic")?
            .param("realm", self.realm.clone())
            .map_err(|_| {
                ConfigError::InvalidChallenge(format!(
                    "basic realm {:?} has a control or non-ASCII character, which cannot be sent (D2)",
                    self.realm
                ))
            })?
            .param("charset", "UTF-8")?;
        Ok(HttpBasic::from_inner(BasicInner { realm: self.realm, challenge, options: self.options }))
    }
}

/// A user-id and password from Basic credentials, decoded as UTF-8.
///
/// `Debug` shows the user-id and hides the password. There is no `==`:
/// compare with [`matches`](Self::matches), which takes constant time.
#[derive(Clone)]
pub struct BasicCredentials {
    /// `user-id:password`, one allocation for both.
    text: String,
    colon: usize,
}

impl BasicCredentials {
    /// The user-id: everything before the first `:` (may be empty).
    pub fn username(&self) -> &str {
        &self.text[..self.colon]
    }

    /// The password: everything after the first `:` (may be empty, may contain `:`).
    pub fn password(&self) -> &str {
        &self.text[self.colon + 1..]
    }

    /// Compares both parts with the expected ones in constant time, and
    /// always compares both, so the answer takes as long whichever is wrong.
    pub fn matches(&self, username: &str, password: &str) -> bool {
        let user_ok = secret::ct_eq(self.username().as_bytes(), username.as_bytes());
        let password_ok = secret::ct_eq(self.password().as_bytes(), password.as_bytes());
        user_ok & password_ok
    }
}

impl fmt::Debug for BasicCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicCredentials")
            .field("username", &self.username())
            .field("password", &secret::REDACTED)
            .finish()
    }
}

#[cfg(feature = "openapi")]
impl<M> crate::openapi::DescribeScheme for HttpBasic<M> {
    /// `HTTPBasic` unless named.
    fn openapi_name(&self) -> &str {
        crate::openapi::name_or(self.options(), "HTTPBasic")
    }

    /// `{"type": "http", "scheme": "basic"}` (the realm is not part of it).
    fn security_scheme(&self) -> crate::openapi::SecuritySchemeObject {
        crate::openapi::SecuritySchemeObject::http(self.options(), "basic", None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extract(lines: &[&[u8]]) -> Result<Option<BasicCredentials>, AuthRejection> {
        let parts = super::super::authorization_parts(lines);
        HttpBasic::new("api").unwrap().extract(&parts)
    }

    fn user_pass(lines: &[&[u8]]) -> (String, String) {
        let creds = extract(lines).unwrap().unwrap();
        (creds.username().to_owned(), creds.password().to_owned())
    }

    fn kind(lines: &[&[u8]]) -> AuthErrorKind {
        extract(lines).unwrap_err().kind()
    }

    #[test]
    fn valid_credentials_are_split_at_the_first_colon() {
        assert_eq!(user_pass(&[b"Basic dXNlcjpwYXNz"]), ("user".into(), "pass".into()));
        assert_eq!(user_pass(&[b"basic dXNlcjpwYXNz"]), ("user".into(), "pass".into()));
        assert_eq!(user_pass(&[b"BASIC  \tdXNlcjpwYXNz \t"]), ("user".into(), "pass".into()));
        assert_eq!(user_pass(&[b"Basic Og=="]), (String::new(), String::new()));
        assert_eq!(user_pass(&[b"Basic dXNlcjrwn5SR"]), ("user".into(), "\u{1f511}".into()));
    }

    #[test]
    fn absent_or_other_scheme_is_missing() {
        assert!(extract(&[]).unwrap().is_none());
        assert!(extract(&[b""]).unwrap().is_none());
        assert!(extract(&[b"Bearer dXNlcjpwYXNz"]).unwrap().is_none());
        assert!(extract(&[b"Basicx dXNlcjpwYXNz"]).unwrap().is_none());
        assert!(extract(&[b"Basic\tdXNlcjpwYXNz"]).unwrap().is_none());
        assert!(extract(&[b"Basic\xa0dXNlcjpwYXNz"]).unwrap().is_none());
    }

    #[test]
    fn scheme_without_credentials_is_malformed() {
        assert_eq!(kind(&[b"Basic"]), AuthErrorKind::Malformed);
        assert_eq!(kind(&[b"Basic   "]), AuthErrorKind::Malformed);
    }

    #[test]
    fn undecodable_credentials_are_malformed_with_the_challenge() {
        for bad in [&b"Basic !!!!"[..], b"Basic dXNlcjpwYQ", b"Basic Oh==", b"Basic dXNlcg==", b"Basic avZobjpwYXNz"] {
            let rejection = extract(&[bad]).unwrap_err();
            assert_eq!(rejection.kind(), AuthErrorKind::Malformed);
            assert_eq!(rejection.status(), 401);
            assert_eq!(rejection.challenges()[0].to_string(), r#"Basic realm="api", charset="UTF-8""#);
            assert_eq!(rejection.detail(), Some("Not authenticated"));
        }
    }

    #[test]
    fn two_authorization_lines_are_a_bad_request() {
        let rejection = extract(&[b"Basic dXNlcjpwYXNz", b"Bearer abc"]).unwrap_err();
        assert_eq!(rejection.kind(), AuthErrorKind::InvalidRequest);
        assert_eq!(rejection.status(), 400);
        assert!(rejection.challenges().is_empty());
    }

    #[test]
    fn realm_is_escaped_and_checked_at_build_time() {
        let basic = HttpBasic::new(r#"a "quoted" realm"#).unwrap();
        assert_eq!(basic.challenge().to_string(), r#"Basic realm="a \"quoted\" realm", charset="UTF-8""#);
        assert!(matches!(HttpBasic::new("r\u{e9}alm"), Err(ConfigError::InvalidChallenge(_))));
        assert!(matches!(HttpBasic::new("line\nbreak"), Err(ConfigError::InvalidChallenge(_))));
        assert!(matches!(HttpBasic::new("tab\there"), Err(ConfigError::InvalidChallenge(_))));
    }

    #[test]
    fn debug_hides_the_password() {
        let creds = extract(&[b"Basic dXNlcjpwYXNz"]).unwrap().unwrap();
        let debug = format!("{creds:?}");
        assert!(debug.contains("user"));
        assert!(!debug.contains("pass\""));
        assert!(!debug.contains("\"pass"));
    }

    #[test]
    fn matches_compares_both_parts() {
        let creds = extract(&[b"Basic dXNlcjpwYXNz"]).unwrap().unwrap();
        assert!(creds.matches("user", "pass"));
        assert!(!creds.matches("user", "pas"));
        assert!(!creds.matches("use", "pass"));
    }
}
