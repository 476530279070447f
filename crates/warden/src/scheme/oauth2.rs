//! OAuth2 bearer schemes (RFC 6749, RFC 6750).
//!
//! Every OAuth2 scheme extracts a bearer token from `Authorization: Bearer
//! <token>`; they differ only in the flows they document for OpenAPI
//! clients (where to get a token, which scopes exist):
//!
//! | scheme | FastAPI | flow |
//! | --- | --- | --- |
//! | [`OAuth2PasswordBearer`] | `OAuth2PasswordBearer` | password: token URL, refresh URL, scopes |
//! | [`OAuth2AuthorizationCodeBearer`] | `OAuth2AuthorizationCodeBearer` | authorization code: authorization URL, token URL, refresh URL, scopes |
//! | [`OAuth2ClientCredentialsBearer`] | none (asked for since 2020) | client credentials: token URL, refresh URL, scopes |
//! | [`OAuth2`] | `OAuth2(flows=…)` | any set of [`OAuth2Flow`]s, implicit included, or none |
//!
//! [`OpenIdConnect`](super::OpenIdConnect) extracts the same token. The
//! extraction follows the bearer rules of every bearer scheme (D6, D7, D8,
//! D10, D18):
//!
//! | request | answer |
//! | --- | --- |
//! | `Authorization: Bearer tok` (any case of `Bearer`) | the token `tok` |
//! | no `Authorization`, an empty one, another scheme, `Bearer` alone (D7, D8) | **missing**: `401`, `WWW-Authenticate: Bearer` (`None` when optional) |
//! | a token that is not a `b64token` (D6), two `Authorization` lines (D10) | `400`, `Bearer error="invalid_request", …` |
//!
//! A scheme only extracts the token. To check it (a signature, an expiry,
//! the scopes a route needs), see [`Security`](crate::Security) and
//! [`scopes`](mod@crate::scopes).
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
//!
//! A scheme with other flows:
//!
//! ```
//! use warden::scheme::oauth2::{OAuth2, OAuth2Flow, OAuth2ClientCredentialsBearer, FlowKind};
//!
//! # fn main() -> Result<(), warden::ConfigError> {
//! let machines = OAuth2ClientCredentialsBearer::builder("https://auth.example.com/token")
//!     .scope("reports:read", "Read reports")
//!     .build()?;
//! assert_eq!(machines.flows()[0].kind(), FlowKind::ClientCredentials);
//!
//! let implicit = OAuth2::builder()
//!     .flow(OAuth2Flow::implicit("https://example.com/authorize").scope("read", "Read access"))
//!     .build()?;
//! assert_eq!(implicit.flows()[0].authorization_url(), Some("https://example.com/authorize"));
//! # Ok(()) }
//! ```

use std::{borrow::Cow, collections::BTreeMap, fmt, marker::PhantomData};

use super::{SchemeOptions, scheme_handle, secret_text, shared_builder_methods};
use crate::ConfigError;

/// The kind of an OAuth2 flow (OpenAPI's `flows` object, RFC 6749 §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FlowKind {
    /// Implicit grant (RFC 6749 §4.2): an authorization URL.
    Implicit,
    /// Resource owner password credentials (RFC 6749 §4.3): a token URL.
    Password,
    /// Client credentials (RFC 6749 §4.4): a token URL.
    ClientCredentials,
    /// Authorization code (RFC 6749 §4.1): an authorization URL and a token URL.
    AuthorizationCode,
}

impl FlowKind {
    /// The flow's name in an OpenAPI `flows` object: `implicit`, `password`,
    /// `clientCredentials`, `authorizationCode`.
    pub const fn openapi_name(self) -> &'static str {
        match self {
            Self::Implicit => "implicit",
            Self::Password => "password",
            Self::ClientCredentials => "clientCredentials",
            Self::AuthorizationCode => "authorizationCode",
        }
    }
}

/// One OAuth2 flow: where a client gets a token, and the scopes on offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuth2Flow {
    kind: FlowKind,
    authorization_url: Option<Cow<'static, str>>,
    token_url: Option<Cow<'static, str>>,
    refresh_url: Option<Cow<'static, str>>,
    scopes: BTreeMap<Cow<'static, str>, Cow<'static, str>>,
}

impl OAuth2Flow {
    fn new(kind: FlowKind, authorization_url: Option<Cow<'static, str>>, token_url: Option<Cow<'static, str>>) -> Self {
        Self { kind, authorization_url, token_url, refresh_url: None, scopes: BTreeMap::new() }
    }

    /// An implicit flow, authorizing at `authorization_url`.
    pub fn implicit(authorization_url: impl Into<Cow<'static, str>>) -> Self {
        Self::new(FlowKind::Implicit, Some(authorization_url.into()), None)
    }

    /// A password flow, with tokens from `token_url`.
    pub fn password(token_url: impl Into<Cow<'static, str>>) -> Self {
        Self::new(FlowKind::Password, None, Some(token_url.into()))
    }

    /// A client-credentials flow, with tokens from `token_url`.
    pub fn client_credentials(token_url: impl Into<Cow<'static, str>>) -> Self {
        Self::new(FlowKind::ClientCredentials, None, Some(token_url.into()))
    }

    /// An authorization-code flow: the user authorizes at
    /// `authorization_url`, the client exchanges the code at `token_url`.
    pub fn authorization_code(
        authorization_url: impl Into<Cow<'static, str>>,
        token_url: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(FlowKind::AuthorizationCode, Some(authorization_url.into()), Some(token_url.into()))
    }

    /// Sets the URL where tokens are refreshed.
    #[must_use]
    pub fn refresh_url(mut self, url: impl Into<Cow<'static, str>>) -> Self {
        self.refresh_url = Some(url.into());
        self
    }

    /// Offers `scope`, described by `description`.
    #[must_use]
    pub fn scope(mut self, scope: impl Into<Cow<'static, str>>, description: impl Into<Cow<'static, str>>) -> Self {
        self.scopes.insert(scope.into(), description.into());
        self
    }

    /// The kind of flow.
    pub fn kind(&self) -> FlowKind {
        self.kind
    }

    /// The authorization URL (implicit and authorization-code flows).
    pub fn authorization_url(&self) -> Option<&str> {
        self.authorization_url.as_deref()
    }

    /// The token URL (password, client-credentials and authorization-code flows).
    pub fn token_url(&self) -> Option<&str> {
        self.token_url.as_deref()
    }

    /// The refresh URL, if any.
    pub fn refresh_url_str(&self) -> Option<&str> {
        self.refresh_url.as_deref()
    }

    /// The scopes offered, with their descriptions, sorted by name.
    pub fn scopes(&self) -> impl Iterator<Item = (&str, &str)> {
        self.scopes.iter().map(|(name, description)| (&**name, &**description))
    }

    /// Checks the URLs and scope names.
    fn validate(&self) -> Result<(), ConfigError> {
        let urls = [&self.authorization_url, &self.token_url, &self.refresh_url];
        for url in urls.into_iter().flatten() {
            check_url(url)?;
        }
        for scope in self.scopes.keys() {
            crate::scopes::check_scope_token(scope)?;
        }
        Ok(())
    }
}

/// A URL an OAuth2 or OpenID Connect scheme documents must be non-empty and
/// hold no whitespace or control characters (RFC 3986 has none).
pub(crate) fn check_url(url: &str) -> Result<(), ConfigError> {
    if url.is_empty() {
        return Err(ConfigError::InvalidUrl("an OAuth2 or OpenID Connect URL cannot be empty".to_owned()));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ConfigError::InvalidUrl(format!("{url:?} contains whitespace or control characters")));
    }
    Ok(())
}

/// The configuration every OAuth2 scheme shares.
struct OAuth2Inner {
    /// At most one flow of each kind, in [`FlowKind`] order.
    flows: Vec<OAuth2Flow>,
    options: SchemeOptions,
}

impl fmt::Debug for OAuth2Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth2").field("flows", &self.flows).field("options", &self.options).finish()
    }
}

/// The [`Scheme`] implementation of every scheme that extracts a bearer
/// token (the OAuth2 schemes and OpenID Connect): RFC 6750 §2.1 tokens,
/// `Bearer` when missing, reused from a layer with the same configuration.
macro_rules! bearer_token_scheme {
    ($name:ident) => {
        impl<M: 'static> $crate::Scheme for $name<M> {
            type Credentials = $crate::BearerToken;

            fn extract(
                &self,
                parts: &http::request::Parts,
            ) -> Result<Option<$crate::BearerToken>, $crate::AuthRejection> {
                Ok($crate::scheme::bearer::bearer_token(parts)?
                    .map(|split| $crate::BearerToken::from_ascii(split.credentials)))
            }

            fn not_authenticated(&self) -> $crate::AuthRejection {
                self.inner.options.not_authenticated($crate::AuthErrorKind::Missing, &$crate::scheme::bearer::BEARER)
            }

            fn identity(&self) -> Option<usize> {
                Some(self.address())
            }
        }
    };
}
pub(crate) use bearer_token_scheme;

/// Declares an OAuth2 scheme handle: the struct, its accessors, and its
/// [`Scheme`] implementation (a bearer token, `Bearer` when missing).
macro_rules! oauth2_scheme {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        pub struct $name<M = ()> {
            inner: &'static OAuth2Inner,
            marker: PhantomData<fn() -> M>,
        }

        scheme_handle!($name, OAuth2Inner);

        impl<M> $name<M> {
            /// The flows this scheme documents.
            pub fn flows(&self) -> &[OAuth2Flow] {
                &self.inner.flows
            }

            /// The flow of `kind`, if the scheme has one.
            pub fn flow(&self, kind: FlowKind) -> Option<&OAuth2Flow> {
                self.inner.flows.iter().find(|flow| flow.kind == kind)
            }
        }

        bearer_token_scheme!($name);

        #[cfg(feature = "openapi")]
        impl<M> crate::openapi::DescribeScheme for $name<M> {
            /// The type's name unless named.
            fn openapi_name(&self) -> &str {
                crate::openapi::name_or(&self.inner.options, stringify!($name))
            }

            /// `{"type": "oauth2", "flows": {…}}`, each flow with its URLs
            /// and scopes.
            fn security_scheme(&self) -> crate::openapi::SecuritySchemeObject {
                crate::openapi::SecuritySchemeObject::oauth2(&self.inner.options, &self.inner.flows)
            }
        }

        impl OAuth2Builder<$name> {
            /// Checks the flows and builds the scheme.
            ///
            /// # Errors
            ///
            /// [`ConfigError::InvalidUrl`] for an empty URL or one with whitespace,
            /// [`ConfigError::InvalidScope`] for a scope name that is not an RFC 6749
            /// `scope-token`, [`ConfigError::InvalidFlow`] for two flows of one kind.
            pub fn build(self) -> Result<$name, ConfigError> {
                self.finish().map($name::from_inner)
            }
        }
    };
}

oauth2_scheme!(
    /// OAuth2 with the password flow (FastAPI's `OAuth2PasswordBearer`): the
    /// client posts a username and password to the token URL (see
    /// [`OAuth2PasswordRequestForm`](crate::token_endpoint::OAuth2PasswordRequestForm))
    /// and sends the token it gets back as `Authorization: Bearer <token>`.
    OAuth2PasswordBearer
);

oauth2_scheme!(
    /// OAuth2 with the authorization-code flow (FastAPI's
    /// `OAuth2AuthorizationCodeBearer`).
    OAuth2AuthorizationCodeBearer
);

oauth2_scheme!(
    /// OAuth2 with the client-credentials flow (RFC 6749 §4.4), for
    /// machine-to-machine clients.
    OAuth2ClientCredentialsBearer
);

oauth2_scheme!(
    /// OAuth2 with any set of flows, implicit included, or none at all
    /// (FastAPI's `OAuth2` base class). Unlike FastAPI's, it extracts a
    /// bearer token, not the raw `Authorization` value (D8).
    OAuth2
);

impl OAuth2PasswordBearer {
    /// A scheme whose tokens come from `token_url`.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidUrl`] when the URL is empty or holds whitespace.
    pub fn new(token_url: impl Into<Cow<'static, str>>) -> Result<Self, ConfigError> {
        Self::builder(token_url).build()
    }

    /// A builder for a scheme whose tokens come from `token_url`.
    pub fn builder(token_url: impl Into<Cow<'static, str>>) -> OAuth2Builder<Self> {
        OAuth2Builder::single(OAuth2Flow::password(token_url))
    }
}

impl<M> OAuth2PasswordBearer<M> {
    /// The token URL.
    pub fn token_url(&self) -> &str {
        self.flows().first().and_then(OAuth2Flow::token_url).unwrap_or_default()
    }

    /// The refresh URL, if any.
    pub fn refresh_url(&self) -> Option<&str> {
        self.flows().first().and_then(OAuth2Flow::refresh_url_str)
    }

    /// The scopes offered, with their descriptions, sorted by name.
    pub fn scopes(&self) -> impl Iterator<Item = (&str, &str)> {
        self.flows().iter().flat_map(OAuth2Flow::scopes)
    }
}

impl OAuth2AuthorizationCodeBearer {
    /// A scheme where users authorize at `authorization_url` and clients
    /// exchange the code at `token_url`.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidUrl`] when a URL is empty or holds whitespace.
    pub fn new(
        authorization_url: impl Into<Cow<'static, str>>,
        token_url: impl Into<Cow<'static, str>>,
    ) -> Result<Self, ConfigError> {
        Self::builder(authorization_url, token_url).build()
    }

    /// A builder; see [`new`](Self::new).
    pub fn builder(
        authorization_url: impl Into<Cow<'static, str>>,
        token_url: impl Into<Cow<'static, str>>,
    ) -> OAuth2Builder<Self> {
        OAuth2Builder::single(OAuth2Flow::authorization_code(authorization_url, token_url))
    }
}

impl OAuth2ClientCredentialsBearer {
    /// A scheme whose clients get tokens from `token_url` with their own
    /// credentials.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidUrl`] when the URL is empty or holds whitespace.
    pub fn new(token_url: impl Into<Cow<'static, str>>) -> Result<Self, ConfigError> {
        Self::builder(token_url).build()
    }

    /// A builder; see [`new`](Self::new).
    pub fn builder(token_url: impl Into<Cow<'static, str>>) -> OAuth2Builder<Self> {
        OAuth2Builder::single(OAuth2Flow::client_credentials(token_url))
    }
}

impl OAuth2 {
    /// A builder with no flows; add them with [`OAuth2Builder::flow`].
    pub fn builder() -> OAuth2Builder<Self> {
        OAuth2Builder { flows: Vec::new(), options: SchemeOptions::default(), scheme: PhantomData }
    }
}

/// Builds an OAuth2 scheme of type `T`.
#[must_use]
pub struct OAuth2Builder<T> {
    flows: Vec<OAuth2Flow>,
    options: SchemeOptions,
    scheme: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for OAuth2Builder<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth2Builder").field("flows", &self.flows).field("options", &self.options).finish()
    }
}

impl<T> OAuth2Builder<T> {
    shared_builder_methods!();

    fn single(flow: OAuth2Flow) -> Self {
        Self { flows: vec![flow], options: SchemeOptions::default(), scheme: PhantomData }
    }

    /// The flow a single-flow builder configures.
    fn only_flow(mut self, change: impl FnOnce(OAuth2Flow) -> OAuth2Flow) -> Self {
        if let Some(flow) = self.flows.pop() {
            self.flows.push(change(flow));
        }
        self
    }
}

impl<T> OAuth2Builder<T> {
    /// Sorts and checks the flows.
    fn finish(mut self) -> Result<OAuth2Inner, ConfigError> {
        self.flows.sort_by_key(OAuth2Flow::kind);
        if let Some(pair) = self.flows.windows(2).find(|pair| pair[0].kind == pair[1].kind) {
            return Err(ConfigError::InvalidFlow(format!("two {} flows", pair[0].kind.openapi_name())));
        }
        for flow in &self.flows {
            flow.validate()?;
        }
        Ok(OAuth2Inner { flows: self.flows, options: self.options })
    }
}

/// The single-flow schemes: the password, authorization-code and
/// client-credentials bearers.
macro_rules! single_flow_builder {
    ($($scheme:ident),*) => {$(
        impl OAuth2Builder<$scheme> {
            /// Sets the URL where tokens are refreshed.
            pub fn refresh_url(self, url: impl Into<Cow<'static, str>>) -> Self {
                self.only_flow(|flow| flow.refresh_url(url))
            }

            /// Offers `scope`, described by `description`.
            pub fn scope(
                self,
                scope: impl Into<Cow<'static, str>>,
                description: impl Into<Cow<'static, str>>,
            ) -> Self {
                self.only_flow(|flow| flow.scope(scope, description))
            }
        }
    )*};
}

single_flow_builder!(OAuth2PasswordBearer, OAuth2AuthorizationCodeBearer, OAuth2ClientCredentialsBearer);

impl OAuth2Builder<OAuth2> {
    /// Adds a flow; at most one of each [`FlowKind`].
    pub fn flow(mut self, flow: OAuth2Flow) -> Self {
        self.flows.push(flow);
        self
    }
}

secret_text!(
    /// A bearer token, as sent.
    BearerToken
);

impl BearerToken {
    /// Copies a token that passed the `b64token` check (ASCII).
    pub(crate) fn from_ascii(token: &[u8]) -> Self {
        Self(String::from_utf8_lossy(token).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AuthRejection, Scheme};

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
