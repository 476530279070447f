//! API keys in a header, a query parameter or a cookie (OpenAPI `apiKey`).
//!
//! | request (`ApiKey::header("X-API-Key")`) | answer |
//! | --- | --- |
//! | `X-API-Key: secret` (name case-insensitive) | the key `secret` |
//! | no such header, or an empty / whitespace-only value | **missing**: `401`, `WWW-Authenticate: APIKey` (`None` when optional) |
//! | two `X-API-Key` lines | `400` (D10) |
//!
//! Query keys (`?api_key=…`) are decoded as `application/x-www-form-urlencoded`
//! UTF-8 (D22) and refused with `400` when repeated (D10). Cookie keys follow
//! the browser rules: several cookies of one name are legitimate, the last
//! one wins. A header or cookie value is returned unchanged apart from
//! surrounding SP/HTAB; bytes 0x80–0xFF become the characters U+0080–U+00FF
//! (D21).
//!
//! Compare keys with [`ApiKeyCredentials::ct_eq`], which takes constant time.
//!
//! # Example
//!
//! ```
//! use axum::{Router, routing::get, body::Body, http::Request};
//! use tower::ServiceExt;
//! use warden::{ApiKey, Auth};
//!
//! async fn data(Auth(key): Auth<ApiKey>) -> &'static str {
//!     if key.ct_eq("secret") { "welcome" } else { "unknown key" }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let app = Router::new().route("/data", get(data)).with_state(ApiKey::header("X-API-Key")?);
//!
//! let response = app.clone().oneshot(Request::get("/data").body(Body::empty())?).await?;
//! assert_eq!(response.status(), 401);
//! assert_eq!(response.headers()["www-authenticate"], "APIKey");
//!
//! let request = Request::get("/data").header("x-api-key", "secret").body(Body::empty())?;
//! assert_eq!(app.oneshot(request).await?.status(), 200);
//! # Ok(()) }
//! ```

use std::{fmt, marker::PhantomData};

use http::{HeaderName, request::Parts};

use super::{Scheme, SchemeOptions, scheme_handle, secret_text, shared_builder_methods};
use crate::{
    AuthErrorKind, AuthRejection, Challenge, ConfigError,
    challenge::is_token,
    parse::{self, QueryParam, Single},
};

/// Where an API key is looked for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiKeyLocation {
    /// A request header.
    Header(HeaderName),
    /// A query parameter.
    Query(String),
    /// A cookie.
    Cookie(String),
}

/// An API key scheme: a name and a [location](ApiKeyLocation).
pub struct ApiKey<M = ()> {
    inner: &'static ApiKeyInner,
    marker: PhantomData<fn() -> M>,
}

struct ApiKeyInner {
    location: ApiKeyLocation,
    /// The key's name as configured (a header name keeps its spelling).
    name: Box<str>,
    options: SchemeOptions,
}

impl fmt::Debug for ApiKeyInner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKey").field("location", &self.location).field("options", &self.options).finish()
    }
}

scheme_handle!(ApiKey, ApiKeyInner);

/// FastAPI's challenge for API keys (not an IANA-registered scheme, but what
/// FastAPI clients expect).
const API_KEY: Challenge = Challenge::known_token("APIKey");

impl ApiKey {
    /// A key in the header `name` (FastAPI's `APIKeyHeader`).
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidKeyName`] when `name` is not a header name.
    pub fn header(name: &str) -> Result<Self, ConfigError> {
        Self::header_builder(name)?.build()
    }

    /// A builder for a key in the header `name`, which keeps the name's
    /// spelling for [`key_name`](ApiKey::key_name) and the OpenAPI document
    /// (`X-API-Key`; the header is matched case-insensitively either way).
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidKeyName`] when `name` is not a header name.
    pub fn header_builder(name: &str) -> Result<ApiKeyBuilder, ConfigError> {
        let mut builder = Self::builder(ApiKeyLocation::Header(header_name(name)?));
        builder.name = Some(name.into());
        Ok(builder)
    }

    /// A key in the query parameter `name` (FastAPI's `APIKeyQuery`).
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidKeyName`] when `name` is empty.
    pub fn query(name: impl Into<String>) -> Result<Self, ConfigError> {
        Self::builder(ApiKeyLocation::Query(name.into())).build()
    }

    /// A key in the cookie `name` (FastAPI's `APIKeyCookie`).
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidKeyName`] when `name` is not an RFC 6265 cookie-name.
    pub fn cookie(name: impl Into<String>) -> Result<Self, ConfigError> {
        Self::builder(ApiKeyLocation::Cookie(name.into())).build()
    }

    /// A builder for a key at `location`. Use [`header_name`] to build a
    /// header location from a string.
    pub fn builder(location: ApiKeyLocation) -> ApiKeyBuilder {
        ApiKeyBuilder { location, name: None, options: SchemeOptions::default() }
    }
}

/// Parses a header name for [`ApiKeyLocation::Header`].
///
/// # Errors
///
/// [`ConfigError::InvalidKeyName`] when `name` is empty or not a header name.
pub fn header_name(name: &str) -> Result<HeaderName, ConfigError> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| ConfigError::InvalidKeyName(format!("{name:?} is not an HTTP header name")))
}

impl<M> ApiKey<M> {
    /// Where the key is looked for.
    pub fn location(&self) -> &ApiKeyLocation {
        &self.inner.location
    }

    /// The key's name (header, parameter or cookie name), as configured: a
    /// header name given to [`ApiKey::header`] or
    /// [`ApiKey::header_builder`] keeps its spelling (`X-API-Key`), one
    /// given as a [`HeaderName`] is lower case.
    pub fn key_name(&self) -> &str {
        &self.inner.name
    }

    /// A `401` with the `APIKey` challenge and `detail`, for a key the
    /// application does not know.
    pub fn invalid_credentials(&self, detail: impl Into<std::borrow::Cow<'static, str>>) -> AuthRejection {
        AuthRejection::new(AuthErrorKind::InvalidCredentials).with_challenge(API_KEY).with_detail(detail)
    }
}

impl<M: 'static> Scheme for ApiKey<M> {
    type Credentials = ApiKeyCredentials;

    fn extract(&self, parts: &Parts) -> Result<Option<ApiKeyCredentials>, AuthRejection> {
        let key = match &self.inner.location {
            ApiKeyLocation::Header(name) => match parse::single_header(&parts.headers, name) {
                Single::Absent => return Ok(None),
                Single::Duplicate => return Err(duplicate_key()),
                Single::One(value) => {
                    let value = parse::trim_ows(value.as_bytes());
                    if value.is_empty() {
                        return Ok(None);
                    }
                    parse::latin1_to_string(value)
                }
            },
            ApiKeyLocation::Query(name) => match parse::find_query_param(parts.uri.query().unwrap_or(""), name) {
                QueryParam::Absent => return Ok(None),
                QueryParam::Duplicate => return Err(duplicate_key()),
                QueryParam::One(value) => value,
            },
            ApiKeyLocation::Cookie(name) => match parse::find_cookie(&parts.headers, name.as_bytes()) {
                None => return Ok(None),
                Some(value) => value,
            },
        };
        Ok((!key.is_empty()).then_some(ApiKeyCredentials(key)))
    }

    fn not_authenticated(&self) -> AuthRejection {
        self.inner.options.not_authenticated(AuthErrorKind::Missing, &API_KEY)
    }

    fn identity(&self) -> Option<usize> {
        Some(self.address())
    }
}

/// The `400` for a key sent more than once (D10).
#[cold]
fn duplicate_key() -> AuthRejection {
    AuthRejection::new(AuthErrorKind::InvalidRequest)
        .with_detail("Multiple API keys")
        .with_reason("api key sent more than once")
}

/// Builds an [`ApiKey`].
#[derive(Debug)]
#[must_use]
pub struct ApiKeyBuilder {
    location: ApiKeyLocation,
    /// The header name's spelling, from [`ApiKey::header_builder`].
    name: Option<Box<str>>,
    options: SchemeOptions,
}

impl ApiKeyBuilder {
    shared_builder_methods!();

    /// Checks the key name and builds the scheme.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidKeyName`] when a query name is empty or a cookie
    /// name is not an RFC 6265 `cookie-name` (an RFC 9110 token).
    pub fn build(self) -> Result<ApiKey, ConfigError> {
        match &self.location {
            ApiKeyLocation::Header(_) => {}
            ApiKeyLocation::Query(name) if name.is_empty() => {
                return Err(ConfigError::InvalidKeyName("a query parameter name cannot be empty".to_owned()));
            }
            ApiKeyLocation::Query(_) => {}
            ApiKeyLocation::Cookie(name) if !is_token(name) => {
                return Err(ConfigError::InvalidKeyName(format!("{name:?} is not an RFC 6265 cookie-name")));
            }
            ApiKeyLocation::Cookie(_) => {}
        }
        let name = self.name.unwrap_or_else(|| match &self.location {
            ApiKeyLocation::Header(name) => name.as_str().into(),
            ApiKeyLocation::Query(name) | ApiKeyLocation::Cookie(name) => name.as_str().into(),
        });
        Ok(ApiKey::from_inner(ApiKeyInner { location: self.location, name, options: self.options }))
    }
}

secret_text!(
    /// An API key as sent.
    ApiKeyCredentials
);

#[cfg(feature = "openapi")]
impl<M> crate::openapi::DescribeScheme for ApiKey<M> {
    /// `APIKeyHeader`, `APIKeyQuery` or `APIKeyCookie` unless named.
    fn openapi_name(&self) -> &str {
        let default = match self.location() {
            ApiKeyLocation::Header(_) => "APIKeyHeader",
            ApiKeyLocation::Query(_) => "APIKeyQuery",
            ApiKeyLocation::Cookie(_) => "APIKeyCookie",
        };
        crate::openapi::name_or(self.options(), default)
    }

    /// `{"type": "apiKey", "in": …, "name": <the key name as configured>}`.
    fn security_scheme(&self) -> crate::openapi::SecuritySchemeObject {
        use crate::openapi::KeyLocation;
        let location = match self.location() {
            ApiKeyLocation::Header(_) => KeyLocation::Header,
            ApiKeyLocation::Query(_) => KeyLocation::Query,
            ApiKeyLocation::Cookie(_) => KeyLocation::Cookie,
        };
        crate::openapi::SecuritySchemeObject::api_key(self.options(), location, self.key_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extract(scheme: &ApiKey, uri: &str, headers: &[(&str, &[u8])]) -> Result<Option<String>, AuthRejection> {
        let parts = super::super::test_parts(uri, headers);
        Ok(scheme.extract(&parts)?.map(ApiKeyCredentials::into_string))
    }

    #[test]
    fn a_header_name_keeps_its_spelling_unless_given_as_a_header_name() {
        assert_eq!(ApiKey::header("X-API-Key").unwrap().key_name(), "X-API-Key");
        assert_eq!(ApiKey::header_builder("X-Token").unwrap().build().unwrap().key_name(), "X-Token");
        let lowered = ApiKey::builder(ApiKeyLocation::Header(header_name("X-API-Key").unwrap())).build().unwrap();
        assert_eq!(lowered.key_name(), "x-api-key");
        assert_eq!(ApiKey::query("api_key").unwrap().key_name(), "api_key");
        assert_eq!(ApiKey::cookie("session").unwrap().key_name(), "session");
    }

    #[test]
    fn header_key_is_trimmed_and_kept_verbatim() {
        let key = ApiKey::header("X-API-Key").unwrap();
        assert_eq!(extract(&key, "/", &[("x-api-key", b"  secret \t")]).unwrap().as_deref(), Some("secret"));
        assert_eq!(extract(&key, "/", &[("X-API-KEY", b"a b  c")]).unwrap().as_deref(), Some("a b  c"));
        assert_eq!(extract(&key, "/", &[("X-API-Key", b"0")]).unwrap().as_deref(), Some("0"));
        assert_eq!(extract(&key, "/", &[("X-API-Key", b"\xa0")]).unwrap().as_deref(), Some("\u{a0}"));
        assert_eq!(extract(&key, "/", &[("X-API-Key", b"\xc3\xa9")]).unwrap().as_deref(), Some("\u{c3}\u{a9}"));
    }

    #[test]
    fn empty_or_whitespace_header_key_is_missing() {
        let key = ApiKey::header("X-API-Key").unwrap();
        assert_eq!(extract(&key, "/", &[]).unwrap(), None);
        assert_eq!(extract(&key, "/", &[("X-API-Key", b"")]).unwrap(), None);
        assert_eq!(extract(&key, "/", &[("X-API-Key", b"   ")]).unwrap(), None);
        assert_eq!(extract(&key, "/", &[("X-API-Keys", b"secret")]).unwrap(), None);
        assert_eq!(extract(&key, "/", &[("Authorization", b"secret")]).unwrap(), None);
    }

    #[test]
    fn repeated_header_or_query_key_is_a_bad_request() {
        let header = ApiKey::header("X-API-Key").unwrap();
        let rejection = extract(&header, "/", &[("X-API-Key", b""), ("X-API-Key", b"second")]).unwrap_err();
        assert_eq!(
            (rejection.status(), rejection.kind()),
            (http::StatusCode::BAD_REQUEST, AuthErrorKind::InvalidRequest)
        );
        let query = ApiKey::query("api_key").unwrap();
        assert_eq!(extract(&query, "/?api_key=&api_key=b", &[]).unwrap_err().status(), 400);
    }

    #[test]
    fn query_key_is_form_decoded() {
        let key = ApiKey::query("api_key").unwrap();
        assert_eq!(extract(&key, "/?api_key=a%20b", &[]).unwrap().as_deref(), Some("a b"));
        assert_eq!(extract(&key, "/?api%5Fkey=secret", &[]).unwrap().as_deref(), Some("secret"));
        assert_eq!(extract(&key, "/?api_key=+", &[]).unwrap().as_deref(), Some(" "));
        assert_eq!(extract(&key, "/?api_key=", &[]).unwrap(), None);
        assert_eq!(extract(&key, "/?api_key", &[]).unwrap(), None);
        assert_eq!(extract(&key, "/", &[]).unwrap(), None);
    }

    #[test]
    fn cookie_key_last_wins_and_empty_is_missing() {
        let key = ApiKey::cookie("session").unwrap();
        assert_eq!(extract(&key, "/", &[("cookie", b"session=abc; session=def")]).unwrap().as_deref(), Some("def"));
        assert_eq!(extract(&key, "/", &[("cookie", b"session=\"\"")]).unwrap(), None);
        assert_eq!(extract(&key, "/", &[("cookie", b"Session=abc")]).unwrap(), None);
    }

    #[test]
    fn invalid_key_names_fail_at_build_time() {
        assert!(matches!(ApiKey::header(""), Err(ConfigError::InvalidKeyName(_))));
        assert!(matches!(ApiKey::header("X API"), Err(ConfigError::InvalidKeyName(_))));
        assert!(matches!(ApiKey::query(""), Err(ConfigError::InvalidKeyName(_))));
        assert!(matches!(ApiKey::cookie(""), Err(ConfigError::InvalidKeyName(_))));
        assert!(matches!(ApiKey::cookie("a=b"), Err(ConfigError::InvalidKeyName(_))));
    }

    #[test]
    fn missing_answer_has_the_apikey_challenge() {
        let rejection = ApiKey::cookie("session").unwrap().not_authenticated();
        assert_eq!(rejection.status(), 401);
        assert_eq!(rejection.challenges()[0].to_string(), "APIKey");
    }

    #[test]
    fn debug_hides_the_key() {
        let key = ApiKeyCredentials("topsecret".to_owned());
        assert!(!format!("{key:?}").contains("topsecret"));
        assert!(key.ct_eq("topsecret"));
        assert!(!key.ct_eq("topsecreT"));
    }
}
