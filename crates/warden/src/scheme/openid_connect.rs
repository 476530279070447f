//! OpenID Connect (OpenID Connect Discovery 1.0), as a bearer scheme.
//!
//! [`OpenIdConnect`] documents the provider's discovery URL for OpenAPI
//! clients and extracts the bearer token they send. Unlike FastAPI's
//! `OpenIdConnect`, which hands over the raw `Authorization` value whatever
//! its scheme, it follows the bearer rules of RFC 6750 (POLICY D8, D18):
//!
//! | request | answer |
//! | --- | --- |
//! | `Authorization: Bearer tok` | the token `tok` |
//! | no `Authorization`, another scheme (`Basic …`), `Bearer` alone | **missing**: `401`, `WWW-Authenticate: Bearer` |
//! | a token that is not a `b64token`, two `Authorization` lines | `400`, `Bearer error="invalid_request", …` |
//!
//! To verify the ID or access token against the provider's keys, see the
//! `jwks` feature's discovery support.
//!
//! # Example
//!
//! ```
//! use axum::{Router, routing::get, body::Body, http::Request};
//! use tower::ServiceExt;
//! use warden::{Auth, OpenIdConnect};
//!
//! async fn me(Auth(token): Auth<OpenIdConnect>) -> String {
//!     format!("token {}", token.as_str())
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let scheme = OpenIdConnect::new("https://accounts.example.com/.well-known/openid-configuration")?;
//! let app = Router::new().route("/me", get(me)).with_state(scheme);
//!
//! // FastAPI would hand "Basic dXNlcjpwYXNz" to the handler; warden asks for a bearer token.
//! let request = Request::get("/me").header("authorization", "Basic dXNlcjpwYXNz").body(Body::empty())?;
//! let response = app.clone().oneshot(request).await?;
//! assert_eq!(response.status(), 401);
//! assert_eq!(response.headers()["www-authenticate"], "Bearer");
//!
//! let request = Request::get("/me").header("authorization", "Bearer eyJ.x.y").body(Body::empty())?;
//! assert_eq!(app.oneshot(request).await?.status(), 200);
//! # Ok(()) }
//! ```

use std::{borrow::Cow, fmt, marker::PhantomData};

use super::{SchemeOptions, oauth2::check_url, scheme_handle, shared_builder_methods};
use crate::ConfigError;

/// The OpenID Connect scheme: a discovery URL and the
/// [shared options](SchemeOptions).
pub struct OpenIdConnect<M = ()> {
    inner: &'static OpenIdInner,
    marker: PhantomData<fn() -> M>,
}

struct OpenIdInner {
    discovery_url: Cow<'static, str>,
    options: SchemeOptions,
}

impl fmt::Debug for OpenIdInner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenIdConnect")
            .field("discovery_url", &self.discovery_url)
            .field("options", &self.options)
            .finish()
    }
}

scheme_handle!(OpenIdConnect, OpenIdInner);

impl OpenIdConnect {
    /// A scheme documented by the provider's `discovery_url`
    /// (`…/.well-known/openid-configuration`).
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidUrl`] when the URL is empty or holds whitespace.
    pub fn new(discovery_url: impl Into<Cow<'static, str>>) -> Result<Self, ConfigError> {
        Self::builder(discovery_url).build()
    }

    /// A builder; see [`new`](Self::new).
    pub fn builder(discovery_url: impl Into<Cow<'static, str>>) -> OpenIdConnectBuilder {
        OpenIdConnectBuilder { discovery_url: discovery_url.into(), options: SchemeOptions::default() }
    }
}

impl<M> OpenIdConnect<M> {
    /// The discovery URL (OpenAPI's `openIdConnectUrl`).
    pub fn discovery_url(&self) -> &str {
        &self.inner.discovery_url
    }
}

super::oauth2::bearer_token_scheme!(OpenIdConnect);

/// Builds an [`OpenIdConnect`] scheme.
#[derive(Debug)]
#[must_use]
pub struct OpenIdConnectBuilder {
    discovery_url: Cow<'static, str>,
    options: SchemeOptions,
}

impl OpenIdConnectBuilder {
    shared_builder_methods!();

    /// Checks the URL and builds the scheme.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidUrl`] when the URL is empty or holds whitespace.
    pub fn build(self) -> Result<OpenIdConnect, ConfigError> {
        check_url(&self.discovery_url)?;
        Ok(OpenIdConnect::from_inner(OpenIdInner { discovery_url: self.discovery_url, options: self.options }))
    }
}

#[cfg(feature = "openapi")]
impl<M> crate::openapi::DescribeScheme for OpenIdConnect<M> {
    /// `OpenIdConnect` unless named.
    fn openapi_name(&self) -> &str {
        crate::openapi::name_or(self.options(), "OpenIdConnect")
    }

    /// `{"type": "openIdConnect", "openIdConnectUrl": <the discovery URL>}`.
    fn security_scheme(&self) -> crate::openapi::SecuritySchemeObject {
        crate::openapi::SecuritySchemeObject::open_id_connect(self.options(), self.discovery_url())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AuthRejection, BearerToken, Scheme};

    fn extract(lines: &[&[u8]]) -> Result<Option<String>, AuthRejection> {
        let parts = super::super::authorization_parts(lines);
        let scheme = OpenIdConnect::new("https://example.com/.well-known/openid-configuration").unwrap();
        Ok(scheme.extract(&parts)?.map(BearerToken::into_string))
    }

    #[test]
    fn extracts_the_bearer_token_not_the_raw_header() {
        assert_eq!(extract(&[b"Bearer tok"]).unwrap().as_deref(), Some("tok"));
        assert_eq!(extract(&[b"Basic dXNlcjpwYXNz"]).unwrap(), None);
        assert_eq!(extract(&[b"Bearer"]).unwrap(), None);
    }

    #[test]
    fn bearer_rules_give_400s() {
        assert_eq!(extract(&[b"Bearer a b"]).unwrap_err().status(), 400);
        assert_eq!(extract(&[b"Bearer a", b"Bearer a"]).unwrap_err().status(), 400);
    }

    #[test]
    fn a_url_with_spaces_is_a_configuration_error() {
        assert!(matches!(OpenIdConnect::new("https://x/a b"), Err(ConfigError::InvalidUrl(_))));
        assert!(OpenIdConnect::new("").is_err());
    }
}
