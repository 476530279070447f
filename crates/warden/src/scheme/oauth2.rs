//! OAuth2 bearer schemes (RFC 6749, RFC 6750).
//!
//! [`OAuth2PasswordBearer`] is FastAPI's `OAuth2PasswordBearer`: the client
//! gets a token from the token URL with the password flow, and sends it as
//! `Authorization: Bearer <token>`. The token URL, refresh URL and scopes are
//! documentation for OpenAPI clients; the extraction follows the bearer rules
//! of every bearer scheme:
//!
//! | request | answer |
//! | --- | --- |
//! | `Authorization: Bearer tok` (any case of `Bearer`) | the token `tok` |
//! | no `Authorization`, an empty one, another scheme, `Bearer` alone (D7) | **missing**: `401`, `WWW-Authenticate: Bearer` (`None` when optional) |
//! | a token that is not a `b64token` (D6), two `Authorization` lines (D10) | `400`, `Bearer error="invalid_request", …` |
//!
//! # Example
//!
//! ```
//! use axum::{Router, routing::get, body::Body, http::Request};
//! use tower::ServiceExt;
//! use warden::{Auth, OAuth2PasswordBearer};
//!
//! async fn me(Auth(token): Auth<OAuth2PasswordBearer>) -> String {
//!     format!("token {}", token.as_str())
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let scheme = OAuth2PasswordBearer::builder("token").scope("me", "Read your own data").build()?;
//! let app = Router::new().route("/users/me", get(me)).with_state(scheme);
//!
//! let response = app.clone().oneshot(Request::get("/users/me").header("authorization", "Bearer").body(Body::empty())?).await?;
//! assert_eq!(response.status(), 401);
//! assert_eq!(response.headers()["www-authenticate"], "Bearer");
//!
//! let request = Request::get("/users/me").header("authorization", "bearer tok").body(Body::empty())?;
//! assert_eq!(app.oneshot(request).await?.status(), 200);
//! # Ok(()) }
//! ```

use std::{borrow::Cow, collections::BTreeMap, fmt, marker::PhantomData};

use http::request::Parts;

use super::{Scheme, SchemeOptions, bearer, scheme_handle, secret_text, shared_builder_methods};
use crate::{AuthErrorKind, AuthRejection, ConfigError};

/// The OAuth2 password flow bearer scheme: a token URL, an optional refresh
/// URL, the scopes it offers, and the [shared options](SchemeOptions).
pub struct OAuth2PasswordBearer<M = ()> {
    inner: &'static PasswordInner,
    marker: PhantomData<fn() -> M>,
}

struct PasswordInner {
    token_url: Cow<'static, str>,
    refresh_url: Option<Cow<'static, str>>,
    scopes: BTreeMap<Cow<'static, str>, Cow<'static, str>>,
    options: SchemeOptions,
}

impl fmt::Debug for PasswordInner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth2PasswordBearer")
            .field("token_url", &self.token_url)
            .field("refresh_url", &self.refresh_url)
            .field("scopes", &self.scopes)
            .field("options", &self.options)
            .finish()
    }
}

scheme_handle!(OAuth2PasswordBearer, PasswordInner);

impl OAuth2PasswordBearer {
    /// A scheme whose tokens come from `token_url`.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidUrl`] when the URL is empty.
    pub fn new(token_url: impl Into<Cow<'static, str>>) -> Result<Self, ConfigError> {
        Self::builder(token_url).build()
    }

    /// A builder for a scheme whose tokens come from `token_url`.
    pub fn builder(token_url: impl Into<Cow<'static, str>>) -> OAuth2PasswordBearerBuilder {
        OAuth2PasswordBearerBuilder {
            token_url: token_url.into(),
            refresh_url: None,
            scopes: BTreeMap::new(),
            options: SchemeOptions::default(),
        }
    }
}

impl<M> OAuth2PasswordBearer<M> {
    /// The token URL.
    pub fn token_url(&self) -> &str {
        &self.inner.token_url
    }

    /// The refresh URL, if any.
    pub fn refresh_url(&self) -> Option<&str> {
        self.inner.refresh_url.as_deref()
    }

    /// The scopes offered, with their descriptions, sorted by name.
    pub fn scopes(&self) -> impl Iterator<Item = (&str, &str)> {
        self.inner.scopes.iter().map(|(name, description)| (&**name, &**description))
    }
}

impl<M: 'static> Scheme for OAuth2PasswordBearer<M> {
    type Credentials = BearerToken;

    fn extract(&self, parts: &Parts) -> Result<Option<BearerToken>, AuthRejection> {
        Ok(bearer::bearer_token(parts)?.map(|split| BearerToken::from_ascii(split.credentials)))
    }

    fn not_authenticated(&self) -> AuthRejection {
        self.inner.options.not_authenticated(AuthErrorKind::Missing, &bearer::BEARER)
    }

    fn identity(&self) -> Option<usize> {
        Some(self.address())
    }
}

/// Builds an [`OAuth2PasswordBearer`].
#[derive(Debug)]
#[must_use]
pub struct OAuth2PasswordBearerBuilder {
    token_url: Cow<'static, str>,
    refresh_url: Option<Cow<'static, str>>,
    scopes: BTreeMap<Cow<'static, str>, Cow<'static, str>>,
    options: SchemeOptions,
}

impl OAuth2PasswordBearerBuilder {
    shared_builder_methods!();

    /// The URL where a token can be refreshed.
    pub fn refresh_url(mut self, url: impl Into<Cow<'static, str>>) -> Self {
        self.refresh_url = Some(url.into());
        self
    }

    /// Offers `scope`, described by `description`.
    pub fn scope(mut self, scope: impl Into<Cow<'static, str>>, description: impl Into<Cow<'static, str>>) -> Self {
        self.scopes.insert(scope.into(), description.into());
        self
    }

    /// Checks the URLs and builds the scheme.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidUrl`] when the token URL or the refresh URL is empty.
    pub fn build(self) -> Result<OAuth2PasswordBearer, ConfigError> {
        if self.token_url.is_empty() || self.refresh_url.as_deref() == Some("") {
            return Err(ConfigError::InvalidUrl("an OAuth2 token or refresh URL cannot be empty".to_owned()));
        }
        Ok(OAuth2PasswordBearer::from_inner(PasswordInner {
            token_url: self.token_url,
            refresh_url: self.refresh_url,
            scopes: self.scopes,
            options: self.options,
        }))
    }
}

secret_text!(
    /// A bearer token, as sent.
    BearerToken
);

impl BearerToken {
    /// Copies a token that passed the `b64token` check (ASCII).
    fn from_ascii(token: &[u8]) -> Self {
        Self(String::from_utf8_lossy(token).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extract(lines: &[&[u8]]) -> Result<Option<String>, AuthRejection> {
        let parts = super::super::authorization_parts(lines);
        Ok(OAuth2PasswordBearer::new("token").unwrap().extract(&parts)?.map(BearerToken::into_string))
    }

    #[test]
    fn token_after_any_case_of_bearer() {
        assert_eq!(extract(&[b"Bearer tok"]).unwrap().as_deref(), Some("tok"));
        assert_eq!(extract(&[b"BEARER  tok "]).unwrap().as_deref(), Some("tok"));
    }

    #[test]
    fn empty_token_is_missing() {
        assert_eq!(extract(&[b"Bearer"]).unwrap(), None);
        assert_eq!(extract(&[b"Bearer   "]).unwrap(), None);
        assert_eq!(extract(&[b"Basic tok"]).unwrap(), None);
        assert_eq!(extract(&[b"Bearer\ttok"]).unwrap(), None);
    }

    #[test]
    fn bearer_rules_give_400s() {
        assert_eq!(extract(&[b"Bearer \xa0tok"]).unwrap_err().status(), 400);
        assert_eq!(extract(&[b"Bearer a", b"Bearer b"]).unwrap_err().status(), 400);
    }

    #[test]
    fn empty_urls_are_configuration_errors() {
        assert!(matches!(OAuth2PasswordBearer::new(""), Err(ConfigError::InvalidUrl(_))));
        assert!(OAuth2PasswordBearer::builder("token").refresh_url("").build().is_err());
    }

    #[test]
    fn debug_hides_the_token() {
        assert!(!format!("{:?}", BearerToken("secret-token".to_owned())).contains("secret-token"));
    }
}
