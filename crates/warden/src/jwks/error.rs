//! Why a JWK set or a discovery document could not be had: [`JwksError`].

use std::{borrow::Cow, fmt, sync::Arc};

/// What went wrong building a source, fetching a key set or discovering a
/// provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JwksErrorKind {
    /// The URL cannot be fetched: not an absolute `http`/`https` URL, or
    /// plain `http` to a host that is not loopback without
    /// [`allow_http`](super::JwksSourceBuilder::allow_http). A configuration
    /// error, found when the source is built.
    InvalidUrl,
    /// A setting out of bounds (a zero timeout, a minimum TTL above the
    /// maximum). A configuration error, found when the source is built.
    InvalidConfig,
    /// The operating system's root certificates could not be loaded for an
    /// `https` URL. A configuration error, found when the source is built.
    Tls,
    /// The connection or the TLS handshake failed, or the connection broke.
    Connect,
    /// The whole fetch (connection, headers and body) took longer than the
    /// configured timeout.
    Timeout,
    /// The server answered with a status other than `200` (redirects are not
    /// followed).
    Status,
    /// The body is larger than the configured limit.
    TooLarge,
    /// The body is not a JWK set (RFC 7517 §5) or an OpenID Provider
    /// Metadata document (OpenID Connect Discovery 1.0 §3).
    InvalidJson,
    /// The JWK set holds no key warden can use.
    NoUsableKeys,
    /// The discovery document's `issuer` is not the issuer it was fetched
    /// for (OpenID Connect Discovery 1.0 §4.3).
    IssuerMismatch,
}

impl JwksErrorKind {
    /// A short, lowercase description.
    pub const fn description(self) -> &'static str {
        match self {
            Self::InvalidUrl => "invalid url",
            Self::InvalidConfig => "invalid setting",
            Self::Tls => "root certificates unavailable",
            Self::Connect => "connection failed",
            Self::Timeout => "timed out",
            Self::Status => "unexpected http status",
            Self::TooLarge => "response too large",
            Self::InvalidJson => "invalid document",
            Self::NoUsableKeys => "no usable key in the jwk set",
            Self::IssuerMismatch => "issuer mismatch",
        }
    }

    /// Whether the error is a configuration error, reported by a builder
    /// before anything is fetched.
    pub const fn is_config(self) -> bool {
        matches!(self, Self::InvalidUrl | Self::InvalidConfig | Self::Tls)
    }
}

impl fmt::Display for JwksErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}

/// A key set or discovery document that could not be had, or a source that
/// could not be built.
///
/// [`kind`](Self::kind) says what went wrong; the `Display` text adds the
/// detail (the URL, the status, the limit).
///
/// ```
/// use warden::jwks::{JwksErrorKind, JwksSource};
///
/// let err = JwksSource::builder("ftp://idp.example/jwks.json").build().unwrap_err();
/// assert_eq!(err.kind(), JwksErrorKind::InvalidUrl);
/// assert!(err.kind().is_config());
/// ```
#[derive(Clone)]
pub struct JwksError {
    kind: JwksErrorKind,
    detail: Cow<'static, str>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl JwksError {
    #[cold]
    pub(crate) fn new(kind: JwksErrorKind, detail: impl Into<Cow<'static, str>>) -> Self {
        Self { kind, detail: detail.into(), source: None }
    }

    #[cold]
    pub(crate) fn with_source(mut self, source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        self.source = Some(Arc::from(source.into()));
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> JwksErrorKind {
        self.kind
    }
}

impl fmt::Debug for JwksError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwksError")
            .field("kind", &self.kind)
            .field("detail", &self.detail)
            .field("source", &self.source)
            .finish()
    }
}

impl fmt::Display for JwksError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.detail.is_empty() {
            f.write_str(self.kind.description())
        } else {
            write!(f, "{}: {}", self.kind.description(), self.detail)
        }
    }
}

impl std::error::Error for JwksError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|source| source as &(dyn std::error::Error + 'static))
    }
}
